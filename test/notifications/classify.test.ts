/** How a monitor tells a scale-in from a crash: classifyNotification over AWS's message shapes. */
import { describe, it, expect } from 'vitest';
import { classifyNotification, describeNotification, recentNotifications, type NotificationKind } from '../../src/notifications/classify.js';
import { planWiring, renderWiring, sortTypes, wiringOf } from '../../src/notifications/wiring.js';

const GROUP = 'Web-ASG';
const ID = 'i-0123456789abcdef0';
const T = '2026-05-14T20:11:53Z';

/** A message body as Auto Scaling sends it (the keys AWS uses; values shortened). */
function body(event: string, cause = '', instance = ID): string {
  return JSON.stringify({
    Origin: 'AutoScalingGroup', Destination: 'EC2', Progress: 50, AccountId: '123456789012', Description: `Terminating EC2 instance: ${instance}`,
    RequestId: 'r-1', EndTime: T, AutoScalingGroupARN: 'arn:aws:autoscaling:ap-northeast-2:123456789012:autoScalingGroup:x:autoScalingGroupName/Web-ASG',
    ActivityId: 'a-1', StartTime: T, Service: 'AWS Auto Scaling', Time: T, EC2InstanceId: instance, StatusCode: 'InProgress', StatusMessage: '',
    Details: { 'Subnet ID': 'subnet-0a', 'Availability Zone': 'ap-northeast-2a' }, AutoScalingGroupName: GROUP, Cause: cause, Event: event,
  });
}

const TERMINATE = 'autoscaling:EC2_INSTANCE_TERMINATE';
const LAUNCH = 'autoscaling:EC2_INSTANCE_LAUNCH';

const CASES: [what: string, body: string, kind: NotificationKind, alarm: boolean][] = [
  ['scale-in by the desired capacity (a policy, a schedule, a person)', body(TERMINATE,
    `At ${T} a user request explicitly set group desired capacity changing the desired capacity from 3 to 2.  At ${T} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2.  At ${T} instance ${ID} was selected for termination.`),
  'scale-in', false],
  ['scale-in by a target tracking alarm', body(TERMINATE,
    `At ${T} a monitor alarm TargetTracking-Web-ASG-AlarmLow-1 in state ALARM triggered policy Target Tracking Policy changing the desired capacity from 4 to 3.  At ${T} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 4 to 3.`),
  'scale-in', false],
  ['terminated by a person, capacity decremented', body(TERMINATE, `At ${T} instance ${ID} was taken out of service in response to a user request, shrinking the capacity from 2 to 1.`), 'scale-in', false],
  ['replaced after an ELB health check failure', body(TERMINATE, `At ${T} an instance was taken out of service in response to an ELB system health check failure.`), 'health-replacement', true],
  ['replaced after an EC2 health check (stopped or terminated)', body(TERMINATE,
    `At ${T} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`), 'health-replacement', true],
  ['replaced after a user health check', body(TERMINATE, `At ${T} an instance was taken out of service in response to a user health-check.`), 'health-replacement', true],
  ['replaced by an instance refresh', body(TERMINATE, `At ${T} an instance was taken out of service in response to an instance refresh.`), 'other', false],
  ['terminated by a person, to be replaced', body(TERMINATE, `At ${T} instance ${ID} was taken out of service in response to a user request.`), 'other', false],
  ['a launch', body(LAUNCH, `At ${T} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.`), 'scale-out', false],
  ['a failed launch', body('autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'At … an instance was started …', ''), 'launch-error', true],
  ['a failed termination', body('autoscaling:EC2_INSTANCE_TERMINATE_ERROR', 'At …'), 'terminate-error', true],
  ['the test notification', JSON.stringify({ AccountId: '123456789012', RequestId: 'r', AutoScalingGroupARN: 'arn', AutoScalingGroupName: GROUP, Service: 'AWS Auto Scaling', Event: 'autoscaling:TEST_NOTIFICATION', Time: T }), 'test', false],
  ['not JSON', 'hello', 'other', false],
  ['JSON but not Auto Scaling', JSON.stringify({ AlarmName: 'cpu' }), 'other', false],
];

describe('classifyNotification', () => {
  it.each(CASES)('%s', (_what, message, kind, alarm) => {
    const c = classifyNotification(message);
    expect(c.kind).toBe(kind);
    expect(c.alarm).toBe(alarm);
    if (kind !== 'other' || message.startsWith('{"Origin"')) expect(c.group).toBe(GROUP);
  });

  it('reads the group, instance, cause and capacity change', () => {
    const c = classifyNotification(CASES[0]![1]);
    expect(c).toMatchObject({ event: TERMINATE, group: GROUP, instanceId: ID, capacity: { from: 3, to: 2 } });
    expect(c.cause).toMatch(/shrinking the capacity from 3 to 2/);
    expect(describeNotification(c)).toBe(`scale-in: ${ID} left ${GROUP} (capacity 3 → 2): planned, not a crash`);
    expect(describeNotification(classifyNotification(CASES[3]![1]))).toMatch(/possibly a crash$/);
  });

  it('takes the body as an object, or inside SNS\'s HTTP/SQS envelope, or a Lambda event', () => {
    const raw = CASES[3]![1];
    const envelope = { Type: 'Notification', MessageId: 'm', TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events', Subject: 'Auto Scaling: termination for group "Web-ASG"', Message: raw };
    for (const input of [JSON.parse(raw) as object, envelope, JSON.stringify(envelope), { Records: [{ EventSource: 'aws:sns', Sns: envelope }] }]) {
      expect(classifyNotification(input).kind).toBe('health-replacement');
    }
  });

  it('recentNotifications gives the last n, newest first, classified (the status hook)', () => {
    const msgs = CASES.slice(0, 5).map(([, message], i) => ({ message, at: i }));
    const recent = recentNotifications(msgs, 2);
    expect(recent.map((r) => [r.at, r.kind])).toEqual([[4, 'health-replacement'], [3, 'health-replacement']]);
  });
});

describe('wiring plan (notify)', () => {
  const ALL = ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR'];
  const TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events';
  const OTHER = 'arn:aws:sns:ap-northeast-2:123456789012:whatap-serverdown-push';
  const triples = [
    ...ALL.map((type) => ({ group: 'full', topicArn: TOPIC, type })),
    { group: 'part', topicArn: TOPIC, type: 'autoscaling:EC2_INSTANCE_TERMINATE' },
    { group: 'other', topicArn: OTHER, type: 'autoscaling:EC2_INSTANCE_TERMINATE' },
  ];
  const wiring = wiringOf(['full', 'part', 'other', 'none'], triples, TOPIC, ALL);

  it('marks complete groups, keeps partial types, and notes other topics', () => {
    expect(wiring.map((w) => [w.group, w.complete, w.have.length, w.otherTopics])).toEqual([
      ['full', true, 4, []], ['part', false, 1, []], ['other', false, 0, [OTHER]], ['none', false, 0, []],
    ]);
    expect(wiringOf(['full'], triples, undefined, ALL)[0]!.complete).toBe(false);
  });

  it('configures only chosen incomplete groups, with the union of types', () => {
    const rows = planWiring(wiring, TOPIC, new Set(['full', 'part', 'none']), ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE'], false);
    expect(rows.map((r) => [r.group, r.action, r.write ?? null])).toEqual([
      ['full', 'already configured', null], ['part', 'configured', 'put'], ['other', 'skipped', null], ['none', 'configured', 'put'],
    ]);
    expect(rows[1]!.types).toEqual(['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE']);
    expect(renderWiring(rows, 'Web-ASG-events', 2).split('\n').at(-1)).toBe('4 groups: 2 configured, 1 already configured, 0 removed, 1 skipped; 2 AWS writes.');
  });

  it('removes only chosen wired groups', () => {
    const rows = planWiring(wiring, TOPIC, new Set(['full', 'none']), ALL, true);
    expect(rows.map((r) => [r.group, r.action, r.write ?? null])).toEqual([
      ['full', 'removed', 'delete'], ['part', 'skipped', null], ['other', 'skipped', null], ['none', 'skipped', null],
    ]);
  });

  it('orders types as AWS documents them', () => {
    expect(sortTypes(['autoscaling:TEST_NOTIFICATION', ...[...ALL].reverse(), ALL[0]!])).toEqual([...ALL, 'autoscaling:TEST_NOTIFICATION']);
  });
});
