/**
 * A bounded poll for what the SDK has no waiter for: an instance refresh finishing, a group
 * with its desired capacity InService and healthy, targets healthy in two AZs. (Auto Scaling's
 * own `waitUntilGroupInService` only checks MinSize InService instances, not the desired count
 * or their health.) Like the SDK's waiters it checks once at once, then backs off
 * exponentially with full jitter between `minDelay` and `maxDelay`, and gives up after
 * `maxWaitSeconds` with a TimeoutError that says what was still pending.
 */
import { TimeoutError } from '../errors.js';

/** One look: done with a value, or still waiting on what `pending` says. */
export type PollResult<T> = { done: true; value: T } | { done: false; pending: string };

export interface PollOptions {
  /** What is waited for, for the progress line and the time-out message ("Web-ASG to have 2 instances InService"). */
  what: string;
  maxWaitSeconds: number;
  minDelay: number;
  maxDelay: number;
  /** Told what is still pending after each look that was not done. */
  onPending?: (pending: string, elapsedSeconds: number) => void;
  /** A hint for the time-out error (how to follow what goes on in AWS). */
  suggestion?: string;
}

/** The delay before attempt `attempt` (1-based), in ms: min·2^(n-1) capped at max, full jitter above min. */
export function pollDelayMs(attempt: number, minDelay: number, maxDelay: number, random: () => number = Math.random): number {
  const min = Math.max(0, minDelay);
  const max = Math.max(min, maxDelay);
  const cap = Math.min(max, min * 2 ** Math.max(0, attempt - 1));
  return Math.round((min + random() * (cap - min)) * 1000);
}

/** Polls `check` until it is done or the bound passes. */
export async function poll<T>(check: () => Promise<PollResult<T>>, o: PollOptions): Promise<T> {
  const started = Date.now();
  const deadline = started + o.maxWaitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    const r = await check();
    if (r.done) return r.value;
    const elapsed = Math.round((Date.now() - started) / 1000);
    o.onPending?.(r.pending, elapsed);
    const delay = pollDelayMs(attempt, o.minDelay, o.maxDelay);
    if (Date.now() + delay > deadline) {
      throw new TimeoutError(`timed out after ${elapsed} s waiting for ${o.what}: ${r.pending}`, o.suggestion);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
