/**
 * Saved plans, as Terraform's `plan -out` / `apply FILE`: `plan --out FILE` writes the answers,
 * every step's rows (with their typed changes and refs), outputs and the fingerprint of what was
 * detected, as plain JSON a reviewer can read; `up --plan FILE` detects again and applies the
 * saved rows only if nothing the plan depends on changed since.
 *
 * A plan file holds no secrets: the values of secret answers (a monitoring agent's install
 * command, which carries its licence key; a webhook URL with a token in it) are replaced, wherever
 * they occur, by `{ "$secret": key, "sha256": … }`, and the apply must be given them again.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { UsageError } from '../errors.js';
import type { Plan, StepPlan } from './graph.js';
import type { PlanRow, StepId } from './types.js';

export const PLAN_FORMAT = 'asg-wizard-plan';
export const PLAN_VERSION = 1;

export interface SavedStep {
  id: StepId;
  rows: PlanRow[];
  outputs: unknown;
  fingerprint: unknown;
}

export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  /** The asg-wizard version that made it. */
  tool: string;
  createdAt: string;
  stack: string;
  region: string;
  account: string;
  /** The answers (config input) the plan was made from, secrets replaced. */
  input: Record<string, unknown>;
  steps: SavedStep[];
}

const envelope = z.object({
  format: z.literal(PLAN_FORMAT),
  version: z.literal(PLAN_VERSION),
  tool: z.string(),
  createdAt: z.string(),
  stack: z.string(),
  region: z.string(),
  account: z.string(),
  input: z.record(z.string(), z.unknown()),
  steps: z.array(z.object({ id: z.string(), rows: z.array(z.record(z.string(), z.unknown())), outputs: z.unknown(), fingerprint: z.unknown() })),
});

/** A secret answer: its config key and value. */
export interface Secret { key: string; value: string }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** `value` with every occurrence of a secret's value replaced by its placeholder. */
function redact<T>(value: T, secrets: Secret[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const s = secrets.find((x) => x.value === v);
      return s ? { $secret: s.key, sha256: sha256(s.value) } : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The placeholders of `value` put back from `given`; a secret missing or different is a UsageError naming its flag. */
function unredact<T>(value: T, given: Secret[], flagOf: (key: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { $secret?: unknown }).$secret === 'string') {
      const { $secret: key, sha256: digest } = v as { $secret: string; sha256: string };
      const s = given.find((x) => x.key === key);
      if (!s) throw new UsageError(`the saved plan needs ${flagOf(key)} (${key}), which a plan file never holds`, `give it again: asg-wizard up --plan FILE ${flagOf(key)} …`);
      if (sha256(s.value) !== digest) throw new UsageError(`${flagOf(key)} (${key}) is not the value the plan was made with`, 'give the same value, or run plan again');
      return s.value;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The saved form of a plan. */
export function savePlan(p: Omit<SavedPlan, 'format' | 'version' | 'steps' | 'createdAt'> & { plan: Plan; order: StepId[]; secrets: Secret[]; now?: Date }): SavedPlan {
  // In the lab's order, so a reader (and a staleness message) meets the network first.
  const steps: SavedStep[] = p.order.filter((id) => p.plan.has(id)).map((id) => p.plan.get(id)!)
    .map((s: StepPlan) => ({ id: s.id, rows: s.rows, outputs: s.outputs, fingerprint: s.fingerprint }));
  return redact({
    format: PLAN_FORMAT, version: PLAN_VERSION, tool: p.tool, createdAt: (p.now ?? new Date()).toISOString(),
    stack: p.stack, region: p.region, account: p.account, input: p.input, steps,
  }, p.secrets);
}

/** Writes a plan file (plain JSON, stable key order). */
export function writePlanFile(path: string, saved: SavedPlan): void {
  try {
    writeFileSync(path, `${JSON.stringify(saved, null, 2)}\n`);
  } catch (err) {
    throw new UsageError(`--out ${path}: cannot write the plan there: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Reads and checks a plan file; `given` supplies the secrets it left out. */
export function readPlanFile(path: string, given: Secret[], flagOf: (key: string) => string): SavedPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--plan ${path}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`--plan ${path}: not a plan file (not JSON)`, 'make one with asg-wizard plan --out FILE');
  }
  const r = envelope.safeParse(doc);
  if (!r.success) {
    const what = (doc as { format?: unknown })?.format === PLAN_FORMAT ? `a plan file of another version (${String((doc as { version?: unknown }).version)})` : 'not an asg-wizard plan file';
    throw new UsageError(`--plan ${path}: ${what}`, 'make one with this version: asg-wizard plan --out FILE');
  }
  return unredact(r.data as unknown as SavedPlan, given, flagOf);
}

/** A short path of what differs between two JSON values (`group.max: 4 → 6`), or undefined. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  const short = (v: unknown) => {
    const s = v === undefined ? 'absent' : JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}…` : s;
  };
  return `${path || 'value'}: ${short(a)} then, ${short(b)} now`;
}

/** The rows as they compare (what a row does, not the words about it that change by themselves). */
function comparable(rows: PlanRow[]) {
  return rows.map((r) => ({ key: r.key, action: r.action, type: r.type, name: r.name, id: r.id ?? null, changes: r.changes, change: r.change ?? null }));
}

/**
 * Why a saved plan may not be applied to what was detected now, in one phrase naming what
 * changed; undefined when it still holds.
 */
export function staleness(saved: SavedPlan, fresh: Plan): string | undefined {
  const savedIds = saved.steps.map((s) => s.id);
  const freshIds = [...fresh.keys()];
  if (JSON.stringify([...savedIds].sort()) !== JSON.stringify([...freshIds].sort())) {
    return `the steps differ (${savedIds.join(', ')} then, ${freshIds.join(', ')} now)`;
  }
  for (const s of saved.steps) {
    const now = fresh.get(s.id)!;
    const f = firstDifference(JSON.parse(JSON.stringify(s.fingerprint ?? null)), JSON.parse(JSON.stringify(now.fingerprint ?? null)));
    if (f) return `${s.id}: ${f}`;
    const r = firstDifference(JSON.parse(JSON.stringify(comparable(s.rows))), JSON.parse(JSON.stringify(comparable(now.rows))));
    if (r) return `${s.id} plan: ${r}`;
  }
  return undefined;
}

/** The saved plan as the engine applies it. */
export function planOf(saved: SavedPlan): Plan {
  return new Map(saved.steps.map((s) => [s.id, { id: s.id, found: undefined, rows: s.rows, outputs: s.outputs, fingerprint: s.fingerprint }]));
}
