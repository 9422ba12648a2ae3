/**
 * `asg-wizard iam-policy`: prints the least-privilege IAM policy the commands asked for need
 * (`--commands up,destroy`; all by default), built from the code's own list of the AWS calls it
 * makes (`aws/iam-actions.ts`), with resources narrowed to the stack's (its tag, its names, this
 * region and account). It reads the account from the credentials, unless `--account-id` says it;
 * it writes nothing. The policy goes to stdout, ready for `aws iam create-policy
 * --policy-document file://…`; `--json` wraps it in the envelope every command's `--json` shares.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { PARAM_FLAGS, optionAttr } from '../config/flags.js';
import type { Deps, GlobalOptions } from './context.js';
import { helpExamples } from './options.js';

const EXAMPLES = `${helpExamples([
  ['every command, this stack, this account', 'asg-wizard iam-policy > asg-wizard-policy.json'],
  ['read only: a reviewer\'s policy', 'asg-wizard iam-policy --commands plan,status'],
  ['up and destroy for stack Shop in another account', 'asg-wizard iam-policy --commands up,destroy --stack Shop \\\n      --account-id 123456789012'],
  ['then create it in IAM', 'aws iam create-policy --policy-name asg-wizard-Web \\\n      --policy-document file://asg-wizard-policy.json'],
])}`;

/** The flags of `iam-policy`. */
export interface IamPolicyOptions { commands?: string[]; accountId?: string; [flag: string]: unknown }

/** Name flags whose values are in the policy's ARNs. */
const NAME_KEYS = ['asg.name', 'notifications.topicName', 'notifications.topicArn', 'alb.certificateArn'];

/** Runs `iam-policy`; returns the exit code. */
export async function iamPolicyCommand(globals: GlobalOptions, flags: IamPolicyOptions, deps: Deps): Promise<number> {
  const [{ EXIT, UsageError }, { mergeSources, validateConfig }, ctxMod, { iamPolicy }, { POLICY_COMMANDS }, { instanceProfileName }] = await Promise.all([
    import('../errors.js'), import('../config/load.js'), import('./context.js'), import('../aws/iam-policy.js'), import('../aws/iam-actions.js'),
    import('../steps/instance-profile.js'),
  ]);
  const asked = flags.commands ?? [...POLICY_COMMANDS];
  const unknown = asked.filter((c) => !(POLICY_COMMANDS as readonly string[]).includes(c));
  if (unknown.length || !asked.length) {
    throw new UsageError(`--commands ${asked.join(',') || '""'}: ${unknown.length ? `no command ${unknown.join(', ')}` : 'name at least one'}`, `choose from ${POLICY_COMMANDS.join(', ')}`);
  }
  const names = Object.fromEntries(PARAM_FLAGS.filter((f) => NAME_KEYS.includes(f.key)).map((f) => [optionAttr(f.flag), flags[optionAttr(f.flag)]]));
  const input = mergeSources({
    ...(globals.config ? { file: globals.config } : {}), env: deps.env,
    flags: { ...names, ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) },
  });
  const config = validateConfig(input);
  const run = await ctxMod.createRun(globals, deps, input.region as string | undefined, true);
  try {
    const account = flags.accountId ?? (await ctxMod.callerAccount(run));
    const policy = iamPolicy(asked as (typeof POLICY_COMMANDS)[number][], {
      stack: config.stack, region: run.region, account, asgName: config.asg.name, topicName: config.notifications.topicName,
      ...(config.notifications.topicArn ? { topicArn: config.notifications.topicArn } : {}),
      ...(config.alb.certificateArn ? { certificateArn: config.alb.certificateArn } : {}),
      roleName: instanceProfileName(config),
    });
    if (globals.json) {
      run.out(JSON.stringify({ stack: config.stack, region: run.region, account, commands: asked, policy, writes: run.clients.writes.length }, null, 2));
    } else {
      run.out(JSON.stringify(policy, null, 2));
      run.note(`The policy for ${asked.join(', ')} of stack ${config.stack} in ${run.region} (account ${account}): ${policy.Statement.reduce((n, s) => n + s.Action.length, 0)} actions.`);
    }
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

function commandList(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new InvalidArgumentError('name at least one command.');
  return list;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be a 12-digit AWS account id.');
  return value;
}

/** Adds `iam-policy` to the program; `setExit` receives the command's exit code. */
export function registerIamPolicy(program: Command, deps: Deps, setExit: (code: number) => void): void {
  const cmd = program.command('iam-policy')
    .description('print the least-privilege IAM policy the commands need (JSON), from the code\'s own list of AWS actions; writes nothing')
    .option('--commands <list>', 'the commands to allow, comma-separated: up, plan, status, notify, bake, scale, destroy, load (default all)', commandList)
    .option('--account-id <id>', 'the account the ARNs name (default: the credentials\' account)', accountId);
  for (const f of PARAM_FLAGS.filter((x) => NAME_KEYS.includes(x.key))) cmd.option(`${f.flag} <value>`, f.description);
  cmd.addHelpText('after', EXAMPLES).action(async (_opts, c: Command) => {
    const all = c.optsWithGlobals() as GlobalOptions & IamPolicyOptions;
    setExit(await iamPolicyCommand(all, all, deps));
  });
}
