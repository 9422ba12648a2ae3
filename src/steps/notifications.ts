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
import { topicNameOf } from '../aws/sns.js';
import type { PlanRow, Step, StepContext } from '../engine/types.js';
import { ADOPT_REASON, isOurs, presentAction, row, stackTags } from './common.js';
import type { NotificationsOut } from './outputs.js';

export type { NotificationsOut };

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
    topic = await aws.sns.findTopicByName(n.topicName);
  }
  let subscription: Subscription | undefined;
  if (topic && n.protocol && n.endpoint) {
    subscription = (await aws.sns.listSubscriptions(topic.arn)).find((s) => sameEndpoint(s, n.protocol!, n.endpoint!));
  }
  return { ...(topic ? { topic } : {}), given, ...(subscription ? { subscription } : {}) };
}

/** The topic's row: reuse a given topic as it is; ours reused, created, or adopted when untagged. */
function topicRow(config: StackConfig, found: NotificationsFound): PlanRow {
  const { topic } = found;
  if (found.given && topic) {
    return row('notifications', 'reuse', TOPIC, topic.name, { id: topic.arn, detail: 'given by --topic-arn: used as it is' });
  }
  const name = config.notifications.topicName;
  const detail = 'Auto Scaling launch and terminate events';
  if (!topic) return row('notifications', 'create', TOPIC, name, { detail });
  const action = presentAction(topic.tags, config);
  return row('notifications', action, TOPIC, name, { id: topic.arn, detail, ...(action === 'adopt' ? { reason: ADOPT_REASON } : {}) });
}

/** The subscription's row: absent → create; present → reuse (a pending one is reused too: subscribing again only re-sends the request). */
function subscriptionRow(config: StackConfig, found: NotificationsFound): PlanRow | undefined {
  const { protocol, endpoint } = config.notifications;
  if (!protocol || !endpoint) return undefined;
  const name = `${protocol} ${endpointLabel(protocol, endpoint)}`;
  const s = found.subscription;
  if (!s) {
    const detail = NEEDS_CONFIRMATION.has(protocol) ? `${PENDING} until the ${protocol === 'email' ? 'address' : 'endpoint'} confirms` : 'confirmed at once';
    return row('notifications', 'create', SUBSCRIPTION, name, { detail });
  }
  return row('notifications', 'reuse', SUBSCRIPTION, name, { ...(s.arn ? { id: s.arn } : {}), detail: s.pending ? PENDING : 'confirmed' });
}

/** Rows of the step (pure). */
export function planNotifications(config: StackConfig, found: NotificationsFound): PlanRow[] {
  const sub = subscriptionRow(config, found);
  return [topicRow(config, found), ...(sub ? [sub] : [])];
}

function outputs(config: StackConfig, found: NotificationsFound): Partial<NotificationsOut> {
  return { ...(found.topic ? { topicArn: found.topic.arn } : {}), types: [...config.notifications.types] };
}

/** Creates (tagged in the call) or adopts the topic and subscribes the endpoint; a given topic is never touched. */
export async function applyNotifications(ctx: StepContext, found: NotificationsFound, rows: PlanRow[]): Promise<NotificationsOut> {
  const { aws, config } = ctx;
  const n = config.notifications;
  let topicArn = found.topic?.arn;
  if (!topicArn) {
    ctx.progress.update(`topic ${n.topicName}`);
    topicArn = await aws.sns.createTopic(n.topicName, stackTags(config, n.topicName));
  } else if (!found.given && !isOurs(found.topic!.tags, config)) {
    await aws.sns.tagTopic(topicArn, stackTags(config));
  }
  let sub = found.subscription;
  if (n.protocol && n.endpoint && !sub) {
    ctx.progress.update(`subscribing ${n.protocol} ${endpointLabel(n.protocol, n.endpoint)}`);
    sub = await aws.sns.subscribe(topicArn, n.protocol, n.endpoint);
  }
  for (const r of rows) {
    if (r.type === TOPIC) {
      r.id = topicArn;
      r.name = found.given ? topicNameOf(topicArn) : r.name;
    }
    if (r.type === SUBSCRIPTION && sub) {
      if (sub.arn) r.id = sub.arn;
      r.detail = sub.pending ? PENDING : 'confirmed';
    }
  }
  return { topicArn, types: [...n.types] };
}

export const notificationsStep: Step<NotificationsFound, NotificationsOut> = {
  id: 'notifications',
  title: 'Notifications (SNS)',
  needs: [],
  enabled: (config) => config.notifications.enabled,
  detect: (ctx) => detectNotifications(ctx),
  plan: (config, found) => planNotifications(config, found),
  outputs,
  apply: (ctx, found, rows) => applyNotifications(ctx, found, rows),
};
