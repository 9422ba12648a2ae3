/**
 * CloudWatch in the sandbox, through the real SDK client: a target tracking policy's two alarms,
 * in the states AWS would show (ALARM only after three one-minute datapoints above the target),
 * and the group's average CPU, one datapoint a minute; AWS's validation of the period.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

let built = '';
beforeAll(async () => {
  built = tmpSandboxFile();
  expect((await runWizard(built, ['up', '--yes'])).code).toBe(0);
}, 60_000);

function account() {
  const file = tmpSandboxFile();
  copyFileSync(built, file);
  const sandbox = new Sandbox({ file, latencyScale: 1 });
  const aws = new AwsClients({ region: sandbox.world.region, sandbox });
  const advance = (ms: number) => sandbox.transact((w) => { w.clock.offsetMs += ms; });
  return { sandbox, cw: aws.cloudwatch, advance };
}

describe('CloudWatch', () => {
  it('the policy\'s alarms: OK while idle; the high one in ALARM three minutes after the CPU went above the target, with AWS\'s reason', async () => {
    const { sandbox, cw, advance } = account();
    await advance(20 * 60_000);
    const names = sandbox.world.autoscaling.policies[0]!.alarms.map((a) => a.AlarmName);
    const states = async () => Object.fromEntries(((await cw.send(new DescribeAlarmsCommand({ AlarmNames: names }))).MetricAlarms ?? []).map((a) => [a.AlarmName!.includes('High') ? 'high' : 'low', a]));
    let s = await states();
    expect(s.high).toMatchObject({ StateValue: 'OK', MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Threshold: 30, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, Period: 60 });
    expect(s.low).toMatchObject({ StateValue: 'ALARM', Threshold: 27, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 15 });
    await sandbox.transact((w) => {
      const now = Date.now() + w.clock.offsetMs;
      for (const i of w.ec2.instances) Object.assign(i, { cpuBurnFrom: now, cpuBurnUntil: now + 600_000 });
    });
    // AWS's clock runs in the sandbox as it is called: a look now sees the CPU go up.
    expect((await states()).high!.StateValue).toBe('OK');
    await advance(120_000);
    expect((await states()).high!.StateValue).toBe('OK');
    await advance(65_000);
    s = await states();
    expect(s.high!.StateValue).toBe('ALARM');
    expect(s.high!.StateReason).toMatch(/^Threshold Crossed: 3 datapoints \[90\.0\] were greater than the threshold \(30\.0\)\.$/);
    expect(s.low!.StateValue).toBe('OK');
    expect(s.high!.StateUpdatedTimestamp!.getTime()).toBeLessThanOrEqual(sandbox.now());
  });

  it('the group\'s average CPU per minute, from its instances\' simulated CPU', async () => {
    const { sandbox, cw, advance } = account();
    await advance(20 * 60_000);
    const start = sandbox.now();
    await sandbox.transact((w) => {
      const now = Date.now() + w.clock.offsetMs;
      const [a] = w.ec2.instances.filter((i) => i.tags.some((t) => t.Key === 'aws:autoscaling:groupName'));
      Object.assign(a!, { cpuBurnFrom: now, cpuBurnUntil: now + 120_000 });
    });
    await advance(240_000);
    const res = await cw.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'Web-ASG' }],
      StartTime: new Date(start), EndTime: new Date(sandbox.now()), Period: 60, Statistics: ['Average'],
    }));
    expect(res.Datapoints!.map((d) => d.Average)).toEqual([47.5, 47.5, 5, 5]);
    const bad = await cw.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', StartTime: new Date(start), EndTime: new Date(sandbox.now()), Period: 30, Statistics: ['Average'],
    })).catch((e: Error) => e);
    expect((bad as Error).name).toBe('InvalidParameterValueException');
  });
});
