/**
 * The SNS half of the feedback hookup: the topic Auto Scaling reports launches and terminations
 * to (`<stack>-ASG-events`, or an existing one given by --topic-arn, e.g. a monitoring vendor's)
 * and one optional subscription. The group's notification configuration itself belongs to the
 * auto-scaling step, which reads this step's outputs, so the group's first launches are reported.
 * `asg-wizard notify` runs this same step for any groups (commands/notify.ts).
 */
import type { StackConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { Subscription, Topic } from '../aws/sns.js';
import { topicArnFor, topicNameOf } from '../aws/sns.js';
import type { SdkTags } from '../aws/ec2-network.js';
import { produce, ref, type Id, type RefValues } from '../engine/refs.js';
import type { PlanRow, StepContext } from '../engine/types.js';
import { ADOPT_REASON, defineStep, presentAction, row, stackTags } from './common.js';

export interface NotificationsFound {
  /** Ours by name, or the topic --topic-arn names; absent when ours is still to be created. */
  topic?: Topic;
  /** True when the topic came from --topic-arn: used as it is, never tagged or changed. */
  given: boolean;
  /** The wanted subscription (protocol + endpoint), when it exists. */
  subscription?: Subscription;
}

export const TOPIC = 'AWS::SNS::Topic';
export const SUBSCRIPTION = 'AWS::SNS::Subscription';
/** The detail a subscription that waits for its owner's confirmation shows. */
export const PENDING = 'pending confirmation';
/** The topic made (tagged in the call) or adopted (tagged), and the subscription made. */
export type NotificationsChange =
  | { op: 'create-topic'; name: string; tags: SdkTags }
  | { op: 'tag-topic'; arn: string; tags: SdkTags }
  | { op: 'subscribe'; topicArn: Id; protocol: string; endpoint: string };

const STEP = 'notifications';

/** Protocols whose endpoint owner has to confirm a new subscription. */
const NEEDS_CONFIRMATION = new Set(['email', 'http', 'https']);

/**
 * An endpoint as it may be shown: a URL loses its credentials, query and fragment, where
 * webhook tokens live (a vendor's endpoint often carries its API key there).
 */
export function endpointLabel(protocol: string, endpoint: string): string {
  if (protocol !== 'http' && protocol !== 'https') return endpoint;
  try {
    const u = new URL(endpoint);
    const hidden = u.search || u.hash || u.username || u.password;
    return `${u.protocol}//${u.host}${u.pathname === '/' && !hidden ? '' : u.pathname}${hidden ? '?…' : ''}`;
  } catch {
    return `${protocol}://…`;
  }
}

/** Whether a listed subscription is the one wanted (e-mail addresses compare without case). */
function sameEndpoint(s: Subscription, protocol: string, endpoint: string): boolean {
  if (s.protocol !== protocol) return false;
  return protocol === 'email' ? s.endpoint.toLowerCase() === endpoint.toLowerCase() : s.endpoint === endpoint;
}

/** Finds the topic (by --topic-arn, which must exist, or ours by name) and the wanted subscription. Reads only. */
export async function detectNotifications(ctx: StepContext): Promise<NotificationsFound> {
  const { aws, config, region } = ctx;
  const n = config.notifications;
  let topic: Topic | undefined;
  const given = !!n.topicArn;
  if (n.topicArn) {
    const topicRegion = n.topicArn.split(':')[3];
    if (topicRegion !== region) {
      throw new UsageError(
        `--topic-arn ${n.topicArn}: the topic is in ${topicRegion}, the groups in ${region}: Auto Scaling notifies topics of its own region only`,
        `use a topic in ${region}, or leave --topic-arn out to use ${n.topicName}`,
      );
    }
    topic = await aws.sns.getTopic(n.topicArn);
    if (!topic) {
      throw new UsageError(
        `--topic-arn ${n.topicArn}: no such SNS topic in ${region}: it is not created for you, being someone else's`,
        `check the ARN (aws sns list-topics --region ${region}), or leave --topic-arn out to create ${n.topicName}`,
      );
    }
  } else {
    topic = await aws.sns.findTopic(topicArnFor(region, ctx.account, n.topicName));
  }
  let subscription: Subscription | undefined;
  if (topic && n.protocol && n.endpoint) {
    subscription = (await aws.sns.listSubscriptions(topic.arn)).find((s) => sameEndpoint(s, n.protocol!, n.endpoint!));
  }
  return { ...(topic ? { topic } : {}), given, ...(subscription ? { subscription } : {}) };
}

/** The topic's row: reuse a given topic as it is; ours reused, created, or adopted when untagged. */
function topicRow(config: StackConfig, found: NotificationsFound): PlanRow<NotificationsChange> {
  const { topic } = found;
  if (found.given && topic) {
    return row(STEP, 'topic', 'reuse', TOPIC, topic.name, { id: topic.arn, detail: 'given by --topic-arn: used as it is' });
  }
  const name = config.notifications.topicName;
  const detail = 'Auto Scaling launch and terminate events';
  if (!topic) return row(STEP, 'topic', 'create', TOPIC, name, { detail, change: { op: 'create-topic', name, tags: stackTags(config, name) } });
  const action = presentAction(topic.tags, config);
  return row(STEP, 'topic', action, TOPIC, name, {
    id: topic.arn, detail, ...(action === 'adopt' ? { reason: ADOPT_REASON, change: { op: 'tag-topic', arn: topic.arn, tags: stackTags(config) } } : {}),
  });
}

/** The topic's ARN in a plan: known, or a ref to the row making it. */
function topicArnOf(config: StackConfig, found: NotificationsFound): Id {
  return found.topic?.arn ?? ref(`${STEP}/topic`, 'id', config.notifications.topicName);
}

/** The subscription's row: absent → create; present → reuse (a pending one is reused too: subscribing again only re-sends the request). */
function subscriptionRow(config: StackConfig, found: NotificationsFound): PlanRow<NotificationsChange> | undefined {
  const { protocol, endpoint } = config.notifications;
  if (!protocol || !endpoint) return undefined;
  const name = `${protocol} ${endpointLabel(protocol, endpoint)}`;
  const s = found.subscription;
  if (!s) {
    const detail = NEEDS_CONFIRMATION.has(protocol) ? `${PENDING} until the ${protocol === 'email' ? 'address' : 'endpoint'} confirms` : 'confirmed at once';
    return row(STEP, 'subscription', 'create', SUBSCRIPTION, name, { detail, change: { op: 'subscribe', topicArn: topicArnOf(config, found), protocol, endpoint } });
  }
  return row(STEP, 'subscription', 'reuse', SUBSCRIPTION, name, { ...(s.arn ? { id: s.arn } : {}), detail: s.pending ? PENDING : 'confirmed' });
}

/** Rows of the step (pure). */
export function planNotifications(config: StackConfig, found: NotificationsFound): PlanRow<NotificationsChange>[] {
  const sub = subscriptionRow(config, found);
  return [topicRow(config, found), ...(sub ? [sub] : [])];
}

/**
 * Creates (tagged in the call) or adopts the topic and subscribes the endpoint; a given topic is
 * never touched. Records the topic's ARN and whether the subscription waits for confirmation.
 */
export async function applyNotifications(ctx: StepContext, rows: PlanRow<NotificationsChange>[], refs: RefValues): Promise<void> {
  const { aws } = ctx;
  for (const r of rows) {
    if (r.id) produce(refs, r, 'id', r.id);
    if (!r.change) continue;
    const c = refs.resolve(r.change);
    await ctx.forRow(r, async () => {
      if (c.op === 'create-topic') {
        ctx.progress.update(`topic ${c.name}`);
        produce(refs, r, 'id', await aws.sns.createTopic(c.name, c.tags));
      } else if (c.op === 'tag-topic') {
        await aws.sns.tagTopic(c.arn, c.tags);
      } else {
        ctx.progress.update(`subscribing ${c.protocol} ${endpointLabel(c.protocol, c.endpoint)}`);
        const sub = await aws.sns.subscribe(c.topicArn, c.protocol, c.endpoint);
        if (sub.arn) produce(refs, r, 'id', sub.arn);
        produce(refs, r, 'pending', sub.pending);
        produce(refs, r, 'detail', sub.pending ? PENDING : 'confirmed');
      }
    });
  }
}

export const notificationsStep = defineStep<'notifications', never, NotificationsFound, NotificationsChange>({
  id: STEP,
  title: 'Notifications (SNS)',
  needs: [],
  enabled: (config) => config.notifications.enabled,
  detect: (ctx) => detectNotifications(ctx),
  plan: (config, found) => planNotifications(config, found),
  outputs: (config, found) => ({ topicArn: topicArnOf(config, found), types: [...config.notifications.types] }),
  fingerprint: (f) => ({
    topic: f.topic ? { arn: f.topic.arn, tags: f.topic.tags } : null,
    given: f.given,
    subscription: f.subscription ? { arn: f.subscription.arn ?? null, protocol: f.subscription.protocol } : null,
  }),
  apply: (ctx, rows, _deps, refs) => applyNotifications(ctx, rows, refs),
});
