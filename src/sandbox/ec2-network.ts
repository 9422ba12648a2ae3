/** TODO(stub): replaced by the real simulation. */
import type { Handler, SimContext } from './types.js';

export const networkHandlers: Record<string, Handler> = {};
export function networkTick(_ctx: SimContext): void {}
