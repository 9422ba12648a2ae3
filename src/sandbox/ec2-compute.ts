/** TODO(stub): replaced by the real simulation. */
import type { Handler, SimContext } from './types.js';

export const computeHandlers: Record<string, Handler> = {};
export function computeTick(_ctx: SimContext): void {}
