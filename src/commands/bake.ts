/**
 * `asg-wizard bake`: the AMI bake alone, through the same engine as `up` (the network step too,
 * since the bake instance needs a public subnet). Shows the plan, confirms (--yes skips), and
 * prints the image's id and name. A new `--image-name` bakes a new version; `up` then rolls it
 * out. The work is loaded on use, so `--help` does not pay for the SDK.
 */
import type { Command } from 'commander';
import type { Deps, GlobalOptions } from './context.js';
import type { BakeOut } from '../steps/outputs.js';
import { addStackOptions } from './options.js';

const EXAMPLES = `
Examples:
  asg-wizard bake --yes                                 bake "Web Server v1" (or reuse it)
  asg-wizard bake --image-name "Web Server v2" --yes    bake a new version; asg-wizard up rolls it out
  asg-wizard bake --dry-run --json                      the plan, for machines`;

export interface BakeOptions {
  dryRun?: boolean;
  [flag: string]: unknown;
}

/** Runs `bake`; returns the exit code. */
export async function bakeCommand(globals: GlobalOptions, flags: BakeOptions, deps: Deps): Promise<number> {
  const [{ AbortError, EXIT }, { mergeSources, validateConfig }, { askNetwork }, { applySteps, planSteps }, { networkStep }, { bakeStep }, render, ctxMod, up] =
    await Promise.all([
      import('../errors.js'), import('../config/load.js'), import('../prompts/questions.js'), import('../engine/graph.js'),
      import('../steps/network.js'), import('../steps/bake.js'), import('../ui/render-plan.js'), import('./context.js'), import('./up.js'),
    ]);
  const { bakeCleanupStep } = await import('../steps/bake-cleanup.js');
  const steps = [networkStep, bakeStep, bakeCleanupStep];
  const input = mergeSources({ ...(globals.config ? { file: globals.config } : {}), env: deps.env, flags: { ...flags, ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) } });
  validateConfig(input); // a bad flag fails before anything is read from AWS
  const run = await ctxMod.createRun(globals, deps, input.region as string | undefined, !!flags.dryRun);
  try {
    const account = await ctxMod.callerAccount(run);
    await askNetwork(run.prompter, run.aws, input);
    run.prompter.assertComplete();
    const config = validateConfig(input);
    const ctx = ctxMod.stepContext(run, config, account);
    const header = { stack: config.stack, region: run.region, account };
    const planned = await planSteps(steps, ctx, run.progress.planning());
    run.progress.stop();
    const rows = steps.flatMap((s) => planned.get(s.id)?.rows ?? []);
    if (flags.dryRun) {
      run.out(globals.json ? JSON.stringify({ ...render.planDocument(header, rows), writes: 0 }, null, 2) : render.renderPlan(header, rows, run.chalk));
      return rows.some((r) => r.action === 'conflict') ? EXIT.failed : EXIT.ok;
    }
    if (!globals.json) run.note(render.renderPlan(header, rows, run.chalk));
    up.checkConflicts(rows);
    const report = (image: { imageId?: unknown; imageName?: string } | undefined) => {
      const writes = run.clients.writes.length;
      const imageId = typeof image?.imageId === 'string' ? image.imageId : null;
      if (globals.json) run.out(JSON.stringify({ ...header, imageId, imageName: image?.imageName ?? null, writes }, null, 2));
      else run.out(`${imageId ?? '(none)'}\t${image?.imageName ?? ''}`);
      return writes;
    };
    if (!render.hasChanges(rows)) {
      report(planned.get('bake')?.outputs as BakeOut | undefined);
      if (!globals.json) run.note(`No changes: the image is there (0 writes).`);
      return EXIT.ok;
    }
    await up.approveAdoptions(run, config, rows);
    if (!globals.yes) {
      const ok = await run.prompter.confirm({ id: 'yes', message: `Apply this plan to ${run.region}${run.sandbox ? ' (sandbox)' : ''}?`, default: true, required: true });
      run.prompter.assertComplete();
      if (!ok) throw new AbortError('plan not applied: nothing was changed');
    }
    const applied = await applySteps(steps, ctx, planned, run.progress);
    run.progress.stop();
    const writes = report(applied.get('bake')?.outputs as BakeOut | undefined);
    if (!globals.json) run.note(`Baked with ${writes} AWS writes. Next: asg-wizard up${run.sandbox ? ' --sandbox' : ''} uses this image (a new name makes a new launch template version).`);
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Adds `bake` to the program; `setExit` receives the command's exit code. */
export function registerBake(program: Command, deps: Deps, setExit: (code: number) => void): void {
  addStackOptions(program.command('bake'))
    .description('bake the web server image alone (network if needed, bake instance, AMI, clean-up); a new --image-name bakes a new version')
    .option('--dry-run', 'show the plan and change nothing')
    .addHelpText('after', EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      const all = cmd.optsWithGlobals() as GlobalOptions & BakeOptions;
      setExit(await bakeCommand(all, all, deps));
    });
}
