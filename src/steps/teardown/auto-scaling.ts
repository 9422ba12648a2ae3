/**
 * The Auto Scaling group's teardown: every group tagged with the stack (whatever its name), its
 * notification configurations, scheduled actions and scaling policies first (nothing scales or
 * reports while the group goes), then the group itself with ForceDelete, waited for until AWS no
 * longer lists it: a group is listed "Delete in progress" until its instances have drained from
 * the target group and terminated, and only then do their network interfaces start to let go of
 * the instances' security group.
 */
import type { AutoScalingGroup, NotificationConfiguration, ScalingPolicy, ScheduledAction } from '../../aws/autoscaling.js';
import { topicNameOf } from '../../aws/sns.js';
import type { PlanRow, StepContext } from '../../engine/types.js';
import { isAwsError } from '../../errors.js';
import { isOurs } from '../common.js';
import { defineTeardown, deleteRow, keptRow, notOurs, waitFor } from './common.js';

interface GroupFound {
  group: AutoScalingGroup;
  policies: ScalingPolicy[];
  schedules: ScheduledAction[];
  notifications: NotificationConfiguration[];
}

export interface AutoScalingTeardownFound {
  groups: GroupFound[];
  /** A group of the stack's name that is not the stack's. */
  stranger?: AutoScalingGroup;
}

export type AutoScalingTeardownChange =
  | { op: 'delete-notification'; group: string; topicArn: string }
  | { op: 'delete-schedule'; group: string; name: string }
  | { op: 'delete-policy'; group: string; name: string }
  | { op: 'delete-group'; name: string };

const STEP = 'auto-scaling';
const ASG = 'AWS::AutoScaling::AutoScalingGroup';

/** Auto Scaling's answer for a configuration, action or group that is not there (any more). */
const isMissing = (err: unknown) => isAwsError(err, 'ValidationError') && /not found|does not exist/i.test((err as Error).message ?? '');

async function unlessMissing(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

function groupRows(f: GroupFound): PlanRow<AutoScalingTeardownChange>[] {
  const g = f.group;
  const name = g.name;
  const rows: PlanRow<AutoScalingTeardownChange>[] = [];
  // A group being deleted takes these with it; only the deletion is waited for again.
  if (!g.status) {
    for (const n of f.notifications) {
      rows.push(deleteRow(STEP, `notification:${name}:${topicNameOf(n.topicArn)}`, 'AWS::AutoScaling::NotificationConfiguration', `${name} → ${topicNameOf(n.topicArn)}`, n.topicArn,
        { op: 'delete-notification', group: name, topicArn: n.topicArn }));
    }
    for (const s of f.schedules) {
      rows.push(deleteRow(STEP, `schedule:${name}:${s.name}`, 'AWS::AutoScaling::ScheduledAction', s.name, s.arn || s.name,
        { op: 'delete-schedule', group: name, name: s.name }, s.recurrence ? `${s.recurrence}${s.timeZone ? ` (${s.timeZone})` : ''}` : undefined));
    }
    for (const p of f.policies) {
      rows.push(deleteRow(STEP, `policy:${name}:${p.name}`, 'AWS::AutoScaling::ScalingPolicy', p.name, p.arn, { op: 'delete-policy', group: name, name: p.name }));
    }
  }
  const n = g.instances.length;
  const detail = g.status
    ? `${g.status}: waited for until its ${n} instance(s) are gone`
    : `${n} instance${n === 1 ? '' : 's'} terminated with it (ForceDelete); waited for until gone`;
  rows.push(deleteRow(STEP, `group:${name}`, ASG, name, g.arn, { op: 'delete-group', name }, detail));
  return rows;
}

export const autoScalingTeardown = defineTeardown<AutoScalingTeardownFound, AutoScalingTeardownChange>({
  id: STEP,
  title: 'Auto Scaling group',
  async detect(ctx) {
    const api = ctx.aws.autoscaling;
    const [tagged, named] = await Promise.all([api.groupsByTag('asg-wizard:stack', ctx.config.stack), api.findGroup(ctx.config.asg.name)]);
    const groups = await Promise.all(tagged.filter((g) => isOurs(g.tags, ctx.config)).map(async (group): Promise<GroupFound> => {
      if (group.status) return { group, policies: [], schedules: [], notifications: [] };
      const [policies, schedules, notifications] = await Promise.all([
        api.policies(group.name), api.scheduledActions(group.name), api.notificationConfigurations([group.name]),
      ]);
      return { group, policies, schedules, notifications };
    }));
    const stranger = named && !isOurs(named.tags, ctx.config) ? named : undefined;
    return { groups, ...(stranger ? { stranger } : {}) };
  },
  plan(config, found) {
    const rows = found.groups.flatMap(groupRows);
    const s = found.stranger;
    if (s) rows.push(keptRow(STEP, `kept:${s.name}`, ASG, s.name, s.arn, notOurs(config, s.tags)));
    return rows;
  },
  fingerprint: (f) => f.groups.map((g) => g.group.arn),
  async apply(ctx, rows) {
    const api = ctx.aws.autoscaling;
    // Group by group, in the rows' order: configurations, actions and policies, then the group.
    for (const r of rows) {
      const c = r.change;
      if (!c) continue;
      await ctx.forRow(r, async () => {
        switch (c.op) {
          case 'delete-notification':
            ctx.progress.update(`notifications of ${c.group}`);
            await unlessMissing(() => api.deleteNotificationConfiguration(c.group, c.topicArn));
            break;
          case 'delete-schedule':
            await unlessMissing(() => api.deleteScheduledAction(c.group, c.name));
            break;
          case 'delete-policy':
            await unlessMissing(() => api.deletePolicy(c.group, c.name));
            break;
          case 'delete-group':
            await deleteGroup(ctx, c.name);
            break;
        }
      });
    }
  },
});

/** ForceDelete (accepted again for a group already being deleted), then the wait until AWS lists it no more. */
async function deleteGroup(ctx: StepContext, name: string): Promise<void> {
  ctx.progress.update(`deleting ${name} and its instances`);
  await unlessMissing(() => ctx.aws.autoscaling.deleteGroup(name, true));
  ctx.progress.update(`waiting for ${name}'s instances to drain and terminate`);
  await ctx.aws.autoscaling.waitUntilGone(name, waitFor(ctx, 'group-deleted'));
}
