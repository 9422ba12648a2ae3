/**
 * Amazon EC2 Auto Scaling: groups, their instances and scaling activities. Settings (tags,
 * notifications, metrics, processes) are in autoscaling-config.ts, policies and scheduled actions
 * in autoscaling-policies.ts, instance refreshes in autoscaling-refresh.ts, and what the service
 * does on its own in autoscaling-reconcile.ts (the tick).
 */
import {
  AlreadyExistsFault,
  LimitExceededFault,
  ResourceInUseFault,
  ScalingActivityInProgressFault,
} from '@aws-sdk/client-auto-scaling';
import { modeledError } from './errors.js';
import type { AsgInstanceRecord, AutoScalingGroupRecord, Handler, ServiceSim, SimContext } from './types.js';
import {
  activityOutput, atTime, changeDesired, findGroup, groupArn, liveGroup, makeEnv, paginate, requireString, resolveTemplate, validation,
  type TemplateSpec,
} from './autoscaling-common.js';
import { reconcile, startTermination } from './autoscaling-reconcile.js';
import { checkTags, configHandlers, tagDescriptions } from './autoscaling-config.js';
import { policyHandlers } from './autoscaling-policies.js';
import { refreshHandlers } from './autoscaling-refresh.js';
import { checkLaunchable } from './autoscaling-launch-check.js';
import { TIMES } from './timings.js';

/** AWS's default quota of Auto Scaling groups per region. */
const GROUP_LIMIT = 500;

type LtInput = { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };

/** The launch template a create/update names, checked against EC2 as AWS does. */
function templateOf(ctx: SimContext, input: Record<string, any>, required: boolean): TemplateSpec | undefined {
  const lt = (input.LaunchTemplate ?? input.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification) as LtInput | undefined;
  if (!lt) {
    if (input.LaunchConfigurationName) {
      throw validation(`Launch configuration name not found - Launch configuration ${String(input.LaunchConfigurationName)} not found`);
    }
    if (required) throw validation('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
    return undefined;
  }
  if (!!lt.LaunchTemplateId === !!lt.LaunchTemplateName) {
    throw validation('Valid requests must contain either launchTemplateId or LaunchTemplateName');
  }
  const version = lt.Version ?? '$Default';
  if (version !== '$Default' && version !== '$Latest' && !/^\d+$/.test(version)) {
    throw validation(`You must use a valid fully-formed launch template. Invalid launch template version: '${version}'. Specify a version number, $Latest or $Default.`);
  }
  const spec: TemplateSpec = { ...(lt.LaunchTemplateId ? { id: lt.LaunchTemplateId } : { name: lt.LaunchTemplateName }), version };
  const r = resolveTemplate(ctx.world, spec);
  if (typeof r === 'string') throw validation(`You must use a valid fully-formed launch template. ${r}`);
  return { id: r.lt.id, name: r.lt.name, version };
}

function checkSizes(min: number, max: number, desired: number): void {
  for (const [v, f] of [[min, 'minSize'], [max, 'maxSize'], [desired, 'desiredCapacity']] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw validation(`1 validation error detected: Value '${v}' at '${f}' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    }
  }
  if (min > max) throw validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) throw validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
}

/** The subnets of VPCZoneIdentifier (or the default subnets of AvailabilityZones), all in one VPC. */
function subnetsOf(ctx: SimContext, vpcZoneIdentifier: unknown, azs: unknown): string[] {
  const w = ctx.world;
  if (typeof vpcZoneIdentifier === 'string' && vpcZoneIdentifier.trim()) {
    const ids = [...new Set(vpcZoneIdentifier.split(',').map((s) => s.trim()).filter(Boolean))];
    const subnets = ids.map((id) => {
      const s = w.ec2.subnets.find((x) => x.id === id);
      if (!s) throw validation(`The subnet ID '${id}' does not exist`);
      return s;
    });
    if (new Set(subnets.map((s) => s.vpcId)).size > 1) throw validation(`The subnets ${ids.join(', ')} are not in the same VPC: all subnets of a group must belong to one VPC.`);
    return ids;
  }
  if (Array.isArray(azs) && azs.length > 0) {
    return (azs as string[]).map((az) => {
      const s = w.ec2.subnets.find((x) => x.az === az && x.defaultForAz);
      if (!s) throw validation(`Invalid Availability Zone: [${az}]`);
      return s.id;
    });
  }
  throw validation('At least one Availability Zone or VPC Subnet is required.');
}

function checkTargetGroups(ctx: SimContext, arns: unknown): string[] {
  const list = (arns ?? []) as string[];
  if (list.some((arn) => !ctx.world.elbv2.targetGroups.some((t) => t.arn === arn))) {
    throw validation('Provided Target Groups may not be valid. Please ensure they exist and try again.');
  }
  return [...new Set(list)];
}

function checkHealthCheck(type: unknown, grace: unknown): void {
  if (type !== undefined && type !== 'EC2' && type !== 'ELB') throw validation(`Invalid health check type ${String(type)}. Valid types are EC2 and ELB.`);
  if (grace !== undefined && (typeof grace !== 'number' || grace < 0)) throw validation('HealthCheckGracePeriod must be greater than or equal to 0.');
}

const createAutoScalingGroup: Handler = (ctx, input) => {
  const w = ctx.world;
  const name = requireString(input.AutoScalingGroupName, 'autoScalingGroupName');
  if (w.autoscaling.groups.some((g) => g.name === name)) {
    throw modeledError(AlreadyExistsFault, `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
  }
  if (w.autoscaling.groups.length >= GROUP_LIMIT) {
    throw modeledError(LimitExceededFault, `You have reached your limit of ${GROUP_LIMIT} Auto Scaling groups.`);
  }
  const launchTemplate = templateOf(ctx, input, true);
  const min = input.MinSize as number;
  const max = input.MaxSize as number;
  const desired = (input.DesiredCapacity as number | undefined) ?? min;
  checkSizes(min, max, desired);
  const subnetIds = subnetsOf(ctx, input.VPCZoneIdentifier, input.AvailabilityZones);
  checkLaunchable(ctx, launchTemplate, subnetIds);
  const targetGroupArns = checkTargetGroups(ctx, input.TargetGroupARNs);
  checkHealthCheck(input.HealthCheckType, input.HealthCheckGracePeriod);
  const tags = checkTags(input.Tags, false);
  const g: AutoScalingGroupRecord = {
    name, arn: groupArn(ctx, name), ...(launchTemplate ? { launchTemplate } : {}),
    minSize: min, maxSize: max, desiredCapacity: desired,
    defaultCooldown: (input.DefaultCooldown as number | undefined) ?? 300,
    ...(typeof input.DefaultInstanceWarmup === 'number' && input.DefaultInstanceWarmup >= 0 ? { defaultInstanceWarmup: input.DefaultInstanceWarmup } : {}),
    subnetIds, targetGroupArns,
    healthCheckType: (input.HealthCheckType as 'EC2' | 'ELB' | undefined) ?? 'EC2',
    healthCheckGracePeriod: (input.HealthCheckGracePeriod as number | undefined) ?? 0,
    instances: [], suspendedProcesses: [], enabledMetrics: [],
    tags: [...new Map(tags.map((t) => [t.Key!, { Key: t.Key!, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false }])).values()],
    createdAt: ctx.now,
    newInstancesProtectedFromScaleIn: input.NewInstancesProtectedFromScaleIn === true,
    ...(desired > 0 ? { capacityCause: `At ${atTime(ctx.now)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.` } : {}),
    capacityCheckAt: ctx.now + ctx.duration(TIMES.autoScalingReaction),
  };
  w.autoscaling.groups.push(g);
  return {};
};

const updateAutoScalingGroup: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const launchTemplate = templateOf(ctx, input, false);
  const min = (input.MinSize as number | undefined) ?? g.minSize;
  const max = (input.MaxSize as number | undefined) ?? g.maxSize;
  // A new min or max alone drags the desired capacity along (AWS's documented behaviour).
  const desired = (input.DesiredCapacity as number | undefined) ?? Math.min(Math.max(g.desiredCapacity, min), max);
  checkSizes(min, max, desired);
  const subnetIds = input.VPCZoneIdentifier !== undefined || input.AvailabilityZones !== undefined
    ? subnetsOf(ctx, input.VPCZoneIdentifier, input.AvailabilityZones) : undefined;
  checkHealthCheck(input.HealthCheckType, input.HealthCheckGracePeriod);
  if (launchTemplate) checkLaunchable(ctx, launchTemplate, subnetIds ?? g.subnetIds);
  if (launchTemplate) g.launchTemplate = launchTemplate;
  if (subnetIds) g.subnetIds = subnetIds;
  if (input.HealthCheckType) g.healthCheckType = input.HealthCheckType;
  if (input.HealthCheckGracePeriod !== undefined) g.healthCheckGracePeriod = input.HealthCheckGracePeriod;
  if (input.DefaultCooldown !== undefined) g.defaultCooldown = input.DefaultCooldown;
  // -1 removes a previously set warm-up.
  if (input.DefaultInstanceWarmup === -1) delete g.defaultInstanceWarmup;
  else if (typeof input.DefaultInstanceWarmup === 'number') g.defaultInstanceWarmup = input.DefaultInstanceWarmup;
  if (input.NewInstancesProtectedFromScaleIn !== undefined) g.newInstancesProtectedFromScaleIn = input.NewInstancesProtectedFromScaleIn === true;
  g.minSize = min;
  g.maxSize = max;
  changeDesired(ctx, g, desired, `At ${atTime(ctx.now)} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${g.desiredCapacity} to ${desired}.`);
  return {};
};

const deleteAutoScalingGroup: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const force = input.ForceDelete === true;
  const inProgress = () => modeledError(ScalingActivityInProgressFault, 'You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.');
  if (g.deletingAt !== undefined) {
    if (force) return {};
    throw inProgress();
  }
  if (g.instances.length > 0 && !force) {
    if (g.instances.every((i) => i.lifecycle === 'Terminating' || i.lifecycle === 'Terminated')) throw inProgress();
    throw modeledError(ResourceInUseFault, 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
  }
  for (const r of ctx.world.autoscaling.instanceRefreshes) {
    if (r.groupName === g.name && ['Pending', 'InProgress', 'RollbackInProgress', 'Cancelling'].includes(r.status)) Object.assign(r, { status: 'Cancelled', endTime: ctx.now });
  }
  const from = g.desiredCapacity;
  Object.assign(g, { deletingAt: ctx.now, minSize: 0, maxSize: 0, desiredCapacity: 0, capacityCheckAt: ctx.now });
  if (from > 0) g.capacityCause = `At ${atTime(ctx.now)} a user request update of AutoScalingGroup constraints to min: 0, max: 0, desired: 0 changing the desired capacity from ${from} to 0.`;
  return {};
};

function instanceOutput(i: AsgInstanceRecord) {
  return {
    InstanceId: i.instanceId,
    InstanceType: i.instanceType,
    AvailabilityZone: i.az,
    LifecycleState: i.lifecycle,
    HealthStatus: i.health,
    ...(i.launchTemplate ? { LaunchTemplate: { LaunchTemplateId: i.launchTemplate.id, LaunchTemplateName: i.launchTemplate.name, Version: i.launchTemplate.version } } : {}),
    ProtectedFromScaleIn: i.protectedFromScaleIn,
  };
}

function groupOutput(ctx: SimContext, g: AutoScalingGroupRecord, includeInstances: boolean) {
  const w = ctx.world;
  const azs = [...new Set(g.subnetIds.map((id) => w.ec2.subnets.find((s) => s.id === id)?.az).filter((a): a is string => !!a))];
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    ...(g.launchTemplate ? { LaunchTemplate: { LaunchTemplateId: g.launchTemplate.id, LaunchTemplateName: g.launchTemplate.name, Version: g.launchTemplate.version ?? '$Default' } } : {}),
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: azs,
    LoadBalancerNames: [],
    TargetGroupARNs: g.targetGroupArns,
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    ...(includeInstances ? { Instances: g.instances.filter((i) => i.lifecycle !== 'Terminated').map(instanceOutput) } : {}),
    CreatedTime: new Date(g.createdAt),
    SuspendedProcesses: g.suspendedProcesses.map((p) => ({ ProcessName: p, SuspensionReason: g.suspensionReasons?.[p] ?? 'User suspended' })),
    VPCZoneIdentifier: g.subnetIds.join(','),
    EnabledMetrics: g.enabledMetrics.map((m) => ({ Metric: m, Granularity: '1Minute' })),
    ...(g.deletingAt !== undefined ? { Status: 'Delete in progress' } : {}),
    Tags: tagDescriptions(g),
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${w.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
    ...(g.defaultInstanceWarmup !== undefined ? { DefaultInstanceWarmup: g.defaultInstanceWarmup } : {}),
    TrafficSources: g.targetGroupArns.map((arn) => ({ Identifier: arn, Type: 'elbv2' })),
  };
}

const describeAutoScalingGroups: Handler = (ctx, input) => {
  const names = input.AutoScalingGroupNames as string[] | undefined;
  const filters = (input.Filters ?? []) as { Name?: string; Values?: string[] }[];
  for (const f of filters) {
    if (!f.Name || !(f.Name === 'tag-key' || f.Name === 'tag-value' || f.Name.startsWith('tag:'))) {
      throw validation(`Filter type ${String(f.Name)} is not correct. Allowed Filter types are: tag-key tag-value tag:<key>`);
    }
  }
  const list = ctx.world.autoscaling.groups
    .filter((g) => (!names?.length || names.includes(g.name)) && filters.every((f) => {
      const values = f.Values ?? [];
      if (f.Name === 'tag-key') return g.tags.some((t) => values.includes(t.Key));
      if (f.Name === 'tag-value') return g.tags.some((t) => values.includes(t.Value));
      return g.tags.some((t) => t.Key === f.Name!.slice(4) && values.includes(t.Value));
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = paginate(list, input.MaxRecords, input.NextToken);
  return {
    AutoScalingGroups: page.items.map((g) => groupOutput(ctx, g, input.IncludeInstances !== false)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

/** The group holding `instanceId` (not yet terminated), or AWS's error for an unmanaged instance. */
function managed(ctx: SimContext, instanceId: unknown): { g: AutoScalingGroupRecord; inst: AsgInstanceRecord } {
  for (const g of ctx.world.autoscaling.groups) {
    const inst = g.instances.find((i) => i.instanceId === instanceId && i.lifecycle !== 'Terminated');
    if (inst) return { g, inst };
  }
  throw validation(`Instance Id not found - No managed instance found for instance ID: ${String(instanceId)}`);
}

const describeAutoScalingInstances: Handler = (ctx, input) => {
  const ids = input.InstanceIds as string[] | undefined;
  const rows = ctx.world.autoscaling.groups.flatMap((g) =>
    g.instances.filter((i) => i.lifecycle !== 'Terminated' && (!ids?.length || ids.includes(i.instanceId))).map((i) => {
      const { HealthStatus, ...rest } = instanceOutput(i);
      // This call spells health in capitals, unlike DescribeAutoScalingGroups.
      return { ...rest, AutoScalingGroupName: g.name, HealthStatus: HealthStatus.toUpperCase() };
    }));
  const page = paginate(rows, input.MaxRecords, input.NextToken, { def: 50, max: 50 });
  return { AutoScalingInstances: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

const setDesiredCapacity: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const d = input.DesiredCapacity as number;
  if (typeof d !== 'number' || !Number.isInteger(d)) throw validation("1 validation error detected: Value null at 'desiredCapacity' failed to satisfy constraint: Member must not be null");
  if (d > g.maxSize) throw validation(`New SetDesiredCapacity value ${d} is above max value ${g.maxSize} for the AutoScalingGroup.`);
  if (d < g.minSize) throw validation(`New SetDesiredCapacity value ${d} is below min value ${g.minSize} for the AutoScalingGroup.`);
  changeDesired(ctx, g, d, `At ${atTime(ctx.now)} a user request explicitly set group desired capacity changing the desired capacity from ${g.desiredCapacity} to ${d}.`);
  return {};
};

const terminateInstanceInAutoScalingGroup: Handler = (ctx, input) => {
  if (typeof input.ShouldDecrementDesiredCapacity !== 'boolean') {
    throw validation("1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null");
  }
  const ids = (input.InstanceIds as string[] | undefined)?.length ? (input.InstanceIds as string[]) : [input.InstanceId];
  const targets = ids.map((id) => managed(ctx, id));
  if (input.ShouldDecrementDesiredCapacity) {
    // Checked for all instances first: a refused call changes nothing.
    for (const g of new Set(targets.map((t) => t.g))) {
      const n = targets.filter((t) => t.g === g && t.inst.lifecycle !== 'Terminating').length;
      if (g.desiredCapacity - n < g.minSize) {
        throw validation(`Currently, desiredSize equals minSize (${g.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`);
      }
    }
  }
  const env = makeEnv(ctx);
  const acts = targets.map(({ g, inst }) => {
    if (inst.lifecycle === 'Terminating') {
      return ctx.world.autoscaling.activities.find((a) => a.id === inst.terminateActivityId)!;
    }
    let cause = `At ${atTime(ctx.now)} instance ${inst.instanceId} was taken out of service in response to a user request.`;
    if (input.ShouldDecrementDesiredCapacity) {
      cause = `At ${atTime(ctx.now)} instance ${inst.instanceId} was taken out of service in response to a user request, shrinking the capacity from ${g.desiredCapacity} to ${g.desiredCapacity - 1}.`;
      g.desiredCapacity -= 1;
    }
    return startTermination(ctx, g, inst, env, cause);
  });
  const out = acts.map((a) => activityOutput(a));
  return { Activity: out[0], ...(ids.length > 1 ? { Activities: out } : {}) };
};

const setInstanceHealth: Handler = (ctx, input) => {
  const { g, inst } = managed(ctx, input.InstanceId);
  if (input.HealthStatus !== 'Healthy' && input.HealthStatus !== 'Unhealthy') {
    throw validation(`Invalid health status ${String(input.HealthStatus)}. Valid values are Healthy and Unhealthy.`);
  }
  const inGrace = ctx.now < inst.launchedAt + ctx.duration(g.healthCheckGracePeriod * 1000);
  if (input.ShouldRespectGracePeriod === true && inGrace) return {};
  if (inst.lifecycle === 'Terminating') return {};
  inst.health = input.HealthStatus;
  if (input.HealthStatus === 'Unhealthy') inst.unhealthyReason = 'user';
  else delete inst.unhealthyReason;
  return {};
};

const describeScalingActivities: Handler = (ctx, input) => {
  const w = ctx.world;
  const name = input.AutoScalingGroupName as string | undefined;
  const ids = input.ActivityIds as string[] | undefined;
  const live = new Map(w.autoscaling.groups.map((g) => [g.name, g]));
  const list = w.autoscaling.activities
    // A group deleted and created again under the same name does not inherit the old one's history.
    .filter((a) => (!name || a.groupName === name) && (!ids?.length || ids.includes(a.id)) &&
      (input.IncludeDeletedGroups === true || a.startTime >= (live.get(a.groupName)?.createdAt ?? Infinity)))
    .reverse();
  const page = paginate(list, input.MaxRecords, input.NextToken, { def: 100, max: 100 });
  return {
    Activities: page.items.map((a) => activityOutput(a, live.get(a.groupName))),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

/** Target groups added to a running group. */
const attachLoadBalancerTargetGroups: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const arns = checkTargetGroups(ctx, input.TargetGroupARNs);
  if (arns.length === 0 || arns.length > 10) throw validation('TargetGroupARNs must hold 1 to 10 target groups.');
  const added = arns.filter((a) => !g.targetGroupArns.includes(a));
  g.targetGroupArns.push(...added);
  // AWS registers the group's in-service instances at once; pending ones join as they come in service.
  for (const arn of added) {
    const tg = ctx.world.elbv2.targetGroups.find((t) => t.arn === arn)!;
    for (const inst of g.instances.filter((i) => i.lifecycle === 'InService')) {
      if (!tg.targets.some((t) => t.id === inst.instanceId && t.deregisteredAt === undefined)) {
        tg.targets.push({ id: inst.instanceId, port: tg.port, az: inst.az, registeredAt: ctx.now });
      }
    }
  }
  return {};
};

/** Target groups removed from a group: its instances there start draining. */
const detachLoadBalancerTargetGroups: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const arns = (input.TargetGroupARNs ?? []) as string[];
  if (arns.length === 0 || arns.length > 10) throw validation('TargetGroupARNs must hold 1 to 10 target groups.');
  const ids = new Set(g.instances.map((i) => i.instanceId));
  for (const arn of arns.filter((a) => g.targetGroupArns.includes(a))) {
    const tg = ctx.world.elbv2.targetGroups.find((t) => t.arn === arn);
    for (const t of tg?.targets ?? []) {
      if (!ids.has(t.id) || t.deregisteredAt !== undefined) continue;
      t.deregisteredAt = ctx.now;
      t.drainedAt = ctx.now + ctx.duration(tg!.deregistrationDelaySeconds * 1000);
    }
  }
  g.targetGroupArns = g.targetGroupArns.filter((a) => !arns.includes(a));
  return {};
};

const describeLoadBalancerTargetGroups: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  return { LoadBalancerTargetGroups: g.targetGroupArns.map((arn) => ({ LoadBalancerTargetGroupARN: arn, State: 'InService' })) };
};

/** The Auto Scaling simulation: every command the product and the lab use, and the tick. */
export const autoScalingSim: ServiceSim = {
  clientName: 'AutoScalingClient',
  handlers: {
    CreateAutoScalingGroup: createAutoScalingGroup,
    UpdateAutoScalingGroup: updateAutoScalingGroup,
    DeleteAutoScalingGroup: deleteAutoScalingGroup,
    DescribeAutoScalingGroups: describeAutoScalingGroups,
    DescribeAutoScalingInstances: describeAutoScalingInstances,
    SetDesiredCapacity: setDesiredCapacity,
    TerminateInstanceInAutoScalingGroup: terminateInstanceInAutoScalingGroup,
    SetInstanceHealth: setInstanceHealth,
    DescribeScalingActivities: describeScalingActivities,
    AttachLoadBalancerTargetGroups: attachLoadBalancerTargetGroups,
    DetachLoadBalancerTargetGroups: detachLoadBalancerTargetGroups,
    DescribeLoadBalancerTargetGroups: describeLoadBalancerTargetGroups,
    ...configHandlers,
    ...policyHandlers,
    ...refreshHandlers,
  },
  tick: reconcile,
};

