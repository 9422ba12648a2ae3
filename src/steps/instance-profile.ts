/** TODO(stub): being written. */
import type { Step } from '../engine/types.js';
import type { InstanceProfileOut } from './outputs.js';

export const instanceProfileStep: Step<unknown, InstanceProfileOut> = {
  id: 'instance-profile',
  title: 'Session Manager profile',
  needs: [],
  enabled: () => false,
  detect: async () => undefined,
  plan: () => [],
  outputs: () => ({}),
  apply: async () => {
    throw new Error('not implemented');
  },
};
