/**
 * SNS subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, the two listings and the
 * attribute calls. E-mail and HTTP(S) endpoints (and SQS queues / Lambda functions of another
 * account) wait for their owner to confirm. AWS mails (or POSTs) the confirmation token to the
 * endpoint; the sandbox instead records it in the subscription's attributes as
 * `ConfirmationToken` (a sandbox-only attribute GetSubscriptionAttributes shows; it stays after
 * confirmation, so confirming twice answers the same ARN as on AWS) — pass it to
 * ConfirmSubscription. {@link confirmPendingSubscriptions} stands in for a person clicking the
 * link in the e-mail.
 */
import {
  confirmationToken,
  invalidParameter,
  isJsonObject,
  notFound,
  pageOf,
  parseSnsArn,
  stableUuid,
  stringMap,
  topicByArn,
} from './sns-common.js';
import type { Handler, SimContext, SubscriptionRecord, World } from './types.js';

/** Every protocol Subscribe accepts. */
export const SNS_PROTOCOLS = ['email', 'email-json', 'http', 'https', 'sqs', 'lambda', 'sms', 'application', 'firehose'] as const;

/** Protocols whose endpoint owner must confirm (a link in the e-mail, a SubscribeURL posted to the URL). */
const NEEDS_CONFIRMATION = new Set(['email', 'email-json', 'http', 'https']);
/** Only these may turn RawMessageDelivery on. */
const RAW_DELIVERY = new Set(['sqs', 'http', 'https', 'firehose']);
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy',
]);

/** What Subscribe answers for a subscription still waiting for its endpoint's owner. */
export const PENDING_CONFIRMATION = 'pending confirmation';
/** What ListSubscriptions* show in place of the ARN of such a subscription. */
export const PENDING_IN_LISTS = 'PendingConfirmation';

const EMAIL = /^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,75}(\.fifo)?)$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/;
const FIREHOSE_ARN = /^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/[A-Za-z0-9_.-]{1,64}$/;
const APPLICATION_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:endpoint\/[^/]+\/[^/]+\/[^/]+$/;

/**
 * Checks an endpoint against its protocol as Subscribe does; returns the account that owns it
 * when it is an ARN (an SQS queue or a function of another account needs confirming).
 */
function validateEndpoint(protocol: string, endpoint: string, fifoTopic: boolean): string | undefined {
  switch (protocol) {
    case 'email':
    case 'email-json':
      if (!EMAIL.test(endpoint)) throw invalidParameter('Invalid parameter: Email address');
      return undefined;
    case 'http':
    case 'https': {
      if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) throw invalidParameter('Invalid parameter: Endpoint must match the specified protocol');
      try {
        if (!new URL(endpoint).hostname) throw new Error('no host');
      } catch {
        throw invalidParameter('Invalid parameter: Endpoint');
      }
      return undefined;
    }
    case 'sqs': {
      const m = SQS_ARN.exec(endpoint);
      if (!m) throw invalidParameter('Invalid parameter: SQS endpoint ARN');
      // AWS really repeats the prefix in this one.
      if (m[4] && !fifoTopic) throw invalidParameter('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
      return m[2];
    }
    case 'lambda': {
      const m = LAMBDA_ARN.exec(endpoint);
      if (!m) throw invalidParameter('Invalid parameter: Lambda endpoint ARN');
      return m[2];
    }
    case 'firehose':
      if (!FIREHOSE_ARN.test(endpoint)) throw invalidParameter('Invalid parameter: Firehose endpoint ARN');
      return undefined;
    case 'application':
      if (!APPLICATION_ARN.test(endpoint)) throw invalidParameter('Invalid parameter: Application endpoint arn invalid');
      return undefined;
    case 'sms': {
      const digits = endpoint.replace(/[\s.()-]/g, '');
      if (!/^\+?[1-9]\d{4,14}$/.test(digits) || /[.\-/]{2,}|^[.\-/]|[.\-/]$/.test(endpoint)) {
        throw invalidParameter(`Invalid SMS endpoint: ${endpoint}`);
      }
      return undefined;
    }
    default:
      throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
  }
}

/** Validates one subscription attribute (Subscribe's map or SetSubscriptionAttributes); returns the value to store. */
function checkAttribute(protocol: string, name: string, value: string): string {
  if (!SUBSCRIPTION_ATTRIBUTES.has(name)) throw invalidParameter('Invalid parameter: AttributeName');
  switch (name) {
    case 'RawMessageDelivery': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw invalidParameter(`Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      if (v === 'true' && !RAW_DELIVERY.has(protocol)) {
        throw invalidParameter(`Invalid parameter: Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`);
      }
      return v;
    }
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(`Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      return value;
    case 'SubscriptionRoleArn':
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(value)) throw invalidParameter('Invalid parameter: SubscriptionRoleArn');
      return value;
    default:
      // FilterPolicy, DeliveryPolicy, RedrivePolicy, ReplayPolicy: JSON documents; '' clears them.
      if (value !== '' && !isJsonObject(value)) throw invalidParameter(`Invalid parameter: ${name}: failed to parse JSON.`);
      return value;
  }
}

function subscriptionByArn(world: World, arn: unknown): SubscriptionRecord {
  const sub = findSubscription(world, arn);
  if (!sub) throw notFound('Subscription does not exist');
  return sub;
}

/** A well-formed subscription ARN (`<topic ARN>:<uuid>`) → its record; a malformed one is InvalidParameter. */
function findSubscription(world: World, arn: unknown): SubscriptionRecord | undefined {
  const parsed = parseSnsArn(arn);
  if (!parsed || !/^[A-Za-z0-9_.-]+:[0-9a-f-]{36}$/.test(parsed.resource)) throw invalidParameter('Invalid parameter: SubscriptionArn');
  return world.sns.subscriptions.find((s) => s.arn === arn);
}

/** GetSubscriptionAttributes' map: stored attributes plus what AWS derives. */
function attributesOf(world: World, sub: SubscriptionRecord): Record<string, string> {
  const attrs: Record<string, string> = {
    SubscriptionArn: sub.arn,
    TopicArn: sub.topicArn,
    Protocol: sub.protocol,
    Endpoint: sub.endpoint,
    Owner: world.accountId,
    PendingConfirmation: sub.confirmed ? 'false' : 'true',
    ConfirmationWasAuthenticated: 'false',
    RawMessageDelivery: 'false',
    SubscriptionPrincipal: `arn:aws:iam::${world.accountId}:root`,
    ...sub.attributes,
  };
  if (attrs.FilterPolicy && !attrs.FilterPolicyScope) attrs.FilterPolicyScope = 'MessageAttributes';
  for (const k of ['FilterPolicy', 'DeliveryPolicy', 'RedrivePolicy', 'ReplayPolicy']) if (attrs[k] === '') delete attrs[k];
  if (!attrs.FilterPolicy) delete attrs.FilterPolicyScope;
  if (sub.protocol === 'http' || sub.protocol === 'https') {
    attrs.EffectiveDeliveryPolicy = attrs.DeliveryPolicy ?? JSON.stringify({
      healthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' },
    });
  }
  return attrs;
}

/** A listing row as ListSubscriptions* show it: pending ones have no ARN yet. */
function listed(world: World, sub: SubscriptionRecord) {
  return {
    SubscriptionArn: sub.confirmed ? sub.arn : PENDING_IN_LISTS,
    Owner: world.accountId,
    Protocol: sub.protocol,
    Endpoint: sub.endpoint,
    TopicArn: sub.topicArn,
  };
}

function confirm(sub: SubscriptionRecord, authenticated: boolean): void {
  sub.confirmed = true;
  sub.attributes.ConfirmationWasAuthenticated = authenticated ? 'true' : 'false';
}

/**
 * The sandbox's stand-in for a person clicking "Confirm subscription" in the e-mail SNS sent
 * (or an HTTP endpoint visiting its SubscribeURL): confirms every pending subscription of
 * `topicArn` (of every topic when omitted). Such a click is unauthenticated, as on AWS.
 * Returns the ARNs it confirmed.
 */
export function confirmPendingSubscriptions(world: World, topicArn?: string): string[] {
  const done: string[] = [];
  for (const sub of world.sns.subscriptions) {
    if (sub.confirmed || (topicArn !== undefined && sub.topicArn !== topicArn)) continue;
    confirm(sub, false);
    done.push(sub.arn);
  }
  return done;
}

/** Drops every subscription of a topic (DeleteTopic). */
export function removeTopicSubscriptions(world: World, topicArn: string): void {
  world.sns.subscriptions = world.sns.subscriptions.filter((s) => s.topicArn !== topicArn);
}

function subscribe(ctx: SimContext, input: { TopicArn?: string; Protocol?: string; Endpoint?: string; Attributes?: unknown; ReturnSubscriptionArn?: boolean }) {
  const world = ctx.world;
  const topic = topicByArn(world, input.TopicArn);
  const protocol = input.Protocol;
  if (typeof protocol !== 'string' || !protocol) throw invalidParameter('Invalid parameter: Protocol');
  if (!(SNS_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
  }
  const endpoint = input.Endpoint;
  if (typeof endpoint !== 'string' || !endpoint) throw invalidParameter('Invalid parameter: Endpoint');
  const fifo = topic.attributes.FifoTopic === 'true';
  if (fifo && protocol !== 'sqs') throw invalidParameter(`Invalid parameter: Protocol Reason: FIFO topics only support SQS subscriptions, not ${protocol}`);
  const endpointAccount = validateEndpoint(protocol, endpoint, fifo);

  const requested = stringMap(input.Attributes, 'Attributes');
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(requested)) attrs[k] = checkAttribute(protocol, k, v);

  const existing = world.sns.subscriptions.find((s) => s.topicArn === topic.arn && s.protocol === protocol && s.endpoint === endpoint);
  if (existing) {
    const current = attributesOf(world, existing);
    if (Object.entries(attrs).some(([k, v]) => (current[k] ?? '') !== v)) {
      throw invalidParameter('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
    }
    return { SubscriptionArn: existing.confirmed || input.ReturnSubscriptionArn ? existing.arn : PENDING_CONFIRMATION };
  }

  const arn = `${topic.arn}:${stableUuid(ctx, 'sns-sub')}`;
  // An SQS queue or a function in another account confirms like an HTTP endpoint does.
  const pending = NEEDS_CONFIRMATION.has(protocol) || (endpointAccount !== undefined && endpointAccount !== world.accountId);
  const sub: SubscriptionRecord = { arn, topicArn: topic.arn, protocol, endpoint, confirmed: !pending, attributes: attrs };
  if (pending) sub.attributes.ConfirmationToken = confirmationToken(ctx, arn);
  else sub.attributes.ConfirmationWasAuthenticated = 'true';
  world.sns.subscriptions.push(sub);
  return { SubscriptionArn: pending && !input.ReturnSubscriptionArn ? PENDING_CONFIRMATION : arn };
}

/** The subscription handlers, merged into `snsSim` by `sns.ts`. */
export const subscriptionHandlers: Record<string, Handler> = {
  Subscribe: subscribe,

  ConfirmSubscription: (ctx, input: { TopicArn?: string; Token?: string; AuthenticateOnUnsubscribe?: string }) => {
    const topic = topicByArn(ctx.world, input.TopicArn, 'Topic');
    if (typeof input.Token !== 'string' || !input.Token) throw invalidParameter('Invalid parameter: Token');
    const sub = ctx.world.sns.subscriptions.find((s) => s.topicArn === topic.arn && s.attributes.ConfirmationToken === input.Token);
    if (!sub) throw invalidParameter('Invalid parameter: Token');
    // Confirming twice with the same token is harmless on AWS: it answers the same ARN.
    if (!sub.confirmed) confirm(sub, true);
    return { SubscriptionArn: sub.arn };
  },

  Unsubscribe: (ctx, input: { SubscriptionArn?: string }) => {
    const sub = findSubscription(ctx.world, input.SubscriptionArn);
    if (sub) ctx.world.sns.subscriptions = ctx.world.sns.subscriptions.filter((s) => s !== sub);
    return {};
  },

  GetSubscriptionAttributes: (ctx, input: { SubscriptionArn?: string }) => {
    const sub = subscriptionByArn(ctx.world, input.SubscriptionArn);
    return { Attributes: attributesOf(ctx.world, sub) };
  },

  SetSubscriptionAttributes: (ctx, input: { SubscriptionArn?: string; AttributeName?: string; AttributeValue?: string }) => {
    const sub = subscriptionByArn(ctx.world, input.SubscriptionArn);
    if (typeof input.AttributeName !== 'string') throw invalidParameter('Invalid parameter: AttributeName');
    sub.attributes[input.AttributeName] = checkAttribute(sub.protocol, input.AttributeName, input.AttributeValue ?? '');
    return {};
  },

  ListSubscriptions: (ctx, input: { NextToken?: string }) => {
    const { page, NextToken } = pageOf(ctx.world.sns.subscriptions, (s) => s.arn, input.NextToken);
    return { Subscriptions: page.map((s) => listed(ctx.world, s)), ...(NextToken ? { NextToken } : {}) };
  },

  ListSubscriptionsByTopic: (ctx, input: { TopicArn?: string; NextToken?: string }) => {
    const topic = topicByArn(ctx.world, input.TopicArn);
    const subs = ctx.world.sns.subscriptions.filter((s) => s.topicArn === topic.arn);
    const { page, NextToken } = pageOf(subs, (s) => s.arn, input.NextToken);
    return { Subscriptions: page.map((s) => listed(ctx.world, s)), ...(NextToken ? { NextToken } : {}) };
  },
};
