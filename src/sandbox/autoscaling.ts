/** TODO(stub): replaced by the real simulation. */
import type { ServiceSim } from './types.js';

export const autoScalingSim: ServiceSim = { clientName: 'AutoScalingClient', handlers: {} };
