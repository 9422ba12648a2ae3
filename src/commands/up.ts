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
import { readStackDefaults } from '../prompts/stack-defaults.js';
import { argsOf, holdsSecret, STATUS_KEYS } from '../config/args.js';
import { applySteps, planRows, planSteps, type Plan } from '../engine/graph.js';
import { planOf, readPlanFile, savePlan, staleness, writePlanFile, type SavedPlan } from '../engine/plan-file.js';
import type { PlanRow } from '../engine/types.js';
import { ALL_STEPS } from '../steps/index.js';
import type { LoadBalancerOut, VerifyOut } from '../steps/outputs.js';
import { hasChanges } from '../ui/render-plan.js';
import type { NextCommand, RunContext } from '../ui/io-host.js';
import { packageVersion } from '../package-files.js';
import { wrapAwsError } from '../errors.js';
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
  /** up --verbose: the whole plan even when nothing changes. */
  verbose?: boolean;
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

/** Where a run goes, for the first-contact line. */
export function runTarget(run: Run): RunContext['target'] {
  if (run.sandbox) return { kind: 'sandbox', file: run.sandbox.file };
  if (run.opts.endpointUrl) return { kind: 'endpoint', url: run.opts.endpointUrl };
  return { kind: 'aws' };
}

/** What `up` builds, in words (before the questions, from the answers so far). */
function whatUpBuilds(c: StackConfig): string {
  const parts = [
    c.network.vpcId ? `in VPC ${c.network.vpcId}` : `the lab network ${c.network.vpcName} (or a VPC you choose)`,
    c.image.id ? `image ${c.image.id}` : `the image "${c.image.name}" (baked on a t2.micro)`,
    `load balancer ${c.alb.name}`, `launch template ${c.launchTemplate.name}`, `Auto Scaling group ${c.asg.name}`,
  ];
  if (c.notifications.enabled) parts.push(`SNS topic ${c.notifications.topicName}`);
  return `builds (or reuses) ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Loads, asks, validates: the StackConfig of this run. */
async function resolveConfig(run: Run, flags: Record<string, unknown>, input: PartialInput, account: string): Promise<StackConfig> {
  const draft = validateConfig(input); // flags and file first: a bad value fails before any question
  if (run.prompter.interactive) {
    run.host.note({ kind: 'context', context: { stack: draft.stack, region: run.region, account, target: runTarget(run), builds: whatUpBuilds(draft) } });
    let existing;
    try {
      existing = await readStackDefaults(run.aws, draft);
    } catch (err) {
      throw wrapAwsError(err, 'preflight', 'read the stack');
    }
    await askUp(run.prompter, run.aws, input, run.region, existing);
  }
  run.prompter.assertComplete();
  const config = validateConfig(input);
  if (typeof flags.saveConfig === 'string') {
    saveConfigFile(flags.saveConfig, input);
    const next = run.cli('up', ['--config', flags.saveConfig], { applies: true, omit: ['config'], stack: config.stack });
    run.host.note({ kind: 'saved', what: 'answers', file: flags.saveConfig, next: { command: next, does: 'the same answers, again' } });
  }
  return config;
}

/** Commands that do what this run did again: `up`, `plan`, with its answers as flags (none when one is a secret). */
function again(run: Run, command: 'up' | 'plan', input: PartialInput, stack: string): string | undefined {
  if (holdsSecret(input) && !run.opts.config) return undefined;
  return run.cli(command, argsOf(input), { stack, applies: command === 'up' });
}

/** What a run plans against: the run, its config and the context of its steps. */
interface Planned { config: StackConfig; header: { stack: string; region: string; account: string }; plan: Plan; rows: PlanRow[] }

/** Runs `up` or `plan`; returns the exit code. */
export async function upCommand(globals: GlobalOptions, flags: UpOptions, deps: Deps, mode: 'up' | 'plan'): Promise<number> {
  const started = Date.now();
  if (mode === 'up' && typeof flags.plan === 'string') return applySavedPlan(globals, flags, deps, flags.plan, started);
  const dryRun = mode === 'plan' || !!flags.dryRun;
  const input = mergeSources({ ...(globals.config ? { file: globals.config } : {}), env: deps.env, flags: { ...flags, ...pick(globals, ['stack', 'region']) } });
  validateConfig(input);
  if (typeof flags.saveConfig === 'string') checkSaveConfigPath(flags.saveConfig);
  // `plan` is for reviewers and CI: it never asks.
  const run = await createRun(globals, deps, input.region as string | undefined, mode === 'plan');
  try {
    const account = await callerAccount(run);
    const config = await resolveConfig(run, flags, input, account);
    const ctx = stepContext(run, config, account);
    const header = { stack: config.stack, region: run.region, account };
    const plan = await planSteps(ALL_STEPS, ctx, run.progress.planning());
    run.progress.stop();
    const rows = allRows(plan);
    if (dryRun) {
      run.host.result({ kind: 'plan', title: 'Plan', header, rows, writes: run.clients.writes.length });
      if (typeof flags.out === 'string') {
        writePlanFile(flags.out, savePlan({ tool: packageVersion(), stack: config.stack, region: run.region, account, input, plan, order: ALL_STEPS.map((x) => x.id), secrets: secretsOf(input) }));
        const next = run.cli('up', ['--plan', flags.out], { applies: true, omit: ['stack'] });
        run.host.note({ kind: 'saved', what: 'plan', file: flags.out, next: { command: next, does: 'applies exactly this plan' } });
      } else if (hasChanges(rows) && !rows.some((r) => r.action === 'conflict')) {
        const up = again(run, 'up', input, config.stack);
        if (up) run.host.note({ kind: 'next', commands: [{ command: up, does: 'applies it' }] });
      }
      if (rows.some((r) => r.action === 'conflict')) return EXIT.failed;
      return flags.detailedExitcode && hasChanges(rows) ? 2 : EXIT.ok;
    }
    return await applyPlanned(run, flags, { config, header, plan, rows, input, started });
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Shows the plan, gets consent, applies exactly it, reports. */
async function applyPlanned(run: Run, flags: UpOptions, p: Planned & { input: PartialInput; started: number }): Promise<number> {
  const { config, header, plan, rows } = p;
  const lbOut = plan.get('load-balancer')?.outputs as LoadBalancerOut | undefined;
  const knownUrl = typeof lbOut?.url === 'string' ? lbOut.url : undefined;
  if (!hasChanges(rows)) {
    // Up to date: one line, not every `=` row (unless asked for).
    if (flags.verbose) run.host.note({ kind: 'plan', title: 'Plan', header, rows });
    run.host.result({ kind: 'up-to-date', header, rows, ...(knownUrl ? { url: knownUrl } : {}), writes: run.clients.writes.length });
    return EXIT.ok;
  }
  run.host.note({ kind: 'plan', title: 'Plan', header, rows });
  checkConflicts(rows);
  await approveAdoptions(run, config, rows);
  if (!run.opts.yes) {
    const ok = await run.prompter.confirm({ id: 'yes', message: `Apply this plan to ${run.region}${run.sandbox ? ' (sandbox)' : ''}?`, default: true, required: true });
    run.prompter.assertComplete();
    if (!ok) throw new AbortError('plan not applied: nothing was changed');
  }
  const ctx = stepContext(run, config, header.account);
  const applied = await applySteps(ALL_STEPS, ctx, plan, run.progress);
  run.progress.stop();
  const url = (applied.get('load-balancer')?.outputs as { url?: string } | undefined)?.url;
  const verified = applied.get('verify')?.outputs as VerifyOut | undefined;
  run.host.result({
    kind: 'applied', header, planned: rows, rows: allRows(applied), writes: run.clients.writes.length,
    ...(url ? { url } : {}), ...(verified ? { answers: verified.answers } : {}), seconds: (Date.now() - p.started) / 1000,
  });
  const next: NextCommand[] = [{ command: run.cli('status', argsOf(p.input, STATUS_KEYS), { stack: config.stack }), does: 'the stack as it is: URL, targets, group' }];
  const plan2 = again(run, 'plan', p.input, config.stack);
  if (plan2) next.push({ command: plan2, does: 'shows nothing left to do' });
  run.host.note({ kind: 'next', commands: next });
  return EXIT.ok;
}

/** Flags a saved plan may be given with: how to run it, and the secrets it never holds. */
const PLAN_SECRETS = new Set<string>(SECRET_KEYS);

/**
 * `up --plan FILE`: applies exactly the saved plan, as Terraform's `apply FILE`. The stack is
 * detected again first; if anything the plan depends on changed (its fingerprint or its rows
 * differ), it refuses with one line naming what changed and writes nothing.
 */
async function applySavedPlan(globals: GlobalOptions, flags: UpOptions, deps: Deps, file: string, started: number): Promise<number> {
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
    if (why) throw new PlanError(`the plan is stale: ${why} (since it was made ${saved.createdAt}): run plan again`, run.cli('plan', [...argsOf(saved.input), '--out', file], { stack: saved.stack }));
    const plan = planOf(saved);
    return await applyPlanned(run, flags, { config, header: { stack: saved.stack, region: saved.region, account }, plan, rows: allRows(plan), input: saved.input, started });
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
