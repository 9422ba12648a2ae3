/**
 * `up` (and `plan`, which is `up --dry-run`): Validate the flags, Ask for what is missing,
 * detect and plan every step, show the plan, confirm, apply, report. Nothing is written before
 * every input is valid and the plan has neither conflicts nor unapproved adoptions.
 */
import { UsageError, PlanError, AbortError, EXIT } from '../errors.js';
import { checkSaveConfigPath, mergeSources, saveConfigFile, validateConfig, type PartialInput } from '../config/load.js';
import type { StackConfig } from '../config/schema.js';
import { flagFor, PARAM_FLAGS, optionAttr } from '../config/flags.js';
import { secretsOf, SECRET_KEYS } from '../config/secrets.js';
import { askUp } from '../prompts/questions.js';
import { applySteps, planRows, planSteps, type Plan } from '../engine/graph.js';
import { planOf, readPlanFile, savePlan, staleness, writePlanFile, type SavedPlan } from '../engine/plan-file.js';
import type { PlanRow } from '../engine/types.js';
import { ALL_STEPS } from '../steps/index.js';
import type { LoadBalancerOut, VerifyOut } from '../steps/outputs.js';
import { hasChanges, planDocument, renderApplied, renderPlan } from '../ui/render-plan.js';
import { packageVersion } from '../package-files.js';
import { callerAccount, createRun, stepContext, type Deps, type GlobalOptions, type Run } from './context.js';

export interface UpOptions {
  dryRun?: boolean;
  detailedExitcode?: boolean;
  adopt?: boolean;
  saveConfig?: string;
  notifications?: boolean;
  /** plan --out FILE: save the plan for `up --plan FILE`. */
  out?: string;
  /** up --plan FILE: apply exactly this saved plan. */
  plan?: string;
  [flag: string]: unknown;
}

/** Rows of all steps in the lab's order. */
const allRows = (parts: Map<string, { rows: PlanRow[] }>): PlanRow[] => planRows(ALL_STEPS, parts as never);

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

/** What a run plans against: the run, its config and the context of its steps. */
interface Planned { config: StackConfig; header: { stack: string; region: string; account: string }; plan: Plan; rows: PlanRow[] }

/** Runs `up` or `plan`; returns the exit code. */
export async function upCommand(globals: GlobalOptions, flags: UpOptions, deps: Deps, mode: 'up' | 'plan'): Promise<number> {
  if (mode === 'up' && typeof flags.plan === 'string') return applySavedPlan(globals, flags, deps, flags.plan);
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
    const plan = await planSteps(ALL_STEPS, ctx, run.progress.planning());
    run.progress.stop();
    const rows = allRows(plan);
    if (dryRun) {
      if (globals.json) run.out(JSON.stringify({ ...planDocument(header, rows), writes: run.clients.writes.length }, null, 2));
      else run.out(renderPlan(header, rows, run.chalk));
      if (typeof flags.out === 'string') {
        writePlanFile(flags.out, savePlan({ tool: packageVersion(), stack: config.stack, region: run.region, account, input, plan, order: ALL_STEPS.map((x) => x.id), secrets: secretsOf(input) }));
        if (!globals.json) run.note(`Plan saved to ${flags.out}: apply exactly it with asg-wizard up --plan ${flags.out}`);
      }
      if (rows.some((r) => r.action === 'conflict')) return EXIT.failed;
      return flags.detailedExitcode && hasChanges(rows) ? 2 : EXIT.ok;
    }
    return await applyPlanned(run, globals, { config, header, plan, rows });
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Shows the plan, gets consent, applies exactly it, reports. */
async function applyPlanned(run: Run, globals: GlobalOptions, p: Planned): Promise<number> {
  const { config, header, plan, rows } = p;
  if (!globals.json) run.note(renderPlan(header, rows, run.chalk));
  checkConflicts(rows);
  const lbOut = plan.get('load-balancer')?.outputs as LoadBalancerOut | undefined;
  const knownUrl = typeof lbOut?.url === 'string' ? lbOut.url : undefined;
  if (!hasChanges(rows)) {
    if (globals.json) run.out(JSON.stringify({ ...planDocument(header, rows), url: knownUrl ?? null, writes: run.clients.writes.length }, null, 2));
    else run.out(`No changes: stack ${config.stack} is up to date (0 writes).${knownUrl ? `\nURL: ${knownUrl}` : ''}`);
    return EXIT.ok;
  }
  await approveAdoptions(run, config, rows);
  if (!globals.yes) {
    const ok = await run.prompter.confirm({ id: 'yes', message: `Apply this plan to ${run.region}${run.sandbox ? ' (sandbox)' : ''}?`, default: true, required: true });
    run.prompter.assertComplete();
    if (!ok) throw new AbortError('plan not applied: nothing was changed');
  }
  const ctx = stepContext(run, config, header.account);
  const applied = await applySteps(ALL_STEPS, ctx, plan, run.progress);
  run.progress.stop();
  const finalRows = allRows(applied);
  const url = (applied.get('load-balancer')?.outputs as { url?: string } | undefined)?.url;
  const writes = run.clients.writes.length;
  const verified = applied.get('verify')?.outputs as VerifyOut | undefined;
  if (globals.json) run.out(JSON.stringify({ ...planDocument(header, finalRows), url: url ?? null, writes, ...(verified ? { verify: { answers: verified.answers } } : {}) }, null, 2));
  else {
    run.out(renderApplied(rows, writes));
    if (url) run.out(`URL: ${url}`);
    // Which instance and AZ answered each GET (the verify step): the lab's "refresh the page" check.
    verified?.answers.forEach((a, i) => run.out(`  GET ${i + 1} → ${a.instanceId ? `${a.instanceId} (${a.az ?? 'AZ unknown'})` : `HTTP ${a.status || 'no answer'}`}`));
    run.note(`Next: asg-wizard plan${run.sandbox ? ' --sandbox' : ''} shows nothing to do; asg-wizard status${run.sandbox ? ' --sandbox' : ''} shows the stack.`);
  }
  return EXIT.ok;
}

/** Flags a saved plan may be given with: how to run it, and the secrets it never holds. */
const PLAN_SECRETS = new Set<string>(SECRET_KEYS);

/**
 * `up --plan FILE`: applies exactly the saved plan, as Terraform's `apply FILE`. The stack is
 * detected again first; if anything the plan depends on changed (its fingerprint or its rows
 * differ), it refuses with one line naming what changed and writes nothing.
 */
async function applySavedPlan(globals: GlobalOptions, flags: UpOptions, deps: Deps, file: string): Promise<number> {
  const given = PARAM_FLAGS.filter((f) => flags[optionAttr(f.flag)] !== undefined && !PLAN_SECRETS.has(f.key)).map((f) => f.flag);
  for (const f of ['adopt', 'saveConfig', 'dryRun'] as const) if (flags[f] !== undefined) given.push(`--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (globals.stack) given.push('--stack');
  if (given.length) {
    throw new UsageError(`--plan ${file}: ${given.join(', ')} cannot be given with a saved plan: it is applied exactly as it was made`, 'make a new plan with those answers: asg-wizard plan --out FILE …');
  }
  // The secrets the plan left out come from the flags, the config file or the environment, as for any run.
  const input = mergeSources({ ...(globals.config ? { file: globals.config } : {}), env: deps.env, flags });
  const saved: SavedPlan = readPlanFile(file, secretsOf(input), flagFor);
  if (globals.region && globals.region !== saved.region) throw new UsageError(`--region ${globals.region}: the plan ${file} was made for ${saved.region}`);
  const run = await createRun({ ...globals, region: saved.region }, deps, saved.region);
  try {
    const account = await callerAccount(run);
    if (account !== saved.account) {
      throw new UsageError(`--plan ${file}: it was made for account ${saved.account}, the credentials in use are account ${account}`, 'use the credentials (or --sandbox file) the plan was made with');
    }
    const config = validateConfig(saved.input);
    const ctx = stepContext(run, config, account);
    const fresh = await planSteps(ALL_STEPS, ctx, run.progress.planning());
    run.progress.stop();
    const why = staleness(saved, fresh);
    if (why) throw new PlanError(`the plan is stale: ${why} (since it was made ${saved.createdAt}): run plan again`, `asg-wizard plan --out ${file}`);
    const plan = planOf(saved);
    return await applyPlanned(run, globals, { config, header: { stack: saved.stack, region: saved.region, account }, plan, rows: allRows(plan) });
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
