/**
 * Scaling policies (target tracking on simulated CPU) and scheduled actions: their commands and
 * the tick steps that fire them.
 */
import { LimitExceededFault } from '@aws-sdk/client-auto-scaling';
import { isTimeZone, nextCronRun, parseCron } from '../contract/cron.js';
import { modeledError } from './errors.js';
import type { AlarmStateRecord, AutoScalingGroupRecord, Handler, ScalingPolicyRecord, ScheduledActionRecord, SimContext } from './types.js';
import {
  atTime, changeDesired, findGroup, liveGroup, paginate, policyArn, requireString, scheduledActionArn, uuid, validation, type ReconcileEnv,
} from './autoscaling-common.js';

const POLICY_TYPES = ['SimpleScaling', 'StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'] as const;
const PREDEFINED = ['ASGAverageCPUUtilization', 'ASGAverageNetworkIn', 'ASGAverageNetworkOut', 'ALBRequestCountPerTarget'];
/** Target tracking alarms: 3 datapoints of 1 minute to scale out, 15 to scale in (AWS's alarm settings; BEHAVIOUR.md). */
const SCALE_OUT_AFTER_MS = 3 * 60_000;
const SCALE_IN_AFTER_MS = 15 * 60_000;
/** The simulated CPU of an instance busy with `/load` and of an idle one, in percent. */
const CPU_BUSY = 90;
const CPU_IDLE = 5;

type TargetTracking = {
  PredefinedMetricSpecification?: { PredefinedMetricType?: string; ResourceLabel?: string };
  CustomizedMetricSpecification?: unknown;
  TargetValue?: number;
  DisableScaleIn?: boolean;
};

function alarm(ctx: SimContext, group: string, kind: 'AlarmHigh' | 'AlarmLow') {
  const name = `TargetTracking-${group}-${kind}-${uuid(ctx)}`;
  return { AlarmName: name, AlarmARN: `arn:aws:cloudwatch:${ctx.world.region}:${ctx.world.accountId}:alarm:${name}` };
}

function checkTargetTracking(tt: TargetTracking | undefined): TargetTracking {
  if (!tt) throw validation('TargetTrackingConfiguration is required for a policy of type TargetTrackingScaling.');
  const pre = tt.PredefinedMetricSpecification;
  if (!!pre === !!tt.CustomizedMetricSpecification) {
    throw validation('Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.');
  }
  if (pre) {
    if (!pre.PredefinedMetricType || !PREDEFINED.includes(pre.PredefinedMetricType)) {
      throw validation(`Invalid PredefinedMetricType: ${String(pre.PredefinedMetricType)}. Valid values are ${PREDEFINED.join(', ')}.`);
    }
    if (pre.PredefinedMetricType === 'ALBRequestCountPerTarget') {
      if (!pre.ResourceLabel) throw validation('ResourceLabel is required for the ALBRequestCountPerTarget metric type.');
      if (!/^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/.test(pre.ResourceLabel)) {
        throw validation(`Invalid ResourceLabel ${pre.ResourceLabel}: expected app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>.`);
      }
    } else if (pre.ResourceLabel) {
      throw validation(`ResourceLabel is only valid for the ALBRequestCountPerTarget metric type.`);
    }
  }
  if (typeof tt.TargetValue !== 'number' || !(tt.TargetValue > 0)) throw validation('TargetValue must be a number greater than 0.');
  return tt;
}

const putScalingPolicy: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const name = requireString(input.PolicyName, 'policyName');
  const type = (input.PolicyType ?? 'SimpleScaling') as ScalingPolicyRecord['policyType'];
  if (!POLICY_TYPES.includes(type)) throw validation(`Invalid policy type ${String(type)}. Valid values are ${POLICY_TYPES.join(', ')}.`);
  const policies = ctx.world.autoscaling.policies;
  let rec = policies.find((p) => p.groupName === g.name && p.name === name);
  if (!rec && policies.filter((p) => p.groupName === g.name).length >= 50) {
    throw modeledError(LimitExceededFault, `You have reached your limit of 50 scaling policies for Auto Scaling group ${g.name}.`);
  }
  let tt: TargetTracking | undefined;
  if (type === 'TargetTrackingScaling') tt = checkTargetTracking(input.TargetTrackingConfiguration);
  else if (type === 'SimpleScaling' && typeof input.ScalingAdjustment !== 'number') {
    throw validation('ScalingAdjustment is required for a policy of type SimpleScaling.');
  } else if (type === 'StepScaling' && !input.StepAdjustments?.length) {
    throw validation('StepAdjustments is required for a policy of type StepScaling.');
  }
  const alarms = tt
    ? rec?.policyType === 'TargetTrackingScaling' && rec.alarms.length === (tt.DisableScaleIn ? 1 : 2)
      ? rec.alarms
      : [alarm(ctx, g.name, 'AlarmHigh'), ...(tt.DisableScaleIn ? [] : [alarm(ctx, g.name, 'AlarmLow')])]
    : [];
  const fields = {
    policyType: type,
    ...(tt ? { targetTracking: tt as Record<string, unknown> } : {}),
    ...(input.EstimatedInstanceWarmup !== undefined ? { estimatedInstanceWarmup: input.EstimatedInstanceWarmup as number } : {}),
    enabled: input.Enabled !== false,
    alarms,
  };
  if (rec) {
    delete rec.targetTracking;
    delete rec.estimatedInstanceWarmup;
    delete rec.highSince;
    delete rec.lowSince;
    delete rec.highFiredAt;
    delete rec.lowFiredAt;
    delete rec.alarmStates;
    Object.assign(rec, fields);
  } else {
    rec = { arn: policyArn(ctx, g.name, name), name, groupName: g.name, ...fields };
    policies.push(rec);
  }
  // Simple/step settings are kept as given for DescribePolicies; they never fire here (no CloudWatch alarms).
  if (type === 'TargetTrackingScaling') delete rec.adjustments;
  else {
    rec.adjustments = Object.fromEntries(
      ['AdjustmentType', 'ScalingAdjustment', 'Cooldown', 'StepAdjustments', 'MetricAggregationType', 'MinAdjustmentMagnitude']
        .filter((k) => input[k] !== undefined).map((k) => [k, input[k]]),
    );
  }
  return { PolicyARN: rec.arn, Alarms: rec.alarms };
};

function policyOutput(p: ScalingPolicyRecord) {
  return {
    AutoScalingGroupName: p.groupName,
    PolicyName: p.name,
    PolicyARN: p.arn,
    PolicyType: p.policyType,
    StepAdjustments: [],
    ...p.adjustments,
    Alarms: p.alarms,
    ...(p.targetTracking ? { TargetTrackingConfiguration: p.targetTracking } : {}),
    ...(p.estimatedInstanceWarmup !== undefined ? { EstimatedInstanceWarmup: p.estimatedInstanceWarmup } : {}),
    Enabled: p.enabled,
  };
}

const describePolicies: Handler = (ctx, input) => {
  if (input.AutoScalingGroupName) findGroup(ctx, input.AutoScalingGroupName);
  const names = input.PolicyNames as string[] | undefined;
  const types = input.PolicyTypes as string[] | undefined;
  const list = ctx.world.autoscaling.policies.filter((p) =>
    (!input.AutoScalingGroupName || p.groupName === input.AutoScalingGroupName) &&
    (!names?.length || names.includes(p.name) || names.includes(p.arn)) &&
    (!types?.length || types.includes(p.policyType)));
  const page = paginate(list, input.MaxRecords, input.NextToken);
  return { ScalingPolicies: page.items.map(policyOutput), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

const deletePolicy: Handler = (ctx, input) => {
  const name = requireString(input.PolicyName, 'policyName', 1600);
  if (input.AutoScalingGroupName) findGroup(ctx, input.AutoScalingGroupName);
  const a = ctx.world.autoscaling;
  a.policies = a.policies.filter((p) => !((p.name === name && (!input.AutoScalingGroupName || p.groupName === input.AutoScalingGroupName)) || p.arn === name));
  return {};
};

/** The simulated CPU of an instance at `at`, in percent: busy while a `/load` burn runs. */
export function instanceCpu(rec: { cpuBurnUntil?: number; cpuBurnFrom?: number } | undefined, at: number): number {
  const busy = rec?.cpuBurnUntil !== undefined && at < rec.cpuBurnUntil && at >= (rec.cpuBurnFrom ?? 0);
  return busy ? CPU_BUSY : CPU_IDLE;
}

/** Sets an alarm's state, keeping when it was entered unless it changes. */
function setAlarm(p: ScalingPolicyRecord, kind: 'high' | 'low', state: AlarmStateRecord['state'], at: number, reason: string): void {
  p.alarmStates ??= {};
  const cur = p.alarmStates[kind];
  if (cur?.state !== state) p.alarmStates[kind] = { state, since: at, reason };
}

const reasonOf = (n: number, avg: number, target: number, above: boolean) =>
  `Threshold Crossed: ${n} datapoint${n === 1 ? '' : 's'} [${avg.toFixed(1)}] ${above ? 'were greater than' : 'were less than'} the threshold (${target.toFixed(1)}).`;

/**
 * Moves the group's desired capacity as its target tracking alarms would (simulated CPU): the
 * high alarm goes to ALARM after 3 one-minute datapoints above the target, the low one after 15
 * below 90 % of it (scaled by the latency profile); each triggers the policy on entering ALARM
 * and again every window while it stays there. Their states are what CloudWatch shows.
 */
export function evaluateTargetTracking(ctx: SimContext, g: AutoScalingGroupRecord, env: ReconcileEnv): void {
  const policies = env.policies(g.name).filter((p) => p.enabled && p.policyType === 'TargetTrackingScaling');
  if (policies.length === 0) return;
  const inService = g.instances.filter((i) => i.lifecycle === 'InService');
  const cpu = inService.map((i) => instanceCpu(env.instance(i.instanceId), ctx.now));
  const n = cpu.length;
  const avg = n ? cpu.reduce((s, x) => s + x, 0) / n : 0;
  for (const p of policies) {
    const tt = p.targetTracking as TargetTracking | undefined;
    if (tt?.PredefinedMetricSpecification?.PredefinedMetricType !== 'ASGAverageCPUUtilization' || !tt.TargetValue) continue;
    const target = tt.TargetValue;
    if (n === 0) {
      delete p.highSince;
      delete p.lowSince;
      setAlarm(p, 'high', 'INSUFFICIENT_DATA', ctx.now, 'Insufficient Data: no InService instance reports the metric.');
      if (!tt.DisableScaleIn) setAlarm(p, 'low', 'INSUFFICIENT_DATA', ctx.now, 'Insufficient Data: no InService instance reports the metric.');
      continue;
    }
    const fire = (kind: 'AlarmHigh' | 'AlarmLow', desired: number) => {
      const alarmName = p.alarms.find((a) => a.AlarmName.includes(`-${kind}-`))?.AlarmName ?? `TargetTracking-${g.name}-${kind}`;
      changeDesired(ctx, g, desired, `At ${atTime(ctx.now)} a monitor alarm ${alarmName} in state ALARM triggered policy ${p.name} changing the desired capacity from ${g.desiredCapacity} to ${desired}.`);
    };
    if (avg > target) {
      delete p.lowSince;
      p.highSince ??= ctx.now;
    } else if (avg < target * 0.9) {
      // The low alarm sits 10 % under the target, so the group does not flap around it.
      delete p.highSince;
      p.lowSince ??= ctx.now;
    } else {
      delete p.highSince;
      delete p.lowSince;
    }
    const highWindow = ctx.duration(SCALE_OUT_AFTER_MS);
    if (p.highSince !== undefined && ctx.now - p.highSince >= highWindow) {
      setAlarm(p, 'high', 'ALARM', p.highSince + highWindow, reasonOf(3, avg, target, true));
      if (p.highFiredAt === undefined || p.highFiredAt < p.highSince + highWindow || ctx.now - p.highFiredAt >= highWindow) {
        const want = Math.min(g.maxSize, Math.ceil((n * avg) / target));
        if (want > g.desiredCapacity) fire('AlarmHigh', want);
        p.highFiredAt = ctx.now;
      }
    } else setAlarm(p, 'high', 'OK', ctx.now, reasonOf(1, avg, target, false));
    if (tt.DisableScaleIn) continue;
    const lowWindow = ctx.duration(SCALE_IN_AFTER_MS);
    if (p.lowSince !== undefined && ctx.now - p.lowSince >= lowWindow) {
      setAlarm(p, 'low', 'ALARM', p.lowSince + lowWindow, reasonOf(15, avg, target * 0.9, false));
      if (p.lowFiredAt === undefined || p.lowFiredAt < p.lowSince + lowWindow || ctx.now - p.lowFiredAt >= lowWindow) {
        const want = Math.max(g.minSize, Math.ceil((n * avg) / target));
        if (want < g.desiredCapacity) fire('AlarmLow', want);
        p.lowFiredAt = ctx.now;
      }
    } else setAlarm(p, 'low', 'OK', ctx.now, reasonOf(1, avg, target * 0.9, true));
  }
}

// ---- Scheduled actions ----------------------------------------------------------------------

function applyScheduled(ctx: SimContext, g: AutoScalingGroupRecord, a: ScheduledActionRecord): void {
  const min = a.minSize ?? g.minSize;
  const max = a.maxSize ?? g.maxSize;
  const desired = Math.min(max, Math.max(min, a.desiredCapacity ?? g.desiredCapacity));
  g.minSize = min;
  g.maxSize = max;
  changeDesired(ctx, g, desired, `At ${atTime(ctx.now)} a scheduled action update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${g.desiredCapacity} to ${desired}.`);
}

/** Runs the group's scheduled actions that are due: one-time ones once (then AWS deletes them), recurring ones at each cron match. */
export function runScheduledActions(ctx: SimContext, g: AutoScalingGroupRecord, actions: ScheduledActionRecord[]): void {
  for (const a of actions) {
    if (a.startTime !== undefined && ctx.now < a.startTime) continue;
    if (a.recurrence) {
      if (a.endTime !== undefined && ctx.now > a.endTime) continue;
      const cron = parseCron(a.recurrence);
      const from = a.lastRunAt ?? Math.max(a.createdAt ?? ctx.now, (a.startTime ?? 0) - 60_000);
      if (cron && nextCronRun(cron, from, ctx.now, a.timeZone) !== undefined) {
        applyScheduled(ctx, g, a);
        a.lastRunAt = ctx.now;
      }
    } else if (a.startTime !== undefined) {
      applyScheduled(ctx, g, a);
      const w = ctx.world.autoscaling;
      w.scheduledActions = w.scheduledActions.filter((x) => x !== a);
    }
  }
}

const ms = (d: unknown) => (d instanceof Date ? d.getTime() : d === undefined ? undefined : new Date(d as string).getTime());

const putScheduledUpdateGroupAction: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  const name = requireString(input.ScheduledActionName, 'scheduledActionName');
  const { MinSize: min, MaxSize: max, DesiredCapacity: desired } = input as { MinSize?: number; MaxSize?: number; DesiredCapacity?: number };
  if (min === undefined && max === undefined && desired === undefined) {
    throw validation('At least one of MinSize, MaxSize or DesiredCapacity must be specified.');
  }
  if (min !== undefined && max !== undefined && min > max) throw validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  const start = ms(input.StartTime ?? input.Time);
  const end = ms(input.EndTime);
  const recurrence = input.Recurrence as string | undefined;
  if (start === undefined && !recurrence) throw validation('Either StartTime (or Time) or Recurrence must be specified.');
  if (start !== undefined && start < ctx.now) throw validation('Given start time is in the past');
  if (end !== undefined && end < ctx.now) throw validation('Given end time is in the past');
  if (start !== undefined && end !== undefined && end <= start) throw validation('End time must be after start time.');
  if (recurrence && !parseCron(recurrence)) throw validation(`Given recurrence string is invalid: ${recurrence}`);
  if (input.TimeZone && !isTimeZone(String(input.TimeZone))) throw validation(`Invalid time zone: ${String(input.TimeZone)}`);
  const list = ctx.world.autoscaling.scheduledActions;
  const existing = list.find((a) => a.groupName === g.name && a.name === name);
  if (!existing && list.filter((a) => a.groupName === g.name).length >= 125) {
    throw modeledError(LimitExceededFault, `You have reached your limit of 125 scheduled actions for Auto Scaling group ${g.name}.`);
  }
  const rec: ScheduledActionRecord = {
    arn: existing?.arn ?? scheduledActionArn(ctx, g.name, name), name, groupName: g.name, createdAt: ctx.now,
    ...(recurrence ? { recurrence } : {}), ...(start !== undefined ? { startTime: start } : {}), ...(end !== undefined ? { endTime: end } : {}),
    ...(min !== undefined ? { minSize: min } : {}), ...(max !== undefined ? { maxSize: max } : {}),
    ...(desired !== undefined ? { desiredCapacity: desired } : {}), ...(input.TimeZone ? { timeZone: input.TimeZone as string } : {}),
  };
  if (existing) list[list.indexOf(existing)] = rec;
  else list.push(rec);
  return {};
};

function scheduledOutput(ctx: SimContext, a: ScheduledActionRecord) {
  // A recurring action reports its next run as its start time, as AWS does.
  const cron = a.recurrence ? parseCron(a.recurrence) : undefined;
  const next = cron ? nextCronRun(cron, Math.max(ctx.now, (a.startTime ?? 0) - 60_000), ctx.now + 400 * 86_400_000, a.timeZone) : a.startTime;
  return {
    AutoScalingGroupName: a.groupName,
    ScheduledActionName: a.name,
    ScheduledActionARN: a.arn,
    ...(next !== undefined ? { Time: new Date(next), StartTime: new Date(next) } : {}),
    ...(a.endTime !== undefined ? { EndTime: new Date(a.endTime) } : {}),
    ...(a.recurrence ? { Recurrence: a.recurrence } : {}),
    ...(a.minSize !== undefined ? { MinSize: a.minSize } : {}),
    ...(a.maxSize !== undefined ? { MaxSize: a.maxSize } : {}),
    ...(a.desiredCapacity !== undefined ? { DesiredCapacity: a.desiredCapacity } : {}),
    ...(a.timeZone ? { TimeZone: a.timeZone } : {}),
  };
}

const describeScheduledActions: Handler = (ctx, input) => {
  if (input.AutoScalingGroupName) findGroup(ctx, input.AutoScalingGroupName);
  const names = input.ScheduledActionNames as string[] | undefined;
  const list = ctx.world.autoscaling.scheduledActions.filter((a) =>
    (!input.AutoScalingGroupName || a.groupName === input.AutoScalingGroupName) && (!names?.length || names.includes(a.name)));
  const page = paginate(list, input.MaxRecords, input.NextToken);
  return { ScheduledUpdateGroupActions: page.items.map((a) => scheduledOutput(ctx, a)), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

const deleteScheduledAction: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const w = ctx.world.autoscaling;
  const a = w.scheduledActions.find((x) => x.groupName === g.name && x.name === input.ScheduledActionName);
  if (!a) throw validation(`Scheduled Update Group Action name not found - Could not find scheduled action ${String(input.ScheduledActionName)}`);
  w.scheduledActions = w.scheduledActions.filter((x) => x !== a);
  return {};
};

/** Handlers for scaling policies and scheduled actions. */
export const policyHandlers: Record<string, Handler> = {
  PutScalingPolicy: putScalingPolicy,
  DescribePolicies: describePolicies,
  DeletePolicy: deletePolicy,
  PutScheduledUpdateGroupAction: putScheduledUpdateGroupAction,
  DescribeScheduledActions: describeScheduledActions,
  DeleteScheduledAction: deleteScheduledAction,
};
