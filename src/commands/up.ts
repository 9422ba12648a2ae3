/**
 * `up` (and `plan`, which is `up --dry-run`): Validate the flags, Ask for what is missing,
 * detect and plan every step, show the plan, confirm, apply, report. Nothing is written before
 * every input is valid and the plan has neither conflicts nor unapproved adoptions.
 */
import { UsageError, PlanError, AbortError, EXIT } from '../errors.js';
import { checkSaveConfigPath, mergeSources, saveConfigFile, validateConfig, type PartialInput } from '../config/load.js';
import type { StackConfig } from '../config/schema.js';
import { askUp } from '../prompts/questions.js';
import { applySteps, planSteps, type StepResult } from '../engine/graph.js';
import type { PlanRow, StepId } from '../engine/types.js';
import { ALL_STEPS } from '../steps/index.js';
import type { VerifyOut } from '../steps/outputs.js';
import { hasChanges, planDocument, renderPlan, renderTotals } from '../ui/render-plan.js';
import { callerAccount, createRun, stepContext, type Deps, type GlobalOptions, type Run } from './context.js';

export interface UpOptions {
  dryRun?: boolean;
  detailedExitcode?: boolean;
  adopt?: boolean;
  saveConfig?: string;
  notifications?: boolean;
  [flag: string]: unknown;
}

/** Rows of all steps in graph order. */
function allRows(results: Map<StepId, StepResult>): PlanRow[] {
  return ALL_STEPS.flatMap((s) => results.get(s.id)?.rows ?? []);
}

/** Adoption needs consent: --adopt, or a yes per resource in a terminal (`notify` asks the same way). */
export async function approveAdoptions(run: Run, config: StackConfig, rows: PlanRow[]): Promise<void> {
  const adopt = rows.filter((r) => r.action === 'adopt');
  if (!adopt.length || config.adopt) return;
  if (run.unattended) {
    throw new UsageError(
      `${adopt.map((r) => `${r.type} ${r.name}`).join(', ')} exist${adopt.length === 1 ? 's' : ''} but ${adopt.length === 1 ? 'was' : 'were'} not created by asg-wizard: left alone`,
      'pass --adopt to take them over (they get the asg-wizard:stack tag), or choose other names with their flags',
    );
  }
  for (const r of adopt) {
    const ok = await run.prompter.confirm({ id: 'adopt', message: `${r.type} ${r.name} (${r.id ?? ''}) exists and was not made by asg-wizard. Take it over for stack ${config.stack}?`, default: false });
    if (!ok) throw new AbortError(`left ${r.name} alone: nothing was changed`, 'choose another name with its flag, or rerun and agree to adopt');
  }
}

export function checkConflicts(rows: PlanRow[]): void {
  const conflicts = rows.filter((r) => r.action === 'conflict');
  if (conflicts.length) {
    throw new PlanError(`cannot build the stack as asked: ${conflicts.map((r) => `${r.name}: ${r.reason ?? 'conflict'}`).join('; ')}`);
  }
}

/** Loads, asks, validates: the StackConfig of this run. */
async function resolveConfig(run: Run, flags: Record<string, unknown>, input: PartialInput): Promise<StackConfig> {
  validateConfig(input); // flags and file first: a bad value fails before any question
  await askUp(run.prompter, run.aws, input);
  run.prompter.assertComplete();
  const config = validateConfig(input);
  if (typeof flags.saveConfig === 'string') {
    saveConfigFile(flags.saveConfig, input);
    run.note(`Answers saved to ${flags.saveConfig}: replay with asg-wizard up --config ${flags.saveConfig} --yes`);
  }
  return config;
}

/** Runs `up` or `plan`; returns the exit code. */
export async function upCommand(globals: GlobalOptions, flags: UpOptions, deps: Deps, mode: 'up' | 'plan'): Promise<number> {
  const dryRun = mode === 'plan' || !!flags.dryRun;
  const input = mergeSources({ ...(globals.config ? { file: globals.config } : {}), env: deps.env, flags: { ...flags, ...pick(globals, ['stack', 'region']) } });
  validateConfig(input);
  if (typeof flags.saveConfig === 'string') checkSaveConfigPath(flags.saveConfig);
  // `plan` is for reviewers and CI: it never asks.
  const run = await createRun(globals, deps, input.region as string | undefined, mode === 'plan');
  try {
    const account = await callerAccount(run);
    const config = await resolveConfig(run, flags, input);
    const ctx = stepContext(run, config, account);
    const header = { stack: config.stack, region: run.region, account };
    const planned = await planSteps(ALL_STEPS, ctx, run.progress.planning());
    run.progress.stop();
    const rows = allRows(planned);
    if (dryRun) {
      if (globals.json) run.out(JSON.stringify(planDocument(header, rows), null, 2));
      else run.out(renderPlan(header, rows, run.chalk));
      if (rows.some((r) => r.action === 'conflict')) return EXIT.failed;
      return flags.detailedExitcode && hasChanges(rows) ? 2 : EXIT.ok;
    }
    if (!globals.json) run.note(renderPlan(header, rows, run.chalk));
    checkConflicts(rows);
    const lbOut = planned.get('load-balancer')?.outputs as { url?: string } | undefined;
    if (!hasChanges(rows)) {
      if (globals.json) run.out(JSON.stringify({ ...planDocument(header, rows), url: lbOut?.url ?? null, writes: run.clients.writes.length }, null, 2));
      else run.out(`No changes: stack ${config.stack} is up to date (0 writes).${lbOut?.url ? `\nURL: ${lbOut.url}` : ''}`);
      return EXIT.ok;
    }
    await approveAdoptions(run, config, rows);
    if (!globals.yes) {
      const ok = await run.prompter.confirm({ id: 'yes', message: `Apply this plan to ${run.region}${run.sandbox ? ' (sandbox)' : ''}?`, default: true, required: true });
      run.prompter.assertComplete();
      if (!ok) throw new AbortError('plan not applied: nothing was changed');
    }
    const applied = await applySteps(ALL_STEPS, ctx, planned, run.progress, (r) => {
      checkConflicts(r);
      if (!config.adopt && r.some((x) => x.action === 'adopt')) throw new PlanError('a resource appeared during the run that is not ours: rerun to see it in the plan');
    });
    run.progress.stop();
    const finalRows = allRows(applied);
    const url = (applied.get('load-balancer')?.outputs as { url?: string } | undefined)?.url;
    const writes = run.clients.writes.length;
    const verified = applied.get('verify')?.outputs as VerifyOut | undefined;
    if (globals.json) run.out(JSON.stringify({ ...planDocument(header, finalRows), url: url ?? null, writes, ...(verified ? { verify: { answers: verified.answers } } : {}) }, null, 2));
    else {
      run.out(`${renderTotals(rows).replace(/^Plan: /, 'Applied: ').replace(/ to (create|update|adopt|delete)/g, (_, v: string) => ` ${v === 'create' ? 'created' : v === 'update' ? 'updated' : v === 'delete' ? 'deleted' : 'adopted'}`)} ${writes} AWS writes.`);
      if (url) run.out(`URL: ${url}`);
      // Which instance and AZ answered each GET (the verify step): the lab's "refresh the page" check.
      verified?.answers.forEach((a, i) => run.out(`  GET ${i + 1} → ${a.instanceId ? `${a.instanceId} (${a.az ?? 'AZ unknown'})` : `HTTP ${a.status || 'no answer'}`}`));
      run.note(`Next: asg-wizard plan${run.sandbox ? ' --sandbox' : ''} shows nothing to do; asg-wizard status${run.sandbox ? ' --sandbox' : ''} shows the stack.`);
    }
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

function pick<T extends object>(o: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
