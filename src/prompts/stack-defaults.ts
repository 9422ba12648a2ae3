/**
 * A re-run's defaults: the stack's current values. Pressing Enter on `up --stack Old` must keep
 * what Old was built with (`--max-size 6` stays 6), so before asking, the stack's group, policy,
 * launch template and load balancer are read (reads only) and their values become the
 * questions' defaults. A stack that does not exist yet gives none: the lab's values apply.
 */
import type { AwsApi } from '../aws/api.js';
import type { StackConfig } from '../config/schema.js';

/** What the stack has now, as the answers that would keep it. */
export interface StackDefaults {
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
  instanceType?: string;
  cpuTarget?: number;
  /** The stack's VPC (its load balancer's). */
  vpcId?: string;
  /** The load balancer's subnets. */
  publicSubnets?: string[];
  /** The group's subnets. */
  privateSubnets?: string[];
}

const CPU_METRIC = 'ASGAverageCPUUtilization';

/** Reads the stack named by `config` (found by its names, as `up` and `status` find it). */
export async function readStackDefaults(aws: AwsApi, config: StackConfig): Promise<StackDefaults> {
  const [group, lt, lb] = await Promise.all([
    aws.autoscaling.findGroup(config.asg.name),
    aws.launchTemplates.find(config.launchTemplate.name),
    aws.elbv2.findLoadBalancer(config.alb.name),
  ]);
  const [policies, version] = await Promise.all([
    group ? aws.autoscaling.policies(group.name) : Promise.resolve([]),
    lt ? aws.launchTemplates.version(lt.id, lt.defaultVersion) : Promise.resolve(undefined),
  ]);
  const cpu = policies.find((p) => p.metric === CPU_METRIC && p.targetValue !== undefined);
  const out: StackDefaults = {};
  if (group) Object.assign(out, { minSize: group.min, maxSize: group.max, desiredCapacity: group.desired, privateSubnets: group.subnetIds });
  if (version?.instanceType) out.instanceType = version.instanceType;
  if (cpu?.targetValue !== undefined) out.cpuTarget = cpu.targetValue;
  if (lb) Object.assign(out, { vpcId: lb.vpcId, publicSubnets: lb.subnetIds });
  return out;
}
