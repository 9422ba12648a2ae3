/**
 * What Auto Scaling does on its own, run on every sandbox call (before and after the handler):
 * instances move Pending → InService (registered with the target groups) → Terminating →
 * Terminated; health checks mark instances Unhealthy and replace them; the group launches or
 * terminates instances until it has its desired capacity; instance refreshes, target tracking
 * and scheduled actions change what it wants. Each step reads the current state only, so running
 * it twice in a row changes nothing the second time.
 */
import type {
  AsgInstanceRecord,
  AutoScalingGroupRecord,
  InstanceRecord,
  ScalingActivityRecord,
  SimContext,
  SubnetRecord,
  Tag,
} from './types.js';
import { instanceState, launchInstance, terminateInstance, type LaunchOptions } from './instance-model.js';
import { targetHealth } from './target-health.js';
import {
  activeInstances, addActivity, atTime, findActivity, makeEnv, notifyActivity, resolveTemplate, type ReconcileEnv, type ResolvedTemplate,
} from './autoscaling-common.js';
import { refreshStep } from './autoscaling-refresh.js';
import { evaluateTargetTracking, runScheduledActions } from './autoscaling-policies.js';

/** Back-off between failed launch attempts (AWS retries a failing launch every few seconds at first). */
const LAUNCH_RETRY_MS = 10_000;

/**
 * The call's context as of `at` (not after now): what Auto Scaling does on its own happens when
 * it is due, whenever the next call comes to see it, as on AWS, where no caller's polling moves it.
 */
function asOf(ctx: SimContext, at: number): SimContext {
  return at < ctx.now ? { ...ctx, now: at } : ctx;
}

/** The Auto Scaling tick: every group, one pass. */
export function reconcile(ctx: SimContext): void {
  const groups = ctx.world.autoscaling.groups;
  if (groups.length === 0) return;
  const env = makeEnv(ctx);
  for (const g of [...groups]) reconcileGroup(ctx, g, env);
}

function reconcileGroup(ctx: SimContext, g: AutoScalingGroupRecord, env: ReconcileEnv): void {
  const suspended = new Set(g.suspendedProcesses);
  progressInstances(ctx, g, env, suspended);
  if (g.deletingAt !== undefined && g.instances.length === 0) {
    removeGroup(ctx, g);
    return;
  }
  if (g.deletingAt === undefined) {
    if (!suspended.has('ScheduledActions')) runScheduledActions(ctx, g, env.scheduled(g.name));
    if (!suspended.has('AlarmNotification')) evaluateTargetTracking(ctx, g, env);
  }
  const override = g.deletingAt === undefined
    ? refreshStep(ctx, g, suspended, (inst, cause) => startTermination(ctx, g, inst, env, cause))
    : undefined;
  const before = g.instances.length;
  reconcileCapacity(ctx, g, env, suspended, override);
  // Instances launched as of when the group reacted may be running by now: what they did since
  // shows at once (a fresh index: the tick's own does not know them).
  if (g.instances.length > before) progressInstances(ctx, g, makeEnv(ctx), suspended);
}

/** Lifecycle and health: what EC2 and the target groups now say about each instance. */
function progressInstances(ctx: SimContext, g: AutoScalingGroupRecord, env: ReconcileEnv, suspended: Set<string>): void {
  const grace = ctx.duration(g.healthCheckGracePeriod * 1000);
  for (const inst of [...g.instances]) {
    const ec2 = env.instance(inst.instanceId);
    const state = ec2 ? instanceState(ctx, ec2) : 'terminated';
    const gone = state === 'terminated' || state === 'shutting-down' || state === 'stopping' || state === 'stopped';
    if (inst.lifecycle === 'Terminating') {
      if (state === 'terminated') finishTermination(ctx, g, inst, env);
      else if (ec2 && ec2.terminatingAt === undefined && ctx.now >= (inst.drainUntil ?? 0)) {
        terminateInstance(ctx, ec2);
        const act = findActivity(ctx.world, inst.terminateActivityId);
        if (act && act.statusCode === 'WaitingForELBConnectionDraining') Object.assign(act, { statusCode: 'InProgress', progress: 50 });
      }
      continue;
    }
    if (inst.lifecycle !== 'Pending' && inst.lifecycle !== 'InService') continue;
    if (gone) {
      // Stopped or terminated outside Auto Scaling: the EC2 status check fails it.
      if (inst.health === 'Healthy' && !suspended.has('HealthCheck')) Object.assign(inst, { health: 'Unhealthy', unhealthyReason: 'ec2' });
    } else if (inst.lifecycle === 'Pending' && state === 'running') {
      // In service (and registered) when EC2 said running, not when a call next looked.
      const then = asOf(ctx, Math.max(ec2!.runningAt, inst.launchedAt));
      if (!inst.registered && g.targetGroupArns.length > 0 && !suspended.has('AddToLoadBalancer')) register(then, g, inst, env);
      inst.lifecycle = 'InService';
      inst.inServiceAt = then.now;
      const act = findActivity(ctx.world, inst.launchActivityId);
      if (act && act.statusCode !== 'Successful') {
        Object.assign(act, { statusCode: 'Successful', progress: 100, endTime: then.now });
        notifyActivity(then, g, act, 'autoscaling:EC2_INSTANCE_LAUNCH');
      }
    } else if (
      inst.lifecycle === 'InService' && inst.health === 'Healthy' && g.healthCheckType === 'ELB' &&
      !suspended.has('HealthCheck') && ctx.now >= inst.launchedAt + grace && failsElbCheck(ctx, g, inst, env)
    ) {
      Object.assign(inst, { health: 'Unhealthy', unhealthyReason: 'elb' });
    }
    if (inst.health === 'Unhealthy' && !suspended.has('ReplaceUnhealthy')) {
      startTermination(ctx, g, inst, env, `At ${atTime(ctx.now)} ${HEALTH_CAUSES[inst.unhealthyReason ?? 'ec2']}`);
    }
  }
}

const HEALTH_CAUSES = {
  ec2: 'an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.',
  elb: 'an instance was taken out of service in response to an ELB system health check failure.',
  user: 'an instance was taken out of service in response to a user health-check.',
} as const;

function failsElbCheck(ctx: SimContext, g: AutoScalingGroupRecord, inst: AsgInstanceRecord, env: ReconcileEnv): boolean {
  for (const arn of g.targetGroupArns) {
    const tg = env.targetGroup(arn);
    const target = tg?.targets.find((t) => t.id === inst.instanceId && t.deregisteredAt === undefined);
    if (tg && target && targetHealth(ctx, tg, target).State === 'unhealthy') return true;
  }
  return false;
}

function register(ctx: SimContext, g: AutoScalingGroupRecord, inst: AsgInstanceRecord, env: ReconcileEnv): void {
  for (const arn of g.targetGroupArns) {
    const tg = env.targetGroup(arn);
    if (!tg || tg.targets.some((t) => t.id === inst.instanceId && t.deregisteredAt === undefined)) continue;
    tg.targets.push({ id: inst.instanceId, port: tg.port, az: inst.az, registeredAt: ctx.now });
  }
  inst.registered = true;
}

/**
 * Takes an instance out of service: deregisters it (connection draining), then terminates it in
 * EC2 once drained. Returns the "Terminating EC2 instance" activity.
 */
export function startTermination(
  ctx: SimContext, g: AutoScalingGroupRecord, inst: AsgInstanceRecord, env: ReconcileEnv, cause: string,
): ScalingActivityRecord {
  let drainUntil = ctx.now;
  for (const arn of g.targetGroupArns) {
    const tg = env.targetGroup(arn);
    for (const t of tg?.targets ?? []) {
      if (t.id !== inst.instanceId || t.deregisteredAt !== undefined) continue;
      t.deregisteredAt = ctx.now;
      t.drainedAt = ctx.now + ctx.duration(tg!.deregistrationDelaySeconds * 1000);
      drainUntil = Math.max(drainUntil, t.drainedAt);
    }
  }
  const launch = findActivity(ctx.world, inst.launchActivityId);
  if (launch && launch.statusCode !== 'Successful') Object.assign(launch, { statusCode: 'Successful', progress: 100, endTime: ctx.now });
  const ec2 = env.instance(inst.instanceId);
  const draining = drainUntil > ctx.now;
  const act = addActivity(ctx, g, {
    description: `Terminating EC2 instance: ${inst.instanceId}`,
    cause,
    statusCode: draining ? 'WaitingForELBConnectionDraining' : 'InProgress',
    progress: draining ? 0 : 50,
    details: details(ctx, ec2, inst.az),
    instanceId: inst.instanceId,
    event: 'terminate',
  });
  Object.assign(inst, { lifecycle: 'Terminating', terminateActivityId: act.id, drainUntil });
  if (!draining && ec2) terminateInstance(ctx, ec2);
  return act;
}

function finishTermination(ctx: SimContext, g: AutoScalingGroupRecord, inst: AsgInstanceRecord, env: ReconcileEnv): void {
  inst.lifecycle = 'Terminated';
  const act = findActivity(ctx.world, inst.terminateActivityId);
  if (act && act.statusCode !== 'Successful') {
    Object.assign(act, { statusCode: 'Successful', progress: 100, endTime: ctx.now });
    notifyActivity(ctx, g, act, 'autoscaling:EC2_INSTANCE_TERMINATE');
  }
  g.instances = g.instances.filter((i) => i !== inst);
  // A drained target of a terminated instance leaves the target group.
  for (const arn of g.targetGroupArns) {
    const tg = env.targetGroup(arn);
    if (tg) tg.targets = tg.targets.filter((t) => t.id !== inst.instanceId || t.drainedAt === undefined || t.drainedAt > ctx.now);
  }
}

function removeGroup(ctx: SimContext, g: AutoScalingGroupRecord): void {
  const a = ctx.world.autoscaling;
  a.groups = a.groups.filter((x) => x !== g);
  a.policies = a.policies.filter((p) => p.groupName !== g.name);
  a.scheduledActions = a.scheduledActions.filter((s) => s.groupName !== g.name);
  a.notificationConfigurations = a.notificationConfigurations.filter((n) => n.groupName !== g.name);
  a.instanceRefreshes = a.instanceRefreshes.filter((r) => r.groupName !== g.name);
}

function details(ctx: SimContext, ec2: InstanceRecord | undefined, az: string, subnetId?: string): Record<string, string> {
  return { 'Subnet ID': subnetId ?? ec2?.subnetId ?? '', 'Availability Zone': ec2?.az ?? az };
}

/** Launches or terminates until the group has its desired capacity. */
function reconcileCapacity(
  ctx: SimContext, g: AutoScalingGroupRecord, env: ReconcileEnv, suspended: Set<string>, override: ResolvedTemplate | string | undefined,
): void {
  const active = activeInstances(g);
  const desired = g.desiredCapacity;
  if (active.length === desired) {
    delete g.capacityCause;
    delete g.replaceCause;
    return;
  }
  if (ctx.now < (g.capacityCheckAt ?? 0)) return;
  const prefix = g.capacityCause ? `${g.capacityCause}  ` : '';
  if (active.length < desired) {
    if (suspended.has('Launch')) return;
    // Launched when the group reacted, not when a call next looked (every call ticks first, so
    // nothing changed the group in between).
    const then = asOf(ctx, g.capacityCheckAt ?? ctx.now);
    const cause = g.replaceCause ?? `${prefix}At ${atTime(then.now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${active.length} to ${desired}.`;
    launchMany(then, g, env, desired - active.length, cause, override ?? resolveTemplate(ctx.world, g.launchTemplate), ctx.now);
    return;
  }
  // A force-deleted group terminates its instances even with Terminate suspended.
  if (suspended.has('Terminate') && g.deletingAt === undefined) return;
  const victims = chooseVictims(ctx, g, active, active.length - desired);
  if (victims.length === 0) return;
  const now = atTime(ctx.now);
  const cause = `${prefix}At ${now} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${active.length} to ${desired}.` +
    victims.map((v) => `  At ${now} instance ${v.instanceId} was selected for termination.`).join('');
  for (const v of victims) startTermination(ctx, g, v, env, cause);
}

/**
 * AWS's default termination policy: the AZ with the most instances first, then instances on an
 * older launch template or version, then the one closest to the next billing hour (here: the
 * oldest). Protected instances are skipped, except when the group is being force-deleted.
 */
function chooseVictims(ctx: SimContext, g: AutoScalingGroupRecord, active: AsgInstanceRecord[], count: number): AsgInstanceRecord[] {
  const current = resolveTemplate(ctx.world, g.launchTemplate);
  const cur = typeof current === 'string' ? undefined : current.used;
  const outdated = (i: AsgInstanceRecord) => (cur && i.launchTemplate?.id === cur.id && i.launchTemplate.version === cur.version ? 0 : 1);
  const pool = active.filter((i) => g.deletingAt !== undefined || !i.protectedFromScaleIn);
  const perAz = new Map<string, number>();
  for (const i of active) perAz.set(i.az, (perAz.get(i.az) ?? 0) + 1);
  const out: AsgInstanceRecord[] = [];
  while (out.length < count && pool.length > 0) {
    pool.sort((a, b) =>
      (perAz.get(b.az) ?? 0) - (perAz.get(a.az) ?? 0) ||
      outdated(b) - outdated(a) ||
      Number(a.launchTemplate?.version ?? 0) - Number(b.launchTemplate?.version ?? 0) ||
      a.launchedAt - b.launchedAt);
    const v = pool.shift()!;
    perAz.set(v.az, (perAz.get(v.az) ?? 0) - 1);
    out.push(v);
  }
  return out;
}

/** The subnet whose AZ holds the fewest of the group's instances (AWS balances across AZs). */
function pickSubnet(ctx: SimContext, g: AutoScalingGroupRecord): SubnetRecord | undefined {
  const subnets = g.subnetIds.map((id) => ctx.world.ec2.subnets.find((s) => s.id === id)).filter((s): s is SubnetRecord => !!s);
  let best: SubnetRecord | undefined;
  let bestCount = Infinity;
  for (const s of subnets) {
    const n = g.instances.filter((i) => i.az === s.az && i.lifecycle !== 'Terminating' && i.lifecycle !== 'Terminated').length;
    if (n < bestCount) [best, bestCount] = [s, n];
  }
  return best;
}

/** Launches `n` instances as of `ctx.now`; a failed launch is tried again some time after `seenAt` (the call that met it). */
function launchMany(ctx: SimContext, g: AutoScalingGroupRecord, env: ReconcileEnv, n: number, cause: string, tpl: ResolvedTemplate | string, seenAt: number): void {
  for (let k = 0; k < n; k++) {
    const subnet = pickSubnet(ctx, g);
    const opts = subnet ? launchOptions(ctx, g, tpl, subnet) : 'No subnet of the group exists any more.';
    if (typeof opts === 'string') {
      const message = `${opts} Launching EC2 instance failed.`;
      const act = addActivity(ctx, g, {
        description: `Launching a new EC2 instance.  Status Reason: ${message}`,
        cause, statusCode: 'Failed', statusMessage: message, progress: 100, endTime: ctx.now,
        details: { 'Subnet ID': subnet?.id ?? '', 'Availability Zone': subnet?.az ?? '' }, event: 'launch',
      });
      notifyActivity(ctx, g, act, 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR');
      // At least a millisecond: the tick after the same call's handler does not retry at once.
      g.capacityCheckAt = seenAt + Math.max(1, ctx.duration(LAUNCH_RETRY_MS));
      return;
    }
    const ec2 = launchInstance(ctx, opts);
    const act = addActivity(ctx, g, {
      description: `Launching a new EC2 instance: ${ec2.id}`,
      cause, statusCode: 'InProgress', progress: 30,
      details: details(ctx, ec2, ec2.az), instanceId: ec2.id, event: 'launch',
    });
    g.instances.push({
      instanceId: ec2.id, az: ec2.az, lifecycle: 'Pending', health: 'Healthy',
      ...(opts.launchTemplate ? { launchTemplate: opts.launchTemplate } : {}),
      instanceType: ec2.instanceType, protectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
      launchedAt: ctx.now, launchActivityId: act.id,
    });
  }
  delete g.capacityCheckAt;
}

type LtData = {
  ImageId?: string;
  InstanceType?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  NetworkInterfaces?: { DeviceIndex?: number; Groups?: string[]; AssociatePublicIpAddress?: boolean }[];
  UserData?: string;
  MetadataOptions?: { HttpTokens?: 'required' | 'optional' };
  IamInstanceProfile?: { Arn?: string; Name?: string };
  TagSpecifications?: { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[];
};

const specTags = (data: LtData, type: string): Tag[] =>
  (data.TagSpecifications ?? []).filter((s) => s.ResourceType === type)
    .flatMap((s) => s.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));

/** What EC2 is asked to run, from the launch template version; a string is why EC2 refuses. */
function launchOptions(ctx: SimContext, g: AutoScalingGroupRecord, tpl: ResolvedTemplate | string, subnet: SubnetRecord): LaunchOptions | string {
  if (typeof tpl === 'string') return tpl;
  const w = ctx.world;
  const data = tpl.version.data as LtData;
  let imageId = data.ImageId;
  if (imageId?.startsWith('resolve:ssm:')) imageId = w.ssm.parameters.find((p) => p.name === imageId!.slice(12))?.value ?? imageId;
  if (!imageId) return 'The request must contain the parameter ImageId.';
  const image = w.ec2.images.find((i) => i.id === imageId);
  if (!image || (image.deregisteredAt !== undefined && ctx.now >= image.deregisteredAt)) return `The image id '[${imageId}]' does not exist.`;
  if (ctx.now < image.availableAt) return `The image id '[${imageId}]' is not available (its state is pending).`;
  const instanceType = data.InstanceType;
  if (!instanceType) return 'The request must contain the parameter InstanceType.';
  if (!w.ec2.offeredInstanceTypes.includes(instanceType)) {
    return `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${subnet.az}).`;
  }
  const eni = data.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  let groups = data.SecurityGroupIds ?? eni?.Groups;
  if (!groups && data.SecurityGroups) {
    groups = data.SecurityGroups.map((name) => w.ec2.securityGroups.find((s) => s.name === name && s.vpcId === subnet.vpcId)?.id ?? name);
  }
  if (!groups || groups.length === 0) groups = w.ec2.securityGroups.filter((s) => s.vpcId === subnet.vpcId && s.name === 'default').map((s) => s.id);
  for (const id of groups) {
    if (!w.ec2.securityGroups.some((s) => s.id === id && s.vpcId === subnet.vpcId)) return `The security group '${id}' does not exist in VPC '${subnet.vpcId}'.`;
  }
  let iamInstanceProfileArn: string | undefined;
  const ip = data.IamInstanceProfile;
  if (ip?.Arn || ip?.Name) {
    const prof = w.iam.instanceProfiles.find((p) => (ip.Arn ? p.arn === ip.Arn : p.name === ip.Name));
    if (!prof) return `Value (${ip.Arn ?? ip.Name}) for parameter iamInstanceProfile.${ip.Arn ? 'arn' : 'name'} is invalid. Invalid IAM Instance Profile ${ip.Arn ? 'ARN' : 'name'}.`;
    iamInstanceProfileArn = prof.arn;
  }
  // Group tags marked PropagateAtLaunch win over the template's tags with the same key.
  const tags = new Map<string, string>();
  for (const t of specTags(data, 'instance')) tags.set(t.Key, t.Value);
  for (const t of g.tags) if (t.PropagateAtLaunch) tags.set(t.Key, t.Value);
  tags.set('aws:autoscaling:groupName', g.name);
  tags.set('aws:ec2launchtemplate:id', tpl.used.id);
  tags.set('aws:ec2launchtemplate:version', tpl.used.version);
  return {
    imageId, instanceType, subnetId: subnet.id, securityGroupIds: groups,
    ...(data.UserData ? { userData: data.UserData } : {}),
    ...(data.MetadataOptions?.HttpTokens ? { httpTokens: data.MetadataOptions.HttpTokens } : {}),
    ...(iamInstanceProfileArn ? { iamInstanceProfileArn } : {}),
    launchTemplate: tpl.used,
    ...(eni?.AssociatePublicIpAddress !== undefined ? { associatePublicIp: eni.AssociatePublicIpAddress } : {}),
    tags: [...tags].map(([Key, Value]) => ({ Key, Value })),
    volumeTags: specTags(data, 'volume'),
  };
}
