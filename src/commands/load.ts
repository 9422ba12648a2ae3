/**
 * `asg-wizard load`: the lab's experiment, done by the tool. The lab ends by loading the
 * instances' CPU to watch the group scale out, then back in; this loads every InService
 * instance for `--minutes` (through the load balancer, with the stack's load token: `/load`
 * refuses anyone without it) and shows, live, what the scaling policy does — its alarms, the
 * desired capacity, each launch and termination with its cause, targets turning healthy — until
 * the group is back to its size. `--json` gives the timeline. The work is loaded on use.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Deps, GlobalOptions } from './context.js';
import { helpExamples } from './options.js';

const EXAMPLES = `${helpExamples([
  ['5 minutes of CPU load; watch the scale-out, then the scale-in (~25 min)', 'asg-wizard load'],
  ['the timeline as one JSON document at the end', 'asg-wizard load --minutes 10 --json'],
])}

Only asg-wizard load can load the instances: /load asks for the stack's load
token, which the launch template gives the instances at boot. Ctrl-C stops
watching; the load runs its course.`;

export interface LoadOptions { minutes?: number; interval?: number }

function wholeNumber(lo: number, hi: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < lo || n > hi) throw new InvalidArgumentError(`must be ${what} from ${lo} to ${hi}.`);
    return n;
  };
}

/** Runs `load`; returns the exit code. */
export async function loadCommand(globals: GlobalOptions, flags: LoadOptions, deps: Deps): Promise<number> {
  const [{ EXIT }, { mergeSources, validateConfig }, ctxMod, { runLoad }] = await Promise.all([
    import('../errors.js'), import('../config/load.js'), import('./context.js'), import('./load-run.js'),
  ]);
  const input = mergeSources({
    ...(globals.config ? { file: globals.config } : {}), env: deps.env,
    flags: { ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) },
  });
  const config = validateConfig(input);
  const run = await ctxMod.createRun(globals, deps, input.region as string | undefined, true);
  try {
    const account = await ctxMod.callerAccount(run);
    const doc = await runLoad(run, config, account, { minutes: flags.minutes ?? 5, intervalSeconds: flags.interval ?? 15, json: !!globals.json });
    if (globals.json) run.out(JSON.stringify(doc, null, 2));
    else if (!doc.settled) run.host.note({ kind: 'next', commands: [{ command: run.cli('status', ['--watch'], { stack: config.stack }), does: 'follows the group on' }] });
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Adds `load` to the program; `setExit` receives the command's exit code. */
export function registerLoad(program: Command, deps: Deps, setExit: (code: number) => void): void {
  program.command('load')
    .description("load the instances' CPU (the lab's experiment) and watch the group scale out, then in, each launch and termination with its cause")
    .option('--minutes <n>', 'how long the instances are kept busy (default 5)', wholeNumber(1, 60, 'a whole number of minutes'))
    .option('--interval <seconds>', 'seconds between looks while watching (default 15)', wholeNumber(1, 300, 'a whole number of seconds'))
    .addHelpText('after', EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      const all = cmd.optsWithGlobals() as GlobalOptions & LoadOptions;
      setExit(await loadCommand(all, all, deps));
    });
}
