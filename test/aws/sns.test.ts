/** The SNS adapter against a mocked SNSClient: paging, pending subscriptions, NotFound, tags at creation. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand, ListTopicsCommand, NotFoundException, SNSClient, SubscribeCommand,
} from '@aws-sdk/client-sns';
import { SnsApi, topicArnFor } from '../../src/aws/sns.js';

const REGION = 'ap-northeast-2';
const arn = (name: string) => `arn:aws:sns:${REGION}:123456789012:${name}`;
const snsMock = mockClient(SNSClient);
const api = () => new SnsApi(new SNSClient({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));

beforeEach(() => {
  snsMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
});
afterEach(() => {
  snsMock.reset();
});

describe('SnsApi', () => {
  it('answers undefined for an absent topic: NotFound on GetTopicAttributes', async () => {
    snsMock.on(GetTopicAttributesCommand).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } }));
    expect(await api().getTopic(arn('gone'))).toBeUndefined();
  });

  it('finds our topic by the ARN its name gives, with no ListTopics paging; NotFound is undefined', async () => {
    snsMock.on(GetTopicAttributesCommand, { TopicArn: arn('Web-ASG-events') }).resolves({ Attributes: { TopicArn: arn('Web-ASG-events') } });
    snsMock.on(ListTagsForResourceCommand, { ResourceArn: arn('Web-ASG-events') }).resolves({ Tags: [{ Key: 'asg-wizard:stack', Value: 'Web' }] });
    const t = await api().findTopic(topicArnFor(REGION, '123456789012', 'Web-ASG-events'));
    expect(t).toMatchObject({ arn: arn('Web-ASG-events'), name: 'Web-ASG-events', tags: { 'asg-wizard:stack': 'Web' } });
    snsMock.on(GetTopicAttributesCommand, { TopicArn: arn('gone') }).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } }));
    expect(await api().findTopic(arn('gone'))).toBeUndefined();
    expect(snsMock.commandCalls(ListTopicsCommand)).toHaveLength(0);
  });

  it('a topic\'s ARN is in its region\'s partition', () => {
    expect(topicArnFor('ap-northeast-2', '123456789012', 'Web-ASG-events')).toBe('arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events');
    expect(topicArnFor('cn-north-1', '123456789012', 't')).toBe('arn:aws-cn:sns:cn-north-1:123456789012:t');
    expect(topicArnFor('us-gov-west-1', '123456789012', 't')).toBe('arn:aws-us-gov:sns:us-gov-west-1:123456789012:t');
    expect(topicArnFor('us-isob-east-1', '123456789012', 't')).toBe('arn:aws-iso-b:sns:us-isob-east-1:123456789012:t');
  });

  it('creates a topic with its tags in the CreateTopic call', async () => {
    snsMock.on(CreateTopicCommand).resolves({ TopicArn: arn('Web-ASG-events') });
    const tags = [{ Key: 'asg-wizard:stack', Value: 'Web' }, { Key: 'Name', Value: 'Web-ASG-events' }];
    expect(await api().createTopic('Web-ASG-events', tags)).toBe(arn('Web-ASG-events'));
    expect(snsMock.commandCalls(CreateTopicCommand)[0]!.args[0].input).toEqual({ Name: 'Web-ASG-events', Tags: tags });
  });

  it('lists subscriptions over pages; "PendingConfirmation" means pending with no ARN', async () => {
    const topic = arn('Web-ASG-events');
    snsMock.on(ListSubscriptionsByTopicCommand, { TopicArn: topic }).resolves({
      Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', TopicArn: topic, Protocol: 'email', Endpoint: 'ops@example.com' }], NextToken: 'n',
    });
    snsMock.on(ListSubscriptionsByTopicCommand, { TopicArn: topic, NextToken: 'n' }).resolves({
      Subscriptions: [{ SubscriptionArn: `${topic}:1b2c`, TopicArn: topic, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:ap-northeast-2:123456789012:q' }],
    });
    expect(await api().listSubscriptions(topic)).toEqual([
      { topicArn: topic, protocol: 'email', endpoint: 'ops@example.com', pending: true },
      { arn: `${topic}:1b2c`, topicArn: topic, protocol: 'sqs', endpoint: 'arn:aws:sqs:ap-northeast-2:123456789012:q', pending: false },
    ]);
  });

  it('subscribes asking for the real ARN, and reads whether it waits for confirmation', async () => {
    const topic = arn('Web-ASG-events');
    snsMock.on(SubscribeCommand).resolves({ SubscriptionArn: `${topic}:5e6f` });
    snsMock.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { PendingConfirmation: 'true' } });
    expect(await api().subscribe(topic, 'email', 'ops@example.com')).toEqual({ arn: `${topic}:5e6f`, topicArn: topic, protocol: 'email', endpoint: 'ops@example.com', pending: true });
    expect(snsMock.commandCalls(SubscribeCommand)[0]!.args[0].input).toMatchObject({ ReturnSubscriptionArn: true });
  });
});
