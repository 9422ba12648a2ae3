/**
 * The Auto Scaling group `Web-ASG`: the launch template's default version (by number) in the private
 * subnets, registered with `Web-TG`, ELB health checks after a grace period, min 2 / desired 2 /
 * max 4, group metrics on, `Name=ASG-Web-Instance` propagated, and the target tracking policy
 * on average CPU. Also its notification configuration (the topic comes from the notifications
 * step) and, when the template's default version moved, the instance refresh that rolls it out.
 */
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { AutoScalingGroup, GroupTag, InstanceRefresh, NotificationConfiguration, ScalingPolicy } from '../aws/autoscaling.js';
import { ACTIVE_REFRESH } from '../aws/autoscaling.js';
import { topicNameOf } from '../aws/sns.js';
import { isRef, known, label, produce, ref, show, type Id, type Ref } from '../engine/refs.js';
import type { FieldChange, PlanRow, StepContext } from '../engine/types.js';
import { isAwsError } from '../errors.js';
import { ADOPT_REASON, defineStep, diff, isOurs, row } from './common.js';
import type { DepsOf, LaunchTemplateOut } from './outputs.js';
import { staleInstances, waitForInService, waitForRefresh } from './auto-scaling-waits.js';
import { isIamPropagation, retryWhile } from '../aws/consistency.js';
import { STOPPED_TAG, wantedSizes } from './group-sizes.js';

export interface AutoScalingFound {
  group?: AutoScalingGroup;
  policies: ScalingPolicy[];
  /** The group's notification configurations, one per topic. */
  notifications: NotificationConfiguration[];
  /** A refresh still running (another cannot start until it ends). */
  activeRefresh?: InstanceRefresh;
}

type Deps = DepsOf<'network' | 'load-balancer' | 'launch-template' | 'notifications'>;

/** What the group is created or updated with (ids of what is still to be made are refs). */
export interface PlannedSettings {
  launchTemplate?: { id: Id; version: string | Ref<number> };
  min?: number; max?: number; desired?: number;
  subnetIds?: Id[]; targetGroupArns?: Id[];
  healthCheckType?: 'EC2' | 'ELB'; healthCheckGracePeriod?: number; defaultInstanceWarmup?: number;
}

/** The refresh that rolls the template's new default out (or one already running, waited for). */
export type PlannedRefresh =
  | { start: { launchTemplateId: Id; version: string | Ref<number>; rollback: boolean; minHealthyPercentage: number; warmup: number } }
  | { wait: { id: string; rollback: boolean; minHealthyPercentage: number } };

export type AutoScalingChange =
  /** Created empty (`hold`) when notifications are to be put first, then raised to `raiseTo`. */
  | { op: 'create-group'; name: string; settings: PlannedSettings & Required<Pick<PlannedSettings, 'launchTemplate' | 'min' | 'max' | 'desired' | 'subnetIds'>>; tags: GroupTag[]; raiseTo?: { min: number; desired: number } }
  | { op: 'update-group'; name: string; settings?: PlannedSettings; tags?: GroupTag[]; untag?: string[]; metrics: boolean; attach: Id[]; detach: string[]; refresh?: PlannedRefresh }
  | { op: 'put-policy'; group: string; name: string; metric: string; targetValue: number; disableScaleIn: boolean; resourceLabel?: string | Ref<string> }
  | { op: 'put-notification'; group: string; topicArn: Id; types: string[] };

const ASG = 'AWS::AutoScaling::AutoScalingGroup';
const POLICY = 'AWS::AutoScaling::ScalingPolicy';
const NOTIFICATION = 'AWS::AutoScaling::NotificationConfiguration';
/** The console's default name for the policy the lab creates. */
export const POLICY_NAME = 'Target Tracking Policy';
const METRIC = 'ASGAverageCPUUtilization';
const REQUESTS = 'ALBRequestCountPerTarget';
const STEP = 'auto-scaling';

/** The tracked metric: average CPU (the lab's), or requests per target (labelled `app/<alb>/<id>/targetgroup/<tg>/<id>`). */
function wantedPolicy(config: StackConfig, deps: Deps): { metric: string; targetValue: number; resourceLabel?: string | Ref<string>; unit: string } {
  const n = config.asg.requestsPerTarget;
  if (n === undefined) return { metric: METRIC, targetValue: config.asg.cpuTarget, unit: '%' };
  const label = deps['load-balancer']?.resourceLabel;
  return { metric: REQUESTS, targetValue: n, ...(label !== undefined ? { resourceLabel: label } : {}), unit: 'requests per target' };
}

/** The group's tags: the Name its instances get and the stack tag, both propagated so instances are identifiable. */
export function groupTags(config: StackConfig): GroupTag[] {
  return [
    { Key: 'Name', Value: config.asg.instanceName, PropagateAtLaunch: true },
    { Key: STACK_TAG, Value: config.stack, PropagateAtLaunch: true },
  ];
}

/** What the group should be. */
interface Wanted {
  lt?: LaunchTemplateOut;
  subnetIds: Id[];
  targetGroupArn?: Id;
  notification?: { topicArn: Id; topicName: string; types: string[] };
}

function wanted(config: StackConfig, deps: Deps): Wanted {
  const n = deps.notifications;
  // Notifications off: the step is not in the graph and its outputs are absent.
  const notification = config.notifications.enabled && n
    ? { topicArn: n.topicArn, topicName: typeof n.topicArn === 'string' ? topicNameOf(n.topicArn) : config.notifications.topicName, types: [...n.types].sort() }
    : undefined;
  const lb = deps['load-balancer'];
  return {
    ...(deps['launch-template'] ? { lt: deps['launch-template'] } : {}),
    subnetIds: [...(deps.network?.privateSubnetIds ?? [])].sort((a, b) => show(a).localeCompare(show(b))),
    ...(lb ? { targetGroupArn: lb.targetGroupArn } : {}),
    ...(notification ? { notification } : {}),
  };
}

/**
 * The launch template version the group names: the template's default version by number, not
 * `$Default` — AWS can roll an instance refresh back only for a group on a numbered version.
 */
function groupVersion(lt: LaunchTemplateOut | undefined): string | Ref<number> {
  if (!lt) return '$Default';
  return isRef(lt.defaultVersion) ? lt.defaultVersion : String(lt.defaultVersion);
}

/** `arn:…:targetgroup/Web-TG/0123…` → `Web-TG`. */
const tgName = (arn: Id) => (typeof arn === 'string' ? arn.split('/')[1] ?? arn : show(arn));

/** The minimum healthy share during a refresh: a group of one or two replaces one at a time either way, so keep it moving. */
function minHealthyPercentage(desired: number): number {
  return desired <= 2 ? 50 : 90;
}

/** How an existing group differs from what is wanted, as field changes and the typed update that makes them. */
function groupUpdate(config: StackConfig, found: AutoScalingFound, w: Wanted): { changes: FieldChange[]; change: Extract<AutoScalingChange, { op: 'update-group' }> } {
  const g = found.group!;
  const a = config.asg;
  const settings: PlannedSettings = {};
  const changes: FieldChange[] = [];
  const have = g.launchTemplate;
  const ltName = w.lt?.launchTemplateName ?? config.launchTemplate.name;
  const wantId = w.lt?.launchTemplateId;
  const wantVersion = groupVersion(w.lt);
  const sameTemplate = typeof wantId === 'string' && (have?.id ? have.id === wantId : have?.name === ltName);
  const stale = found.activeRefresh ? [] : staleInstances(g, w.lt);
  let byRefresh = false;
  if (!sameTemplate || have?.version !== wantVersion) {
    // A new version of the same template goes out by an instance refresh (which moves the group
    // to it once healthy, or rolls back); anything else is set in place.
    byRefresh = sameTemplate && /^\d+$/.test(have?.version ?? '') && stale.length > 0;
    changes.push({
      field: 'LaunchTemplate',
      from: have ? `${have.name ?? have.id}:${have.version ?? '$Default'}` : null,
      to: `${ltName}:${label(wantVersion)}${byRefresh ? ' (instance refresh, auto rollback)' : ''}`,
    });
    if (wantId !== undefined && !byRefresh) settings.launchTemplate = { id: wantId, version: wantVersion };
  }
  const sizes = wantedSizes(config, g);
  const desired = sizes.desired;
  const grace = a.healthCheckGracePeriod;
  const subnets = w.subnetIds.map(show).join(',');
  const simple = diff([
    ['MinSize', g.min, sizes.min],
    ['MaxSize', g.max, sizes.max],
    ['DesiredCapacity', g.desired, desired],
    ...(w.subnetIds.length ? [['VPCZoneIdentifier', [...g.subnetIds].sort().join(','), subnets] as [string, unknown, unknown]] : []),
    ['HealthCheckType', g.healthCheckType, 'ELB'],
    ['HealthCheckGracePeriod', g.healthCheckGracePeriod, grace],
    ['DefaultInstanceWarmup', g.defaultInstanceWarmup ?? null, grace],
  ]);
  changes.push(...simple);
  for (const c of simple) {
    if (c.field === 'MinSize') settings.min = sizes.min;
    if (c.field === 'MaxSize') settings.max = sizes.max;
    if (c.field === 'DesiredCapacity') settings.desired = desired;
    if (c.field === 'VPCZoneIdentifier') settings.subnetIds = w.subnetIds;
    if (c.field === 'HealthCheckType') settings.healthCheckType = 'ELB';
    if (c.field === 'HealthCheckGracePeriod') settings.healthCheckGracePeriod = grace;
    if (c.field === 'DefaultInstanceWarmup') settings.defaultInstanceWarmup = grace;
  }
  const attach: Id[] = [];
  const detach: string[] = [];
  if (w.targetGroupArn !== undefined) {
    const want = w.targetGroupArn;
    const haveTgs = [...g.targetGroupArns].sort();
    if (typeof want !== 'string' || JSON.stringify(haveTgs) !== JSON.stringify([want])) {
      changes.push({ field: 'TargetGroupARNs', from: haveTgs.map(tgName), to: [tgName(want)] });
      if (typeof want !== 'string' || !g.targetGroupArns.includes(want)) attach.push(want);
      detach.push(...g.targetGroupArns.filter((arn) => arn !== want));
    }
  }
  const tags = groupTags(config).filter((t) => g.tags[t.Key] !== t.Value || g.propagated[t.Key] !== t.PropagateAtLaunch);
  for (const t of tags) {
    // The stack tag of an adopted group is the adoption itself, not a field change.
    if (t.Key === STACK_TAG && g.tags[STACK_TAG] === undefined) continue;
    changes.push({ field: `Tag ${t.Key}`, from: g.tags[t.Key] === undefined ? null : `${g.tags[t.Key]}${g.propagated[t.Key] ? '' : ' (not propagated)'}`, to: t.Value });
  }
  // Sizes given to a group `scale --stop` stopped start it (group-sizes.ts): the mark goes.
  const untag = sizes.start ? [STOPPED_TAG] : [];
  if (sizes.start) changes.push({ field: `Tag ${STOPPED_TAG}`, from: g.tags[STOPPED_TAG] ?? '', to: null });
  const metrics = g.enabledMetrics.length === 0;
  if (metrics) changes.push({ field: 'MetricsCollection', from: 'off', to: '1Minute, all group metrics' });
  const rollback = /^\d+$/.test(have?.version ?? '');
  const refreshShape = { rollback, minHealthyPercentage: minHealthyPercentage(a.desiredCapacity) };
  let refresh: PlannedRefresh | undefined;
  if (found.activeRefresh) refresh = { wait: { id: found.activeRefresh.id, ...refreshShape } };
  else if (stale.length && wantId !== undefined) {
    const versions = [...new Set(stale.map((i) => i.launchTemplateVersion ?? '?'))].join(', ');
    changes.push({ field: 'Instances', from: `${stale.length} on version ${versions}`, to: `version ${label(wantVersion)} (instance refresh)` });
    refresh = { start: { launchTemplateId: wantId, version: wantVersion, warmup: grace, ...refreshShape } };
  }
  const change: Extract<AutoScalingChange, { op: 'update-group' }> = {
    op: 'update-group', name: g.name, ...(Object.keys(settings).length ? { settings } : {}), ...(tags.length ? { tags } : {}), ...(untag.length ? { untag } : {}),
    metrics, attach, detach, ...(refresh ? { refresh } : {}),
  };
  return { changes, change };
}

function groupRow(config: StackConfig, found: AutoScalingFound, w: Wanted): PlanRow<AutoScalingChange> {
  const a = config.asg;
  const name = a.name;
  const detail = `min/desired/max ${a.minSize}/${a.desiredCapacity}/${a.maxSize}, ${w.subnetIds.length || 2} instance subnets, ${config.alb.targetGroupName}, ELB health checks (grace ${a.healthCheckGracePeriod} s), metrics on`;
  const g = found.group;
  if (!g) {
    // With notifications, the group starts empty so that its first launches are reported once the configuration is in place.
    const hold = !!w.notification;
    return row(STEP, 'group', 'create', ASG, name, {
      detail,
      change: {
        op: 'create-group', name, tags: groupTags(config),
        settings: {
          launchTemplate: { id: w.lt?.launchTemplateId ?? ref('launch-template/template', 'id', config.launchTemplate.name), version: groupVersion(w.lt) },
          min: hold ? 0 : a.minSize, max: a.maxSize, desired: hold ? 0 : a.desiredCapacity, subnetIds: w.subnetIds,
          ...(w.targetGroupArn !== undefined ? { targetGroupArns: [w.targetGroupArn] } : {}), healthCheckType: 'ELB',
          healthCheckGracePeriod: a.healthCheckGracePeriod, defaultInstanceWarmup: a.healthCheckGracePeriod,
        },
        ...(hold ? { raiseTo: { min: a.minSize, desired: a.desiredCapacity } } : {}),
      },
    });
  }
  if (g.status) {
    return row(STEP, 'group', 'conflict', ASG, name, { id: g.arn, reason: `${g.status}: wait until AWS has removed it, then run up again (or choose another --asg-name)` });
  }
  const { changes, change } = groupUpdate(config, found, w);
  const note = wantedSizes(config, g).note;
  const info = `${g.instances.filter((i) => i.lifecycle === 'InService').length} InService, desired ${g.desired}${found.activeRefresh ? `; instance refresh ${found.activeRefresh.status} ${found.activeRefresh.percentageComplete} %` : ''}${note ? `; ${note}` : ''}`;
  if (!isOurs(g.tags, config)) return row(STEP, 'group', 'adopt', ASG, name, { id: g.arn, detail: info, changes, reason: ADOPT_REASON, change });
  // A refresh under way is waited for even when nothing else changes.
  const act = changes.length || change.refresh ? 'update' : 'reuse';
  return row(STEP, 'group', act, ASG, name, { id: g.arn, detail: info, changes, ...(act === 'update' ? { change } : {}) });
}

function policyRow(config: StackConfig, found: AutoScalingFound, deps: Deps): PlanRow<AutoScalingChange> {
  const { disableScaleIn } = config.asg;
  const want = wantedPolicy(config, deps);
  const detail = `${want.metric} target ${want.targetValue} ${want.unit}${disableScaleIn ? ', scale-in disabled' : ''}`;
  const change: AutoScalingChange = {
    op: 'put-policy', group: config.asg.name, name: POLICY_NAME, metric: want.metric, targetValue: want.targetValue, disableScaleIn,
    ...(want.resourceLabel !== undefined ? { resourceLabel: want.resourceLabel } : {}),
  };
  const p = found.policies.find((x) => x.name === POLICY_NAME);
  if (!p) return row(STEP, 'policy', 'create', POLICY, POLICY_NAME, { detail, change });
  const changes = diff([
    ['PolicyType', p.type, 'TargetTrackingScaling'],
    ['PredefinedMetricType', p.metric ?? null, want.metric],
    ['TargetValue', p.targetValue ?? null, want.targetValue],
    ['DisableScaleIn', p.disableScaleIn, disableScaleIn],
    ...(want.resourceLabel !== undefined ? [['ResourceLabel', p.resourceLabel ?? null, show(want.resourceLabel)] as [string, unknown, unknown]] : []),
  ]);
  return row(STEP, 'policy', changes.length ? 'update' : 'reuse', POLICY, POLICY_NAME, { id: p.arn, detail, changes, ...(changes.length ? { change } : {}) });
}

function notificationRow(config: StackConfig, found: AutoScalingFound, n: NonNullable<Wanted['notification']>): PlanRow<AutoScalingChange> {
  const name = `${config.asg.name} → ${n.topicName}`;
  const detail = n.types.map((t) => t.replace('autoscaling:EC2_INSTANCE_', '').toLowerCase()).join(', ');
  const change: AutoScalingChange = { op: 'put-notification', group: config.asg.name, topicArn: n.topicArn, types: n.types };
  const arn = known(n.topicArn);
  const have = arn ? found.notifications.find((c) => c.topicArn === arn) : undefined;
  if (!have) return row(STEP, 'notification', 'create', NOTIFICATION, name, { detail, change });
  const changes = [
    ...n.types.filter((t) => !have.types.includes(t)).map((t) => ({ field: 'NotificationType', from: null, to: t })),
    ...have.types.filter((t) => !n.types.includes(t)).map((t) => ({ field: 'NotificationType', from: t, to: null })),
  ];
  return row(STEP, 'notification', changes.length ? 'update' : 'reuse', NOTIFICATION, name, { id: have.topicArn, detail, changes, ...(changes.length ? { change } : {}) });
}

function plan(config: StackConfig, found: AutoScalingFound, deps: Deps): PlanRow<AutoScalingChange>[] {
  const w = wanted(config, deps);
  const rows = [groupRow(config, found, w)];
  if (rows[0]!.action === 'conflict') return rows;
  rows.push(policyRow(config, found, deps));
  if (w.notification) rows.push(notificationRow(config, found, w.notification));
  return rows;
}

/**
 * Runs a call that hands Auto Scaling the launch template: while the template's instance profile
 * is new, IAM has not propagated it to EC2 and the call is refused ("Invalid IAM Instance Profile
 * ARN", for ~10–40 s), so it is retried within the run's propagation bound.
 */
function whenProfileKnown<T>(ctx: StepContext, call: () => Promise<T>): Promise<T> {
  return retryWhile(ctx.aws.propagation, isIamPropagation, call);
}

/**
 * Starts the refresh to the template's default version (by number). Auto rollback is on when
 * the group itself was on a numbered version: AWS refuses it for a group on `$Default` or
 * `$Latest` (such a group, made by hand or by an older run, is moved to a number by this
 * refresh and rolls back from the next one on). A refresh someone else started in the meantime
 * is waited for instead.
 */
async function startRefresh(ctx: StepContext, group: string, s: { launchTemplateId: string; version: string; rollback: boolean; minHealthyPercentage: number; warmup: number }): Promise<string> {
  const api = ctx.aws.autoscaling;
  try {
    return await whenProfileKnown(ctx, () => api.startInstanceRefresh(group, {
      launchTemplate: { id: s.launchTemplateId, version: s.version },
      preferences: { MinHealthyPercentage: s.minHealthyPercentage, SkipMatching: true, InstanceWarmup: s.warmup, ...(s.rollback ? { AutoRollback: true } : {}) },
    }));
  } catch (err) {
    if (!isAwsError(err, 'InstanceRefreshInProgressFault')) throw err;
    const active = (await api.instanceRefreshes(group)).find((r) => ACTIVE_REFRESH.includes(r.status));
    if (!active) throw err;
    return active.id;
  }
}

/** The group's settings with the version as Auto Scaling takes it (a number, as a string). */
function settingsOf<S extends { launchTemplate?: { id: string; version: string | number } }>(s: S) {
  return s.launchTemplate ? { ...s, launchTemplate: { id: s.launchTemplate.id, version: String(s.launchTemplate.version) } } : s;
}

/**
 * Carries out the rows in the order AWS and the lab need: the group (empty while its
 * notifications are to be put, so its first launches are reported), its notifications, metrics,
 * the policy, then the sizes it was held from, a refresh, and the wait until the desired
 * capacity is InService.
 */
async function apply(ctx: StepContext, rows: PlanRow<AutoScalingChange>[], refs: Parameters<typeof produce>[0]): Promise<void> {
  const api = ctx.aws.autoscaling;
  const byKey = (local: string) => rows.find((r) => r.key === `${STEP}/${local}`);
  const groupRow = byKey('group')!;
  const group = refs.resolve(groupRow.change);
  const name = ctx.config.asg.name;
  const put = async (local: string) => {
    const r = byKey(local);
    if (!r?.change) {
      if (r?.id) produce(refs, r, 'id', r.id);
      return;
    }
    const c = refs.resolve(r.change);
    await ctx.forRow(r, async () => {
      if (c.op === 'put-notification') {
        ctx.progress.update(`notifications of ${c.group}`);
        await api.putNotificationConfiguration(c.group, c.topicArn, c.types);
        produce(refs, r, 'id', c.topicArn);
      } else if (c.op === 'put-policy') {
        const arn = await api.putTargetTrackingPolicy(c.group, {
          name: c.name, metric: c.metric, targetValue: c.targetValue, disableScaleIn: c.disableScaleIn, ...(c.resourceLabel ? { resourceLabel: c.resourceLabel } : {}),
        });
        produce(refs, r, 'id', arn);
      }
    });
  };

  if (group?.op === 'create-group') {
    ctx.progress.update(`creating ${name}${group.raiseTo ? ' (empty until its notifications are set)' : ''}`);
    await ctx.forRow(groupRow, () => whenProfileKnown(ctx, () => api.createGroup(name, settingsOf(group.settings) as never, group.tags)));
    await put('notification');
    await ctx.forRow(groupRow, () => api.enableMetricsCollection(name));
    await put('policy');
    if (group.raiseTo) await ctx.forRow(groupRow, () => api.updateGroup(name, group.raiseTo!));
  } else {
    await put('notification');
    if (group?.op === 'update-group') {
      await ctx.forRow(groupRow, async () => {
        if (group.tags) await api.putTags(name, group.tags);
        if (group.untag) await api.deleteTags(name, group.untag);
        if (group.metrics) await api.enableMetricsCollection(name);
      });
    }
    await put('policy');
    if (group?.op === 'update-group') {
      await ctx.forRow(groupRow, async () => {
        if (group.attach.length) await api.attachTargetGroups(name, group.attach);
        if (group.detach.length) await api.detachTargetGroups(name, group.detach);
        if (group.settings) {
          ctx.progress.update(`updating ${name}: ${groupRow.changes.map((c) => c.field).join(', ')}`);
          await whenProfileKnown(ctx, () => api.updateGroup(name, settingsOf(group.settings!) as never));
        }
      });
      const r = group.refresh;
      if (r && 'start' in r) {
        ctx.progress.update(`instance refresh of ${name} to version ${r.start.version}`);
        const id = await ctx.forRow(groupRow, () => startRefresh(ctx, name, { ...r.start, version: String(r.start.version) }));
        await waitForRefresh(ctx, name, id, r.start);
      } else if (r) await waitForRefresh(ctx, name, r.wait.id, r.wait);
    }
  }
  const g = await waitForInService(ctx, name);
  produce(refs, groupRow, 'id', g.arn);
}

export const autoScalingStep = defineStep<'auto-scaling', 'network' | 'load-balancer' | 'launch-template' | 'notifications', AutoScalingFound, AutoScalingChange>({
  id: STEP,
  title: 'Auto Scaling group',
  needs: ['network', 'load-balancer', 'launch-template', 'notifications'],
  async detect(ctx) {
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
  },
  plan,
  outputs: (config, found) => ({ groupName: config.asg.name, groupArn: found.group?.arn ?? ref(`${STEP}/group`, 'id', config.asg.name) }),
  // Not the desired capacity or the instances: the scaling policy moves those by itself, and a
  // plan changes the desired capacity only when asked to (its row then names the old value).
  fingerprint: (f) => {
    const g = f.group;
    return {
      group: g ? {
        arn: g.arn, min: g.min, max: g.max, launchTemplate: g.launchTemplate ?? null, subnetIds: [...g.subnetIds].sort(),
        targetGroupArns: [...g.targetGroupArns].sort(), healthCheckType: g.healthCheckType, healthCheckGracePeriod: g.healthCheckGracePeriod,
        defaultInstanceWarmup: g.defaultInstanceWarmup ?? null, metrics: g.enabledMetrics.length > 0, tags: g.tags, status: g.status ?? null,
      } : null,
      policies: f.policies.map((p) => ({ name: p.name, type: p.type, metric: p.metric ?? null, targetValue: p.targetValue ?? null, disableScaleIn: p.disableScaleIn, resourceLabel: p.resourceLabel ?? null })),
      notifications: f.notifications.map((n) => ({ topicArn: n.topicArn, types: [...n.types].sort() })),
      activeRefresh: f.activeRefresh?.id ?? null,
    };
  },
  apply: (ctx, rows, _deps, refs) => apply(ctx, rows, refs),
});
