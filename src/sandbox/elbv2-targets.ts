/**
 * Targets of an Elastic Load Balancing v2 target group: registration (instances must exist, be
 * in the group's VPC and not be stopped or terminated), deregistration with connection draining,
 * and health as the load balancer's checks find it (`target-health.ts`). The tick removes
 * targets whose draining is over, and starts draining the ones whose instance is terminating.
 */
import { InvalidTargetException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbError, modeledError } from './errors.js';
import { instanceState } from './instance-model.js';
import { loadBalancersOfTargetGroup, targetHealth, type TargetHealth } from './target-health.js';
import type { Handler, SimContext, TargetGroupRecord, TargetRecord } from './types.js';
import { findTargetGroup, ipInCidr } from './elbv2-common.js';

type TargetInput = { Id?: string; Port?: number; AvailabilityZone?: string };

function targetsOf(input: { Targets?: TargetInput[] }, required: boolean): TargetInput[] {
  const targets = input.Targets ?? [];
  if (required && targets.length === 0) throw elbError('ValidationError', 'At least one target must be specified');
  for (const t of targets) {
    if (!t.Id) throw elbError('ValidationError', 'A target ID must be specified');
    if (t.Port !== undefined && (!Number.isInteger(t.Port) || t.Port < 1 || t.Port > 65535)) {
      throw elbError('ValidationError', `Target port '${t.Port}' must be from 1 to 65535`);
    }
  }
  return targets;
}


/** The AZ a new target is in; throws `InvalidTarget` as AWS does for one it cannot register. */
function checkRegistrable(ctx: SimContext, tg: TargetGroupRecord, t: TargetInput): string | undefined {
  const id = t.Id!;
  if (tg.targetType === 'ip') {
    if (!ipInCidr(id, '0.0.0.0/0')) throw modeledError(InvalidTargetException, `The IP address '${id}' is not a valid IPv4 address`);
    return t.AvailabilityZone ?? ctx.world.ec2.subnets.find((s) => s.vpcId === tg.vpcId && ipInCidr(id, s.cidr))?.az;
  }
  const inst = ctx.world.ec2.instances.find((i) => i.id === id);
  if (!inst) throw modeledError(InvalidTargetException, `Instance ID '${id}' is not valid`);
  const state = instanceState(ctx, inst);
  // A pending instance may be registered (its health reads "unused" until it runs); stopped or terminated ones may not.
  if (state !== 'running' && state !== 'pending') {
    throw modeledError(InvalidTargetException, `The following targets are not in a running state and cannot be registered: '${id}'`);
  }
  if (inst.vpcId !== tg.vpcId) {
    throw modeledError(InvalidTargetException, `The following targets are not in the target group VPC '${tg.vpcId}': '${id}'`);
  }
  return inst.az;
}

const registerTargets: Handler = (ctx, input: { TargetGroupArn?: string; Targets?: TargetInput[] }) => {
  const tg = findTargetGroup(ctx.world, input.TargetGroupArn);
  const targets = targetsOf(input, true);
  // Validate every target before registering any: AWS registers all or none.
  const checked = targets.map((t) => ({ id: t.Id!, port: t.Port ?? tg.port, az: checkRegistrable(ctx, tg, t) }));
  for (const c of checked) {
    const existing = tg.targets.find((x) => x.id === c.id && x.port === c.port);
    if (existing && existing.deregisteredAt === undefined) continue;
    if (existing) {
      // Registering a draining target again puts it back in service, through the initial checks.
      delete existing.deregisteredAt;
      delete existing.drainedAt;
      existing.registeredAt = ctx.now;
      continue;
    }
    const rec: TargetRecord = { id: c.id, port: c.port, registeredAt: ctx.now, ...(c.az ? { az: c.az } : {}) };
    tg.targets.push(rec);
  }
  return {};
};

/** Starts connection draining for a target (no-op if it is draining already). */
export function startDraining(ctx: SimContext, tg: TargetGroupRecord, target: TargetRecord): void {
  if (target.deregisteredAt !== undefined) return;
  target.deregisteredAt = ctx.now;
  // A group no load balancer uses has no connections to drain.
  const delay = loadBalancersOfTargetGroup(ctx.world, tg).length ? tg.deregistrationDelaySeconds * 1000 : 0;
  target.drainedAt = ctx.now + ctx.duration(delay);
}

const deregisterTargets: Handler = (ctx, input: { TargetGroupArn?: string; Targets?: TargetInput[] }) => {
  const tg = findTargetGroup(ctx.world, input.TargetGroupArn);
  const targets = targetsOf(input, true);
  const found = targets.map((t) => {
    const port = t.Port ?? tg.port;
    const rec = tg.targets.find((x) => x.id === t.Id && x.port === port);
    if (!rec) {
      throw modeledError(InvalidTargetException, `The following targets are not registered in target group '${tg.arn}': '${t.Id!}'${t.Port ? ` on port ${t.Port}` : ''}`);
    }
    return rec;
  });
  for (const rec of found) startDraining(ctx, tg, rec);
  return {};
};

function healthCheckPort(tg: TargetGroupRecord, target: { port: number }): string {
  return tg.healthCheck.port === 'traffic-port' ? String(target.port) : tg.healthCheck.port;
}

function describeOne(tg: TargetGroupRecord, target: { id: string; port: number; az?: string }, health: TargetHealth) {
  return {
    Target: { Id: target.id, Port: target.port, ...(target.az ? { AvailabilityZone: target.az } : {}) },
    HealthCheckPort: healthCheckPort(tg, target),
    TargetHealth: { ...health },
  };
}

const NOT_REGISTERED: TargetHealth = { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' };

const describeTargetHealth: Handler = (ctx, input: { TargetGroupArn?: string; Targets?: TargetInput[] }) => {
  const w = ctx.world;
  const tg = findTargetGroup(w, input.TargetGroupArn);
  const wanted = targetsOf(input, false);
  if (wanted.length === 0) {
    return { TargetHealthDescriptions: tg.targets.map((t) => describeOne(tg, t, targetHealth(ctx, tg, t))) };
  }
  const out = [];
  for (const t of wanted) {
    const matches = tg.targets.filter((x) => x.id === t.Id && (t.Port === undefined || x.port === t.Port));
    if (matches.length) {
      for (const m of matches) out.push(describeOne(tg, m, targetHealth(ctx, tg, m)));
      continue;
    }
    const inst = w.ec2.instances.find((i) => i.id === t.Id);
    if (tg.targetType === 'instance' && !inst) throw modeledError(InvalidTargetException, `The following targets are not valid: '${t.Id!}'`);
    out.push(describeOne(tg, { id: t.Id!, port: t.Port ?? tg.port, ...(inst ? { az: inst.az } : {}) }, NOT_REGISTERED));
  }
  return { TargetHealthDescriptions: out };
};

/** What Elastic Load Balancing does on its own: draining ends, terminated instances leave. */
export function targetsTick(ctx: SimContext): void {
  const w = ctx.world;
  for (const tg of w.elbv2.targetGroups) {
    for (const t of tg.targets) {
      if (tg.targetType !== 'instance' || t.deregisteredAt !== undefined) continue;
      const inst = w.ec2.instances.find((i) => i.id === t.id);
      // A terminating instance is deregistered by the load balancer itself, draining first.
      if (inst && inst.terminatingAt !== undefined) startDraining(ctx, tg, t);
    }
    tg.targets = tg.targets.filter((t) => {
      if (t.drainedAt !== undefined && ctx.now >= t.drainedAt) return false;
      return tg.targetType !== 'instance' || w.ec2.instances.some((i) => i.id === t.id);
    });
  }
}

/** The target commands. */
export const targetHandlers: Record<string, Handler> = {
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
};
