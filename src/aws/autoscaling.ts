/**
 * Amazon EC2 Auto Scaling calls the steps and `status` use: groups, scaling policies, metrics
 * collection, notification configurations, activities, instance refreshes, capacity. Paging is
 * done here with the SDK's paginators (MaxRecords 100 + NextToken). Auto Scaling's waiters do
 * not cover what the steps wait for; they poll with `poll.ts`.
 */
import {
  AttachLoadBalancerTargetGroupsCommand, CreateAutoScalingGroupCommand, CreateOrUpdateTagsCommand, DeleteAutoScalingGroupCommand,
  DeletePolicyCommand, DeleteScheduledActionCommand, DeleteTagsCommand, PutScheduledUpdateGroupActionCommand,
  paginateDescribeScheduledActions, waitUntilGroupNotExists,
  DeleteNotificationConfigurationCommand, DetachLoadBalancerTargetGroupsCommand, EnableMetricsCollectionCommand,
  PutNotificationConfigurationCommand, PutScalingPolicyCommand, StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand, paginateDescribeAutoScalingGroups, paginateDescribeInstanceRefreshes,
  paginateDescribeNotificationConfigurations, paginateDescribePolicies, DescribeScalingActivitiesCommand,
  type AutoScalingClient, type AutoScalingGroup as SdkGroup, type Filter, type InstanceRefresh as SdkRefresh,
  type ScalingPolicy as SdkPolicy, type RefreshPreferences,
} from '@aws-sdk/client-auto-scaling';
import { awsCall } from '../errors.js';
import type { TagMap } from './tags.js';
import { runWaiter, type WaitOptions } from './waiter.js';

export interface AsgInstance {
  id: string; az: string; lifecycle: string; health: string;
  /** The template and version it was launched from (a number for instances launched through `$Default`). */
  launchTemplateId?: string; launchTemplateVersion?: string;
}

export interface AutoScalingGroup {
  name: string; arn: string; min: number; max: number; desired: number;
  launchTemplate?: { id?: string; name?: string; version?: string };
  subnetIds: string[]; targetGroupArns: string[]; healthCheckType: string; healthCheckGracePeriod: number;
  defaultInstanceWarmup?: number; enabledMetrics: string[]; instances: AsgInstance[];
  tags: TagMap; propagated: Record<string, boolean>;
  /** "Delete in progress" while a deletion runs. */
  status?: string;
}

/** A tag of a group, with whether instances get it at launch. */
export interface GroupTag { Key: string; Value: string; PropagateAtLaunch: boolean }

/** What a group is created or updated with; absent fields are left as they are on update. */
export interface GroupSettings {
  launchTemplate?: { id: string; version: string };
  min?: number; max?: number; desired?: number;
  subnetIds?: string[]; targetGroupArns?: string[];
  healthCheckType?: 'EC2' | 'ELB'; healthCheckGracePeriod?: number; defaultInstanceWarmup?: number;
}

export interface ScalingPolicy {
  name: string; arn: string; type: string; metric?: string; resourceLabel?: string; targetValue?: number; disableScaleIn: boolean; enabled: boolean;
  /** The CloudWatch alarms that trigger it (a target tracking policy's high and low alarms). */
  alarms?: string[];
}

/** A scheduled action: sizes set at a time or on a cron recurrence (in its time zone, UTC by default). */
export interface ScheduledAction {
  name: string; arn: string; recurrence?: string; timeZone?: string; start?: Date; end?: Date;
  min?: number; max?: number; desired?: number;
}

export interface NotificationConfiguration { groupName: string; topicArn: string; types: string[] }

export interface ScalingActivity { id: string; description: string; cause: string; status: string; start?: Date; end?: Date; statusMessage?: string }

export interface InstanceRefresh {
  id: string; status: string; percentageComplete: number; instancesToUpdate: number; statusReason?: string; start?: Date; end?: Date;
}

/** Refresh statuses during which another refresh cannot start. */
export const ACTIVE_REFRESH = ['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'];

function toGroup(g: SdkGroup): AutoScalingGroup {
  const tags: TagMap = {};
  const propagated: Record<string, boolean> = {};
  for (const t of g.Tags ?? []) {
    if (!t.Key) continue;
    tags[t.Key] = t.Value ?? '';
    propagated[t.Key] = !!t.PropagateAtLaunch;
  }
  const lt = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  return {
    name: g.AutoScalingGroupName!, arn: g.AutoScalingGroupARN!, min: g.MinSize ?? 0, max: g.MaxSize ?? 0, desired: g.DesiredCapacity ?? 0,
    ...(lt ? {
      launchTemplate: {
        ...(lt.LaunchTemplateId ? { id: lt.LaunchTemplateId } : {}), ...(lt.LaunchTemplateName ? { name: lt.LaunchTemplateName } : {}),
        ...(lt.Version ? { version: lt.Version } : {}),
      },
    } : {}),
    subnetIds: (g.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    targetGroupArns: g.TargetGroupARNs ?? [], healthCheckType: g.HealthCheckType ?? 'EC2', healthCheckGracePeriod: g.HealthCheckGracePeriod ?? 0,
    ...(g.DefaultInstanceWarmup !== undefined ? { defaultInstanceWarmup: g.DefaultInstanceWarmup } : {}),
    enabledMetrics: (g.EnabledMetrics ?? []).map((m) => m.Metric!).filter(Boolean),
    instances: (g.Instances ?? []).map((i) => ({
      id: i.InstanceId!, az: i.AvailabilityZone ?? '', lifecycle: i.LifecycleState ?? 'unknown', health: i.HealthStatus ?? 'unknown',
      ...(i.LaunchTemplate?.LaunchTemplateId ? { launchTemplateId: i.LaunchTemplate.LaunchTemplateId } : {}),
      ...(i.LaunchTemplate?.Version ? { launchTemplateVersion: i.LaunchTemplate.Version } : {}),
    })),
    tags, propagated, ...(g.Status ? { status: g.Status } : {}),
  };
}

function toPolicy(p: SdkPolicy): ScalingPolicy {
  const tt = p.TargetTrackingConfiguration;
  const metric = tt?.PredefinedMetricSpecification?.PredefinedMetricType;
  return {
    name: p.PolicyName!, arn: p.PolicyARN!, type: p.PolicyType ?? 'SimpleScaling',
    ...(metric ? { metric } : {}), ...(tt?.TargetValue !== undefined ? { targetValue: tt.TargetValue } : {}),
    ...(tt?.PredefinedMetricSpecification?.ResourceLabel ? { resourceLabel: tt.PredefinedMetricSpecification.ResourceLabel } : {}),
    disableScaleIn: !!tt?.DisableScaleIn, enabled: p.Enabled !== false,
    alarms: (p.Alarms ?? []).map((a) => a.AlarmName!).filter(Boolean),
  };
}

function toRefresh(r: SdkRefresh): InstanceRefresh {
  return {
    id: r.InstanceRefreshId!, status: r.Status ?? 'unknown', percentageComplete: r.PercentageComplete ?? 0,
    instancesToUpdate: r.InstancesToUpdate ?? 0, ...(r.StatusReason ? { statusReason: r.StatusReason } : {}),
    ...(r.StartTime ? { start: r.StartTime } : {}), ...(r.EndTime ? { end: r.EndTime } : {}),
  };
}

function settingsInput(s: GroupSettings) {
  return {
    ...(s.launchTemplate ? { LaunchTemplate: { LaunchTemplateId: s.launchTemplate.id, Version: s.launchTemplate.version } } : {}),
    ...(s.min !== undefined ? { MinSize: s.min } : {}),
    ...(s.max !== undefined ? { MaxSize: s.max } : {}),
    ...(s.desired !== undefined ? { DesiredCapacity: s.desired } : {}),
    ...(s.subnetIds ? { VPCZoneIdentifier: s.subnetIds.join(',') } : {}),
    ...(s.healthCheckType ? { HealthCheckType: s.healthCheckType } : {}),
    ...(s.healthCheckGracePeriod !== undefined ? { HealthCheckGracePeriod: s.healthCheckGracePeriod } : {}),
    ...(s.defaultInstanceWarmup !== undefined ? { DefaultInstanceWarmup: s.defaultInstanceWarmup } : {}),
  };
}

/** The Auto Scaling adapter. */
export class AutoScalingApi {
  constructor(private readonly client: AutoScalingClient) {}

  /** Groups by name (all groups with none given), or by tag filters; with their instances. */
  async groups(names?: string[], filters?: Filter[]): Promise<AutoScalingGroup[]> {
    const out: AutoScalingGroup[] = [];
    await awsCall('DescribeAutoScalingGroups', names?.join(','), async () => {
      const input = { MaxRecords: 100, ...(names?.length ? { AutoScalingGroupNames: names } : {}), ...(filters?.length ? { Filters: filters } : {}) };
      for await (const page of paginateDescribeAutoScalingGroups({ client: this.client }, input)) {
        out.push(...(page.AutoScalingGroups ?? []).map(toGroup));
      }
    });
    return out;
  }

  /** Every group in the region, without its instances (for `notify`'s list; lighter on large accounts). */
  async listGroups(): Promise<AutoScalingGroup[]> {
    const out: AutoScalingGroup[] = [];
    await awsCall('DescribeAutoScalingGroups', undefined, async () => {
      for await (const page of paginateDescribeAutoScalingGroups({ client: this.client }, { MaxRecords: 100, IncludeInstances: false })) {
        out.push(...(page.AutoScalingGroups ?? []).map(toGroup));
      }
    });
    return out;
  }

  async findGroup(name: string): Promise<AutoScalingGroup | undefined> {
    return (await this.groups([name]))[0];
  }

  /** Groups carrying tag `key` = `value` (the stack tag). */
  async groupsByTag(key: string, value: string): Promise<AutoScalingGroup[]> {
    return this.groups(undefined, [{ Name: `tag:${key}`, Values: [value] }]);
  }

  /** Creates the group with its tags (CreateAutoScalingGroup takes no notification configuration). */
  async createGroup(name: string, s: GroupSettings & Required<Pick<GroupSettings, 'launchTemplate' | 'min' | 'max' | 'subnetIds'>>, tags: GroupTag[]): Promise<void> {
    await awsCall('CreateAutoScalingGroup', name, () =>
      this.client.send(new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name, ...settingsInput(s), MinSize: s.min, MaxSize: s.max,
        ...(s.targetGroupArns?.length ? { TargetGroupARNs: s.targetGroupArns } : {}),
        Tags: tags.map((t) => ({ ...t, ResourceId: name, ResourceType: 'auto-scaling-group' })),
      })),
    );
  }

  /** Changes only the settings given (a new min or max alone drags the desired capacity into range). */
  async updateGroup(name: string, s: GroupSettings): Promise<void> {
    await awsCall('UpdateAutoScalingGroup', name, () =>
      this.client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, ...settingsInput(s) })),
    );
  }

  async attachTargetGroups(name: string, arns: string[]): Promise<void> {
    if (!arns.length) return;
    await awsCall('AttachLoadBalancerTargetGroups', name, () =>
      this.client.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: arns })),
    );
  }

  async detachTargetGroups(name: string, arns: string[]): Promise<void> {
    if (!arns.length) return;
    await awsCall('DetachLoadBalancerTargetGroups', name, () =>
      this.client.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: arns })),
    );
  }

  async putTags(name: string, tags: GroupTag[]): Promise<void> {
    if (!tags.length) return;
    await awsCall('CreateOrUpdateTags', name, () =>
      this.client.send(new CreateOrUpdateTagsCommand({ Tags: tags.map((t) => ({ ...t, ResourceId: name, ResourceType: 'auto-scaling-group' })) })),
    );
  }

  /** Deletes the group; `force` terminates its instances too. */
  async deleteGroup(name: string, force: boolean): Promise<void> {
    await awsCall('DeleteAutoScalingGroup', name, () =>
      this.client.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: force })),
    );
  }

  /** Waits until AWS no longer lists the group (a deletion ends once its instances have terminated). */
  async waitUntilGone(name: string, wait: WaitOptions): Promise<void> {
    await runWaiter(`Auto Scaling group ${name} to be deleted`, wait,
      (w) => waitUntilGroupNotExists({ client: this.client, ...w }, { AutoScalingGroupNames: [name] }),
      async () => {
        const g = await this.findGroup(name);
        return g ? `${g.status ?? 'still there'}, ${g.instances.length} instance(s) left` : 'gone';
      });
  }

  /** Removes tags from the group (a tag not there is no error). */
  async deleteTags(name: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    await awsCall('DeleteTags', name, () =>
      this.client.send(new DeleteTagsCommand({ Tags: keys.map((Key) => ({ Key, ResourceId: name, ResourceType: 'auto-scaling-group' })) })),
    );
  }

  async deletePolicy(groupName: string, policyName: string): Promise<void> {
    await awsCall('DeletePolicy', `${groupName}/${policyName}`, () =>
      this.client.send(new DeletePolicyCommand({ AutoScalingGroupName: groupName, PolicyName: policyName })));
  }

  /** The group's scheduled actions, every page. */
  async scheduledActions(groupName: string): Promise<ScheduledAction[]> {
    const out: ScheduledAction[] = [];
    await awsCall('DescribeScheduledActions', groupName, async () => {
      for await (const page of paginateDescribeScheduledActions({ client: this.client }, { AutoScalingGroupName: groupName, MaxRecords: 100 })) {
        for (const a of page.ScheduledUpdateGroupActions ?? []) {
          out.push({
            name: a.ScheduledActionName!, arn: a.ScheduledActionARN ?? '',
            ...(a.Recurrence ? { recurrence: a.Recurrence } : {}), ...(a.TimeZone ? { timeZone: a.TimeZone } : {}),
            ...(a.StartTime ? { start: a.StartTime } : {}), ...(a.EndTime ? { end: a.EndTime } : {}),
            ...(a.MinSize !== undefined ? { min: a.MinSize } : {}), ...(a.MaxSize !== undefined ? { max: a.MaxSize } : {}),
            ...(a.DesiredCapacity !== undefined ? { desired: a.DesiredCapacity } : {}),
          });
        }
      }
    });
    return out;
  }

  /** Creates or replaces a scheduled action (by name). */
  async putScheduledAction(groupName: string, a: Omit<ScheduledAction, 'arn'>): Promise<void> {
    await awsCall('PutScheduledUpdateGroupAction', `${groupName}/${a.name}`, () =>
      this.client.send(new PutScheduledUpdateGroupActionCommand({
        AutoScalingGroupName: groupName, ScheduledActionName: a.name,
        ...(a.recurrence ? { Recurrence: a.recurrence } : {}), ...(a.timeZone ? { TimeZone: a.timeZone } : {}),
        ...(a.start ? { StartTime: a.start } : {}), ...(a.end ? { EndTime: a.end } : {}),
        ...(a.min !== undefined ? { MinSize: a.min } : {}), ...(a.max !== undefined ? { MaxSize: a.max } : {}),
        ...(a.desired !== undefined ? { DesiredCapacity: a.desired } : {}),
      })));
  }

  async deleteScheduledAction(groupName: string, name: string): Promise<void> {
    await awsCall('DeleteScheduledAction', `${groupName}/${name}`, () =>
      this.client.send(new DeleteScheduledActionCommand({ AutoScalingGroupName: groupName, ScheduledActionName: name })));
  }

  async policies(groupName: string): Promise<ScalingPolicy[]> {
    const out: ScalingPolicy[] = [];
    await awsCall('DescribePolicies', groupName, async () => {
      for await (const page of paginateDescribePolicies({ client: this.client }, { AutoScalingGroupName: groupName, MaxRecords: 100 })) {
        out.push(...(page.ScalingPolicies ?? []).map(toPolicy));
      }
    });
    return out;
  }

  /** Creates or replaces a target tracking policy on a predefined metric. */
  async putTargetTrackingPolicy(groupName: string, p: { name: string; metric: string; resourceLabel?: string; targetValue: number; disableScaleIn: boolean }): Promise<string> {
    const res = await awsCall('PutScalingPolicy', `${groupName}/${p.name}`, () =>
      this.client.send(new PutScalingPolicyCommand({
        AutoScalingGroupName: groupName, PolicyName: p.name, PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: {
          PredefinedMetricSpecification: { PredefinedMetricType: p.metric as never, ...(p.resourceLabel ? { ResourceLabel: p.resourceLabel } : {}) },
          TargetValue: p.targetValue, DisableScaleIn: p.disableScaleIn,
        },
      })),
    );
    return res.PolicyARN!;
  }

  /** Turns on group metrics at 1-minute granularity; no metric list means all of them. */
  async enableMetricsCollection(groupName: string): Promise<void> {
    await awsCall('EnableMetricsCollection', groupName, () =>
      this.client.send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: groupName, Granularity: '1Minute' })),
    );
  }

  /** Notification configurations (of the groups named, or of every group), one entry per group and topic. */
  async notificationConfigurations(groupNames?: string[]): Promise<NotificationConfiguration[]> {
    const byKey = new Map<string, NotificationConfiguration>();
    await awsCall('DescribeNotificationConfigurations', groupNames?.join(','), async () => {
      const input = { MaxRecords: 100, ...(groupNames?.length ? { AutoScalingGroupNames: groupNames } : {}) };
      for await (const page of paginateDescribeNotificationConfigurations({ client: this.client }, input)) {
        for (const c of page.NotificationConfigurations ?? []) {
          const key = `${c.AutoScalingGroupName}\n${c.TopicARN}`;
          let entry = byKey.get(key);
          if (!entry) byKey.set(key, (entry = { groupName: c.AutoScalingGroupName!, topicArn: c.TopicARN!, types: [] }));
          if (c.NotificationType) entry.types.push(c.NotificationType);
        }
      }
    });
    return [...byKey.values()].map((c) => ({ ...c, types: [...c.types].sort() }));
  }

  /** The same, flat: one entry per group, topic and notification type, as AWS lists them. */
  async describeNotificationConfigurations(groupNames?: string[]): Promise<{ groupName: string; topicArn: string; type: string }[]> {
    const configs = await this.notificationConfigurations(groupNames);
    return configs.flatMap((c) => c.types.map((type) => ({ groupName: c.groupName, topicArn: c.topicArn, type })));
  }

  /** Sets the types sent to `topicArn` (replacing the ones set before for this group and topic). */
  async putNotificationConfiguration(groupName: string, topicArn: string, types: string[]): Promise<void> {
    await awsCall('PutNotificationConfiguration', `${groupName} → ${topicArn}`, () =>
      this.client.send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: groupName, TopicARN: topicArn, NotificationTypes: types })),
    );
  }

  async deleteNotificationConfiguration(groupName: string, topicArn: string): Promise<void> {
    await awsCall('DeleteNotificationConfiguration', `${groupName} → ${topicArn}`, () =>
      this.client.send(new DeleteNotificationConfigurationCommand({ AutoScalingGroupName: groupName, TopicARN: topicArn })),
    );
  }

  /** The group's most recent scaling activities, newest first. */
  async activities(groupName: string, max = 5): Promise<ScalingActivity[]> {
    const res = await awsCall('DescribeScalingActivities', groupName, () =>
      this.client.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: groupName, MaxRecords: Math.min(100, Math.max(1, max)) })),
    );
    return (res.Activities ?? []).slice(0, max).map((a) => ({
      id: a.ActivityId!, description: a.Description ?? '', cause: a.Cause ?? '', status: a.StatusCode ?? 'unknown',
      ...(a.StartTime ? { start: a.StartTime } : {}), ...(a.EndTime ? { end: a.EndTime } : {}),
      ...(a.StatusMessage ? { statusMessage: a.StatusMessage } : {}),
    }));
  }

  /** Starts an instance refresh; returns its id. */
  async startInstanceRefresh(
    groupName: string, p: { preferences: RefreshPreferences; launchTemplate?: { id: string; version: string } },
  ): Promise<string> {
    const res = await awsCall('StartInstanceRefresh', groupName, () =>
      this.client.send(new StartInstanceRefreshCommand({
        AutoScalingGroupName: groupName, Strategy: 'Rolling', Preferences: p.preferences,
        ...(p.launchTemplate ? { DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: p.launchTemplate.id, Version: p.launchTemplate.version } } } : {}),
      })),
    );
    return res.InstanceRefreshId!;
  }

  /** The group's instance refreshes, newest first (one by id when given). */
  async instanceRefreshes(groupName: string, id?: string): Promise<InstanceRefresh[]> {
    const out: InstanceRefresh[] = [];
    await awsCall('DescribeInstanceRefreshes', groupName, async () => {
      const input = { AutoScalingGroupName: groupName, MaxRecords: 100, ...(id ? { InstanceRefreshIds: [id] } : {}) };
      for await (const page of paginateDescribeInstanceRefreshes({ client: this.client }, input)) {
        out.push(...(page.InstanceRefreshes ?? []).map(toRefresh));
      }
    });
    return out;
  }
}
