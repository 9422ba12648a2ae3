/** Every lab step's teardown, for `destroy` (the engine orders them by reversing the lab graph). */
import type { AnyStep } from '../../engine/types.js';
import type { TeardownOptions } from './common.js';
import { autoScalingTeardown } from './auto-scaling.js';
import { notificationsTeardown } from './notifications.js';
import { launchTemplateTeardown } from './launch-template.js';
import { instanceProfileTeardown } from './instance-profile.js';
import { bakeTeardown } from './bake.js';
import { instanceSecurityTeardown } from './instance-security.js';
import { loadBalancerTeardown } from './load-balancer.js';
import { networkTeardown } from './network.js';

export type { TeardownOptions } from './common.js';

/** The teardowns, in the order a plan lists them (the reverse of the lab's). */
export function teardownSteps(options: TeardownOptions): AnyStep[] {
  return [
    autoScalingTeardown, notificationsTeardown, launchTemplateTeardown, instanceProfileTeardown,
    bakeTeardown(options), instanceSecurityTeardown, loadBalancerTeardown, networkTeardown,
  ] as AnyStep[];
}
