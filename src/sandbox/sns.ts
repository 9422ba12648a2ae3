/** TODO(stub): replaced by the real simulation. */
import type { ServiceSim } from './types.js';

export const snsSim: ServiceSim = { clientName: 'SNSClient', handlers: {} };
