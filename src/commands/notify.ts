/**
 * `asg-wizard notify`: wires any Auto Scaling groups of the region (ours or not) to an SNS
 * topic, so a monitor hears "terminated by Auto Scaling" instead of raising a server-down
 * alarm. Only the options live here; the work is in notifications/hookup.ts, loaded on use so
 * `--help` does not pay for the SDK.
 */
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { PARAM_FLAGS, type FlagSpec } from '../config/flags.js';
import type { Deps } from './context.js';
import type { NotifyOptions } from '../notifications/hookup.js';
import { helpExamples } from './options.js';

const EXAMPLES = `${helpExamples([
  ['pick groups from the list (already configured ones are marked)', 'asg-wizard notify'],
  ['wire every group to <stack>-ASG-events, unattended', 'asg-wizard notify --all --yes'],
  ["wire one group to a monitoring vendor's topic", 'asg-wizard notify --group web-asg \\\n      --topic-arn arn:aws:sns:REGION:ACCOUNT:whatap-serverdown-push'],
  ['subscribe a webhook to the events', 'asg-wizard notify --all --subscription-protocol https \\\n      --subscription-endpoint https://monitor.example.com/aws'],
  ['unwire a group', 'asg-wizard notify --group web-asg --remove'],
])}

Credentials come from the SDK's chain (environment, --profile, SSO,
instance role); they are never asked for.`;

function optionOf(spec: FlagSpec): Option {
  const o = new Option(`${spec.flag}${spec.kind === 'list' ? ' <list>' : ' <value>'}`, spec.description);
  if (spec.kind === 'list') o.argParser((v: string) => v.split(',').map((s) => s.trim()).filter(Boolean));
  return o;
}

function collect(value: string, previous: string[] = []): string[] {
  if (!value.trim()) throw new InvalidArgumentError('a group name may not be empty.');
  return [...previous, value];
}

/** Adds `notify` to the program; `setExit` receives the command's exit code. */
export function registerNotify(program: Command, deps: Deps, setExit: (code: number) => void): void {
  const cmd = program
    .command('notify')
    .description('wire Auto Scaling groups (any in the region, ours or not) to an SNS topic for launch and terminate events; only what is missing is written')
    .option('--group <name>', 'an Auto Scaling group to wire (repeat for more)', collect)
    .option('--all', 'every Auto Scaling group in the region')
    .option('--remove', 'unwire the chosen groups from the topic (DeleteNotificationConfiguration)')
    .option('--adopt', 'take over a same-named topic that asg-wizard did not create (tags it)');
  for (const spec of PARAM_FLAGS.filter((f) => f.key.startsWith('notifications.'))) cmd.addOption(optionOf(spec));
  cmd.addHelpText('after', EXAMPLES).action(async (_opts, c: Command) => {
    const { runNotify } = await import('../notifications/hookup.js');
    setExit(await runNotify(c.optsWithGlobals() as NotifyOptions, deps));
  });
}
