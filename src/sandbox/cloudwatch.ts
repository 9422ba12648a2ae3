/**
 * CloudWatch, as far as a lab with a target tracking policy meets it: the policy's two alarms
 * (`DescribeAlarms`: `TargetTracking-<group>-AlarmHigh-…` and `…-AlarmLow-…`, in the states the
 * Auto Scaling tick keeps, with when and why they were entered), and the group's average CPU
 * (`GetMetricStatistics` on `AWS/EC2` `CPUUtilization` by `AutoScalingGroupName`), one datapoint
 * per period from the simulated CPU of the group's running instances. Only CPU is simulated:
 * other metrics have no data, and the alarms of a policy on another metric stay INSUFFICIENT_DATA.
 */
import { InvalidParameterValueException, MissingRequiredParameterException } from '@aws-sdk/client-cloudwatch';
import { modeledError } from './errors.js';
import { instanceCpu } from './autoscaling-policies.js';
import type { Handler, ScalingPolicyRecord, ServiceSim, SimContext } from './types.js';

interface TargetTracking { PredefinedMetricSpecification?: { PredefinedMetricType?: string }; TargetValue?: number; DisableScaleIn?: boolean }

function alarmsOf(ctx: SimContext) {
  const out = [];
  for (const p of ctx.world.autoscaling.policies.filter((x) => x.policyType === 'TargetTrackingScaling')) {
    for (const a of p.alarms) out.push(alarmOutput(ctx, p, a));
  }
  return out;
}

function alarmOutput(ctx: SimContext, p: ScalingPolicyRecord, a: { AlarmName: string; AlarmARN: string }) {
  const tt = (p.targetTracking ?? {}) as TargetTracking;
  const high = a.AlarmName.includes('-AlarmHigh-');
  const kept = p.alarmStates?.[high ? 'high' : 'low'];
  const state = kept ?? { state: 'INSUFFICIENT_DATA', since: ctx.now, reason: 'Unchecked: Initial alarm creation' };
  const target = tt.TargetValue ?? 0;
  const metric = tt.PredefinedMetricSpecification?.PredefinedMetricType === 'ASGAverageCPUUtilization'
    ? { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: p.groupName }] }
    : { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget', Dimensions: [] };
  return {
    AlarmName: a.AlarmName, AlarmArn: a.AlarmARN,
    AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${p.arn}.`,
    ActionsEnabled: true, AlarmActions: [p.arn], OKActions: [], InsufficientDataActions: [],
    StateValue: state.state, StateReason: state.reason, StateUpdatedTimestamp: new Date(state.since), StateTransitionedTimestamp: new Date(state.since),
    ...metric, Statistic: 'Average', Period: 60,
    EvaluationPeriods: high ? 3 : 15, DatapointsToAlarm: high ? 3 : 15,
    Threshold: high ? target : Math.round(target * 0.9 * 100) / 100,
    ComparisonOperator: high ? 'GreaterThanThreshold' : 'LessThanThreshold',
    TreatMissingData: 'missing',
  };
}

const describeAlarms: Handler = (ctx, input: { AlarmNames?: string[]; AlarmNamePrefix?: string; StateValue?: string; MaxRecords?: number; NextToken?: string }) => {
  if (input.AlarmNames?.length && input.AlarmNamePrefix) {
    throw modeledError(InvalidParameterValueException, 'AlarmNames and AlarmNamePrefix may not be given together.');
  }
  const all = alarmsOf(ctx).filter((a) =>
    (!input.AlarmNames?.length || input.AlarmNames.includes(a.AlarmName)) &&
    (!input.AlarmNamePrefix || a.AlarmName.startsWith(input.AlarmNamePrefix)) &&
    (!input.StateValue || a.StateValue === input.StateValue));
  const max = Math.min(100, Math.max(1, input.MaxRecords ?? 50));
  const from = input.NextToken ? Number(input.NextToken) : 0;
  const page = all.slice(from, from + max);
  return { MetricAlarms: page, CompositeAlarms: [], ...(from + max < all.length ? { NextToken: String(from + max) } : {}) };
};

const ms = (d: unknown) => (d instanceof Date ? d.getTime() : d === undefined ? NaN : new Date(d as string).getTime());

const getMetricStatistics: Handler = (ctx, input: {
  Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[];
  StartTime?: Date; EndTime?: Date; Period?: number; Statistics?: string[];
}) => {
  for (const k of ['Namespace', 'MetricName', 'StartTime', 'EndTime', 'Period'] as const) {
    if (input[k] === undefined) throw modeledError(MissingRequiredParameterException, `The parameter ${k} is required.`);
  }
  const period = input.Period!;
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    throw modeledError(InvalidParameterValueException, 'The parameter Period must be a multiple of 60 for standard resolution metrics.');
  }
  const start = ms(input.StartTime);
  const end = Math.min(ms(input.EndTime), ctx.now);
  if (!(ms(input.EndTime) > start)) throw modeledError(InvalidParameterValueException, 'The parameter StartTime must be less than the parameter EndTime.');
  if (!input.Statistics?.length) throw modeledError(MissingRequiredParameterException, 'Either Statistics or ExtendedStatistics must be specified.');
  const group = input.Dimensions?.find((d) => d.Name === 'AutoScalingGroupName')?.Value;
  const label = input.MetricName!;
  if (input.Namespace !== 'AWS/EC2' || label !== 'CPUUtilization' || !group) return { Label: label, Datapoints: [] };
  const members = ctx.world.ec2.instances.filter((i) => i.tags.some((t) => t.Key === 'aws:autoscaling:groupName' && t.Value === group));
  const datapoints = [];
  const step = period * 1000;
  // Whole periods only: a period still running has no datapoint yet.
  for (let t = start; t + step <= end; t += step) {
    const mid = t + step / 2;
    const running = members.filter((i) => i.runningAt <= mid && (i.terminatingAt === undefined || mid < i.terminatingAt));
    if (!running.length) continue;
    const values = running.map((i) => instanceCpu(i, mid));
    const stat = (s: string) => {
      if (s === 'Average') return values.reduce((a, b) => a + b, 0) / values.length;
      if (s === 'Maximum') return Math.max(...values);
      if (s === 'Minimum') return Math.min(...values);
      if (s === 'Sum') return values.reduce((a, b) => a + b, 0);
      return values.length;
    };
    datapoints.push({ Timestamp: new Date(t), Unit: 'Percent', ...Object.fromEntries(input.Statistics.map((s) => [s === 'SampleCount' ? 'SampleCount' : s, stat(s)])) });
  }
  return { Label: label, Datapoints: datapoints };
};

export const cloudWatchSim: ServiceSim = {
  clientName: 'CloudWatchClient',
  handlers: { DescribeAlarms: describeAlarms, GetMetricStatistics: getMetricStatistics },
};
