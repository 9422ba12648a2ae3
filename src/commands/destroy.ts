/**
 * `asg-wizard destroy`: deletes what this tool made for a stack, and nothing else. It plans the
 * deletions first — every lab step's teardown finds the stack's resources by their tag, and the
 * engine orders them by walking the step graph backwards — shows them (`-` rows, the same plan
 * renderer and JSON as `plan`), asks the person to type the stack name (`--yes` for CI), then
 * carries out exactly those rows. A resource of the stack's name without the stack's tag is
 * shown as kept and never touched. Interrupted at any point, running it again finishes the job;
 * a stack with nothing left says so and exits 0. The work is loaded on use.
 */
import type { Command } from 'commander';
import { PARAM_FLAGS, optionAttr } from '../config/flags.js';
import type { Deps, GlobalOptions } from './context.js';
import { helpExamples } from './options.js';

const EXAMPLES = `${helpExamples([
  ['show what goes, then type the stack name to confirm', 'asg-wizard destroy'],
  ['the plan of deletions only (writes nothing, never asks)', 'asg-wizard destroy --dry-run'],
  ['unattended (CI): the plan as applied, with the write count', 'asg-wizard destroy --yes --json'],
  ['everything but the baked images (a later up reuses them)', 'asg-wizard destroy --keep-image'],
  ['another stack (built with --stack Shop)', 'asg-wizard destroy --stack Shop'],
])}

Only resources tagged asg-wizard:stack=<stack> are deleted. Security groups,
the load balancer, the target group and the topic are looked up by the names
the stack was built with: give destroy the same name flags (or --config file)
that up had.`;

/** Flags `destroy` takes (names come from the same flags and config file as `up`). */
export interface DestroyOptions {
  dryRun?: boolean;
  keepImage?: boolean;
  [flag: string]: unknown;
}

/** The name flags a stack may have been built with: destroy looks its resources up by them. */
export const NAME_KEYS = [
  'network.vpcName', 'alb.name', 'alb.securityGroupName', 'alb.targetGroupName', 'instances.securityGroupName',
  'launchTemplate.name', 'asg.name', 'notifications.topicName',
] as const;

/** Runs `destroy`; returns the exit code. */
export async function destroyCommand(globals: GlobalOptions, flags: DestroyOptions, deps: Deps): Promise<number> {
  const [{ EXIT }, { mergeSources, validateConfig }, ctxMod, graph, { reverseGraph }, { ALL_STEPS }, { teardownSteps }, render] = await Promise.all([
    import('../errors.js'), import('../config/load.js'), import('./context.js'), import('../engine/graph.js'), import('../engine/destroy.js'),
    import('../steps/index.js'), import('../steps/teardown/index.js'), import('../ui/render-plan.js'),
  ]);
  const names = Object.fromEntries(nameFlags().map((f) => [optionAttr(f.flag), flags[optionAttr(f.flag)]]));
  const input = mergeSources({
    ...(globals.config ? { file: globals.config } : {}), env: deps.env,
    flags: { ...names, ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) },
  });
  // A stack name with bad characters (or any bad value) fails here: exit 2, nothing read or written.
  const config = validateConfig(input);
  // Unattended, only --yes may destroy: said before anything is read, in one line.
  if (!flags.dryRun && !globals.yes && ctxMod.isUnattended(globals, deps)) {
    const { MissingInputError } = await import('../errors.js');
    throw new MissingInputError([{ flag: '--yes', key: 'yes' }]);
  }
  const run = await ctxMod.createRun(globals, deps, input.region as string | undefined, !!flags.dryRun);
  try {
    const account = await ctxMod.callerAccount(run);
    const ctx = ctxMod.stepContext(run, config, account);
    const steps = reverseGraph(ALL_STEPS, teardownSteps({ keepImage: !!flags.keepImage }));
    const header = { stack: config.stack, region: run.region, account };
    const planned = await graph.planSteps(steps, ctx, run.progress.planning());
    run.progress.stop();
    const rows = graph.planRows(steps, planned);
    const doc = (r: typeof rows, writes: number) => JSON.stringify({ ...render.planDocument(header, r), exists: r.some((x) => x.action !== 'reuse'), writes }, null, 2);
    if (!render.hasChanges(rows)) {
      if (globals.json) run.out(doc(rows, 0));
      else {
        if (rows.length) run.host.note({ kind: 'plan', title: 'Destroy plan', header, rows });
        run.out(`Stack ${config.stack} has nothing to destroy in ${run.region} (account ${account}): nothing of it exists${rows.length ? '; what is kept above is not its own' : ''}.`);
      }
      return EXIT.ok;
    }
    if (flags.dryRun) {
      if (globals.json) run.out(doc(rows, 0));
      else run.host.result({ kind: 'plan', title: 'Destroy plan', header, rows, writes: 0 });
      return EXIT.ok;
    }
    run.host.note({ kind: 'plan', title: 'Destroy plan', header, rows });
    if (!globals.yes) {
      // The stack's name, typed: a slip of the Enter key must not delete a stack.
      await run.prompter.input({
        id: 'yes',
        message: `Type the stack name (${config.stack}) to delete these resources from ${run.region}${run.sandbox ? ' (sandbox)' : ''}`,
        validate: (v) => (v.trim() === config.stack ? true : `"${v.trim()}" is not the stack's name: type ${config.stack} to destroy it, or press Ctrl-C to stop`),
      });
      run.prompter.assertComplete();
    }
    const applied = await graph.applySteps(steps, ctx, planned, run.progress);
    run.progress.stop();
    const done = graph.planRows(steps, applied);
    const writes = run.clients.writes.length;
    if (globals.json) run.out(doc(done, writes));
    else {
      run.out(render.renderDestroyed(done, writes));
      for (const r of done.filter((x) => x.action === 'update' && x.reason)) run.note(`${r.name}: ${r.reason}`);
      run.host.note({ kind: 'next', commands: [{ command: run.cli('up', [], { stack: config.stack, applies: true }), does: 'builds the stack anew' }] });
    }
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Adds `destroy` to the program; `setExit` receives the command's exit code. */
export function registerDestroy(program: Command, deps: Deps, setExit: (code: number) => void): void {
  const cmd = program.command('destroy')
    .description('delete what asg-wizard made for the stack (only resources tagged with it), in reverse dependency order; asks for the stack name unless --yes')
    .option('--dry-run', 'show the plan of deletions and change nothing')
    .option('--keep-image', 'keep the baked images and their snapshots');
  addNameOptions(cmd);
  cmd.addHelpText('after', EXAMPLES).action(async (_opts, c: Command) => {
    const all = c.optsWithGlobals() as GlobalOptions & DestroyOptions;
    setExit(await destroyCommand(all, all, deps));
  });
}

/** The name flags (`--alb-name`, …) of the keys destroy looks resources up by. */
function nameFlags() {
  return PARAM_FLAGS.filter((f) => (NAME_KEYS as readonly string[]).includes(f.key));
}

function addNameOptions(cmd: Command): void {
  for (const f of nameFlags()) cmd.option(`${f.flag} <value>`, f.description);
}
