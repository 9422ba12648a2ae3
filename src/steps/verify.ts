/** TODO(stub): being written. */
import type { Step } from '../engine/types.js';
import type { VerifyOut } from './outputs.js';

export const verifyStep: Step<unknown, VerifyOut> = {
  id: 'verify',
  title: 'Verify',
  needs: ['auto-scaling', 'load-balancer'],
  enabled: () => false,
  detect: async () => undefined,
  plan: () => [],
  outputs: () => ({}),
  apply: async () => {
    throw new Error('not implemented');
  },
};
