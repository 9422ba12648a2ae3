/**
 * What the Auto Scaling files share: ids and ARNs shaped as AWS's, group look-up, paging,
 * launch template resolution, scaling activities and the SNS notifications that report them,
 * and the look-ups a tick builds once (`ReconcileEnv`).
 */
import { InvalidNextToken } from '@aws-sdk/client-auto-scaling';
import { asgError, modeledError } from './errors.js';
import { newId } from './store.js';
import { publishToTopic } from './sns.js';
import { TIMES } from './timings.js';
import type {
  AutoScalingGroupRecord,
  InstanceRecord,
  LaunchTemplateRecord,
  LaunchTemplateVersionRecord,
  ScalingActivityRecord,
  ScalingPolicyRecord,
  ScheduledActionRecord,
  SimContext,
  TargetGroupRecord,
  World,
} from './types.js';

/** Auto Scaling's unmodeled `ValidationError` (the SDK's base exception, name = wire code). */
export const validation = (message: string) => asgError('ValidationError', message);

/** A UUID as Auto Scaling uses for activities, refreshes and ARNs (repeatable: derived from the world counter). */
export function uuid(ctx: SimContext): string {
  const h = newId(ctx.world, 'uuid', 32).slice(5);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `2024-05-14T20:11:53Z`: the whole-second form activity causes use. */
export function atTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const arnPrefix = (w: World) => `arn:aws:autoscaling:${w.region}:${w.accountId}`;

/** ARNs as Auto Scaling forms them: a UUID, then the group (and policy or action) name. */
export function groupArn(ctx: SimContext, name: string): string {
  return `${arnPrefix(ctx.world)}:autoScalingGroup:${uuid(ctx)}:autoScalingGroupName/${name}`;
}
export function policyArn(ctx: SimContext, group: string, policy: string): string {
  return `${arnPrefix(ctx.world)}:scalingPolicy:${uuid(ctx)}:autoScalingGroupName/${group}:policyName/${policy}`;
}
export function scheduledActionArn(ctx: SimContext, group: string, action: string): string {
  return `${arnPrefix(ctx.world)}:scheduledUpdateGroupAction:${uuid(ctx)}:autoScalingGroupName/${group}:scheduledActionName/${action}`;
}

/** The group by name; AWS answers an unknown one with a `ValidationError`. */
export function findGroup(ctx: SimContext, name: unknown): AutoScalingGroupRecord {
  const g = ctx.world.autoscaling.groups.find((x) => x.name === name);
  if (!g) throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${String(name)} not found`);
  return g;
}

/** A group that is not being deleted (AWS refuses changes to one that is). */
export function liveGroup(ctx: SimContext, name: unknown): AutoScalingGroupRecord {
  const g = findGroup(ctx, name);
  if (g.deletingAt !== undefined) throw validation(`AutoScalingGroup ${g.name} is pending delete.`);
  return g;
}

/** Checks a required string parameter as AWS's model validation does. */
export function requireString(value: unknown, field: string, max = 255): string {
  if (typeof value !== 'string' || value.length < 1) {
    throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  if (value.length > max) {
    throw validation(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
  return value;
}

/** One page of `items` for `MaxRecords` / `NextToken` (the token is opaque to callers). */
export function paginate<T>(items: T[], maxRecords: unknown, nextToken: unknown, limits = { def: 50, max: 100 }) {
  if (maxRecords !== undefined && (typeof maxRecords !== 'number' || maxRecords < 1 || maxRecords > limits.max)) {
    throw validation(`1 validation error detected: Value '${String(maxRecords)}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${limits.max}`);
  }
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = typeof nextToken === 'string' ? Buffer.from(nextToken, 'base64').toString('utf8') : '';
    const m = /^asgw:(\d+)$/.exec(decoded);
    if (!m) throw modeledError(InvalidNextToken, `The token '${String(nextToken)}' is invalid.`);
    start = Number(m[1]);
  }
  const size = (maxRecords as number | undefined) ?? limits.def;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(`asgw:${start + size}`).toString('base64') : undefined;
  return { items: slice, nextToken: next };
}

export interface TemplateSpec {
  id?: string;
  name?: string;
  version?: string;
}

export interface ResolvedTemplate {
  lt: LaunchTemplateRecord;
  version: LaunchTemplateVersionRecord;
  /** The template with the version number actually used (what an instance reports). */
  used: { id: string; name: string; version: string };
}

/** Resolves `$Default` / `$Latest` / `n` against the EC2 launch templates; a string is AWS's reason it cannot. */
export function resolveTemplate(w: World, spec: TemplateSpec | undefined): ResolvedTemplate | string {
  if (!spec) return 'The launch template is not specified.';
  const lt = spec.id
    ? w.ec2.launchTemplates.find((t) => t.id === spec.id)
    : w.ec2.launchTemplates.find((t) => t.name === spec.name);
  if (!lt) {
    return spec.id
      ? `The specified launch template, with template ID ${spec.id}, does not exist.`
      : `The specified launch template, with template name ${String(spec.name)}, does not exist.`;
  }
  const v = spec.version ?? '$Default';
  const n = v === '$Default' ? lt.defaultVersion : v === '$Latest' ? lt.latestVersion : /^\d+$/.test(v) ? Number(v) : NaN;
  const version = lt.versions.find((x) => x.number === n);
  if (!version) return `The specified launch template version '${v}' does not exist for launch template ${lt.id}.`;
  return { lt, version, used: { id: lt.id, name: lt.name, version: String(n) } };
}

/** Keeps the activity history bounded (AWS keeps six weeks; the account file must stay small). */
const ACTIVITY_CAP = 5000;

/** Records a scaling activity (newest last in the world; Describe answers newest first). */
export function addActivity(
  ctx: SimContext,
  g: AutoScalingGroupRecord,
  a: Omit<ScalingActivityRecord, 'id' | 'groupName' | 'startTime' | 'progress'> & { progress?: number; startTime?: number },
): ScalingActivityRecord {
  const rec: ScalingActivityRecord = { id: uuid(ctx), groupName: g.name, startTime: ctx.now, progress: 0, ...a };
  const list = ctx.world.autoscaling.activities;
  list.push(rec);
  if (list.length > ACTIVITY_CAP) list.splice(0, list.length - ACTIVITY_CAP);
  return rec;
}

/** An activity by id (searched from the newest, where the ones still in progress are). */
export function findActivity(w: World, id: string | undefined): ScalingActivityRecord | undefined {
  if (!id) return undefined;
  const list = w.autoscaling.activities;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.id === id) return list[i];
  return undefined;
}

/** An activity in the SDK's `Activity` shape. */
export function activityOutput(a: ScalingActivityRecord, g?: AutoScalingGroupRecord) {
  return {
    ActivityId: a.id,
    AutoScalingGroupName: a.groupName,
    Description: a.description,
    Cause: a.cause,
    StartTime: new Date(a.startTime),
    ...(a.endTime !== undefined ? { EndTime: new Date(a.endTime) } : {}),
    StatusCode: a.statusCode,
    ...(a.statusMessage ? { StatusMessage: a.statusMessage } : {}),
    Progress: a.progress,
    Details: JSON.stringify(a.details),
    ...(g ? { AutoScalingGroupARN: g.arn } : {}),
  };
}

/** The notification types Auto Scaling sends (DescribeAutoScalingNotificationTypes). */
export const NOTIFICATION_TYPES = [
  'autoscaling:EC2_INSTANCE_LAUNCH',
  'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'autoscaling:EC2_INSTANCE_TERMINATE',
  'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
  'autoscaling:TEST_NOTIFICATION',
] as const;

/** One of the notification types above. */
export type NotificationEvent = (typeof NOTIFICATION_TYPES)[number];

const SUBJECTS: Record<NotificationEvent, string> = {
  'autoscaling:EC2_INSTANCE_LAUNCH': 'launch',
  'autoscaling:EC2_INSTANCE_LAUNCH_ERROR': 'failed launch',
  'autoscaling:EC2_INSTANCE_TERMINATE': 'termination',
  'autoscaling:EC2_INSTANCE_TERMINATE_ERROR': 'failed termination',
  'autoscaling:TEST_NOTIFICATION': 'test notification',
};

/** Publishes to a topic as Auto Scaling does: a topic deleted since is skipped silently. */
function publish(ctx: SimContext, topicArn: string, g: AutoScalingGroupRecord, event: NotificationEvent, body: Record<string, unknown>): void {
  try {
    publishToTopic(ctx, topicArn, JSON.stringify(body), `Auto Scaling: ${SUBJECTS[event]} for group "${g.name}"`);
  } catch {
    // Delivery failures never fail the activity on AWS either.
  }
}

/** The message AWS sends when a notification configuration is put. */
export function sendTestNotification(ctx: SimContext, g: AutoScalingGroupRecord, topicArn: string): void {
  const requestId = uuid(ctx);
  publish(ctx, topicArn, g, 'autoscaling:TEST_NOTIFICATION', {
    AccountId: ctx.world.accountId,
    RequestId: requestId,
    AutoScalingGroupARN: g.arn,
    AutoScalingGroupName: g.name,
    Service: 'AWS Auto Scaling',
    Event: 'autoscaling:TEST_NOTIFICATION',
    Time: new Date(ctx.now).toISOString(),
  });
}

/** Sends `event` about activity `a` to every topic the group configured for it (AWS's JSON body, key order included). */
export function notifyActivity(ctx: SimContext, g: AutoScalingGroupRecord, a: ScalingActivityRecord, event: NotificationEvent): void {
  const configs = ctx.world.autoscaling.notificationConfigurations.filter((c) => c.groupName === g.name && c.types.includes(event));
  if (configs.length === 0) return;
  const launch = event.startsWith('autoscaling:EC2_INSTANCE_LAUNCH');
  const failed = event.endsWith('_ERROR');
  const body = {
    Origin: launch ? 'EC2' : 'AutoScalingGroup',
    Destination: launch ? 'AutoScalingGroup' : 'EC2',
    // AWS sends success notifications mid-activity (InProgress, 50) and failures at the end.
    Progress: failed ? 100 : 50,
    AccountId: ctx.world.accountId,
    Description: a.description,
    RequestId: a.id,
    EndTime: new Date(a.endTime ?? ctx.now).toISOString(),
    AutoScalingGroupARN: g.arn,
    ActivityId: a.id,
    StartTime: new Date(a.startTime).toISOString(),
    Service: 'AWS Auto Scaling',
    Time: new Date(ctx.now).toISOString(),
    EC2InstanceId: a.instanceId ?? '',
    StatusCode: failed ? 'Failed' : 'InProgress',
    StatusMessage: a.statusMessage ?? '',
    Details: a.details,
    AutoScalingGroupName: g.name,
    Cause: a.cause,
    Event: event,
  };
  for (const c of configs) publish(ctx, c.topicArn, g, event, body);
}

/** Instances counting toward capacity: launched and not on their way out. */
export const activeInstances = (g: AutoScalingGroupRecord) => g.instances.filter((i) => i.lifecycle === 'Pending' || i.lifecycle === 'InService');

/**
 * Sets the desired capacity; `cause` ("At … a user request …") prefixes the causes of the
 * launches and terminations that follow, as AWS's activity causes read.
 */
export function changeDesired(ctx: SimContext, g: AutoScalingGroupRecord, desired: number, cause: string): void {
  if (desired === g.desiredCapacity) return;
  g.desiredCapacity = desired;
  g.capacityCause = cause;
  delete g.replaceCause;
  g.capacityCheckAt = ctx.now + ctx.duration(TIMES.autoScalingReaction);
}

/** Look-ups built once per tick, only when something needs them. */
export interface ReconcileEnv {
  instance(id: string): InstanceRecord | undefined;
  targetGroup(arn: string): TargetGroupRecord | undefined;
  policies(group: string): ScalingPolicyRecord[];
  scheduled(group: string): ScheduledActionRecord[];
}

function lazyIndex<T>(list: () => T[], key: (x: T) => string): (k: string) => T[] {
  let map: Map<string, T[]> | undefined;
  return (k) => {
    if (!map) {
      map = new Map();
      for (const x of list()) {
        const arr = map.get(key(x));
        if (arr) arr.push(x);
        else map.set(key(x), [x]);
      }
    }
    return map.get(k) ?? [];
  };
}

/** The tick's look-ups; handlers that start a termination build one too. */
export function makeEnv(ctx: SimContext): ReconcileEnv {
  const w = ctx.world;
  const inst = lazyIndex(() => w.ec2.instances, (i) => i.id);
  const tgs = lazyIndex(() => w.elbv2.targetGroups, (t) => t.arn);
  return {
    instance: (id) => inst(id)[0],
    targetGroup: (arn) => tgs(arn)[0],
    policies: lazyIndex(() => w.autoscaling.policies, (p) => p.groupName),
    scheduled: lazyIndex(() => w.autoscaling.scheduledActions, (a) => a.groupName),
  };
}
