/**
 * Amazon SNS calls the notification hookup uses: topics (create by name, find, attributes,
 * tags) and subscriptions with their confirmation state. Narrow on purpose; a topic is tagged
 * in its CreateTopic call, never afterwards (except for an adoption the user agreed to).
 */
import {
  CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand,
  ListTagsForResourceCommand, SubscribeCommand, TagResourceCommand, UnsubscribeCommand, paginateListSubscriptionsByTopic,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { awsCall, isAwsError, undefinedIfNotFound } from '../errors.js';
import { tagMap, type TagMap } from './tags.js';
import type { SdkTags } from './ec2-network.js';

/** A topic as the steps see it. `tags` is empty for a topic whose tags we may not read (another account's). */
export interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: TagMap;
}

/** One subscription of a topic. A pending one has no ARN in listings (AWS shows `PendingConfirmation`). */
export interface Subscription {
  arn?: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  /** Waiting for the endpoint's owner to confirm (e-mail link, HTTP SubscribeURL). */
  pending: boolean;
}

/** What ListSubscriptionsByTopic shows instead of the ARN of an unconfirmed subscription. */
const PENDING_ARN = 'PendingConfirmation';
/** Protocols whose endpoint owner must confirm; used when AWS cannot be asked right after Subscribe. */
const CONFIRMED_BY_OWNER = new Set(['email', 'email-json', 'http', 'https']);

/** The name part of a topic ARN (`arn:aws:sns:REGION:ACCOUNT:NAME` → `NAME`). */
export function topicNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** The partition of a region's ARNs (`aws`, `aws-cn`, `aws-us-gov`, the isolated ones). */
function partitionOf(region: string): string {
  const prefixes: [string, string][] = [['cn-', 'aws-cn'], ['us-gov-', 'aws-us-gov'], ['us-isob-', 'aws-iso-b'], ['us-iso-', 'aws-iso'], ['eu-isoe-', 'aws-iso-e'], ['us-isof-', 'aws-iso-f']];
  return prefixes.find(([p]) => region.startsWith(p))?.[1] ?? 'aws';
}

/** The ARN a topic of that name has in this account and region (`arn:aws:sns:REGION:ACCOUNT:NAME`). */
export function topicArnFor(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:sns:${region}:${account}:${name}`;
}

/** The SNS adapter. */
export class SnsApi {
  constructor(private readonly client: SNSClient) {}

  /**
   * Creates the topic with its tags in the same call. CreateTopic is idempotent by name: for a
   * topic that exists with the same tags it answers the existing ARN (with other tags it refuses).
   */
  async createTopic(name: string, tags: SdkTags): Promise<string> {
    const res = await awsCall('CreateTopic', name, () => this.client.send(new CreateTopicCommand({ Name: name, Tags: tags })));
    return res.TopicArn!;
  }

  /**
   * The topic at `arn` with its tags, or undefined when it does not exist. A topic's ARN follows
   * from its name ({@link topicArnFor}), so finding ours costs no ListTopics paging.
   */
  async findTopic(arn: string): Promise<Topic | undefined> {
    const topic = await this.getTopic(arn);
    return topic && { ...topic, tags: await this.topicTags(arn) };
  }

  /** The topic's attributes, or undefined when it does not exist. Tags are not read (see {@link topicTags}). */
  async getTopic(arn: string): Promise<Topic | undefined> {
    return undefinedIfNotFound(['NotFoundException', 'NotFound'], async () => {
      const res = await awsCall('GetTopicAttributes', arn, () => this.client.send(new GetTopicAttributesCommand({ TopicArn: arn })));
      return { arn, name: topicNameOf(arn), attributes: res.Attributes ?? {}, tags: {} };
    });
  }

  /** A topic's tags. */
  async topicTags(arn: string): Promise<TagMap> {
    const res = await awsCall('ListTagsForResource', arn, () => this.client.send(new ListTagsForResourceCommand({ ResourceArn: arn })));
    return tagMap(res.Tags);
  }

  /** Tags an existing topic (only for an adoption the user agreed to). */
  async tagTopic(arn: string, tags: SdkTags): Promise<void> {
    await awsCall('TagResource', arn, () => this.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags })));
  }

  /** Every subscription of the topic (pages by 100), pending ones included. */
  async listSubscriptions(topicArn: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    await awsCall('ListSubscriptionsByTopic', topicArn, async () => {
      for await (const page of paginateListSubscriptionsByTopic({ client: this.client }, { TopicArn: topicArn })) {
        for (const s of page.Subscriptions ?? []) {
          // A subscription unsubscribed while still pending lingers as "Deleted" for a while.
          if (s.SubscriptionArn === 'Deleted') continue;
          const pending = s.SubscriptionArn === PENDING_ARN;
          out.push({
            ...(pending || !s.SubscriptionArn ? {} : { arn: s.SubscriptionArn }),
            topicArn: s.TopicArn ?? topicArn, protocol: s.Protocol!, endpoint: s.Endpoint!, pending,
          });
        }
      }
    });
    return out;
  }

  /**
   * Subscribes the endpoint. ReturnSubscriptionArn makes AWS answer the real ARN even while the
   * subscription waits for confirmation, so it can be tracked (and unsubscribed) at once.
   */
  async subscribe(topicArn: string, protocol: string, endpoint: string): Promise<Subscription> {
    const res = await awsCall('Subscribe', topicArn, () =>
      this.client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, ReturnSubscriptionArn: true })),
    );
    const arn = res.SubscriptionArn!;
    return { arn, topicArn, protocol, endpoint, pending: await this.isPending(arn, protocol) };
  }

  /** Whether a subscription still waits for confirmation (an SQS queue of another account does too). */
  private async isPending(arn: string, protocol: string): Promise<boolean> {
    try {
      const res = await awsCall('GetSubscriptionAttributes', arn, () => this.client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn })));
      return res.Attributes?.PendingConfirmation === 'true';
    } catch (err) {
      // Just created: SNS reads are eventually consistent; the protocol tells the usual answer.
      if (isAwsError(err, 'NotFoundException', 'NotFound')) return CONFIRMED_BY_OWNER.has(protocol);
      throw err;
    }
  }

  async unsubscribe(subscriptionArn: string): Promise<void> {
    await awsCall('Unsubscribe', subscriptionArn, () => this.client.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })));
  }

  /** Deletes a topic and its subscriptions; a topic already gone is not an error (as on AWS). */
  async deleteTopic(arn: string): Promise<void> {
    await awsCall('DeleteTopic', arn, () => this.client.send(new DeleteTopicCommand({ TopicArn: arn })));
  }
}
