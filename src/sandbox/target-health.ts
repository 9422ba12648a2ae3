/**
 * Target health as the load balancer's health checks would find it, derived from the instance
 * (running? serving HTTP yet?), the network (does the instance's security group admit the load
 * balancer's?) and time (N consecutive checks at the configured interval). Elastic Load
 * Balancing's DescribeTargetHealth and Auto Scaling's ELB health checks both read it here.
 */
import type { InstanceRecord, SimContext, TargetGroupRecord, TargetRecord, World } from './types.js';
import { instanceServesHttp, instanceState } from './instance-model.js';

export interface TargetHealth {
  State: 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';
  Reason?: string;
  Description?: string;
}

/** The load balancers whose listeners forward to this target group (directly or by a rule). */
export function loadBalancersOfTargetGroup(world: World, tg: TargetGroupRecord): string[] {
  const arns = new Set<string>();
  for (const l of world.elbv2.listeners) {
    if (l.defaultActions.some((a) => a.TargetGroupArn === tg.arn || JSON.stringify(a).includes(tg.arn))) {
      arns.add(l.loadBalancerArn);
    }
  }
  return [...arns];
}

/** Whether a group of `instance` admits TCP `port` from one of the load balancer's groups (or from anywhere). */
function admitsFromLoadBalancer(world: World, instance: InstanceRecord, lbGroupIds: string[], port: number): boolean {
  const groups = world.ec2.securityGroups.filter((g) => instance.securityGroupIds.includes(g.id));
  return groups.some((g) =>
    g.ingress.some((r) => {
      const portOk = r.ipProtocol === '-1' || (r.ipProtocol === 'tcp' && (r.fromPort ?? 0) <= port && port <= (r.toPort ?? 65535));
      if (!portOk) return false;
      if (r.cidrIpv4 === '0.0.0.0/0') return true;
      if (r.referencedGroupId && lbGroupIds.includes(r.referencedGroupId)) return true;
      // A CIDR covering the VPC admits the load balancer's private addresses too.
      const vpc = world.ec2.vpcs.find((v) => v.id === instance.vpcId);
      return !!r.cidrIpv4 && !!vpc && r.cidrIpv4 === vpc.cidr;
    }),
  );
}

/** The health the target group reports for one registered target now. */
export function targetHealth(ctx: SimContext, tg: TargetGroupRecord, target: TargetRecord): TargetHealth {
  const w = ctx.world;
  if (target.deregisteredAt !== undefined) {
    return { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' };
  }
  const lbArns = loadBalancersOfTargetGroup(w, tg);
  if (lbArns.length === 0) {
    return { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' };
  }
  const instance = w.ec2.instances.find((i) => i.id === target.id);
  if (!instance) return { State: 'unused', Reason: 'Target.InvalidState', Description: 'Target is in the terminated state' };
  const state = instanceState(ctx, instance);
  if (state !== 'running') {
    return { State: 'unused', Reason: 'Target.InvalidState', Description: `Target is in the ${state === 'pending' ? 'pending' : state === 'shutting-down' ? 'terminated' : state} state` };
  }
  const lbs = w.elbv2.loadBalancers.filter((lb) => lbArns.includes(lb.arn) && lb.deletedAt === undefined);
  const activeLb = lbs.find((lb) => ctx.now >= lb.activeAt);
  if (!activeLb) return { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' };

  const hc = tg.healthCheck;
  const interval = ctx.duration(hc.intervalSeconds * 1000);
  const checksFrom = Math.max(target.registeredAt, instance.runningAt, activeLb.activeAt);
  const port = hc.port === 'traffic-port' ? target.port : Number(hc.port);
  const reachable = admitsFromLoadBalancer(w, instance, activeLb.securityGroupIds, port);
  const serving = reachable && instanceServesHttp(ctx, instance);
  if (serving) {
    const healthyAt = Math.max(checksFrom, instance.serviceUpAt ?? checksFrom) + hc.healthyThreshold * interval;
    return ctx.now >= healthyAt ? { State: 'healthy' } : { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' };
  }
  // Not serving (yet, or ever): failed checks add up from the first one, as on AWS, where a
  // target still running its user data turns unhealthy; the group's grace period covers that.
  if (ctx.now >= checksFrom + hc.unhealthyThreshold * interval) {
    return reachable
      ? { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' }
      : { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' };
  }
  return { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' };
}
