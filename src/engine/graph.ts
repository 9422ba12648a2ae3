/**
 * Walks the step graph: each step starts as soon as the steps it needs are done, so
 * independent steps (the load balancer and the bake) run at the same time. Planning detects and
 * plans every step (reads only); applying carries out the planned rows, resolving the refs to
 * what earlier rows made, and never detects or plans again: what is applied is what was shown.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AnyStep, PlanRow, StepContext, StepId } from './types.js';
import { RefValues } from './refs.js';
import { wrapAwsError } from '../errors.js';

/** Reports step starts and ends (the UI draws spinners or lines from it). */
export interface RunObserver {
  stepStarted(id: StepId, title: string): void;
  stepUpdated(id: StepId, text: string): void;
  stepFinished(id: StepId, summary: string): void;
  stepFailed(id: StepId, error: Error): void;
}

export const silentObserver: RunObserver = { stepStarted() {}, stepUpdated() {}, stepFinished() {}, stepFailed() {} };

/** One step of a plan: what was found, the rows, the outputs (with refs) and the fingerprint. */
export interface StepPlan {
  id: StepId;
  found: unknown;
  rows: PlanRow[];
  outputs: unknown;
  fingerprint: unknown;
}

/** A plan: every enabled step's part, by id. */
export type Plan = Map<StepId, StepPlan>;

/** One step as applied: its rows (with the ids made) and its outputs, every ref resolved. */
export interface StepResult {
  id: StepId;
  rows: PlanRow[];
  outputs: unknown;
  /** True when apply wrote something. */
  changed: boolean;
}

const rowScope = new AsyncLocalStorage<string>();
/** A step at work: detecting (and planning) or applying (and checking). */
export interface StepAtWork { id: StepId; phase: 'detect' | 'apply' }

const stepScope = new AsyncLocalStorage<StepAtWork>();

/** The key of the row being applied (for the write log), if any. */
export function currentRowKey(): string | undefined {
  return rowScope.getStore();
}

/** The step being detected or applied, and which (calls can be counted by step), if any. */
export function currentStep(): StepAtWork | undefined {
  return stepScope.getStore();
}

/** Orders steps so that each comes after what it needs; throws on a cycle. */
export function topoSort<S extends AnyStep>(steps: S[]): S[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out: S[] = [];
  const state = new Map<StepId, 'visiting' | 'done'>();
  const visit = (s: S) => {
    if (state.get(s.id) === 'done') return;
    if (state.get(s.id) === 'visiting') throw new Error(`step graph has a cycle through ${s.id}`);
    state.set(s.id, 'visiting');
    for (const n of s.needs) {
      const dep = byId.get(n);
      if (dep) visit(dep);
    }
    state.set(s.id, 'done');
    out.push(s);
  };
  steps.forEach(visit);
  return out;
}

/** The outputs of `step`'s needs (only those, and only of steps in this run). */
function depsOf(step: AnyStep, outputs: Map<StepId, unknown>): Record<string, unknown> {
  const deps: Record<string, unknown> = {};
  for (const n of step.needs) if (outputs.has(n)) deps[n] = outputs.get(n);
  return deps;
}

/** Runs `fn` for every step once its needs have run, concurrently where the graph allows. */
async function walk<R>(steps: AnyStep[], phase: StepAtWork['phase'], fn: (step: AnyStep, done: Map<StepId, R>) => Promise<R>): Promise<Map<StepId, R>> {
  const ordered = topoSort(steps);
  const ids = new Set(ordered.map((s) => s.id));
  const promises = new Map<StepId, Promise<R>>();
  const results = new Map<StepId, R>();
  for (const step of ordered) {
    const needs = step.needs.filter((n) => ids.has(n));
    const p = Promise.all(needs.map((n) => promises.get(n)!)).then(async () => {
      const r = await stepScope.run({ id: step.id, phase }, () => fn(step, results));
      results.set(step.id, r);
      return r;
    });
    // Keep a failed branch from becoming an unhandled rejection while others still run.
    p.catch(() => undefined);
    promises.set(step.id, p);
  }
  const settled = await Promise.allSettled([...promises.values()]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}

/** The steps of `steps` that are on for this config. */
export function enabledSteps(steps: AnyStep[], ctx: Pick<StepContext, 'config'>): AnyStep[] {
  return steps.filter((s) => s.enabled?.(ctx.config) ?? true);
}

/** Detects and plans every enabled step (reads only). */
export async function planSteps(steps: AnyStep[], ctx: StepContext, observer: RunObserver = silentObserver): Promise<Plan> {
  return walk<StepPlan>(enabledSteps(steps, ctx), 'detect', async (step, done) => {
    const deps = depsOf(step, new Map([...done].map(([id, r]) => [id, r.outputs])));
    observer.stepStarted(step.id, `${step.title}: looking`);
    try {
      const found = await step.detect(stepCtx(ctx, step.id, observer), deps);
      const rows = step.plan(ctx.config, found, deps);
      observer.stepFinished(step.id, '');
      return { id: step.id, found, rows, outputs: step.outputs(ctx.config, found, deps), fingerprint: step.fingerprint(found) };
    } catch (err) {
      const e = wrapAwsError(err, step.id, 'detect');
      observer.stepFailed(step.id, e);
      throw e;
    }
  });
}

/** Rows of the plan in the order of `steps` (the lab's order). */
export function planRows(steps: AnyStep[], parts: Map<StepId, { rows: PlanRow[] }>): PlanRow[] {
  return steps.flatMap((s) => parts.get(s.id)?.rows ?? []);
}

/** Whether a row writes when applied. */
export const writes = (r: PlanRow) => r.action !== 'reuse' && r.action !== 'conflict';

/**
 * Applies a plan: each step's changing rows are carried out as planned, refs resolved to what
 * earlier rows made; a step with nothing to change is not called. Rows come back with the ids
 * of what was made.
 */
export async function applySteps(steps: AnyStep[], ctx: StepContext, plan: Plan, observer: RunObserver = silentObserver): Promise<Map<StepId, StepResult>> {
  const refs = new RefValues();
  const inPlan = steps.filter((s) => plan.has(s.id));
  return walk<StepResult>(inPlan, 'apply', async (step, done) => {
    const planned = plan.get(step.id)!;
    const sctx = stepCtx(ctx, step.id, observer);
    const deps = refs.resolve(depsOf(step, new Map([...done].map(([id, r]) => [id, r.outputs]))));
    observer.stepStarted(step.id, step.title);
    try {
      const changing = planned.rows.some(writes);
      if (changing) await step.apply(sctx, planned.rows, deps, refs);
      // Rows as applied: the ids made (`#id`) and, where applying told more, its words (`#detail`).
      const rows = planned.rows.map((r) => {
        const id = refs.get(`${r.key}#id`);
        const detail = refs.get(`${r.key}#detail`);
        return { ...r, ...(typeof id === 'string' ? { id } : {}), ...(typeof detail === 'string' ? { detail } : {}) };
      });
      const outputs = step.check ? await step.check(sctx, deps) : refs.resolve(planned.outputs);
      observer.stepFinished(step.id, summarize(rows));
      return { id: step.id, rows, outputs, changed: changing };
    } catch (err) {
      const e = wrapAwsError(err, step.id, 'apply');
      observer.stepFailed(step.id, e);
      throw e;
    }
  });
}

function stepCtx(ctx: StepContext, id: StepId, observer: RunObserver): StepContext {
  return {
    ...ctx,
    progress: { update: (text) => observer.stepUpdated(id, text) },
    forRow: (row, fn) => rowScope.run(row.key, fn),
  };
}

function summarize(rows: PlanRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const word = (a: string) => ({ reuse: 'unchanged', create: 'created', update: 'updated', adopt: 'adopted', delete: 'deleted' } as Record<string, string>)[a] ?? a;
  return [...counts].map(([a, n]) => `${n} ${word(a)}`).join(', ');
}
