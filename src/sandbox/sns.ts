/**
 * Amazon SNS: topics (create by name, idempotently; attributes; tags), publishing, and — in
 * `sns-subscriptions.ts` — subscriptions and their confirmation. A published message is not
 * sent anywhere: it is recorded in `world.sns.delivered`, which stands for what the topic's
 * confirmed subscribers receive (read it with {@link deliveredTo}).
 */
import { ResourceNotFoundException, TagLimitExceededException } from '@aws-sdk/client-sns';
import { modeledError } from './errors.js';
import { invalidParameter, isJsonObject, notFound, pageOf, parseSnsArn, stableUuid, stringMap, topicByArn } from './sns-common.js';
import { confirmPendingSubscriptions, removeTopicSubscriptions, subscriptionHandlers } from './sns-subscriptions.js';
import type { DeliveredMessage, ServiceSim, SimContext, Tag, TopicRecord, World } from './types.js';

export { confirmPendingSubscriptions };

/** How many published messages the sandbox keeps (oldest dropped first). */
export const DELIVERED_CAP = 5000;
/** Publish's limit on the message plus its attributes, in bytes (256 KiB). */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_TAGS = 50;

const NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const FEEDBACK_ATTRIBUTE = /^(Application|Firehose|HTTP|Lambda|SQS)(SuccessFeedbackRoleArn|SuccessFeedbackSampleRate|FailureFeedbackRoleArn)$/;
const SETTABLE = new Set([
  'DeliveryPolicy', 'DisplayName', 'Policy', 'SignatureVersion', 'TracingConfig', 'KmsMasterKeyId', 'ArchivePolicy',
  'ContentBasedDeduplication', 'FifoThroughputScope',
]);
const JSON_ATTRIBUTES = new Set(['Policy', 'DeliveryPolicy', 'ArchivePolicy']);

/** The delivery policy every topic reports until one is set (AWS's HTTP retry defaults). */
const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** The access policy AWS gives a new topic: only the owning account may use it. */
function defaultPolicy(world: World, topicArn: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic',
        'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': world.accountId } },
    }],
  });
}

/** GetTopicAttributes' map: what was set plus what AWS derives (counts, owner, default policies). */
function topicAttributes(world: World, topic: TopicRecord): Record<string, string> {
  const subs = world.sns.subscriptions.filter((s) => s.topicArn === topic.arn);
  const attrs: Record<string, string> = {
    TopicArn: topic.arn,
    Owner: world.accountId,
    Policy: defaultPolicy(world, topic.arn),
    DisplayName: '',
    SubscriptionsConfirmed: String(subs.filter((s) => s.confirmed).length),
    SubscriptionsPending: String(subs.filter((s) => !s.confirmed).length),
    SubscriptionsDeleted: '0',
    EffectiveDeliveryPolicy: DEFAULT_EFFECTIVE_DELIVERY_POLICY,
    ...topic.attributes,
  };
  if (topic.attributes.DeliveryPolicy) attrs.EffectiveDeliveryPolicy = topic.attributes.DeliveryPolicy;
  if (attrs.FifoTopic === 'true') attrs.ContentBasedDeduplication ??= 'false';
  return attrs;
}

/** Checks one topic attribute as CreateTopic / SetTopicAttributes do; returns the value to store. */
function checkTopicAttribute(name: string, value: string, fifo: boolean): string {
  if (!SETTABLE.has(name) && !FEEDBACK_ATTRIBUTE.test(name)) throw invalidParameter('Invalid parameter: AttributeName');
  if (JSON_ATTRIBUTES.has(name) && value !== '' && !isJsonObject(value)) throw invalidParameter(`Invalid parameter: ${name}`);
  switch (name) {
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('Invalid parameter: DisplayName');
      break;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw invalidParameter('Invalid parameter: SignatureVersion');
      break;
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') throw invalidParameter('Invalid parameter: TracingConfig');
      break;
    case 'ContentBasedDeduplication':
      if (!fifo) throw invalidParameter('Invalid parameter: ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics');
      if (value !== 'true' && value !== 'false') throw invalidParameter('Invalid parameter: ContentBasedDeduplication');
      break;
  }
  return value;
}

/** Tags as CreateTopic / TagResource take them: keys 1–128, values ≤ 256, no `aws:` prefix, no repeats. */
function checkTags(tags: unknown): Tag[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw invalidParameter('Invalid parameter: Tags');
  const out: Tag[] = [];
  for (const t of tags as { Key?: unknown; Value?: unknown }[]) {
    const key = t?.Key;
    const value = t?.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 128 || typeof value !== 'string' || value.length > 256) {
      throw invalidParameter('Invalid parameter: Tags');
    }
    if (key.toLowerCase().startsWith('aws:')) throw invalidParameter('Invalid parameter: Tags Reason: Tag keys must not start with aws:');
    if (out.some((o) => o.Key === key)) throw invalidParameter('Invalid parameter: Tags Reason: Duplicate tag keys');
    out.push({ Key: key, Value: value });
  }
  return out;
}

function tagLimit(count: number): void {
  if (count > MAX_TAGS) throw modeledError(TagLimitExceededException, 'Could not complete request: tag quota of per resource exceeded');
}

/** Normalises JSON-valued attributes so that key spacing does not count as a difference. */
function sameValue(name: string, a: string | undefined, b: string): boolean {
  if (a === b) return true;
  if (a === undefined) return (name === 'FifoTopic' || name === 'ContentBasedDeduplication') && b === 'false';
  if (!JSON_ATTRIBUTES.has(name)) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function createTopic(ctx: SimContext, input: { Name?: string; Attributes?: unknown; Tags?: unknown }) {
  const world = ctx.world;
  const name = input.Name;
  const requested = stringMap(input.Attributes, 'Attributes');
  const fifoFlag = requested.FifoTopic;
  if (fifoFlag !== undefined && fifoFlag !== 'true' && fifoFlag !== 'false') throw invalidParameter('Invalid parameter: FifoTopic');
  const fifo = fifoFlag === 'true';
  if (typeof name !== 'string') throw invalidParameter('Invalid parameter: Topic Name');
  if (fifo && !FIFO_NAME.test(name)) {
    throw invalidParameter('Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.');
  }
  if (!fifo && !NAME.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(requested)) {
    if (k !== 'FifoTopic') attrs[k] = checkTopicAttribute(k, v, fifo);
  }
  const tags = checkTags(input.Tags);
  tagLimit(tags.length);

  const arn = `arn:aws:sns:${world.region}:${world.accountId}:${name}`;
  const existing = world.sns.topics.find((t) => t.arn === arn);
  if (existing) {
    // Idempotent by name, but only when the request agrees with the topic: every attribute and
    // tag it names must already be so (leaving some out is fine).
    const current = topicAttributes(world, existing);
    if (Object.entries(requested).some(([k, v]) => !sameValue(k, current[k], v))) {
      throw invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    }
    if (tags.some((t) => !existing.tags.some((e) => e.Key === t.Key && e.Value === t.Value))) {
      throw invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags');
    }
    return { TopicArn: arn };
  }
  if (fifo) attrs.FifoTopic = 'true';
  world.sns.topics.push({ arn, name, attributes: attrs, tags });
  return { TopicArn: arn };
}

/** The topic a tagging call names: only topics carry tags. */
function taggedTopic(world: World, arn: unknown): TopicRecord {
  const parsed = parseSnsArn(arn);
  if (!parsed) throw invalidParameter('Invalid parameter: ResourceArn');
  const topic = world.sns.topics.find((t) => t.arn === arn);
  if (!topic) throw modeledError(ResourceNotFoundException, 'Resource does not exist');
  return topic;
}

/** Bytes Publish counts against the 256 KiB limit: the message and every attribute's name, type and value. */
function publishSize(message: string, attributes: unknown): number {
  let n = Buffer.byteLength(message, 'utf8');
  if (attributes && typeof attributes === 'object') {
    for (const [k, v] of Object.entries(attributes as Record<string, { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }>)) {
      n += Buffer.byteLength(k) + Buffer.byteLength(v?.DataType ?? '') + Buffer.byteLength(v?.StringValue ?? '') + (v?.BinaryValue?.length ?? 0);
    }
  }
  return n;
}

interface PublishInput {
  TopicArn?: string;
  TargetArn?: string;
  PhoneNumber?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: unknown;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

function publish(ctx: SimContext, input: PublishInput) {
  const targets = [input.TopicArn, input.TargetArn, input.PhoneNumber].filter((x) => x !== undefined && x !== '');
  if (targets.length === 0) throw invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  if (targets.length > 1) throw invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified');
  if (input.Subject !== undefined && (!/^[\x21-\x7e][\x20-\x7e]*$/.test(input.Subject) || input.Subject.length > 100)) {
    // ASCII, starting with a letter, digit or punctuation, no line breaks, at most 100 characters.
    throw invalidParameter('Invalid parameter: Subject');
  }
  let message = input.Message;
  if (typeof message !== 'string' || message.trim() === '') throw invalidParameter('Invalid parameter: Empty message');
  if (publishSize(message, input.MessageAttributes) > MAX_MESSAGE_BYTES) throw invalidParameter('Invalid parameter: Message too long');
  if (input.MessageStructure === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    const def = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).default : undefined;
    if (typeof def !== 'string') throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
    message = def;
  }
  if (input.PhoneNumber !== undefined) {
    if (!/^\+[1-9]\d{4,14}$/.test(input.PhoneNumber)) {
      throw invalidParameter(`Invalid parameter: PhoneNumber Reason: ${input.PhoneNumber} is not valid to publish to`);
    }
    return { MessageId: stableUuid(ctx, 'sns-msg') };
  }
  const arn = input.TopicArn ?? input.TargetArn;
  if (input.TargetArn !== undefined && parseSnsArn(arn)?.resource.startsWith('endpoint/')) {
    throw invalidParameter('Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified');
  }
  const topic = topicByArn(ctx.world, arn, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
  const fifo = topic.attributes.FifoTopic === 'true';
  if (fifo) {
    if (!input.MessageGroupId) throw invalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    if (topic.attributes.ContentBasedDeduplication !== 'true' && !input.MessageDeduplicationId) {
      throw invalidParameter('Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else if (input.MessageDeduplicationId) {
    throw invalidParameter('Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
  const MessageId = publishToTopic(ctx, topic.arn, message, input.Subject);
  return fifo ? { MessageId, SequenceNumber: (10n ** 19n + BigInt(ctx.world.seq)).toString() } : { MessageId };
}

export const snsSim: ServiceSim = {
  clientName: 'SNSClient',
  handlers: {
    CreateTopic: createTopic,

    GetTopicAttributes: (ctx, input: { TopicArn?: string }) => {
      const topic = topicByArn(ctx.world, input.TopicArn);
      return { Attributes: topicAttributes(ctx.world, topic) };
    },

    SetTopicAttributes: (ctx, input: { TopicArn?: string; AttributeName?: string; AttributeValue?: string }) => {
      const topic = topicByArn(ctx.world, input.TopicArn);
      const name = input.AttributeName;
      // FifoTopic is fixed at creation.
      if (typeof name !== 'string' || name === 'FifoTopic') throw invalidParameter('Invalid parameter: AttributeName');
      const value = checkTopicAttribute(name, input.AttributeValue ?? '', topic.attributes.FifoTopic === 'true');
      // An empty Policy / DeliveryPolicy puts the default back.
      if (value === '' && (name === 'Policy' || name === 'DeliveryPolicy')) delete topic.attributes[name];
      else topic.attributes[name] = value;
      return {};
    },

    ListTopics: (ctx, input: { NextToken?: string }) => {
      const { page, NextToken } = pageOf(ctx.world.sns.topics, (t) => t.arn, input.NextToken);
      return { Topics: page.map((t) => ({ TopicArn: t.arn })), ...(NextToken ? { NextToken } : {}) };
    },

    DeleteTopic: (ctx, input: { TopicArn?: string }) => {
      const parsed = parseSnsArn(input.TopicArn);
      if (!parsed || parsed.resource.includes(':') || parsed.region !== ctx.world.region) throw invalidParameter('Invalid parameter: TopicArn');
      // Deleting a topic that is already gone is not an error.
      ctx.world.sns.topics = ctx.world.sns.topics.filter((t) => t.arn !== input.TopicArn);
      removeTopicSubscriptions(ctx.world, input.TopicArn as string);
      return {};
    },

    Publish: publish,

    TagResource: (ctx, input: { ResourceArn?: string; Tags?: unknown }) => {
      const topic = taggedTopic(ctx.world, input.ResourceArn);
      const tags = checkTags(input.Tags);
      const merged = [...topic.tags.filter((t) => !tags.some((n) => n.Key === t.Key)), ...tags];
      tagLimit(merged.length);
      topic.tags = merged;
      return {};
    },

    UntagResource: (ctx, input: { ResourceArn?: string; TagKeys?: string[] }) => {
      const topic = taggedTopic(ctx.world, input.ResourceArn);
      const keys = new Set(input.TagKeys ?? []);
      topic.tags = topic.tags.filter((t) => !keys.has(t.Key));
      return {};
    },

    ListTagsForResource: (ctx, input: { ResourceArn?: string }) => {
      const topic = taggedTopic(ctx.world, input.ResourceArn);
      return { Tags: topic.tags.map((t) => ({ Key: t.Key, Value: t.Value })) };
    },

    ...subscriptionHandlers,
  },
};

/**
 * Publishes `message` to a topic as AWS would: recorded in `world.sns.delivered` (what its
 * confirmed subscribers receive; the last {@link DELIVERED_CAP} are kept, whether or not anyone
 * is subscribed yet). Returns the message id; throws NotFoundException for an unknown topic.
 * Other simulations (Auto Scaling notifications) call this directly.
 */
export function publishToTopic(ctx: SimContext, topicArn: string, message: string, subject?: string): string {
  if (!ctx.world.sns.topics.some((t) => t.arn === topicArn)) throw notFound('Topic does not exist');
  const id = stableUuid(ctx, 'sns-msg');
  const record: DeliveredMessage = { id, topicArn, message, at: ctx.now };
  if (subject !== undefined) record.subject = subject;
  const delivered = ctx.world.sns.delivered;
  delivered.push(record);
  if (delivered.length > DELIVERED_CAP) delivered.splice(0, delivered.length - DELIVERED_CAP);
  return id;
}

/** A delivered message with its body parsed: `json` is set when the body is a JSON object (Auto Scaling's are). */
export interface DeliveredNotification extends DeliveredMessage {
  json?: Record<string, unknown>;
}

/** The messages published to `topicArn`, oldest first, with JSON bodies parsed (for tests and `status`). */
export function deliveredTo(world: World, topicArn: string): DeliveredNotification[] {
  return world.sns.delivered
    .filter((d) => d.topicArn === topicArn)
    .map((d) => {
      const out: DeliveredNotification = { ...d };
      if (isJsonObject(d.message)) out.json = JSON.parse(d.message) as Record<string, unknown>;
      return out;
    });
}
