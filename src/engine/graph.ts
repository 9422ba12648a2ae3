/**
 * Walks the step graph: each step starts as soon as the steps it needs are done, so
 * independent steps (the load balancer and the bake) run at the same time.
 */
import type { Outputs, PlanRow, Step, StepContext, StepId } from './types.js';
import { wrapAwsError } from '../errors.js';

/** Reports step starts and ends (the UI draws spinners or lines from it). */
export interface RunObserver {
  stepStarted(id: StepId, title: string): void;
  stepUpdated(id: StepId, text: string): void;
  stepFinished(id: StepId, summary: string): void;
  stepFailed(id: StepId, error: Error): void;
}

export const silentObserver: RunObserver = { stepStarted() {}, stepUpdated() {}, stepFinished() {}, stepFailed() {} };

export interface StepResult {
  id: StepId;
  found: unknown;
  rows: PlanRow[];
  outputs: any;
  /** True when apply wrote something. */
  changed: boolean;
}

/** Orders steps so that each comes after what it needs; throws on an unknown need or a cycle. */
export function topoSort(steps: Step<any, any>[]): Step<any, any>[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out: Step<any, any>[] = [];
  const state = new Map<StepId, 'visiting' | 'done'>();
  const visit = (s: Step<any, any>) => {
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

/** Runs `fn` for every step once its needs have run, concurrently where the graph allows. */
async function walk(steps: Step<any, any>[], fn: (step: Step<any, any>, deps: Outputs) => Promise<StepResult>): Promise<Map<StepId, StepResult>> {
  const ordered = topoSort(steps);
  const ids = new Set(ordered.map((s) => s.id));
  const promises = new Map<StepId, Promise<StepResult>>();
  const results = new Map<StepId, StepResult>();
  for (const step of ordered) {
    const needs = step.needs.filter((n) => ids.has(n));
    const p = Promise.all(needs.map((n) => promises.get(n)!)).then(async (deps) => {
      const outputs: Outputs = {};
      for (const d of deps) outputs[d.id] = d.outputs;
      // Outputs of everything already finished (not only direct needs): later steps may read further back.
      for (const [id, r] of results) outputs[id] ??= r.outputs;
      const r = await fn(step, outputs);
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

/** Detects and plans every enabled step (reads only). */
export async function planSteps(steps: Step<any, any>[], ctx: StepContext, observer: RunObserver = silentObserver): Promise<Map<StepId, StepResult>> {
  const enabled = steps.filter((s) => s.enabled?.(ctx.config) ?? true);
  return walk(enabled, async (step, deps) => {
    observer.stepStarted(step.id, `${step.title}: looking`);
    try {
      const found = await step.detect(stepCtx(ctx, step.id, observer), deps);
      const rows = step.plan(ctx.config, found, deps);
      observer.stepFinished(step.id, '');
      return { id: step.id, found, rows, outputs: step.outputs(ctx.config, found, deps), changed: false };
    } catch (err) {
      const e = wrapAwsError(err, step.id, 'detect');
      observer.stepFailed(step.id, e);
      throw e;
    }
  });
}

/**
 * Applies a plan. A step whose upstream wrote something is detected and planned again first
 * (reads only), so it sees the real ids of what was just created.
 */
export async function applySteps(
  steps: Step<any, any>[],
  ctx: StepContext,
  planned: Map<StepId, StepResult>,
  observer: RunObserver = silentObserver,
  check: (rows: PlanRow[]) => void = () => {},
): Promise<Map<StepId, StepResult>> {
  const enabled = steps.filter((s) => planned.has(s.id));
  const changed = new Set<StepId>();
  return walk(enabled, async (step, deps) => {
    let { found, rows } = planned.get(step.id)!;
    const sctx = stepCtx(ctx, step.id, observer);
    observer.stepStarted(step.id, step.title);
    try {
      if (step.needs.some((n) => changed.has(n))) {
        found = await step.detect(sctx, deps);
        rows = step.plan(ctx.config, found, deps);
        check(rows);
      }
      const writes = rows.some((r) => r.action !== 'reuse');
      const outputs = writes || step.alwaysApply ? await step.apply(sctx, found, rows, deps) : step.outputs(ctx.config, found, deps);
      if (writes) changed.add(step.id);
      observer.stepFinished(step.id, summarize(rows));
      return { id: step.id, found, rows, outputs, changed: writes };
    } catch (err) {
      const e = wrapAwsError(err, step.id, 'apply');
      observer.stepFailed(step.id, e);
      throw e;
    }
  });
}

function stepCtx(ctx: StepContext, id: StepId, observer: RunObserver): StepContext {
  return { ...ctx, progress: { update: (text) => observer.stepUpdated(id, text) } };
}

function summarize(rows: PlanRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  return [...counts].map(([a, n]) => `${n} ${a === 'reuse' ? 'unchanged' : a === 'create' ? 'created' : a === 'update' ? 'updated' : a === 'adopt' ? 'adopted' : a === 'delete' ? 'deleted' : a}`).join(', ');
}
