/**
 * How a monitor tells a scale-in from a crash. Auto Scaling sends the same
 * `autoscaling:EC2_INSTANCE_TERMINATE` event for both; only its `Cause` differs:
 *
 * - scale-in: "… an instance was taken out of service in response to a difference between
 *   desired and actual capacity, shrinking the capacity from 3 to 2 …" — planned, no alarm;
 * - replacement: "… in response to an ELB system health check failure" or "… an EC2 health
 *   check indicating it has been terminated or stopped" — the instance failed (possibly a
 *   crash); the group replaces it, but someone should look.
 *
 * The monitoring vendor's PowerShell script wired the events but treated every TERMINATE as
 * "stopped by Auto Scaling": a crashed instance then never raised its alarm. Pure functions,
 * no I/O: a Lambda, a webhook or `status` can use them alike.
 */

/** What happened to the instance, as far as the message tells. */
export type NotificationKind = 'scale-in' | 'scale-out' | 'health-replacement' | 'launch-error' | 'terminate-error' | 'test' | 'other';

export interface ClassifiedNotification {
  kind: NotificationKind;
  /** The Auto Scaling event (`autoscaling:EC2_INSTANCE_TERMINATE`, …), '' when the body has none. */
  event: string;
  group: string;
  /** '' for a test notification or a launch that never got an instance. */
  instanceId: string;
  cause: string;
  /** The capacity change the cause names ("shrinking the capacity from 3 to 2"), when it names one. */
  capacity?: { from: number; to: number };
  /** True when a monitor should raise an alarm rather than mark the server as stopped on purpose. */
  alarm: boolean;
}

const HEALTH = /health[ -]check|unhealthy|impaired/i;
const CAPACITY_CHANGE = /difference between desired and actual capacity, (shrinking|increasing) the capacity from (\d+) to (\d+)/i;
const USER_SHRINK = /in response to a user request, shrinking the capacity from (\d+) to (\d+)/i;

/**
 * The Auto Scaling message inside whatever carried it: the raw body (an e-mail-json or SQS
 * raw delivery), SNS's HTTP/SQS envelope (`{ Type: 'Notification', Message }`), or a Lambda
 * event (`{ Records: [{ Sns: { Message } }] }`).
 */
function unwrap(body: string | object): Record<string, unknown> {
  let v: unknown = body;
  for (let depth = 0; depth < 4; depth++) {
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        return {};
      }
      continue;
    }
    if (!v || typeof v !== 'object') return {};
    const o = v as Record<string, unknown>;
    if (typeof o.Event === 'string') return o;
    const records = o.Records as { Sns?: { Message?: unknown } }[] | undefined;
    if (Array.isArray(records) && records[0]?.Sns?.Message !== undefined) v = records[0].Sns.Message;
    else if (o.Message !== undefined) v = o.Message;
    else return o;
  }
  return typeof v === 'object' && v ? (v as Record<string, unknown>) : {};
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Classifies one Auto Scaling notification by its `Event` and `Cause`.
 * Anything that is not a JSON Auto Scaling message comes back as `other`.
 */
export function classifyNotification(body: string | object): ClassifiedNotification {
  const m = unwrap(body);
  const event = str(m.Event);
  const cause = str(m.Cause);
  const base = { event, group: str(m.AutoScalingGroupName), instanceId: str(m.EC2InstanceId), cause };
  const change = CAPACITY_CHANGE.exec(cause);
  const user = USER_SHRINK.exec(cause);
  const capacity = change ? { from: Number(change[2]), to: Number(change[3]) } : user ? { from: Number(user[1]), to: Number(user[2]) } : undefined;
  const out = (kind: NotificationKind, alarm: boolean): ClassifiedNotification => ({ kind, ...base, ...(capacity ? { capacity } : {}), alarm });
  switch (event) {
    case 'autoscaling:TEST_NOTIFICATION':
      return out('test', false);
    case 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR':
      return out('launch-error', true);
    case 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR':
      return out('terminate-error', true);
    case 'autoscaling:EC2_INSTANCE_LAUNCH':
      // Also the launch that replaces an unhealthy instance: capacity is being restored either way.
      return out('scale-out', false);
    case 'autoscaling:EC2_INSTANCE_TERMINATE':
      // Health first: a replacement's cause never says "shrinking", but be sure a failed check wins.
      if (HEALTH.test(cause)) return out('health-replacement', true);
      if (change?.[1]?.toLowerCase() === 'shrinking' || user) return out('scale-in', false);
      // Instance refresh, AZ rebalancing, a user's terminate without decrement, Spot: deliberate or external.
      return out('other', false);
    default:
      return out('other', false);
  }
}

/** One line for people: `scale-in: i-0abc… left Web-ASG (capacity 3 → 2)`. */
export function describeNotification(c: ClassifiedNotification): string {
  const who = c.instanceId || '(no instance)';
  const cap = c.capacity ? ` (capacity ${c.capacity.from} → ${c.capacity.to})` : '';
  switch (c.kind) {
    case 'scale-in':
      return `scale-in: ${who} left ${c.group}${cap}: planned, not a crash`;
    case 'scale-out':
      return `scale-out: ${who} joined ${c.group}${cap}`;
    case 'health-replacement':
      return `health-replacement: ${who} failed its health check in ${c.group} and is replaced: possibly a crash`;
    case 'launch-error':
      return `launch-error: ${c.group} could not launch an instance`;
    case 'terminate-error':
      return `terminate-error: ${c.group} could not terminate ${who}`;
    case 'test':
      return `test: ${c.group} is wired to this topic`;
    default:
      return `other: ${c.event || 'not an Auto Scaling message'}${c.group ? ` for ${c.group}` : ''}${c.instanceId ? ` (${c.instanceId})` : ''}`;
  }
}

/**
 * The hook `status` can call: the last `n` messages of a topic (e.g. the sandbox's
 * `deliveredTo(world, topicArn)`), newest first, classified.
 */
export function recentNotifications(messages: { message: string; at: number }[], n = 5): (ClassifiedNotification & { at: number })[] {
  return messages
    .slice(-n)
    .reverse()
    .map((d) => ({ ...classifyNotification(d.message), at: d.at }));
}
