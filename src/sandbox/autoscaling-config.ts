/**
 * A group's settings beyond its capacity: tags, SNS notification configurations, metrics
 * collection and suspended processes.
 */
import type { AutoScalingGroupRecord, Handler, SimContext } from './types.js';
import {
  NOTIFICATION_TYPES, atTime, findGroup, liveGroup, paginate, requireString, sendTestNotification, validation,
} from './autoscaling-common.js';

// ---- Tags ------------------------------------------------------------------------------------

type TagInput = { ResourceId?: string; ResourceType?: string; Key?: string; Value?: string; PropagateAtLaunch?: boolean };

/** Checks tags as AWS does; `withResource` for CreateOrUpdateTags / DeleteTags, which name their group. */
export function checkTags(tags: TagInput[] | undefined, withResource: boolean): TagInput[] {
  for (const t of tags ?? []) {
    if (!t.Key) throw validation('1 validation error detected: Value null at \'tags.member.key\' failed to satisfy constraint: Member must not be null');
    if (t.Key.length > 128) throw validation(`Tag key ${t.Key} exceeds the maximum length of 128 characters.`);
    if ((t.Value ?? '').length > 256) throw validation(`Tag value for key ${t.Key} exceeds the maximum length of 256 characters.`);
    if (t.Key.toLowerCase().startsWith('aws:')) throw validation(`Tag keys starting with 'aws:' are reserved for internal use: ${t.Key}`);
    if (withResource) {
      if (!t.ResourceId) throw validation('ResourceId is required for each tag.');
      if ((t.ResourceType ?? 'auto-scaling-group') !== 'auto-scaling-group') {
        throw validation(`Invalid resource type ${String(t.ResourceType)}; the only valid value is auto-scaling-group.`);
      }
    }
  }
  return tags ?? [];
}

/** A group's tags in the SDK's `TagDescription` shape. */
export function tagDescriptions(g: AutoScalingGroupRecord) {
  return g.tags.map((t) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.Key, Value: t.Value, PropagateAtLaunch: t.PropagateAtLaunch }));
}

const createOrUpdateTags: Handler = (ctx, input) => {
  const tags = checkTags(input.Tags, true);
  const groups = tags.map((t) => findGroup(ctx, t.ResourceId));
  for (const g of new Set(groups)) {
    if (g.tags.length + tags.filter((t) => t.ResourceId === g.name && !g.tags.some((x) => x.Key === t.Key)).length > 50) {
      throw validation(`Auto Scaling group ${g.name} would exceed the limit of 50 tags.`);
    }
  }
  tags.forEach((t, i) => {
    const g = groups[i]!;
    const tag = { Key: t.Key!, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false };
    const at = g.tags.findIndex((x) => x.Key === tag.Key);
    if (at >= 0) g.tags[at] = tag;
    else g.tags.push(tag);
  });
  return {};
};

const deleteTags: Handler = (ctx, input) => {
  const tags = checkTags(input.Tags, true);
  for (const t of tags) {
    const g = findGroup(ctx, t.ResourceId);
    g.tags = g.tags.filter((x) => x.Key !== t.Key);
  }
  return {};
};

const TAG_FILTERS = ['auto-scaling-group', 'key', 'value', 'propagate-at-launch'];

const describeTags: Handler = (ctx, input) => {
  const filters = (input.Filters ?? []) as { Name?: string; Values?: string[] }[];
  for (const f of filters) {
    if (!f.Name || !TAG_FILTERS.includes(f.Name)) {
      throw validation(`Filter type ${String(f.Name)} is not correct. Allowed Filter types are: ${TAG_FILTERS.join(' ')}`);
    }
  }
  const all = [...ctx.world.autoscaling.groups].sort((a, b) => a.name.localeCompare(b.name)).flatMap(tagDescriptions);
  const list = all.filter((t) => filters.every((f) => {
    const have = f.Name === 'auto-scaling-group' ? t.ResourceId : f.Name === 'key' ? t.Key : f.Name === 'value' ? t.Value : String(t.PropagateAtLaunch);
    return (f.Values ?? []).includes(have);
  }));
  const page = paginate(list, input.MaxRecords, input.NextToken);
  return { Tags: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

// ---- Notifications ---------------------------------------------------------------------------

const putNotificationConfiguration: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const topicArn = requireString(input.TopicARN, 'topicARN', 1600);
  const types = (input.NotificationTypes ?? []) as string[];
  if (!ctx.world.sns.topics.some((t) => t.arn === topicArn)) throw validation(`Topic ARN ${topicArn} is invalid: the topic does not exist.`);
  if (types.length === 0) throw validation('NotificationTypes must contain at least one notification type.');
  for (const t of types) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(t)) {
      throw validation(`Notification type ${t} is not valid. Valid types are: ${NOTIFICATION_TYPES.join(', ')}`);
    }
  }
  const list = ctx.world.autoscaling.notificationConfigurations;
  const existing = list.find((c) => c.groupName === g.name && c.topicArn === topicArn);
  // The call overwrites the types for this group and topic.
  if (existing) existing.types = [...new Set(types)];
  else list.push({ groupName: g.name, topicArn, types: [...new Set(types)] });
  sendTestNotification(ctx, g, topicArn);
  return {};
};

const describeNotificationConfigurations: Handler = (ctx, input) => {
  const names = input.AutoScalingGroupNames as string[] | undefined;
  const order = new Map(ctx.world.autoscaling.groups.map((g, i) => [g.name, i]));
  const items = ctx.world.autoscaling.notificationConfigurations
    .filter((c) => order.has(c.groupName) && (!names?.length || names.includes(c.groupName)))
    .sort((a, b) => a.groupName.localeCompare(b.groupName) || a.topicArn.localeCompare(b.topicArn))
    .flatMap((c) => [...c.types].sort().map((t) => ({ AutoScalingGroupName: c.groupName, TopicARN: c.topicArn, NotificationType: t })));
  const page = paginate(items, input.MaxRecords, input.NextToken);
  return { NotificationConfigurations: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

const deleteNotificationConfiguration: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const w = ctx.world.autoscaling;
  const found = w.notificationConfigurations.some((c) => c.groupName === g.name && c.topicArn === input.TopicARN);
  if (!found) throw validation(`Notification configuration for topic ${String(input.TopicARN)} not found for Auto Scaling group ${g.name}.`);
  w.notificationConfigurations = w.notificationConfigurations.filter((c) => !(c.groupName === g.name && c.topicArn === input.TopicARN));
  return {};
};

// ---- Metrics collection and processes --------------------------------------------------------

/** Every metric EnableMetricsCollection turns on when given no list (AWS's documented set). */
export const GROUP_METRICS = [
  'GroupMinSize', 'GroupMaxSize', 'GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupPendingInstances',
  'GroupStandbyInstances', 'GroupTerminatingInstances', 'GroupTotalInstances', 'GroupInServiceCapacity',
  'GroupPendingCapacity', 'GroupStandbyCapacity', 'GroupTerminatingCapacity', 'GroupTotalCapacity',
  'WarmPoolDesiredCapacity', 'WarmPoolWarmedCapacity', 'WarmPoolPendingCapacity', 'WarmPoolTerminatingCapacity',
  'WarmPoolTotalCapacity', 'GroupAndWarmPoolDesiredCapacity', 'GroupAndWarmPoolTotalCapacity',
];

function metricsOf(input: { Metrics?: string[] }): string[] {
  const metrics = input.Metrics?.length ? input.Metrics : GROUP_METRICS;
  for (const m of metrics) if (!GROUP_METRICS.includes(m)) throw validation(`Invalid metric name: ${m}. Valid metrics are ${GROUP_METRICS.join(', ')}.`);
  return metrics;
}

const enableMetricsCollection: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  if (input.Granularity !== '1Minute') throw validation(`Invalid granularity ${String(input.Granularity)}: the only valid granularity is 1Minute.`);
  const metrics = metricsOf(input);
  g.enabledMetrics = [...new Set([...g.enabledMetrics, ...metrics])];
  return {};
};

const disableMetricsCollection: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const metrics = metricsOf(input);
  g.enabledMetrics = g.enabledMetrics.filter((m) => !metrics.includes(m));
  return {};
};

/** The scaling processes SuspendProcesses / ResumeProcesses take. */
export const PROCESSES = [
  'Launch', 'Terminate', 'AddToLoadBalancer', 'AlarmNotification', 'AZRebalance', 'HealthCheck',
  'InstanceRefresh', 'ReplaceUnhealthy', 'ScheduledActions',
];

function processesOf(input: { ScalingProcesses?: string[] }): string[] {
  const list = input.ScalingProcesses?.length ? input.ScalingProcesses : PROCESSES;
  for (const p of list) if (!PROCESSES.includes(p)) throw validation(`Process ${p} is not a valid scaling process. Valid processes are ${PROCESSES.join(', ')}.`);
  return list;
}

function suspend(ctx: SimContext, g: AutoScalingGroupRecord, list: string[]): void {
  g.suspensionReasons ??= {};
  for (const p of list) {
    if (g.suspendedProcesses.includes(p)) continue;
    g.suspendedProcesses.push(p);
    g.suspensionReasons[p] = `User suspended at ${atTime(ctx.now)}`;
  }
}

const suspendProcesses: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  suspend(ctx, g, processesOf(input));
  return {};
};

const resumeProcesses: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const list = processesOf(input);
  g.suspendedProcesses = g.suspendedProcesses.filter((p) => !list.includes(p));
  for (const p of list) delete g.suspensionReasons?.[p];
  return {};
};

/** Handlers for tags, notifications, metrics collection and processes. */
export const configHandlers: Record<string, Handler> = {
  CreateOrUpdateTags: createOrUpdateTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
  PutNotificationConfiguration: putNotificationConfiguration,
  DescribeNotificationConfigurations: describeNotificationConfigurations,
  DeleteNotificationConfiguration: deleteNotificationConfiguration,
  DescribeAutoScalingNotificationTypes: () => ({ AutoScalingNotificationTypes: [...NOTIFICATION_TYPES] }),
  EnableMetricsCollection: enableMetricsCollection,
  DisableMetricsCollection: disableMetricsCollection,
  SuspendProcesses: suspendProcesses,
  ResumeProcesses: resumeProcesses,
  DescribeScalingProcessTypes: () => ({ Processes: PROCESSES.map((ProcessName) => ({ ProcessName })) }),
};
