/**
 * What the Elastic Load Balancing v2 simulation files share: ARNs and ids shaped as AWS's,
 * name rules, tags at creation, `PageSize` / `Marker` paging, and lookups that throw the
 * service's own NotFound exceptions.
 */
import {
  DuplicateTagKeysException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  TargetGroupNotFoundException,
  TooManyTagsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbError, modeledError } from './errors.js';
import type { ListenerRecord, LoadBalancerRecord, SimContext, Tag, TargetGroupRecord, World } from './types.js';

/** 16 hex digits, the id part of every ELBv2 ARN; repeatable (derived from the world's counter). */
export function elbHexId(ctx: SimContext): string {
  return ctx.newId('elb').slice(4, 20);
}

/** The 10 digits AWS puts in an application load balancer's DNS name. */
export function dnsDigits(hex: string): string {
  return (BigInt(`0x${hex}`) % 9_000_000_000n + 1_000_000_000n).toString();
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:` */
export function arnPrefix(world: World): string {
  return `arn:aws:elasticloadbalancing:${world.region}:${world.accountId}:`;
}

/**
 * Route 53 hosted zone of each region's application load balancers (AWS publishes these; an
 * alias record needs it). Unknown regions get a made-up but well-formed id.
 */
const ALB_HOSTED_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K', 'us-east-2': 'Z3AADJGX6KTTL2', 'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5', 'ap-northeast-1': 'Z14GRHDCWA56QT', 'ap-northeast-2': 'ZWKZPGTI48KDX',
  'ap-southeast-1': 'Z1LMS91P8CMLE5', 'ap-southeast-2': 'Z1GM3OXH4ZPM65', 'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

export function canonicalHostedZoneId(region: string): string {
  return ALB_HOSTED_ZONES[region] ?? 'Z1SANDBOXELB0000';
}

/**
 * Load balancer and target group names: 1–32 letters, digits and hyphens, not beginning or
 * ending with a hyphen; a load balancer's must not begin with `internal-` (AWS uses that prefix
 * in internal load balancers' DNS names). AWS answers `ValidationError`.
 */
export function validateElbName(name: unknown, kind: 'load balancer' | 'target group'): string {
  const label = kind === 'load balancer' ? 'The load balancer name' : 'Target group name';
  if (typeof name !== 'string' || name.length === 0) throw elbError('ValidationError', `${label} cannot be empty`);
  if (name.length > 32) throw elbError('ValidationError', `${label} '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    throw elbError('ValidationError', `${label} '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  }
  if (name.startsWith('-') || name.endsWith('-')) throw elbError('ValidationError', `${label} '${name}' cannot begin or end with '-'`);
  if (kind === 'load balancer' && name.toLowerCase().startsWith('internal-')) {
    throw elbError('ValidationError', `${label} '${name}' cannot begin with 'internal-'`);
  }
  return name;
}

type SdkTag = { Key?: string; Value?: string };

/** Tags as ELBv2 takes them (create calls and AddTags), validated as it does. */
export function validateTags(tags: SdkTag[] | undefined): Tag[] {
  const out: Tag[] = [];
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    if (!t.Key) throw elbError('ValidationError', 'A tag key must be specified');
    if (t.Key.length > 128) throw elbError('ValidationError', `Tag key '${t.Key}' cannot be longer than '128' characters`);
    if ((t.Value ?? '').length > 256) throw elbError('ValidationError', `Tag value for key '${t.Key}' cannot be longer than '256' characters`);
    if (t.Key.toLowerCase().startsWith('aws:')) throw elbError('ValidationError', `Tag key '${t.Key}' cannot start with 'aws:'`);
    if (seen.has(t.Key)) throw modeledError(DuplicateTagKeysException, `Tag key '${t.Key}' is duplicated`);
    seen.add(t.Key);
    out.push({ Key: t.Key, Value: t.Value ?? '' });
  }
  return out;
}

/** Merges `add` into a resource's tags (same key: new value); more than 50 is `TooManyTags`. */
export function mergeTags(arn: string, current: Tag[], add: Tag[]): Tag[] {
  const merged = [...current];
  for (const t of add) {
    const i = merged.findIndex((m) => m.Key === t.Key);
    if (i >= 0) merged[i] = t;
    else merged.push(t);
  }
  if (merged.length > 50) throw modeledError(TooManyTagsException, `The following resources have too many tags: ${arn}`);
  return merged;
}

export const sdkElbTags = (tags: Tag[]) => tags.map((t) => ({ Key: t.Key, Value: t.Value }));

/** One page for `PageSize` (1–400) and `Marker` (opaque to callers: the next index). */
export function elbPage<T>(items: T[], pageSize: number | undefined, marker: string | undefined) {
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 400)) {
    throw elbError('ValidationError', `1 validation error detected: Value '${pageSize}' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400`);
  }
  const start = marker ? Number(Buffer.from(marker, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw elbError('ValidationError', 'Invalid value for Marker');
  const size = pageSize ?? 400;
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { items: items.slice(start, start + size), nextMarker: next };
}

/** A load balancer that exists (not deleted). */
export function liveLoadBalancers(world: World): LoadBalancerRecord[] {
  return world.elbv2.loadBalancers.filter((lb) => lb.deletedAt === undefined);
}

export function findLoadBalancer(world: World, arn: string | undefined): LoadBalancerRecord {
  const lb = liveLoadBalancers(world).find((l) => l.arn === arn);
  if (!lb) throw modeledError(LoadBalancerNotFoundException, `Load balancer '${arn ?? ''}' not found`);
  return lb;
}

export function findTargetGroup(world: World, arn: string | undefined): TargetGroupRecord {
  const tg = world.elbv2.targetGroups.find((t) => t.arn === arn);
  if (!tg) throw modeledError(TargetGroupNotFoundException, `Target group '${arn ?? ''}' not found`);
  return tg;
}

export function findListener(world: World, arn: string | undefined): ListenerRecord {
  const l = world.elbv2.listeners.find((x) => x.arn === arn);
  if (!l) throw modeledError(ListenerNotFoundException, `Listener '${arn ?? ''}' not found`);
  return l;
}

/** Whether two lists hold the same values, in any order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sb = [...b].sort();
  return [...a].sort().every((v, i) => v === sb[i]);
}

/** Attribute list in the SDK's shape. */
export const sdkAttributes = (attrs: Record<string, string>) => Object.entries(attrs).map(([Key, Value]) => ({ Key, Value }));

/**
 * Applies `Attributes` from a Modify…Attributes call onto the current values, checking each key is
 * known and each value passes `check` (which throws AWS's error for a bad one).
 */
export function applyAttributes(
  current: Record<string, string>,
  given: { Key?: string; Value?: string }[] | undefined,
  check: (key: string, value: string) => void,
): Record<string, string> {
  if (!given || given.length === 0) throw elbError('ValidationError', 'At least one attribute must be specified');
  const next = { ...current };
  for (const a of given) {
    const key = a.Key ?? '';
    if (!(key in current)) throw elbError('ValidationError', `Attribute key '${key}' is not recognized`);
    const value = a.Value ?? '';
    check(key, value);
    next[key] = value;
  }
  return next;
}

/** Checks a boolean attribute value as AWS does (`true` / `false`, lower case). */
export function checkBoolAttr(key: string, value: string): void {
  if (value !== 'true' && value !== 'false') {
    throw elbError('ValidationError', `'${value}' is not a valid value for attribute '${key}': it must be 'true' or 'false'`);
  }
}

/** Checks an integer attribute value is within [min, max]. */
export function checkIntAttr(key: string, value: string, min: number, max: number): void {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw elbError('ValidationError', `'${value}' is not a valid value for attribute '${key}': it must be an integer from ${min} to ${max}`);
  }
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Whether an IPv4 address lies in a CIDR block (`10.0.0.0/16`). */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  const bits = Number(bitsText);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
