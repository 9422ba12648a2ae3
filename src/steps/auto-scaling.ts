/** TODO(stub): being written. */
import type { Step } from '../engine/types.js';
import type { AutoScalingOut } from './outputs.js';

export const autoScalingStep: Step<unknown, AutoScalingOut> = {
  id: 'auto-scaling',
  title: 'Auto Scaling group',
  needs: ['network', 'load-balancer', 'launch-template', 'notifications'],
  enabled: () => false,
  detect: async () => undefined,
  plan: () => [],
  outputs: () => ({}),
  apply: async () => {
    throw new Error('not implemented');
  },
};
