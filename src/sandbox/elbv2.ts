/** TODO(stub): replaced by the real simulation. */
import type { ServiceSim } from './types.js';

export const elbv2Sim: ServiceSim = { clientName: 'ElasticLoadBalancingV2Client', handlers: {} };
