/** TODO(stub): replaced by the real simulation. */
import type { ServiceSim } from './types.js';

export const iamSim: ServiceSim = { clientName: 'IAMClient', handlers: {} };
