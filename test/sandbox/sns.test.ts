import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  ResourceNotFoundException,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
  paginateListSubscriptionsByTopic,
  paginateListTopics,
} from '@aws-sdk/client-sns';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { makeContext } from '../../src/sandbox/store.js';
import { confirmPendingSubscriptions, deliveredTo, publishToTopic, DELIVERED_CAP } from '../../src/sandbox/sns.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-sns-')), 'sandbox.json');
}

function setup() {
  const sandbox = new Sandbox({ file: tmpFile() });
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  return { sandbox, aws, sns: aws.sns };
}

const QUEUE = 'arn:aws:sqs:ap-northeast-2:123456789012:lab-queue';

async function topic(sns: ReturnType<typeof setup>['sns'], name = 'lab-topic'): Promise<string> {
  return (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
}

describe('SNS topics', () => {
  it('CreateTopic is idempotent by name: same ARN, one topic', async () => {
    const { sandbox, sns } = setup();
    const a = await sns.send(new CreateTopicCommand({ Name: 'lab-topic', Attributes: { DisplayName: 'Lab' }, Tags: [{ Key: 'app', Value: 'asgw' }] }));
    expect(a.TopicArn).toBe('arn:aws:sns:ap-northeast-2:123456789012:lab-topic');
    const b = await sns.send(new CreateTopicCommand({ Name: 'lab-topic', Attributes: { DisplayName: 'Lab' }, Tags: [{ Key: 'app', Value: 'asgw' }] }));
    const c = await sns.send(new CreateTopicCommand({ Name: 'lab-topic' }));
    expect(b.TopicArn).toBe(a.TopicArn);
    expect(c.TopicArn).toBe(a.TopicArn);
    expect(sandbox.world.sns.topics).toHaveLength(1);
    const tags = await sns.send(new ListTagsForResourceCommand({ ResourceArn: a.TopicArn }));
    expect(tags.Tags).toEqual([{ Key: 'app', Value: 'asgw' }]);
  });

  it('CreateTopic with different attributes or tags than the existing topic is rejected', async () => {
    const { sandbox, sns } = setup();
    await sns.send(new CreateTopicCommand({ Name: 'lab-topic', Attributes: { DisplayName: 'Lab' }, Tags: [{ Key: 'app', Value: 'asgw' }] }));
    const err = await sns.send(new CreateTopicCommand({ Name: 'lab-topic', Attributes: { DisplayName: 'Other' } })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toBe('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    expect(err.$metadata.httpStatusCode).toBe(400);
    const tagErr = await sns.send(new CreateTopicCommand({ Name: 'lab-topic', Tags: [{ Key: 'app', Value: 'else' }] })).catch((e) => e);
    expect(tagErr.name).toBe('InvalidParameterException');
    expect(tagErr.message).toBe('Invalid parameter: Tags Reason: Topic already exists with different tags');
    expect(sandbox.world.sns.topics).toHaveLength(1);
  });

  it('validates topic names (and FIFO names)', async () => {
    const { sns } = setup();
    for (const Name of ['', 'has space', 'dot.ted', 'x'.repeat(257), 'ünïcode']) {
      const err = await sns.send(new CreateTopicCommand({ Name })).catch((e) => e);
      expect(err.name, Name).toBe('InvalidParameterException');
      expect(err.message).toBe('Invalid parameter: Topic Name');
    }
    expect((await sns.send(new CreateTopicCommand({ Name: 'A-z_0'.padEnd(256, 'x') }))).TopicArn).toMatch(/:A-z_0x+$/);
    const fifo = await sns.send(new CreateTopicCommand({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } }));
    expect(fifo.TopicArn).toMatch(/:orders\.fifo$/);
    const noSuffix = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { FifoTopic: 'true' } })).catch((e) => e);
    expect(noSuffix.name).toBe('InvalidParameterException');
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: fifo.TopicArn }))).Attributes!;
    expect(attrs.FifoTopic).toBe('true');
    expect(attrs.ContentBasedDeduplication).toBe('false');
  });

  it('GetTopicAttributes reports what AWS reports; SetTopicAttributes changes it; unknown topic is NotFound', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE }));
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes!;
    expect(attrs).toMatchObject({
      TopicArn: arn, Owner: '123456789012', DisplayName: '', SubscriptionsConfirmed: '1', SubscriptionsPending: '1', SubscriptionsDeleted: '0',
    });
    const policy = JSON.parse(attrs.Policy!);
    expect(policy.Statement[0].Resource).toBe(arn);
    expect(policy.Statement[0].Condition.StringEquals['AWS:SourceOwner']).toBe('123456789012');
    expect(JSON.parse(attrs.EffectiveDeliveryPolicy!).http.defaultHealthyRetryPolicy.numRetries).toBe(3);

    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'DisplayName', AttributeValue: 'Lab alerts' }));
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes!.DisplayName).toBe('Lab alerts');
    const bad = await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'FifoTopic', AttributeValue: 'true' })).catch((e) => e);
    expect(bad.name).toBe('InvalidParameterException');

    const missing = await sns.send(new GetTopicAttributesCommand({ TopicArn: `${arn}-gone` })).catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(missing.message).toBe('Topic does not exist');
    const malformed = await sns.send(new GetTopicAttributesCommand({ TopicArn: 'lab-topic' })).catch((e) => e);
    expect(malformed.name).toBe('InvalidParameterException');
  });

  it('ListTopics pages by 100 and paginateListTopics walks all 250', async () => {
    const { sandbox, sns } = setup();
    for (let i = 0; i < 250; i++) sandbox.world.sns.topics.push({ arn: `arn:aws:sns:ap-northeast-2:123456789012:t-${i}`, name: `t-${i}`, attributes: {}, tags: [] });
    const first = await sns.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toBeTruthy();
    const pages: number[] = [];
    const arns: string[] = [];
    for await (const page of paginateListTopics({ client: sns }, {})) {
      pages.push(page.Topics!.length);
      arns.push(...page.Topics!.map((t) => t.TopicArn!));
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(new Set(arns).size).toBe(250);
  });

  it('DeleteTopic removes the topic and its subscriptions, and is idempotent', async () => {
    const { sandbox, sns } = setup();
    const arn = await topic(sns);
    const other = await topic(sns, 'other');
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE }));
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    await sns.send(new SubscribeCommand({ TopicArn: other, Protocol: 'sqs', Endpoint: QUEUE }));
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    expect(sandbox.world.sns.topics.map((t) => t.arn)).toEqual([other]);
    expect(sandbox.world.sns.subscriptions.map((s) => s.topicArn)).toEqual([other]);
    const all = await sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions!.map((s) => s.TopicArn)).toEqual([other]);
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn })).catch((e) => e)).name).toBe('NotFoundException');
  });

  it('tags topics; an unknown resource is ResourceNotFound', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    await sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '3' }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['b'] }));
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'a', Value: '3' }]);
    const err = await sns.send(new ListTagsForResourceCommand({ ResourceArn: `${arn}x` })).catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect((await sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: tooMany })).catch((e) => e)).name).toBe('TagLimitExceededException');
  });
});

describe('SNS subscriptions', () => {
  it('an e-mail subscription is pending until ConfirmSubscription with its token', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    const sub = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    expect(sub.SubscriptionArn).toBe('pending confirmation');
    const again = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    expect(again.SubscriptionArn).toBe('pending confirmation');
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
    expect(listed.Subscriptions).toEqual([
      { SubscriptionArn: 'PendingConfirmation', Owner: '123456789012', Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: arn },
    ]);

    const real = (await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com', ReturnSubscriptionArn: true }))).SubscriptionArn!;
    expect(real).toMatch(new RegExp(`^${arn}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    const pending = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: real }))).Attributes!;
    expect(pending).toMatchObject({ PendingConfirmation: 'true', Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: arn, SubscriptionArn: real });
    expect(pending.ConfirmationToken).toMatch(/^[0-9a-f]{288}$/);

    const wrong = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: 'f'.repeat(288) })).catch((e) => e);
    expect(wrong).toBeInstanceOf(InvalidParameterException);
    expect(wrong.message).toBe('Invalid parameter: Token');

    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: pending.ConfirmationToken }));
    expect(confirmed.SubscriptionArn).toBe(real);
    const after = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: real }))).Attributes!;
    expect(after.PendingConfirmation).toBe('false');
    expect(after.ConfirmationWasAuthenticated).toBe('true');
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions![0]!.SubscriptionArn).toBe(real);
    expect((await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }))).SubscriptionArn).toBe(real);
    // The same token again answers the same ARN.
    expect((await sns.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: pending.ConfirmationToken }))).SubscriptionArn).toBe(real);
  });

  it('an SQS subscription in the same account is confirmed at once; one in another account waits', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    const sub = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE }));
    expect(sub.SubscriptionArn).toMatch(new RegExp(`^${arn}:`));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }))).Attributes!;
    expect(attrs).toMatchObject({ PendingConfirmation: 'false', ConfirmationWasAuthenticated: 'true', RawMessageDelivery: 'false', Owner: '123456789012' });
    expect(attrs.ConfirmationToken).toBeUndefined();
    const same = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE }));
    expect(same.SubscriptionArn).toBe(sub.SubscriptionArn);
    const lambda = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:ap-northeast-2:123456789012:function:notify' }));
    expect(lambda.SubscriptionArn).toMatch(/^arn:aws:sns:/);
    const foreign = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:ap-northeast-2:210987654321:theirs' }));
    expect(foreign.SubscriptionArn).toBe('pending confirmation');
  });

  it('validates the endpoint per protocol', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    const cases: [string, string, string][] = [
      ['email', 'not-an-address', 'Invalid parameter: Email address'],
      ['email', 'a@b.com;c@d.com', 'Invalid parameter: Email address'],
      ['email-json', 'ops@', 'Invalid parameter: Email address'],
      ['http', 'https://example.com/hook', 'Invalid parameter: Endpoint must match the specified protocol'],
      ['https', 'example.com/hook', 'Invalid parameter: Endpoint must match the specified protocol'],
      ['sqs', 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/q', 'Invalid parameter: SQS endpoint ARN'],
      ['sqs', 'arn:aws:sns:ap-northeast-2:123456789012:q', 'Invalid parameter: SQS endpoint ARN'],
      ['lambda', 'arn:aws:lambda:ap-northeast-2:123456789012:notify', 'Invalid parameter: Lambda endpoint ARN'],
      ['firehose', 'arn:aws:s3:::bucket', 'Invalid parameter: Firehose endpoint ARN'],
      ['sms', 'call me', 'Invalid SMS endpoint: call me'],
      ['carrier-pigeon', 'coop', 'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon'],
    ];
    for (const [Protocol, Endpoint, message] of cases) {
      const err = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol, Endpoint })).catch((e) => e);
      expect(err.name, `${Protocol} ${Endpoint}`).toBe('InvalidParameterException');
      expect(err.message, `${Protocol} ${Endpoint}`).toBe(message);
    }
    const fifoQueue = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: `${QUEUE}.fifo` })).catch((e) => e);
    expect(fifoQueue.name).toBe('InvalidParameterException');
    for (const [Protocol, Endpoint] of [['https', 'https://example.com/hook'], ['http', 'http://example.com/'], ['sms', '+821012345678'], ['email-json', 'dev@example.org']]) {
      const ok = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol, Endpoint }));
      expect(ok.SubscriptionArn).toEqual(Protocol === 'sms' ? expect.stringMatching(/^arn:aws:sns:/) : 'pending confirmation');
    }
    const noTopic = await sns.send(new SubscribeCommand({ TopicArn: `${arn}-gone`, Protocol: 'sqs', Endpoint: QUEUE })).catch((e) => e);
    expect(noTopic).toBeInstanceOf(NotFoundException);
  });

  it('subscription attributes: RawMessageDelivery, FilterPolicy, conflicts on re-subscribe', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    const sub = (await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'true' } }))).SubscriptionArn!;
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: sub, AttributeName: 'FilterPolicy', AttributeValue: '{"Event":["autoscaling:EC2_INSTANCE_LAUNCH"]}' }));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub }))).Attributes!;
    expect(attrs).toMatchObject({ RawMessageDelivery: 'true', FilterPolicyScope: 'MessageAttributes' });
    expect(JSON.parse(attrs.FilterPolicy!)).toEqual({ Event: ['autoscaling:EC2_INSTANCE_LAUNCH'] });
    const conflict = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'false' } })).catch((e) => e);
    expect(conflict.message).toBe('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
    const emailRaw = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com', Attributes: { RawMessageDelivery: 'true' } })).catch((e) => e);
    expect(emailRaw.message).toBe('Invalid parameter: Attributes Reason: Delivery protocol [email] does not support raw message delivery.');
    const badName = await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: sub, AttributeName: 'Colour', AttributeValue: 'red' })).catch((e) => e);
    expect(badName.name).toBe('InvalidParameterException');

    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub }));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub }));
    const gone = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub })).catch((e) => e);
    expect(gone).toBeInstanceOf(NotFoundException);
    const literal = await sns.send(new UnsubscribeCommand({ SubscriptionArn: 'pending confirmation' })).catch((e) => e);
    expect(literal.name).toBe('InvalidParameterException');
  });

  it('confirmPendingSubscriptions stands in for clicking the e-mail link', async () => {
    const { sandbox, sns } = setup();
    const arn = await topic(sns);
    const other = await topic(sns, 'other');
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    await sns.send(new SubscribeCommand({ TopicArn: other, Protocol: 'email', Endpoint: 'ops@example.com' }));
    const done = confirmPendingSubscriptions(sandbox.world, arn);
    expect(done).toHaveLength(1);
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: done[0] }))).Attributes!;
    expect(attrs).toMatchObject({ PendingConfirmation: 'false', ConfirmationWasAuthenticated: 'false' });
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: other }))).Subscriptions![0]!.SubscriptionArn).toBe('PendingConfirmation');
    expect(confirmPendingSubscriptions(sandbox.world)).toHaveLength(1);
  });

  it('ListSubscriptionsByTopic pages by 100 through the SDK paginator', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    for (let i = 0; i < 130; i++) await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: `${QUEUE}-${i}` }));
    const sizes: number[] = [];
    for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: arn })) sizes.push(page.Subscriptions!.length);
    expect(sizes).toEqual([100, 30]);
  });
});

describe('SNS publishing', () => {
  it('Publish records the message in delivered and returns its id', async () => {
    const { sandbox, sns } = setup();
    const arn = await topic(sns);
    const body = JSON.stringify({ Service: 'AWS Auto Scaling', Event: 'autoscaling:TEST_NOTIFICATION' });
    const out = await sns.send(new PublishCommand({ TopicArn: arn, Message: body, Subject: 'Auto Scaling: test notification' }));
    expect(out.MessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const via = await sns.send(new PublishCommand({ TargetArn: arn, Message: 'plain text' }));
    const got = deliveredTo(sandbox.world, arn);
    expect(got.map((d) => d.id)).toEqual([out.MessageId, via.MessageId]);
    expect(got[0]).toMatchObject({ topicArn: arn, subject: 'Auto Scaling: test notification', message: body, json: { Event: 'autoscaling:TEST_NOTIFICATION' } });
    expect(got[1]!.json).toBeUndefined();
    expect(got[1]!.subject).toBeUndefined();
  });

  it('Publish validates its message, subject and topic', async () => {
    const { sns } = setup();
    const arn = await topic(sns);
    const fail = (input: ConstructorParameters<typeof PublishCommand>[0]) => sns.send(new PublishCommand(input)).catch((e) => e);
    expect((await fail({ TopicArn: arn, Message: '' })).message).toBe('Invalid parameter: Empty message');
    expect((await fail({ TopicArn: arn, Message: 'x'.repeat(262_145) })).message).toBe('Invalid parameter: Message too long');
    expect((await sns.send(new PublishCommand({ TopicArn: arn, Message: 'x'.repeat(262_144) }))).MessageId).toBeTruthy();
    expect((await fail({ TopicArn: arn, Message: 'm', Subject: 's'.repeat(101) })).message).toBe('Invalid parameter: Subject');
    expect((await fail({ TopicArn: arn, Message: 'm', Subject: 'two\nlines' })).message).toBe('Invalid parameter: Subject');
    expect((await fail({ TopicArn: `${arn}-gone`, Message: 'm' })).name).toBe('NotFoundException');
    expect((await fail({ Message: 'm' })).name).toBe('InvalidParameterException');
    expect((await fail({ TopicArn: arn, Message: '{"email":"x"}', MessageStructure: 'json' })).message)
      .toBe('Invalid parameter: Message Structure - No default entry in JSON message body');
  });

  it('publishToTopic appends, caps the log, and throws NotFound for an unknown topic', async () => {
    const { sandbox, sns } = setup();
    const arn = await topic(sns);
    const ctx = makeContext(sandbox.world, 'test');
    const id = publishToTopic(ctx, arn, '{"Event":"autoscaling:EC2_INSTANCE_LAUNCH"}', 'Launch');
    expect(sandbox.world.sns.delivered.at(-1)).toMatchObject({ id, topicArn: arn, subject: 'Launch', at: ctx.now });
    expect(() => publishToTopic(ctx, `${arn}-gone`, 'm')).toThrow(NotFoundException);
    for (let i = 0; i < DELIVERED_CAP + 10; i++) publishToTopic(ctx, arn, `m${i}`);
    expect(sandbox.world.sns.delivered).toHaveLength(DELIVERED_CAP);
    expect(sandbox.world.sns.delivered.at(-1)!.message).toBe(`m${DELIVERED_CAP + 9}`);
  });
});
