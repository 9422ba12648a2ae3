/** TODO(stub): replaced by the real simulation. */
import type { ServiceSim, SimContext } from './types.js';

export const snsSim: ServiceSim = { clientName: 'SNSClient', handlers: {} };

/**
 * Publishes `message` to a topic as AWS would: recorded in `world.sns.delivered` (what its
 * confirmed subscribers receive). Returns the message id; throws NotFound for an unknown topic.
 */
export function publishToTopic(_ctx: SimContext, _topicArn: string, _message: string, _subject?: string): string {
  throw new Error('stub');
}
