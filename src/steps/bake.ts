/** TODO(stub): being written. */
import type { Step } from '../engine/types.js';
import type { BakeOut } from './outputs.js';

export const bakeStep: Step<unknown, BakeOut> = {
  id: 'bake',
  title: 'Bake (AMI)',
  needs: ['network'],
  enabled: () => false,
  detect: async () => undefined,
  plan: () => [],
  outputs: () => ({}),
  apply: async () => {
    throw new Error('not implemented');
  },
};
