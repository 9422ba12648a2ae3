/** Every step of the lab, for the engine to order by `needs`. */
import type { AnyStep } from '../engine/types.js';
import { networkStep } from './network.js';
import { bakeStep } from './bake.js';
import { bakeCleanupStep } from './bake-cleanup.js';
import { loadBalancerStep } from './load-balancer.js';
import { instanceSecurityStep } from './instance-security.js';
import { instanceProfileStep } from './instance-profile.js';
import { launchTemplateStep } from './launch-template.js';
import { notificationsStep } from './notifications.js';
import { autoScalingStep } from './auto-scaling.js';
import { verifyStep } from './verify.js';

/** In the lab's order (the plan lists rows in this order; the engine runs by `needs`). */
export const ALL_STEPS: AnyStep[] = [
  networkStep,
  bakeStep,
  bakeCleanupStep,
  loadBalancerStep,
  instanceSecurityStep,
  instanceProfileStep,
  launchTemplateStep,
  notificationsStep,
  autoScalingStep,
  verifyStep,
];
