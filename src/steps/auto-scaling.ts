/**
 * The Auto Scaling group `Web-ASG`: the launch template's default version (by number) in the private
 * subnets, registered with `Web-TG`, ELB health checks after a grace period, min 2 / desired 2 /
 * max 4, group metrics on, `Name=ASG-Web-Instance` propagated, and the target tracking policy
 * on average CPU. Also its notification configuration (the topic comes from the notifications
 * step) and, when the template's default version moved, the instance refresh that rolls it out.
 */
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { AutoScalingGroup, GroupSettings, GroupTag, InstanceRefresh, NotificationConfiguration, ScalingPolicy } from '../aws/autoscaling.js';
import { ACTIVE_REFRESH } from '../aws/autoscaling.js';
import { topicNameOf } from '../aws/sns.js';
import type { FieldChange, Outputs, PlanRow, Step, StepContext } from '../engine/types.js';
import { PlanError, isAwsError } from '../errors.js';
import { ADOPT_REASON, diff, isOurs, row } from './common.js';
import type { AutoScalingOut, LaunchTemplateOut, NotificationsOut } from './outputs.js';
import type { LoadBalancerOut } from './load-balancer.js';
import type { NetworkOut } from './network.js';
import { staleInstances, waitForInService, waitForRefresh } from './auto-scaling-waits.js';
import { isIamPropagation, retryWhile } from '../aws/consistency.js';

export interface AutoScalingFound {
  group?: AutoScalingGroup;
  policies: ScalingPolicy[];
  /** The group's notification configurations, one per topic. */
  notifications: NotificationConfiguration[];
  /** A refresh still running (another cannot start until it ends). */
  activeRefresh?: InstanceRefresh;
}

const ASG = 'AWS::AutoScaling::AutoScalingGroup';
const POLICY = 'AWS::AutoScaling::ScalingPolicy';
const NOTIFICATION = 'AWS::AutoScaling::NotificationConfiguration';
/** The console's default name for the policy the lab creates. */
export const POLICY_NAME = 'Target Tracking Policy';
const METRIC = 'ASGAverageCPUUtilization';
const REQUESTS = 'ALBRequestCountPerTarget';

/**
 * The tracked metric: average CPU (the lab's), or requests per target, which needs the
 * `app/<alb>/<id>/targetgroup/<tg>/<id>` label (absent in a plan while the ALB is still to be made).
 */
function wantedPolicy(config: StackConfig, deps: Outputs): { metric: string; targetValue: number; resourceLabel?: string; unit: string } {
  const n = config.asg.requestsPerTarget;
  if (n === undefined) return { metric: METRIC, targetValue: config.asg.cpuTarget, unit: '%' };
  const lb = deps['load-balancer'] as Partial<LoadBalancerOut> | undefined;
  const label = lb?.loadBalancerArn && lb.targetGroupArn
    ? `${lb.loadBalancerArn.split(':loadbalancer/')[1]}/${lb.targetGroupArn.slice(lb.targetGroupArn.lastIndexOf(':') + 1)}`
    : undefined;
  return { metric: REQUESTS, targetValue: n, ...(label ? { resourceLabel: label } : {}), unit: 'requests per target' };
}

/** The group's tags: the Name its instances get and the stack tag, both propagated so instances are identifiable. */
export function groupTags(config: StackConfig): GroupTag[] {
  return [
    { Key: 'Name', Value: config.asg.instanceName, PropagateAtLaunch: true },
    { Key: STACK_TAG, Value: config.stack, PropagateAtLaunch: true },
  ];
}

/** What the group should be; ids of resources still to be made are absent (plan). */
interface Wanted {
  lt?: Partial<LaunchTemplateOut>;
  subnetIds?: string[];
  targetGroupArn?: string;
  notification?: { topicArn?: string; topicName: string; types: string[] };
}

function wanted(config: StackConfig, deps: Outputs): Wanted {
  const net = deps.network as Partial<NetworkOut> | undefined;
  const lb = deps['load-balancer'] as Partial<LoadBalancerOut> | undefined;
  const n = deps.notifications as Partial<NotificationsOut> | undefined;
  // Notifications off: the step is not in the graph and its outputs are absent.
  const notification = config.notifications.enabled && n
    ? {
        ...(n.topicArn ? { topicArn: n.topicArn } : {}),
        topicName: n.topicArn ? topicNameOf(n.topicArn) : config.notifications.topicArn ? topicNameOf(config.notifications.topicArn) : config.notifications.topicName,
        types: [...(n.types ?? config.notifications.types)].sort(),
      }
    : undefined;
  return {
    ...(deps['launch-template'] ? { lt: deps['launch-template'] as Partial<LaunchTemplateOut> } : {}),
    ...(net?.privateSubnetIds?.length ? { subnetIds: [...net.privateSubnetIds].sort() } : {}),
    ...(lb?.targetGroupArn ? { targetGroupArn: lb.targetGroupArn } : {}),
    ...(notification ? { notification } : {}),
  };
}

/**
 * The launch template version the group names: the template's default version by number, not
 * `$Default` — AWS can roll an instance refresh back only for a group on a numbered version.
 */
function groupVersion(lt: Partial<LaunchTemplateOut> | undefined): string {
  return lt?.defaultVersion !== undefined ? String(lt.defaultVersion) : '$Default';
}

/** `arn:…:targetgroup/Web-TG/0123…` → `Web-TG`. */
const tgName = (arn: string) => arn.split('/')[1] ?? arn;

/** The desired capacity an update leaves: the asked-for one, else the current one moved into [min, max] (as AWS does). */
function targetDesired(config: StackConfig, g: AutoScalingGroup): number {
  const { minSize, maxSize, desiredCapacity } = config.asg;
  if (config.asg.desiredCapacityGiven) return desiredCapacity;
  return Math.min(Math.max(g.desired, minSize), maxSize);
}

/** Field changes of an existing group and the UpdateAutoScalingGroup settings that make them. */
function groupDiff(config: StackConfig, g: AutoScalingGroup, w: Wanted): { changes: FieldChange[]; settings: GroupSettings; tags: GroupTag[]; metrics: boolean } {
  const a = config.asg;
  const settings: GroupSettings = {};
  const changes: FieldChange[] = [];
  const have = g.launchTemplate;
  const ltName = w.lt?.launchTemplateName ?? config.launchTemplate.name;
  const wantId = w.lt?.launchTemplateId;
  const wantVersion = groupVersion(w.lt);
  // No id yet: the template is still to be made, so the group cannot be on it.
  const sameTemplate = !!wantId && (have?.id ? have.id === wantId : have?.name === ltName);
  if (!sameTemplate || have?.version !== wantVersion) {
    // A new version of the same template goes out by an instance refresh (which moves the group
    // to it once healthy, or rolls back); anything else is set in place.
    const byRefresh = sameTemplate && /^\d+$/.test(have?.version ?? '') && staleInstances(g, w.lt).length > 0;
    changes.push({
      field: 'LaunchTemplate',
      from: have ? `${have.name ?? have.id}:${have.version ?? '$Default'}` : null,
      to: `${ltName}:${wantVersion}${byRefresh ? ' (instance refresh, auto rollback)' : ''}`,
    });
    if (wantId && !byRefresh) settings.launchTemplate = { id: wantId, version: wantVersion };
  }
  const desired = targetDesired(config, g);
  const grace = a.healthCheckGracePeriod;
  const simple = diff([
    ['MinSize', g.min, a.minSize],
    ['MaxSize', g.max, a.maxSize],
    ['DesiredCapacity', g.desired, desired],
    ...(w.subnetIds ? [['VPCZoneIdentifier', [...g.subnetIds].sort().join(','), w.subnetIds.join(',')] as [string, unknown, unknown]] : []),
    ['HealthCheckType', g.healthCheckType, 'ELB'],
    ['HealthCheckGracePeriod', g.healthCheckGracePeriod, grace],
    ['DefaultInstanceWarmup', g.defaultInstanceWarmup ?? null, grace],
  ]);
  changes.push(...simple);
  for (const c of simple) {
    if (c.field === 'MinSize') settings.min = a.minSize;
    if (c.field === 'MaxSize') settings.max = a.maxSize;
    if (c.field === 'DesiredCapacity') settings.desired = desired;
    if (c.field === 'VPCZoneIdentifier') settings.subnetIds = w.subnetIds!;
    if (c.field === 'HealthCheckType') settings.healthCheckType = 'ELB';
    if (c.field === 'HealthCheckGracePeriod') settings.healthCheckGracePeriod = grace;
    if (c.field === 'DefaultInstanceWarmup') settings.defaultInstanceWarmup = grace;
  }
  if (w.targetGroupArn) {
    const haveTgs = [...g.targetGroupArns].sort();
    if (JSON.stringify(haveTgs) !== JSON.stringify([w.targetGroupArn])) {
      changes.push({ field: 'TargetGroupARNs', from: haveTgs.map(tgName), to: [tgName(w.targetGroupArn)] });
    }
  }
  const tags = groupTags(config).filter((t) => g.tags[t.Key] !== t.Value || g.propagated[t.Key] !== t.PropagateAtLaunch);
  for (const t of tags) {
    // The stack tag of an adopted group is the adoption itself, not a field change.
    if (t.Key === STACK_TAG && g.tags[STACK_TAG] === undefined) continue;
    changes.push({ field: `Tag ${t.Key}`, from: g.tags[t.Key] === undefined ? null : `${g.tags[t.Key]}${g.propagated[t.Key] ? '' : ' (not propagated)'}`, to: t.Value });
  }
  const metrics = g.enabledMetrics.length === 0;
  if (metrics) changes.push({ field: 'MetricsCollection', from: 'off', to: '1Minute, all group metrics' });
  return { changes, settings, tags, metrics };
}

function groupRow(config: StackConfig, found: AutoScalingFound, w: Wanted): PlanRow {
  const a = config.asg;
  const name = a.name;
  const detail = `min/desired/max ${a.minSize}/${a.desiredCapacity}/${a.maxSize}, ${w.subnetIds?.length ?? 2} private subnets, ${config.alb.targetGroupName}, ELB health checks (grace ${a.healthCheckGracePeriod} s), metrics on`;
  const g = found.group;
  if (!g) return row('auto-scaling', 'create', ASG, name, { detail });
  if (g.status) {
    return row('auto-scaling', 'conflict', ASG, name, { id: g.arn, reason: `${g.status}: wait until AWS has removed it, then run up again (or choose another --asg-name)` });
  }
  const { changes } = groupDiff(config, g, w);
  const stale = found.activeRefresh ? [] : staleInstances(g, w.lt);
  if (stale.length) {
    const versions = [...new Set(stale.map((i) => i.launchTemplateVersion ?? '?'))].join(', ');
    changes.push({ field: 'Instances', from: `${stale.length} on version ${versions}`, to: `version ${w.lt?.defaultVersion} (instance refresh)` });
  }
  const info = `${g.instances.filter((i) => i.lifecycle === 'InService').length} InService, desired ${g.desired}${found.activeRefresh ? `; instance refresh ${found.activeRefresh.status} ${found.activeRefresh.percentageComplete} %` : ''}`;
  if (!isOurs(g.tags, config)) return row('auto-scaling', 'adopt', ASG, name, { id: g.arn, detail: info, changes, reason: ADOPT_REASON });
  return row('auto-scaling', changes.length ? 'update' : 'reuse', ASG, name, { id: g.arn, detail: info, changes });
}

function policyRow(config: StackConfig, found: AutoScalingFound, deps: Outputs): PlanRow {
  const { disableScaleIn } = config.asg;
  const want = wantedPolicy(config, deps);
  const detail = `${want.metric} target ${want.targetValue} ${want.unit}${disableScaleIn ? ', scale-in disabled' : ''}`;
  const p = found.policies.find((x) => x.name === POLICY_NAME);
  if (!p) return row('auto-scaling', 'create', POLICY, POLICY_NAME, { detail });
  const changes = diff([
    ['PolicyType', p.type, 'TargetTrackingScaling'],
    ['PredefinedMetricType', p.metric ?? null, want.metric],
    ['TargetValue', p.targetValue ?? null, want.targetValue],
    ['DisableScaleIn', p.disableScaleIn, disableScaleIn],
    // The label is unknown in a plan whose load balancer is still to be made: compare it only when known.
    ...(want.resourceLabel ? [['ResourceLabel', p.resourceLabel ?? null, want.resourceLabel] as [string, unknown, unknown]] : []),
  ]);
  return row('auto-scaling', changes.length ? 'update' : 'reuse', POLICY, POLICY_NAME, { id: p.arn, detail, changes });
}

function notificationRow(config: StackConfig, found: AutoScalingFound, n: NonNullable<Wanted['notification']>): PlanRow {
  const name = `${config.asg.name} → ${n.topicName}`;
  const detail = n.types.map((t) => t.replace('autoscaling:EC2_INSTANCE_', '').toLowerCase()).join(', ');
  const have = n.topicArn ? found.notifications.find((c) => c.topicArn === n.topicArn) : undefined;
  if (!have) return row('auto-scaling', 'create', NOTIFICATION, name, { detail });
  const changes = [
    ...n.types.filter((t) => !have.types.includes(t)).map((t) => ({ field: 'NotificationType', from: null, to: t })),
    ...have.types.filter((t) => !n.types.includes(t)).map((t) => ({ field: 'NotificationType', from: t, to: null })),
  ];
  return row('auto-scaling', changes.length ? 'update' : 'reuse', NOTIFICATION, name, { id: n.topicArn!, detail, changes });
}

async function detect(ctx: StepContext): Promise<AutoScalingFound> {
  const api = ctx.aws.autoscaling;
  const group = await api.findGroup(ctx.config.asg.name);
  if (!group) return { policies: [], notifications: [] };
  const [policies, notifications, refreshes] = await Promise.all([
    api.policies(group.name),
    // Only a run that wires notifications plans them (an emulator may lack the call, too).
    ctx.config.notifications.enabled ? api.notificationConfigurations([group.name]) : Promise.resolve([]),
    api.instanceRefreshes(group.name),
  ]);
  const activeRefresh = refreshes.find((r) => ACTIVE_REFRESH.includes(r.status));
  return { group, policies, notifications, ...(activeRefresh ? { activeRefresh } : {}) };
}

function plan(config: StackConfig, found: AutoScalingFound, deps: Outputs): PlanRow[] {
  const w = wanted(config, deps);
  const rows = [groupRow(config, found, w)];
  if (rows[0]!.action === 'conflict') return rows;
  rows.push(policyRow(config, found, deps));
  if (w.notification) rows.push(notificationRow(config, found, w.notification));
  return rows;
}

/** The minimum healthy share during a refresh: a group of one or two replaces one at a time either way, so keep it moving. */
function minHealthyPercentage(desired: number): number {
  return desired <= 2 ? 50 : 90;
}

async function apply(ctx: StepContext, found: AutoScalingFound, rows: PlanRow[], deps: Outputs): Promise<AutoScalingOut> {
  const { config } = ctx;
  const api = ctx.aws.autoscaling;
  const a = config.asg;
  const name = a.name;
  const w = wanted(config, deps);
  const ltId = w.lt?.launchTemplateId;
  if (!ltId) throw new PlanError(`Auto Scaling group ${name}: the launch template ${config.launchTemplate.name} does not exist`);
  const n = w.notification;
  if (n && !n.topicArn) throw new PlanError(`Auto Scaling group ${name}: the notification topic ${n.topicName} does not exist`);
  const needsNotification = !!n && rows.some((r) => r.type === NOTIFICATION && r.action !== 'reuse');
  let g = found.group;

  if (!g) {
    if (!w.subnetIds || !w.targetGroupArn) throw new PlanError(`Auto Scaling group ${name}: the private subnets or the target group ${config.alb.targetGroupName} are missing`);
    // With notifications, the group starts empty so that its first launches are reported once the configuration is in place.
    const hold = !!n;
    ctx.progress.update(`creating ${name}${hold ? ' (empty until its notifications are set)' : ''}`);
    const settings = {
      launchTemplate: { id: ltId, version: groupVersion(w.lt) }, min: hold ? 0 : a.minSize, max: a.maxSize, desired: hold ? 0 : a.desiredCapacity,
      subnetIds: w.subnetIds, targetGroupArns: [w.targetGroupArn], healthCheckType: 'ELB' as const,
      healthCheckGracePeriod: a.healthCheckGracePeriod, defaultInstanceWarmup: a.healthCheckGracePeriod,
    };
    await whenProfileKnown(ctx, () => api.createGroup(name, settings, groupTags(config)));
    if (n) await api.putNotificationConfiguration(name, n.topicArn!, n.types);
    await api.enableMetricsCollection(name);
    await putPolicy(ctx, deps);
    if (hold) await api.updateGroup(name, { min: a.minSize, desired: a.desiredCapacity });
  } else {
    const d = groupDiff(config, g, w);
    if (needsNotification) {
      ctx.progress.update(`notifications of ${name} → ${n!.topicName}`);
      await api.putNotificationConfiguration(name, n!.topicArn!, n!.types);
    }
    if (d.tags.length) await api.putTags(name, d.tags);
    if (d.metrics) await api.enableMetricsCollection(name);
    if (rows.some((r) => r.type === POLICY && r.action !== 'reuse')) await putPolicy(ctx, deps);
    if (w.targetGroupArn && !g.targetGroupArns.includes(w.targetGroupArn)) await api.attachTargetGroups(name, [w.targetGroupArn]);
    if (w.targetGroupArn) await api.detachTargetGroups(name, g.targetGroupArns.filter((arn) => arn !== w.targetGroupArn));
    if (Object.keys(d.settings).length) {
      ctx.progress.update(`updating ${name}: ${d.changes.map((c) => c.field).join(', ')}`);
      await whenProfileKnown(ctx, () => api.updateGroup(name, d.settings));
    }
    const stale = found.activeRefresh ? [] : staleInstances(g, w.lt);
    let refreshId = found.activeRefresh?.id;
    const rollback = /^\d+$/.test(g.launchTemplate?.version ?? '');
    if (stale.length) {
      ctx.progress.update(`instance refresh of ${name}: ${stale.length} instances to version ${w.lt?.defaultVersion}`);
      refreshId = await startRefresh(ctx, ltId, groupVersion(w.lt), rollback);
    }
    if (refreshId) await waitForRefresh(ctx, name, refreshId, { minHealthyPercentage: minHealthyPercentage(a.desiredCapacity), rollback });
  }
  g = await waitForInService(ctx, name);
  for (const r of rows) {
    if (r.type === ASG) r.id = g.arn;
    if (r.type === NOTIFICATION && n?.topicArn) r.id = n.topicArn;
  }
  const policy = rows.find((r) => r.type === POLICY);
  if (policy && !policy.id) policy.id = (await api.policies(name)).find((p) => p.name === POLICY_NAME)?.arn;
  return { groupName: g.name, groupArn: g.arn };
}

/**
 * Runs a call that hands Auto Scaling the launch template: while the template's instance profile
 * is new, IAM has not propagated it to EC2 and the call is refused ("Invalid IAM Instance Profile
 * ARN", for ~10–40 s), so it is retried within the run's propagation bound.
 */
function whenProfileKnown<T>(ctx: StepContext, call: () => Promise<T>): Promise<T> {
  return retryWhile(ctx.aws.propagation, isIamPropagation, call);
}

async function putPolicy(ctx: StepContext, deps: Outputs): Promise<void> {
  const { disableScaleIn, name } = ctx.config.asg;
  const want = wantedPolicy(ctx.config, deps);
  await ctx.aws.autoscaling.putTargetTrackingPolicy(name, {
    name: POLICY_NAME, metric: want.metric, targetValue: want.targetValue, disableScaleIn, ...(want.resourceLabel ? { resourceLabel: want.resourceLabel } : {}),
  });
}

/**
 * Starts the refresh to the template's default version (by number). Auto rollback is on when
 * the group itself was on a numbered version: AWS refuses it for a group on `$Default` or
 * `$Latest` (such a group, made by hand or by an older run, is moved to a number by this
 * refresh and rolls back from the next one on). A refresh someone else started in the meantime
 * is waited for instead.
 */
async function startRefresh(ctx: StepContext, launchTemplateId: string, version: string, rollback: boolean): Promise<string> {
  const api = ctx.aws.autoscaling;
  const { name, desiredCapacity, healthCheckGracePeriod } = ctx.config.asg;
  try {
    return await whenProfileKnown(ctx, () => api.startInstanceRefresh(name, {
      launchTemplate: { id: launchTemplateId, version },
      preferences: {
        MinHealthyPercentage: minHealthyPercentage(desiredCapacity), SkipMatching: true, InstanceWarmup: healthCheckGracePeriod,
        ...(rollback ? { AutoRollback: true } : {}),
      },
    }));
  } catch (err) {
    if (!isAwsError(err, 'InstanceRefreshInProgressFault')) throw err;
    const active = (await api.instanceRefreshes(name)).find((r) => ACTIVE_REFRESH.includes(r.status));
    if (!active) throw err;
    return active.id;
  }
}

export const autoScalingStep: Step<AutoScalingFound, AutoScalingOut> = {
  id: 'auto-scaling',
  title: 'Auto Scaling group',
  needs: ['network', 'load-balancer', 'launch-template', 'notifications'],
  detect,
  plan,
  outputs: (_config, found) => (found.group ? { groupName: found.group.name, groupArn: found.group.arn } : {}),
  apply,
};
