/**
 * Runs one of the SDK's waiters with a bound. A waiter's own failure is a JSON dump
 * (`{"state":"TIMEOUT",…}`) that says nothing a user can act on, so a time-out or a terminal
 * state becomes our error naming what was waited for and what it is now, read afresh.
 */
import { TimeoutError, WizardError } from '../errors.js';

/** A waiter's bound and poll delays, in seconds (the SDK's names). */
export interface WaitOptions { maxWaitTime: number; minDelay: number; maxDelay: number }

/**
 * Runs `run` (an SDK waiter) within `wait`; on a time-out or a failure state, asks `pending` what
 * the resource is now. An AWS error met while polling (no permission, say) goes on as it is.
 */
export async function runWaiter(what: string, wait: WaitOptions, run: (w: WaitOptions) => Promise<unknown>, pending: () => Promise<string>): Promise<void> {
  // The SDK refuses a bound not above the first delay; a short bound still gets one retry.
  const w = { ...wait, maxWaitTime: Math.max(wait.maxWaitTime, wait.minDelay + 1) };
  try {
    await run(w);
  } catch (err) {
    const e = err as Error;
    const fromWaiter = e.name === 'TimeoutError' || e.message?.startsWith('{');
    if (err instanceof WizardError || (err && typeof err === 'object' && '$metadata' in err) || !fromWaiter) throw err;
    const now = await pending();
    if (e.name === 'TimeoutError') throw new TimeoutError(`timed out after ${w.maxWaitTime} s waiting for ${what}: now ${now}`);
    throw new WizardError(`gave up waiting for ${what}: now ${now}`);
  }
}
