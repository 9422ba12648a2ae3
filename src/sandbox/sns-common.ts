/**
 * Helpers shared by the SNS simulation's topic (`sns.ts`) and subscription
 * (`sns-subscriptions.ts`) halves: ARN checks, AWS's error wording, ids and paging.
 */
import { createHash } from 'node:crypto';
import { InvalidParameterException, NotFoundException } from '@aws-sdk/client-sns';
import { modeledError } from './errors.js';
import type { SimContext, TopicRecord, World } from './types.js';

/** SNS pages `ListTopics` / `ListSubscriptions*` by 100, with no way to ask for another size. */
export const SNS_PAGE_SIZE = 100;

/** `InvalidParameterException` with AWS's message (always "Invalid parameter: …" or close to it). */
export function invalidParameter(message: string): InvalidParameterException {
  return modeledError(InvalidParameterException, message);
}

/** `NotFoundException`, e.g. "Topic does not exist". */
export function notFound(message: string): NotFoundException {
  return modeledError(NotFoundException, message);
}

/** `arn:aws:sns:<region>:<account>:<name>` → its parts, or undefined when it is not one. */
export function parseSnsArn(arn: unknown): { region: string; account: string; resource: string } | undefined {
  if (typeof arn !== 'string') return undefined;
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, resource: m[3]! };
}

/** The topic an ARN names: a malformed ARN (or one of another region) is InvalidParameter, an unknown one NotFound. */
export function topicByArn(world: World, arn: unknown, param = 'TopicArn'): TopicRecord {
  const parsed = parseSnsArn(arn);
  // SNS is regional: an ARN from another region is a bad parameter, not a missing topic.
  if (!parsed || parsed.resource.includes(':') || parsed.region !== world.region) throw invalidParameter(`Invalid parameter: ${param}`);
  const topic = world.sns.topics.find((t) => t.arn === arn);
  if (!topic) throw notFound('Topic does not exist');
  return topic;
}

/** A repeatable UUID (derived from the world's counter), shaped as SNS message and subscription ids are. */
export function stableUuid(ctx: SimContext, kind: string): string {
  const seed = ctx.newId(kind);
  const h = createHash('sha1').update(`${seed}:${ctx.world.accountId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A confirmation token as long as AWS's (288 hex characters). */
export function confirmationToken(ctx: SimContext, subscriptionArn: string): string {
  let out = '';
  for (let i = 0; out.length < 288; i++) {
    out += createHash('sha256').update(`${subscriptionArn}:${ctx.world.seq}:${i}`).digest('hex');
  }
  return out.slice(0, 288);
}

/**
 * One page of `items` (sorted by `key`) after the opaque `nextToken`. The token names the last
 * key returned rather than an offset, so deleting something between two pages skips nothing.
 */
export function pageOf<T>(items: T[], key: (t: T) => string, nextToken: unknown): { page: T[]; NextToken?: string } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  if (nextToken !== undefined && nextToken !== null && nextToken !== '') {
    const after = typeof nextToken === 'string' ? Buffer.from(nextToken, 'base64url').toString('utf8') : '';
    if (!after.startsWith('arn:')) throw invalidParameter('Invalid parameter: NextToken');
    start = sorted.findIndex((t) => key(t) > after);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + SNS_PAGE_SIZE);
  const more = start + SNS_PAGE_SIZE < sorted.length;
  return more ? { page, NextToken: Buffer.from(key(page[page.length - 1]!), 'utf8').toString('base64url') } : { page };
}

/** Attribute maps arrive as `Record<string, string>`; anything else is a bad parameter. */
export function stringMap(value: unknown, param: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`Invalid parameter: ${param}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalidParameter(`Invalid parameter: ${param} Reason: ${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** True when `text` parses as a JSON object. */
export function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
