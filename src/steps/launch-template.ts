/** TODO(stub): being written. */
import type { Step } from '../engine/types.js';
import type { LaunchTemplateOut } from './outputs.js';

export const launchTemplateStep: Step<unknown, LaunchTemplateOut> = {
  id: 'launch-template',
  title: 'Launch template',
  needs: ['bake', 'instance-security', 'instance-profile'],
  enabled: () => false,
  detect: async () => undefined,
  plan: () => [],
  outputs: () => ({}),
  apply: async () => {
    throw new Error('not implemented');
  },
};
