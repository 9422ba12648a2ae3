/**
 * `asg-wizard bake`: the AMI bake alone, through the same engine as `up` (the network step too,
 * since the bake instance needs a public subnet). Shows the plan, confirms (--yes skips), and
 * prints the image's id and name. A new `--image-name` bakes a new version; `up` then rolls it
 * out. In a terminal it asks the new image's name (the next version by default). The work is
 * loaded on use, so `--help` does not pay for the SDK.
 */
import { Option, type Command } from 'commander';
import type { Deps, GlobalOptions, Run } from './context.js';
import type { BakeOut } from '../steps/outputs.js';
import type { StackConfig } from '../config/schema.js';
import type { PartialInput } from '../config/load.js';
import { addParamOptions, helpExamples, RUN_OPTIONS } from './options.js';

const EXAMPLES = helpExamples([
  ['bake "Web Server v1" (or reuse it)', 'asg-wizard bake --yes'],
  ['bake a new version; asg-wizard up then rolls it out', 'asg-wizard bake --image-name "Web Server v2" --yes'],
  ['the plan, for machines', 'asg-wizard bake --dry-run --json'],
]);

export interface BakeOptions {
  dryRun?: boolean;
  [flag: string]: unknown;
}

/**
 * The name a new bake should get: one past the newest of this account's images named like the
 * stack's (`Web Server v3` after `v1`, `v2`); the stack's default name when there is none.
 */
export async function nextImageName(run: Run, config: StackConfig): Promise<string> {
  const m = /^(.*\bv)(\d+)$/.exec(config.image.name);
  if (!m) return config.image.name;
  const base = m[1]!;
  const images = await run.aws.compute.findImages([{ Name: 'name', Values: [`${base}*`] }]);
  const versions = images.map((i) => new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`).exec(i.name)?.[1]).filter((v): v is string => !!v).map(Number);
  return versions.length ? `${base}${Math.max(...versions) + 1}` : config.image.name;
}

/** In a terminal, the new image's name (the next version by default), unless --image-name gave it. */
async function askImageName(run: Run, input: PartialInput, config: StackConfig): Promise<void> {
  const [{ getPath, setPath }, { validateKey }] = await Promise.all([import('../config/load.js'), import('../prompts/questions.js')]);
  if (!run.prompter.interactive || getPath(input, 'image.name') !== undefined) return;
  const name = await run.prompter.input({
    id: 'image.name',
    message: 'Name of the new image',
    help: 'A new name bakes a new version; up then rolls it out (a new launch template version and an instance refresh). The current name reuses the image.',
    default: await nextImageName(run, config),
    validate: (s) => validateKey(input, 'image.name', s),
  });
  setPath(input, 'image.name', name);
}

/** Runs `bake`; returns the exit code. */
export async function bakeCommand(globals: GlobalOptions, flags: BakeOptions, deps: Deps): Promise<number> {
  const started = Date.now();
  const [{ AbortError, EXIT, wrapAwsError }, { mergeSources, validateConfig }, { askNetwork }, { applySteps, planSteps }, { networkStep }, { bakeStep }, render, ctxMod, up, { argsOf }, { readStackDefaults }] =
    await Promise.all([
      import('../errors.js'), import('../config/load.js'), import('../prompts/questions.js'), import('../engine/graph.js'),
      import('../steps/network.js'), import('../steps/bake.js'), import('../ui/render-plan.js'), import('./context.js'), import('./up.js'),
      import('../config/args.js'), import('../prompts/stack-defaults.js'),
    ]);
  const { bakeCleanupStep } = await import('../steps/bake-cleanup.js');
  const steps = [networkStep, bakeStep, bakeCleanupStep];
  const input = mergeSources({ ...(globals.config ? { file: globals.config } : {}), env: deps.env, flags: { ...flags, ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) } });
  validateConfig(input); // a bad flag fails before anything is read from AWS
  const run = await ctxMod.createRun(globals, deps, input.region as string | undefined, !!flags.dryRun);
  try {
    const account = await ctxMod.callerAccount(run);
    if (run.prompter.interactive) {
      const draft = validateConfig(input);
      run.host.note({ kind: 'context', context: { stack: draft.stack, region: run.region, account, target: up.runTarget(run), builds: `bakes an image for it (a bake instance and security group, both removed after)` } });
      try {
        await askNetwork(run.prompter, run.aws, input, await readStackDefaults(run.aws, draft));
        await askImageName(run, input, validateConfig(input));
      } catch (err) {
        throw wrapAwsError(err, 'preflight', 'read the stack');
      }
    }
    run.prompter.assertComplete();
    const config = validateConfig(input);
    const ctx = ctxMod.stepContext(run, config, account);
    const header = { stack: config.stack, region: run.region, account };
    const planned = await planSteps(steps, ctx, run.progress.planning());
    run.progress.stop();
    const rows = steps.flatMap((s) => planned.get(s.id)?.rows ?? []);
    if (flags.dryRun) {
      run.host.result({ kind: 'plan', title: 'Plan', header, rows });
      return rows.some((r) => r.action === 'conflict') ? EXIT.failed : EXIT.ok;
    }
    const rollOut = { command: run.cli('up', argsOf(input), { stack: config.stack, applies: true }), does: `builds or updates the stack with "${config.image.name}"` };
    const report = (image: { imageId?: unknown; imageName?: string } | undefined) => {
      const writes = run.clients.writes.length;
      run.host.result({ kind: 'image', header, imageId: typeof image?.imageId === 'string' ? image.imageId : null, imageName: image?.imageName ?? null, writes });
      return writes;
    };
    if (!render.hasChanges(rows)) {
      report(planned.get('bake')?.outputs as BakeOut | undefined);
      run.host.note({ kind: 'info', text: `No changes: the image "${config.image.name}" is there (0 writes).` });
      run.host.note({ kind: 'next', commands: [rollOut] });
      return EXIT.ok;
    }
    run.host.note({ kind: 'plan', title: 'Plan', header, rows });
    up.checkConflicts(rows);
    await up.approveAdoptions(run, config, rows);
    if (!globals.yes) {
      const ok = await run.prompter.confirm({ id: 'yes', message: `Apply this plan to ${run.region}${run.sandbox ? ' (sandbox)' : ''}?`, default: true, required: true });
      run.prompter.assertComplete();
      if (!ok) throw new AbortError('plan not applied: nothing was changed');
    }
    const applied = await applySteps(steps, ctx, planned, run.progress);
    run.progress.stop();
    const writes = report(applied.get('bake')?.outputs as BakeOut | undefined);
    const { duration } = await import('../ui/render-result.js');
    run.host.note({ kind: 'info', text: `Baked with ${writes} AWS writes in ${duration((Date.now() - started) / 1000)}. A new image name makes up create a new launch template version and refresh the group's instances.` });
    run.host.note({ kind: 'next', commands: [rollOut] });
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Adds `bake` to the program; `setExit` receives the command's exit code. */
export function registerBake(program: Command, deps: Deps, setExit: (code: number) => void): void {
  // What the bake uses: the network (its instance needs a public subnet), the image's options, the instance type.
  addParamOptions(program.command('bake'), { groups: ['network', 'image'], keys: ['instances.instanceType'] })
    .description('bake the web server image alone (network if needed, bake instance, AMI, clean-up); a new --image-name bakes a new version')
    .addOption(new Option('--adopt', 'take over same-named resources that asg-wizard did not create (tags them)').helpGroup(RUN_OPTIONS))
    .addOption(new Option('--dry-run', 'show the plan and change nothing').helpGroup(RUN_OPTIONS))
    .addHelpText('after', EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      const all = cmd.optsWithGlobals() as GlobalOptions & BakeOptions;
      setExit(await bakeCommand(all, all, deps));
    });
}
