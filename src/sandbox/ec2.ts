/** TODO(stub): replaced by the real simulation. */
import type { ServiceSim } from './types.js';

export const ec2Sim: ServiceSim = { clientName: 'EC2Client', handlers: {} };
