/** Every step of the lab, for the engine to order by `needs`. */
import type { Step } from '../engine/types.js';
import { networkStep } from './network.js';
import { loadBalancerStep } from './load-balancer.js';
import { instanceSecurityStep } from './instance-security.js';

export const ALL_STEPS: Step<any, any>[] = [networkStep, loadBalancerStep, instanceSecurityStep];
