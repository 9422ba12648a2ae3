/**
 * Amazon CloudWatch calls `load` reads: the target tracking policy's alarms (their state, since
 * when and why) and the group's average CPU, one datapoint a minute. Reads only.
 */
import { DescribeAlarmsCommand, GetMetricStatisticsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { awsCall } from '../errors.js';

export interface Alarm { name: string; state: string; reason: string; updatedAt?: Date; threshold?: number; comparison?: string }

export interface Datapoint { at: Date; average: number }

/** The CloudWatch adapter. */
export class CloudWatchApi {
  constructor(private readonly client: CloudWatchClient) {}

  /** The alarms of those names (DescribeAlarms takes 100 names a call). */
  async alarms(names: string[]): Promise<Alarm[]> {
    const out: Alarm[] = [];
    for (let i = 0; i < names.length; i += 100) {
      const chunk = names.slice(i, i + 100);
      let token: string | undefined;
      do {
        const res = await awsCall('DescribeAlarms', chunk.join(','), () =>
          this.client.send(new DescribeAlarmsCommand({ AlarmNames: chunk, ...(token ? { NextToken: token } : {}) })));
        for (const a of res.MetricAlarms ?? []) {
          out.push({
            name: a.AlarmName!, state: a.StateValue ?? 'INSUFFICIENT_DATA', reason: a.StateReason ?? '',
            ...(a.StateUpdatedTimestamp ? { updatedAt: a.StateUpdatedTimestamp } : {}),
            ...(a.Threshold !== undefined ? { threshold: a.Threshold } : {}), ...(a.ComparisonOperator ? { comparison: a.ComparisonOperator } : {}),
          });
        }
        token = res.NextToken;
      } while (token);
    }
    return out;
  }

  /** The group's average CPU per minute between `start` and `end`, oldest first. */
  async groupCpu(groupName: string, start: Date, end: Date): Promise<Datapoint[]> {
    const res = await awsCall('GetMetricStatistics', groupName, () =>
      this.client.send(new GetMetricStatisticsCommand({
        Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: groupName }],
        StartTime: start, EndTime: end, Period: 60, Statistics: ['Average'],
      })));
    return (res.Datapoints ?? [])
      .filter((d) => d.Timestamp && d.Average !== undefined)
      .map((d) => ({ at: d.Timestamp!, average: d.Average! }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
