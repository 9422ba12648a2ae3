/**
 * AWS's lags, shared by the modules that simulate them: a new EC2 id that the next calls do not
 * see yet (`consistency.ts`), a new instance profile that EC2 and Auto Scaling refuse for a
 * while (`iam-propagation.ts`), a terminated instance's network interface that still holds its
 * security groups (`eni-release.ts`).
 *
 * They are the sandbox's default in every latency profile, deterministic and kept in the World
 * (another process sees a fresh id as fresh too). In the instant profile a lag lasts the next
 * one or two calls that meet it (within AWS's unscaled window); in the others a share of AWS's
 * typical duration, scaled. Both
 * the count and the share are drawn from a hash of the key and the fault seed, never
 * `Math.random`, so a run repeats exactly. Only a test setting switches them off
 * (`SandboxOptions.consistency: false`, seen by handlers as `ctx.lag === false`).
 */
import { createHash } from 'node:crypto';
import type { LagEntry, LagKind, SimContext, World } from './types.js';

/** Entries older than this (sandbox time) are dropped: every lag simulated is far shorter. */
const FORGET_AFTER_MS = 3_600_000;

const LAG = Symbol.for('asg-wizard.sandbox.lag');

function entries(w: World): Record<string, LagEntry> {
  w.lag ??= {};
  return w.lag;
}

/** A repeatable draw in [0, 1) for `key` (the fault seed makes another run draw otherwise). */
export function draw(w: World, key: string): number {
  const hex = createHash('sha1').update(`${w.faults.seed ?? 42}:${key}`).digest('hex').slice(0, 8);
  return parseInt(hex, 16) / 2 ** 32;
}

/** Whether the lags are simulated in this call (only a test turns them off). */
export const lagsOn = (ctx: SimContext): boolean => ctx.lag !== false;

/** Starts a lag for `key` as of `at` (default now): the next one or two meetings (instant) or a scaled window. */
export function startLag(ctx: SimContext, key: string, at = ctx.now): void {
  const all = entries(ctx.world);
  for (const [k, e] of Object.entries(all)) if (ctx.now - e.at > FORGET_AFTER_MS) delete all[k];
  all[key] = { at, left: 1 + Math.floor(draw(ctx.world, `${key}#calls`) * 2) };
}

/** Whether `key` has a lag recorded (lazily started lags start once). */
export const hasLag = (w: World, key: string): boolean => !!w.lag?.[key];

/**
 * Whether `key` still lags at this meeting. In the instant profile each meeting uses up one of
 * its calls; otherwise it lags until `at` plus a seeded share of `[min, max]` ms, scaled.
 */
export function stillLags(ctx: SimContext, key: string, min: number, max: number): boolean {
  if (!lagsOn(ctx)) return false;
  const e = ctx.world.lag?.[key];
  if (!e) return false;
  if (ctx.scale === 0) {
    // Counted in calls, but never longer than AWS's own window: a run that stopped before meeting
    // its lag does not hand it to a run minutes later.
    if (e.left <= 0 || ctx.now - e.at > max) return false;
    e.left -= 1;
    return true;
  }
  return ctx.now < e.at + ctx.duration(min + draw(ctx.world, key) * (max - min));
}

/** Marks an error as one of AWS's lags, so the call log shows it (`CallRecord.lag`). */
export function asLag<E extends Error>(err: E, kind: LagKind): E {
  Object.defineProperty(err, LAG, { value: kind, enumerable: false });
  return err;
}

/** The lag an error stands for, if it is one. */
export function lagOf(err: unknown): LagKind | undefined {
  return err && typeof err === 'object' ? ((err as Record<symbol, LagKind | undefined>)[LAG]) : undefined;
}
