/**
 * `asg-wizard scale`: the group's capacity by hand, as the lab ends (seed 003): sizes
 * (`--min-size/--desired-capacity/--max-size`, checked against each other and the group),
 * `--stop` (min = desired = 0, the lab's way to stop a group without deleting it) and `--start`
 * (back to the stack's sizes, or given ones), and scheduled actions on a cron recurrence
 * (`--schedule NAME --recurrence "0 22 * * 1-5" --time-zone Asia/Seoul …`, `--list-schedules`,
 * `--delete-schedule NAME`). What it sets is the stack's from then on: `up` keeps it
 * (steps/group-sizes.ts). Only the stack's own group (tagged with it) is scaled; the same call
 * twice writes nothing the second time. Every check is made before the first write.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Deps, GlobalOptions } from './context.js';
import { parseInt10, helpExamples } from './options.js';

const EXAMPLES = `${helpExamples([
  ['the group\'s sizes and scheduled actions', 'asg-wizard scale'],
  ['one more instance (within min and max)', 'asg-wizard scale --desired-capacity 3'],
  ['a wider range', 'asg-wizard scale --min-size 1 --max-size 6'],
  ['min = desired = 0: every instance goes, nothing is deleted', 'asg-wizard scale --stop'],
  ['back to the stack\'s sizes (or give them)', 'asg-wizard scale --start'],
  ['stop it every night at 22:00 Seoul time', 'asg-wizard scale --schedule night --recurrence "0 22 * * *" \\\n      --time-zone Asia/Seoul --min-size 0 --desired-capacity 0'],
  ['start it on weekday mornings', 'asg-wizard scale --schedule morning --recurrence "0 8 * * 1-5" \\\n      --time-zone Asia/Seoul --min-size 2 --desired-capacity 2'],
  ['delete a scheduled action', 'asg-wizard scale --delete-schedule night'],
])}

A later up keeps what scale set: a stopped group stays stopped unless up is
given sizes.`;

/** The flags of `scale`. */
export interface ScaleOptions {
  asgName?: string;
  minSize?: number;
  desiredCapacity?: number;
  maxSize?: number;
  stop?: boolean;
  start?: boolean;
  schedule?: string;
  recurrence?: string;
  startTime?: string;
  endTime?: string;
  timeZone?: string;
  listSchedules?: boolean;
  deleteSchedule?: string;
}

/** Runs `scale`; returns the exit code. */
export async function scaleCommand(globals: GlobalOptions, flags: ScaleOptions, deps: Deps): Promise<number> {
  const { planScale, runScale } = await import('./scale-run.js');
  // Every flag is checked before anything is read or written.
  const request = planScale(flags);
  return runScale(globals, flags, request, deps);
}

function parseSize(value: string): number {
  const n = parseInt10(value);
  if (n < 0) throw new InvalidArgumentError('must be 0 or more.');
  return n;
}

/** Adds `scale` to the program; `setExit` receives the command's exit code. */
export function registerScale(program: Command, deps: Deps, setExit: (code: number) => void): void {
  program.command('scale')
    .description("change the group's capacity by hand (min / desired / max, --stop, --start) and its scheduled actions; up keeps what scale set")
    .option('--asg-name <name>', 'the Auto Scaling group (default <stack>-ASG)')
    .option('--min-size <n>', 'minimum instances', parseSize)
    .option('--desired-capacity <n>', 'desired instances (within min and max)', parseSize)
    .option('--max-size <n>', 'maximum instances', parseSize)
    .option('--stop', 'min = desired = 0: every instance is terminated, nothing is deleted (the stack\'s sizes are kept for --start)')
    .option('--start', "back to the stack's sizes (or the ones given) after --stop")
    .option('--schedule <name>', 'create or replace the scheduled action NAME (with --recurrence or --start-time, and sizes)')
    .option('--recurrence <cron>', 'when a scheduled action runs: five cron fields, e.g. "0 22 * * 1-5"')
    .option('--start-time <iso>', 'a one-time scheduled action\'s time (or a recurring one\'s first), e.g. 2030-01-31T22:00:00Z')
    .option('--end-time <iso>', 'when a recurring scheduled action stops')
    .option('--time-zone <zone>', 'the IANA time zone of --recurrence, e.g. Asia/Seoul (default UTC)')
    .option('--list-schedules', "list the group's scheduled actions")
    .option('--delete-schedule <name>', 'delete the scheduled action NAME')
    .addHelpText('after', EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      const all = cmd.optsWithGlobals() as GlobalOptions & ScaleOptions;
      setExit(await scaleCommand(all, all, deps));
    });
}
