/**
 * The command line. The only place that catches errors, prints them and sets the exit code:
 * 0 done, 1 failed, 2 invalid input (nothing written), 130 interrupted.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { EXIT, WizardError } from './errors.js';
import type { Deps, GlobalOptions } from './commands/context.js';
import { registerBake } from './commands/bake.js';
import { registerStatus } from './commands/status.js';
import { registerNotify } from './commands/notify.js';
import { packageFile } from './package-files.js';

const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };

const EXIT_HELP = `
Exit codes:
  0    done (plan --detailed-exitcode: no changes)
  1    failed (an AWS error, a conflict, a time-out)
  2    invalid input: a bad or missing flag or config value, no credentials or region;
       nothing was written (plan --detailed-exitcode: changes pending)
  130  interrupted (Ctrl-C or a "no" at a prompt)

Without an AWS account: add --sandbox to any command (a simulated account in ~/.asg-wizard/sandbox.json).
Documentation: README.md`;

// Kept in commands/options.ts so commands can add them without importing this file.
export { addStackOptions } from './commands/options.js';
import { addStackOptions } from './commands/options.js';

/** The program; `deps` are the outside world (tests pass their own streams, env and prompter). */
export function createProgram(deps: Deps): Command {
  const program = new Command('asg-wizard');
  let exitCode = EXIT.ok as number;
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
    });

  const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;

  addStackOptions(program.command('up'))
    .description('build or update the whole stack, each step detected first and reused if present')
    .option('--dry-run', 'show the plan and change nothing (same as plan)')
    .action(async (_opts, cmd: Command) => {
      // Loaded on use: the SDK clients cost a second of start-up that --help and --version need not pay.
      const { upCommand } = await import('./commands/up.js');
      exitCode = await upCommand(globals(cmd), globals(cmd), deps, 'up');
    });

  addStackOptions(program.command('plan'))
    .description('show what up would do (create / reuse / update / adopt / conflict); writes nothing, never prompts')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes pending, 1 on error (as Terraform)')
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

  program.action(async () => {
    const opts = program.opts() as GlobalOptions;
    if (!deps.isTTY || opts.yes || opts.nonInteractive || (deps.env.CI && deps.env.CI !== 'false')) {
      program.outputHelp({ error: false });
      return;
    }
    const { chooseCommand } = await import('./commands/menu.js');
    const next = await chooseCommand(deps);
    await program.parseAsync([...process.argv.slice(0, 2), next, ...rawArgs(program)], { from: 'node' });
  });

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
  deps.stderr.write(`error: ${e.message}\n`);
  if (e instanceof WizardError && e.suggestion) deps.stderr.write(`hint: ${e.suggestion}\n`);
  if (debug && e.stack) deps.stderr.write(`${e.stack}\n`);
  if (e instanceof WizardError) return e.exitCode;
  if (!debug) deps.stderr.write('hint: rerun with --debug for the stack trace\n');
  return EXIT.failed;
}

/** Runs the program; returns the exit code (the caller sets process.exitCode). */
export async function runCli(argv: string[], deps: Deps): Promise<number> {
  const program = createProgram(deps);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'node' });
    return (program as unknown as { wizardExitCode: number }).wizardExitCode;
  } catch (err) {
    return reportError(err, deps, debug);
  }
}

/** The binary's entry: real streams, real environment, Ctrl-C → 130. */
export async function main(argv: string[]): Promise<void> {
  const deps: Deps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // stderr first: without a terminal there, stdin's stream (~8 ms to make) is never needed.
    isTTY: !!process.stderr.isTTY && !!process.stdin.isTTY,
  };
  // `asg-wizard status | head`: a reader that stops early is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      throw err;
    });
  }
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: run the same command again to finish from where it stopped\n');
    process.exit(EXIT.interrupted);
  });
  process.exitCode = await runCli(argv, deps);
}

