/** TODO(stub): being written. */
import type { Step } from '../engine/types.js';
import type { NotificationsOut } from './outputs.js';

export const notificationsStep: Step<unknown, NotificationsOut> = {
  id: 'notifications',
  title: 'Notifications (SNS)',
  needs: [],
  enabled: () => false,
  detect: async () => undefined,
  plan: () => [],
  outputs: () => ({}),
  apply: async () => {
    throw new Error('not implemented');
  },
};
