/**
 * The SNS topic's teardown: the stack's topic (tagged with it at CreateTopic) and its confirmed
 * subscriptions; its pending ones have no ARN to unsubscribe and go with the topic. A topic given
 * by `--topic-arn` is someone else's and is never ours; a same-named topic without our tag stays.
 */
import { topicArnFor, type Subscription, type Topic } from '../../aws/sns.js';
import { isOurs } from '../common.js';
import { endpointLabel } from '../notifications.js';
import { defineTeardown, deleteRow, keptRow, notOurs, unlessGone } from './common.js';

export interface NotificationsTeardownFound {
  topic?: Topic;
  subscriptions: Subscription[];
}

export type NotificationsTeardownChange =
  | { op: 'unsubscribe'; arn: string }
  | { op: 'delete-topic'; arn: string };

const STEP = 'notifications';
const TOPIC = 'AWS::SNS::Topic';
const SUBSCRIPTION = 'AWS::SNS::Subscription';
const GONE = ['NotFoundException', 'NotFound'];

export const notificationsTeardown = defineTeardown<NotificationsTeardownFound, NotificationsTeardownChange>({
  id: STEP,
  title: 'Notifications (SNS)',
  async detect(ctx) {
    // The topic's ARN follows from its name: no ListTopics paging.
    const topic = await ctx.aws.sns.findTopic(topicArnFor(ctx.region, ctx.account, ctx.config.notifications.topicName));
    if (!topic) return { subscriptions: [] };
    const subscriptions = isOurs(topic.tags, ctx.config) ? await ctx.aws.sns.listSubscriptions(topic.arn) : [];
    return { topic, subscriptions };
  },
  plan(config, found) {
    const t = found.topic;
    if (!t) return [];
    if (!isOurs(t.tags, config)) return [keptRow(STEP, 'kept:topic', TOPIC, t.name, t.arn, notOurs(config, t.tags))];
    const confirmed = found.subscriptions.filter((s) => s.arn);
    const pending = found.subscriptions.length - confirmed.length;
    return [
      ...confirmed.map((s) => deleteRow<NotificationsTeardownChange>(STEP, `subscription:${s.arn}`, SUBSCRIPTION, `${s.protocol} ${endpointLabel(s.protocol, s.endpoint)}`, s.arn!,
        { op: 'unsubscribe', arn: s.arn! })),
      deleteRow<NotificationsTeardownChange>(STEP, 'topic', TOPIC, t.name, t.arn, { op: 'delete-topic', arn: t.arn },
        pending ? `its ${pending} pending subscription${pending === 1 ? '' : 's'} go${pending === 1 ? 'es' : ''} with it` : undefined),
    ];
  },
  fingerprint: (f) => f.topic?.arn ?? null,
  async apply(ctx, rows) {
    for (const r of rows) {
      const c = r.change;
      if (!c) continue;
      await ctx.forRow(r, () => unlessGone(GONE, () => (c.op === 'unsubscribe' ? ctx.aws.sns.unsubscribe(c.arn) : ctx.aws.sns.deleteTopic(c.arn))));
    }
  },
});
