/**
 * What the teardown steps share. `destroy` walks the lab's step graph backwards: each lab step
 * has a teardown that finds what the stack owns by its `asg-wizard:stack` tag (a resource found
 * by name alone is never touched), plans `delete` rows that carry typed changes, and carries out
 * exactly those. The engine runs them in reverse dependency order (`engine/destroy.ts`), so the
 * group goes before its template, the load balancer before its security group, and the network
 * last. "Not found" counts as done: a rerun after an interruption finishes the job.
 */
import { STACK_TAG, type StackConfig } from '../../config/schema.js';
import type { TagMap } from '../../aws/tags.js';
import type { PlanRow, Step, StepContext, StepId } from '../../engine/types.js';
import { isAwsError } from '../../errors.js';
import { retryWhile } from '../../aws/consistency.js';
import { row } from '../common.js';

/** What `destroy` is asked to spare. */
export interface TeardownOptions {
  /** `--keep-image`: the baked images and their snapshots stay (a later `up` reuses them). */
  keepImage: boolean;
}

/** A teardown step: a Step with no outputs, whose `needs` the engine fills in by reversing the lab graph. */
export type Teardown<Found = unknown, Change = unknown> = Step<Found, Record<string, never>, Record<string, never>, Change>;

/** Declares a teardown step of lab step `id` (`needs` and `outputs` are the engine's). */
export function defineTeardown<Found, Change>(s: {
  id: StepId;
  title: string;
  detect(ctx: StepContext): Promise<Found>;
  plan(config: StackConfig, found: Found): PlanRow<Change>[];
  fingerprint(found: Found): unknown;
  apply(ctx: StepContext, rows: PlanRow<Change>[]): Promise<void>;
}): Teardown<Found, Change> {
  return {
    id: s.id, title: s.title, needs: [], detect: (ctx) => s.detect(ctx), plan: (config, found) => s.plan(config, found),
    outputs: () => ({}), fingerprint: s.fingerprint, apply: (ctx, rows) => s.apply(ctx, rows),
  };
}

/** The server-side filter for what this stack made (EC2, Auto Scaling). */
export function stackFilter(config: StackConfig): { Name: string; Values: string[] } {
  return { Name: `tag:${STACK_TAG}`, Values: [config.stack] };
}

/** Why a same-named resource is left alone. */
export function notOurs(config: StackConfig, tags: TagMap | undefined): string {
  const other = tags?.[STACK_TAG];
  return other ? `kept: it belongs to stack ${other}` : `kept: not tagged ${STACK_TAG}=${config.stack} (not made by asg-wizard for this stack)`;
}

/** A `delete` row of `step`. */
export function deleteRow<C>(step: StepId, local: string, type: string, name: string, id: string, change: C, detail?: string): PlanRow<C> {
  return row<C>(step, local, 'delete', type, name, { id, change, ...(detail ? { detail } : {}) });
}

/** A row for what stays: shown, never written to. */
export function keptRow(step: StepId, local: string, type: string, name: string, id: string, why: string): PlanRow<never> {
  return row(step, local, 'reuse', type, name, { id, detail: why });
}

/** Runs a delete; an answer that the resource is already gone (`codes`) counts as done. */
export async function unlessGone(codes: string[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!isAwsError(err, ...codes)) throw err;
  }
}

/**
 * Runs a delete that AWS refuses with `DependencyViolation` (or `codes`) while network interfaces
 * of terminated instances or a deleted load balancer still hold what is deleted: they are released
 * minutes later (terraform-provider-aws retries the same). Retried as the run's propagation policy
 * says, within the bound for that release; past it the last refusal goes on as it is.
 */
export function whenReleased(ctx: StepContext, fn: () => Promise<unknown>, codes: string[] = ['DependencyViolation']): Promise<unknown> {
  const policy = { ...ctx.aws.propagation, maxWaitMs: ctx.waits.bound('security-group-released').maxWaitSeconds * 1000 };
  return retryWhile(policy, (err) => isAwsError(err, ...codes), fn);
}

/** A wait's options for the SDK's waiters, from the run's bound for `kind`. */
export function waitFor(ctx: StepContext, kind: Parameters<StepContext['waits']['bound']>[0]) {
  const b = ctx.waits.bound(kind);
  return { maxWaitTime: b.maxWaitSeconds, minDelay: b.minDelay, maxDelay: b.maxDelay };
}

/** The rows that change, in the order their operations must run (`order` lists the ops). */
export function inOrder<C extends { op: string }>(rows: PlanRow<C>[], order: C['op'][]): (PlanRow<C> & { change: C })[] {
  return rows.filter((r): r is PlanRow<C> & { change: C } => !!r.change).sort((a, b) => order.indexOf(a.change.op) - order.indexOf(b.change.op));
}

/**
 * Carries out the rows that change, in `order` of their operations, one after another: each
 * named on the progress line and its writes accounted to its row.
 */
export async function applyInOrder<C extends { op: string }>(
  ctx: StepContext, rows: PlanRow<C>[], order: C['op'][], fn: (row: PlanRow<C> & { change: C }, change: C) => Promise<void>,
): Promise<void> {
  for (const r of inOrder(rows, order)) {
    ctx.progress.update(`${r.type.split('::').pop()} ${r.name}`);
    await ctx.forRow(r, () => fn(r, r.change));
  }
}
