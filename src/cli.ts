/**
 * The command line. The only place that catches errors, prints them and sets the exit code:
 * 0 done, 1 failed, 2 invalid input (nothing written), 130 interrupted, 143 terminated.
 */
// First, before anything that may load the AWS SDK: its Node-version notice stays off.
import './sdk-notice.js';
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { AbortError, EXIT, WizardError, clip } from './errors.js';
import type { Deps, GlobalOptions } from './commands/context.js';
import type { ProgressChannel } from './ui/io-host.js';
import type { AwsClients } from './aws/clients.js';
import { commandLine, launcherOf } from './ui/command-line.js';
import { interruptReport } from './ui/interrupt.js';
import { terminalWidth, usable, wrap } from './ui/fit.js';
import { helpExamples, RUN_OPTIONS } from './commands/options.js';
import { registerBake } from './commands/bake.js';
import { registerStatus } from './commands/status.js';
import { registerNotify } from './commands/notify.js';
import { registerDestroy } from './commands/destroy.js';
import { registerScale } from './commands/scale.js';
import { registerLoad } from './commands/load.js';
import { registerIamPolicy } from './commands/iam-policy.js';
import { packageVersion } from './package-files.js';

const version = packageVersion();

const EXIT_HELP = `
Exit codes:
  0    done (plan --detailed-exitcode: no changes)
  1    failed (an AWS error, a conflict, a time-out)
  2    invalid input: a bad or missing flag or config value, no credentials
       or region; nothing was written (plan --detailed-exitcode: changes
       pending)
  130  interrupted (Ctrl-C or a "no" at a prompt)
  143  terminated (SIGTERM, e.g. a cancelled CI job); run the same command
       again to finish

Without an AWS account: add --sandbox to any command (a simulated account
in ~/.asg-wizard/sandbox.json). Documentation: README.md`;

const UP_EXAMPLES = helpExamples([
  ['try the whole lab with no AWS account', 'asg-wizard up --sandbox'],
  ["answer the questions (Enter keeps the lab's values)", 'asg-wizard up'],
  ['unattended, the answers from a file (CI)', 'asg-wizard up --yes --config asg-wizard.yaml'],
  ['another stack, with its own sizes', 'asg-wizard up --stack Shop --max-size 6 --yes'],
  ['apply exactly a plan saved by plan --out', 'asg-wizard up --plan plan.json'],
]);

const PLAN_EXAMPLES = helpExamples([
  ['what up would do, changing nothing', 'asg-wizard plan --sandbox'],
  ['the same for machines', 'asg-wizard plan --json'],
  ['exit 2 when changes are pending (CI)', 'asg-wizard plan --detailed-exitcode'],
  ['save it for review; apply it with up --plan plan.json', 'asg-wizard plan --out plan.json'],
]);

/**
 * Help items as commander draws them, except where the description column would be too narrow
 * to wrap at spaces (commander then leaves it to the terminal, which breaks words): there the
 * description goes on the next line, wrapped to the whole width.
 */
function formatItem(term: string, termWidth: number, description: string, helper: { helpWidth?: number }): string {
  const width = (helper.helpWidth ?? 79) + 1;
  if (!description) return `  ${term}`;
  const room = width - termWidth - 4;
  if (room >= 28) return wrap(description, room).map((l, i) => (i === 0 ? `  ${term.padEnd(termWidth)}  ${l}` : `${' '.repeat(termWidth + 4)}${l}`)).join('\n');
  return [`  ${term}`, ...wrap(description, width, '      ')].join('\n');
}

// Kept in commands/options.ts so commands can add them without importing this file.
export { addStackOptions } from './commands/options.js';
import { addStackOptions } from './commands/options.js';

/** The program; `deps` are the outside world (tests pass their own streams, env and prompter). */
export function createProgram(deps: Deps): Command {
  const program = new Command('asg-wizard');
  let exitCode = EXIT.ok as number;
  // Help fits the terminal it goes to, one column short of full (a full line wraps on some terminals).
  const helpWidth = (stream: unknown) => usable(terminalWidth(stream as { isTTY?: boolean; columns?: number }) ?? 80);
  program.configureHelp({ showGlobalOptions: true, formatItem: formatItem as never });
  program
    .description('Stand up the AWS Immersion Day auto-scaling web service: AMI, ALB, launch template, Auto Scaling group, SNS feedback hookup. Safe to run again.')
    .version(version, '-V, --version')
    .option('--profile <name>', 'AWS profile (shared config / SSO)')
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (LocalStack, moto); AWS_ENDPOINT_URL* work too')
    .option('--stack <name>', 'stack name; resources are named from it (default Web, the lab\'s names)')
    .option('--config <file>', 'YAML file of answers (see README "Config file")')
    .option('--json', 'results as JSON on stdout; progress as JSON lines on stderr')
    .option('-y, --yes', 'never prompt; apply without asking')
    .option('--non-interactive', 'never prompt (missing answers are an error)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--sandbox [file]', 'use a simulated AWS account kept in FILE (default ~/.asg-wizard/sandbox.json)')
    .option('--debug', 'show stack traces of errors')
    .addHelpText('after', EXIT_HELP)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      getOutHelpWidth: () => helpWidth(deps.stdout),
      getErrHelpWidth: () => helpWidth(deps.stderr),
      // commander echoes a bad value whole ("argument '<5 MB>' is invalid"): name its start.
      outputError: (s, write) => write(s.replace(/'([^'\n]{61,})'/g, (_m, v: string) => `'${clip(v)}'`)),
    });

  const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;

  addStackOptions(program.command('up'))
    .description('build or update the whole stack, each step detected first and reused if present')
    .addOption(new Option('--dry-run', 'show the plan and change nothing (same as plan)').helpGroup(RUN_OPTIONS))
    .addOption(new Option('--no-verify', 'skip the last check that the URL answers (an emulator\'s load balancer has no address)').helpGroup(RUN_OPTIONS))
    .addOption(new Option('--plan <file>', 'apply exactly the plan saved by plan --out FILE (refused if AWS changed since)').helpGroup(RUN_OPTIONS))
    .addOption(new Option('--verbose', 'show the whole plan even when nothing changes').helpGroup(RUN_OPTIONS))
    .addHelpText('after', UP_EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      // Loaded on use: the SDK clients cost a second of start-up that --help and --version need not pay.
      const { upCommand } = await import('./commands/up.js');
      exitCode = await upCommand(globals(cmd), globals(cmd), deps, 'up');
    });

  addStackOptions(program.command('plan'))
    .description('show what up would do (create / reuse / update / adopt / conflict); writes nothing, never prompts')
    .addOption(new Option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes pending, 1 on error (as Terraform)').helpGroup(RUN_OPTIONS))
    .addOption(new Option('--out <file>', 'save the plan (plain JSON, no secrets) for up --plan FILE to apply exactly').helpGroup(RUN_OPTIONS))
    .addHelpText('after', PLAN_EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      const { upCommand } = await import('./commands/up.js');
      exitCode = await upCommand(globals(cmd), globals(cmd), deps, 'plan');
    });

  const setExit = (code: number) => {
    exitCode = code;
  };
  registerStatus(program, deps, setExit);
  registerNotify(program, deps, setExit);
  registerBake(program, deps, setExit);
  registerScale(program, deps, setExit);
  registerLoad(program, deps, setExit);
  registerDestroy(program, deps, setExit);
  registerIamPolicy(program, deps, setExit);

  program.action(async () => {
    // `asg-wizard statu`: a mistyped command, not arguments for the menu.
    if (program.args.length) (program as unknown as { unknownCommand(): never }).unknownCommand();
    const opts = program.opts() as GlobalOptions;
    if (!deps.isTTY || opts.yes || opts.nonInteractive || (deps.env.CI && deps.env.CI !== 'false')) {
      program.outputHelp({ error: false });
      return;
    }
    const { chooseCommand } = await import('./commands/menu.js');
    const next = await chooseCommand(opts, deps);
    await program.parseAsync([...process.argv.slice(0, 2), ...next, ...rawArgs(program)], { from: 'node' });
  });
  // The program's own action takes no arguments; a word there is an unknown command, answered
  // by the action with a suggestion ("did you mean status?"). Set last, so the commands above
  // keep refusing extra arguments.
  program.allowExcessArguments(true);

  Object.defineProperty(program, 'wizardExitCode', { get: () => exitCode });
  return program;
}

function rawArgs(program: Command): string[] {
  return program.args.length ? [] : (program as unknown as { rawArgs: string[] }).rawArgs.slice(2);
}

/** Prints an error the way users read it: one line, a hint, no trace (unless --debug). */
export function reportError(err: unknown, deps: Deps, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    // commander has printed its own one-line message already.
    return EXIT.usage;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const name = (e as { name?: string }).name;
  if (name === 'ExitPromptError' || name === 'AbortPromptError') {
    deps.stderr.write('interrupted: nothing more was asked or done\n');
    return EXIT.interrupted;
  }
  if (e instanceof AbortError) {
    // The user's own "no" (or Ctrl-C at a question): said plainly, not as an error.
    deps.stderr.write(`${e.message}\n`);
    if (e.suggestion) deps.stderr.write(`hint: ${e.suggestion}\n`);
    return e.exitCode;
  }
  deps.stderr.write(`error: ${e.message}\n`);
  if (e instanceof WizardError && e.suggestion) deps.stderr.write(`hint: ${e.suggestion}\n`);
  if (debug && e.stack) deps.stderr.write(`${e.stack}\n`);
  if (e instanceof WizardError) return e.exitCode;
  if (!debug) deps.stderr.write('hint: rerun with --debug for the stack trace\n');
  return EXIT.failed;
}

/** Runs the program; returns the exit code (the caller sets process.exitCode). */
export async function runCli(argv: string[], deps: Deps): Promise<number> {
  const program = createProgram({ ...deps, launcher: deps.launcher ?? launcherOf(argv[1], deps.env, process.cwd()) });
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'node' });
    return (program as unknown as { wizardExitCode: number }).wizardExitCode;
  } catch (err) {
    return reportError(err, deps, debug);
  }
}

/**
 * A reader that goes away (`asg-wizard up | head -1`, a closed terminal) must not end the
 * work: the run finishes or fails as it would have, and exits with its real code. The dead
 * stream is written no more (Node would otherwise raise EPIPE on every later write).
 */
function surviveClosedStream(stream: NodeJS.WriteStream): void {
  stream.on('error', () => {
    stream.write = ((_chunk: unknown, enc?: unknown, cb?: unknown) => {
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  });
}

/** The options of `args` that name the account and the stack (with their values). */
function accountArgs(args: string[]): string[] {
  const named = ['--sandbox', '--stack', '--region', '--profile', '--endpoint-url'];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (named.some((f) => a.startsWith(`${f}=`))) out.push(a);
    else if (named.includes(a)) {
      out.push(a);
      const v = args[i + 1];
      if (v !== undefined && !v.startsWith('-')) out.push(args[++i]!);
    }
  }
  return out;
}

/** What the signal handler reads of the run under way. */
interface Running { progress?: ProgressChannel; clients?: AwsClients; argv: string[]; launcher: string; hasDestroy: () => boolean }

/**
 * Ctrl-C (SIGINT, 130) and SIGTERM (143, what CI sends on cancel): nothing more is started,
 * the steps in flight are named, what this run made that goes on (and is billed) in AWS is
 * said, and how to finish or remove it. Every step is safe to run again, so the next run picks
 * up whatever the interrupted calls did or did not do.
 */
function onInterrupt(signal: 'SIGINT' | 'SIGTERM', running: () => Running, takenOver: () => boolean = () => false): void {
  process.once(signal, () => {
    // A command that stops cleanly on Ctrl-C (status --watch, load) took it over: it ends with 0.
    if (takenOver()) {
      onInterrupt(signal, running, takenOver);
      return;
    }
    const r = running();
    r.progress?.stop();
    const args = r.argv.slice(2);
    const lines = interruptReport({
      signal, inFlight: r.progress?.inFlight() ?? [], writes: r.clients?.writes ?? [],
      rerun: commandLine(r.launcher, args[0] ?? '', args.slice(1)),
      ...(r.hasDestroy() ? { remove: commandLine(r.launcher, 'destroy', accountArgs(args)) } : {}),
      sandbox: !!r.clients?.options.sandbox,
    });
    process.stderr.write(`\n${lines.join('\n')}\n`);
    process.stderr.write('hint: run the same command again to finish from where it stopped\n');
    process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
  });
}

/** The binary's entry: real streams, real environment, signals → 130 / 143. */
export async function main(argv: string[]): Promise<void> {
  const launcher = launcherOf(argv[1], process.env, process.cwd());
  const running: Running = { argv, launcher, hasDestroy: () => false };
  const sigint = new Set<() => void>();
  const deps: Deps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // stderr first: without a terminal there, stdin's stream (~8 ms to make) is never needed.
    isTTY: !!process.stderr.isTTY && !!process.stdin.isTTY,
    launcher,
    onProgress: (p) => (running.progress = p),
    onClients: (c) => (running.clients = c),
    onSigint: (handler) => {
      sigint.add(handler);
      return () => sigint.delete(handler);
    },
  };
  // Whether a `destroy` command exists to suggest, looked up only when a signal comes.
  running.hasDestroy = () => createProgram(deps).commands.some((c) => c.name() === 'destroy');
  surviveClosedStream(process.stdout);
  surviveClosedStream(process.stderr);
  onInterrupt('SIGINT', () => running, () => {
    if (!sigint.size) return false;
    for (const h of [...sigint]) h();
    return true;
  });
  onInterrupt('SIGTERM', () => running);
  process.exitCode = await runCli(argv, deps);
}
