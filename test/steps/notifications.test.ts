/** The notifications step: its pure plan as a table, and the step inside `up` against the sandbox. */
import { describe, it, expect } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { endpointLabel, planNotifications, type NotificationsFound } from '../../src/steps/notifications.js';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { deliveredTo } from '../../src/sandbox/sns.js';
import { classifyNotification } from '../../src/notifications/classify.js';

const ARN = 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events';
const OURS = { 'asg-wizard:stack': 'Web', Name: 'Web-ASG-events' };
const topic = (tags: Record<string, string>, arn = ARN) => ({ arn, name: arn.split(':').pop()!, attributes: {}, tags });
const email = { notifications: { protocol: 'email', endpoint: 'ops@example.com' } };
const sub = (pending: boolean) => ({ ...(pending ? {} : { arn: `${ARN}:0f0e0d0c-0b0a-4908-8706-050403020100` }), topicArn: ARN, protocol: 'email', endpoint: 'ops@example.com', pending });

type Case = [what: string, input: Record<string, unknown>, found: NotificationsFound, rows: [action: string, type: string, name: string, detail?: RegExp][]];

const CASES: Case[] = [
  ['nothing there: create the topic', {}, { given: false }, [['create', 'AWS::SNS::Topic', 'Web-ASG-events']]],
  ['ours: reuse', {}, { given: false, topic: topic(OURS) }, [['reuse', 'AWS::SNS::Topic', 'Web-ASG-events']]],
  ['same name, not ours: adopt', {}, { given: false, topic: topic({}) }, [['adopt', 'AWS::SNS::Topic', 'Web-ASG-events']]],
  ['--topic-name', { notifications: { topicName: 'ops-events' } }, { given: false }, [['create', 'AWS::SNS::Topic', 'ops-events']]],
  ['--topic-arn: used as it is, even untagged', { notifications: { topicArn: 'arn:aws:sns:ap-northeast-2:123456789012:whatap-serverdown-push' } },
    { given: true, topic: topic({}, 'arn:aws:sns:ap-northeast-2:123456789012:whatap-serverdown-push') },
    [['reuse', 'AWS::SNS::Topic', 'whatap-serverdown-push', /given by --topic-arn/]]],
  ['a new e-mail subscription waits for confirmation', email, { given: false },
    [['create', 'AWS::SNS::Topic', 'Web-ASG-events'], ['create', 'AWS::SNS::Subscription', 'email ops@example.com', /^pending confirmation until the address confirms$/]]],
  ['a pending subscription is reused, shown pending', email, { given: false, topic: topic(OURS), subscription: sub(true) },
    [['reuse', 'AWS::SNS::Topic', 'Web-ASG-events'], ['reuse', 'AWS::SNS::Subscription', 'email ops@example.com', /^pending confirmation$/]]],
  ['a confirmed subscription is reused', email, { given: false, topic: topic(OURS), subscription: sub(false) },
    [['reuse', 'AWS::SNS::Topic', 'Web-ASG-events'], ['reuse', 'AWS::SNS::Subscription', 'email ops@example.com', /^confirmed$/]]],
  ['an SQS queue confirms at once', { notifications: { protocol: 'sqs', endpoint: 'arn:aws:sqs:ap-northeast-2:123456789012:monitor' } }, { given: false, topic: topic(OURS) },
    [['reuse', 'AWS::SNS::Topic', 'Web-ASG-events'], ['create', 'AWS::SNS::Subscription', 'sqs arn:aws:sqs:ap-northeast-2:123456789012:monitor', /^confirmed at once$/]]],
];

describe('planNotifications', () => {
  it.each(CASES)('%s', (_what, input, found, want) => {
    const rows = planNotifications(validateConfig(input), found);
    expect(rows.map((r) => [r.action, r.type, r.name])).toEqual(want.map(([a, t, n]) => [a, t, n]));
    want.forEach(([, , , detail], i) => {
      if (detail) expect(rows[i]!.detail).toMatch(detail);
    });
    for (const r of rows.filter((x) => x.action === 'adopt')) expect(r.reason).toMatch(/--adopt/);
  });

  it.each([
    ['https', 'https://hooks.example.com/aws/sns?key=s3cr3t', 'https://hooks.example.com/aws/sns?…'],
    ['https', 'https://user:pw@hooks.example.com/', 'https://hooks.example.com/?…'],
    ['http', 'http://monitor.example.com', 'http://monitor.example.com'],
    ['email', 'ops@example.com', 'ops@example.com'],
  ])('shows a %s endpoint without secrets: %s', (protocol, endpoint, shown) => {
    expect(endpointLabel(protocol, endpoint)).toBe(shown);
  });
});

describe('the notifications step in up', () => {
  it('creates the topic and an e-mail subscription (pending), reports the first launches, and reuses both', async () => {
    const file = tmpSandboxFile();
    const args = ['up', '--yes', '--json', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'];
    const first = await runWizard(file, args);
    expect(first.stderr).not.toMatch(/^error:/m);
    expect(first.code).toBe(0);
    const rows = JSON.parse(first.stdout).rows as { action: string; type: string; name: string; id: string | null; detail?: string }[];
    const t = rows.find((r) => r.type === 'AWS::SNS::Topic')!;
    expect(t).toMatchObject({ action: 'create', name: 'Web-ASG-events', id: ARN });
    expect(rows.find((r) => r.type === 'AWS::SNS::Subscription')).toMatchObject({ action: 'create', name: 'email ops@example.com', detail: 'pending confirmation' });
    expect(first.writes).toContain('SNS CreateTopic');
    expect(first.writes).toContain('SNS Subscribe');
    const w = first.sandbox!.world;
    expect(w.sns.topics.find((x) => x.arn === ARN)!.tags).toContainEqual({ Key: 'asg-wizard:stack', Value: 'Web' });
    // The group was wired before it launched: its first instances were reported too.
    const launches = deliveredTo(w, ARN).map((d) => classifyNotification(d.message)).filter((c) => c.event === 'autoscaling:EC2_INSTANCE_LAUNCH');
    expect(launches.length).toBeGreaterThanOrEqual(2);

    const second = await runWizard(file, args);
    expect(second.code).toBe(0);
    expect(second.writes).toEqual([]);
    const again = JSON.parse(second.stdout).rows as { action: string; type: string; detail?: string }[];
    expect(again.find((r) => r.type === 'AWS::SNS::Subscription')).toMatchObject({ action: 'reuse', detail: 'pending confirmation' });
  });

  it('--no-notifications leaves the topic and subscription out', async () => {
    const file = tmpSandboxFile();
    const plan = await runWizard(file, ['plan', '--json', '--no-notifications', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com']);
    expect(plan.code).toBe(0);
    const types = (JSON.parse(plan.stdout).rows as { type: string }[]).map((r) => r.type);
    expect(types).not.toContain('AWS::SNS::Topic');
    expect(types).not.toContain('AWS::SNS::Subscription');
    expect(types).not.toContain('AWS::AutoScaling::NotificationConfiguration');
    const withThem = await runWizard(file, ['plan', '--json']);
    expect((JSON.parse(withThem.stdout).rows as { type: string }[]).map((r) => r.type)).toContain('AWS::SNS::Topic');
  });

  it('--topic-arn must name an existing topic (exit 2 before any write)', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['up', '--yes', '--topic-arn', 'arn:aws:sns:ap-northeast-2:123456789012:vendor-topic']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --topic-arn arn:aws:sns:ap-northeast-2:123456789012:vendor-topic: no such SNS topic/m);
    expect(r.writes).toEqual([]);
  });
});
