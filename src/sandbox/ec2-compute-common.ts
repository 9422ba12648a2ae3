/**
 * What the EC2 compute files share beyond `ec2-common.ts`: DryRun, ClientToken idempotency (and
 * a RunInstances token's day after its instances terminated) and id-format checks, all answered
 * with EC2's wire codes.
 */
import { createHash } from 'node:crypto';
import { ec2Error } from './errors.js';
import type { SimContext } from './types.js';

/** EC2 answers a `DryRun` that would have succeeded with an error, not an output. */
export function checkDryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

/** JSON with sorted keys, so the same parameters in another order hash the same. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v instanceof Date ? v.toISOString() : v);
}

function paramsHash(input: Record<string, unknown>): string {
  const { ClientToken: _t, DryRun: _d, ...rest } = input;
  return `sha1:${createHash('sha1').update(stableJson(rest)).digest('hex')}`;
}

/**
 * The ids a call with this `ClientToken` already produced, or undefined for a new token. The same
 * token with other parameters is EC2's `IdempotentParameterMismatch`. Stored in
 * `world.ec2.clientTokens` under `<Command>:<token>` as `[paramsHash, ...ids]`.
 */
export function priorResult(ctx: SimContext, command: string, input: Record<string, unknown>): string[] | undefined {
  const token = input.ClientToken;
  if (typeof token !== 'string' || !token) return undefined;
  if (token.length > 64) throw ec2Error('InvalidParameterValue', 'Client token is too long: must be at most 64 ASCII characters.');
  const prior = ctx.world.ec2.clientTokens[`${command}:${token}`];
  if (!prior) return undefined;
  const [hash, ...ids] = prior;
  if (hash !== paramsHash(input)) {
    throw ec2Error('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).');
  }
  return ids;
}

/** Remembers what a call with a `ClientToken` produced (no-op without a token). */
export function rememberResult(ctx: SimContext, command: string, input: Record<string, unknown>, ids: string[]): void {
  const token = input.ClientToken;
  if (typeof token !== 'string' || !token) return;
  ctx.world.ec2.clientTokens[`${command}:${token}`] = [paramsHash(input), ...ids];
}

/**
 * Throws EC2's `<Kind>.Malformed` for an id that cannot be one of `prefix` (EC2 ids are the
 * prefix, a hyphen and 8 or 17 hex digits).
 */
export function checkIdFormat(id: string, prefix: string, kind: string): void {
  if (!new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id)) {
    throw ec2Error(`${kind}.Malformed`, `Invalid id: "${id}" (expecting "${prefix}-...")`);
  }
}

/** EC2's wording for one or more missing ids: `The instance ID 'i-1' does not exist` / `IDs 'i-1, i-2' do not`. */
export function notFoundMessage(noun: string, ids: string[]): string {
  return ids.length === 1 ? `The ${noun} ID '${ids[0]}' does not exist` : `The ${noun} IDs '${ids.join(', ')}' do not exist`;
}

/** EC2 keeps a RunInstances token bound at least this long after its instances terminated. */
export const TOKEN_KEPT_AFTER_TERMINATION_MS = 24 * 3_600_000;

/** When the instances of a RunInstances token were last seen terminating, for tokens whose instances EC2 no longer lists. */
function releasedTokens(ctx: SimContext): Record<string, number> {
  ctx.world.ec2.tokenReleasedAt ??= {};
  return ctx.world.ec2.tokenReleasedAt;
}

/** Keeps the termination time of a purged instance's token, so the token stays bound for the day. */
export function rememberTokenRelease(ctx: SimContext, token: string, terminatedAt: number): void {
  const all = releasedTokens(ctx);
  const key = `RunInstances:${token}`;
  all[key] = Math.max(all[key] ?? 0, terminatedAt);
}

/**
 * A RunInstances token whose instances have all terminated: for 24 hours after the termination
 * EC2 answers `IdempotentInstanceTerminated` (boto3 #4406 quotes it); after that the token is free
 * again. `terminatedAt` is the latest termination among the instances still listed.
 */
export function checkTerminatedToken(ctx: SimContext, token: string, terminatedAt: number | undefined): void {
  const key = `RunInstances:${token}`;
  const all = releasedTokens(ctx);
  const at = Math.max(terminatedAt ?? 0, all[key] ?? 0);
  if (at && ctx.now < at + TOKEN_KEPT_AFTER_TERMINATION_MS) {
    throw ec2Error('IdempotentInstanceTerminated', 'The client token you have provided is associated with a terminated instance. Please use a different client token.');
  }
  delete all[key];
  delete ctx.world.ec2.clientTokens[key];
}

/** Forgets released tokens a day after their instances terminated. */
export function forgetReleasedTokens(ctx: SimContext): void {
  const all = releasedTokens(ctx);
  for (const [key, at] of Object.entries(all)) {
    if (ctx.now >= at + TOKEN_KEPT_AFTER_TERMINATION_MS) {
      delete all[key];
      delete ctx.world.ec2.clientTokens[key];
    }
  }
}
