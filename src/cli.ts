/**
 * The command line. The only place that catches errors, prints them and sets the exit code:
 * 0 done, 1 failed, 2 invalid input (nothing written), 130 interrupted, 143 terminated.
 */
// First, before anything that may load the AWS SDK: its Node-version notice stays off.
import './sdk-notice.js';
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { EXIT, WizardError, clip } from './errors.js';
import type { Deps, GlobalOptions } from './commands/context.js';
import type { Progress } from './ui/progress.js';
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
  2    invalid input: a bad or missing flag or config value, no credentials or region;
       nothing was written (plan --detailed-exitcode: changes pending)
  130  interrupted (Ctrl-C or a "no" at a prompt)
  143  terminated (SIGTERM, e.g. a cancelled CI job); run the same command again to finish

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
      // commander echoes a bad value whole ("argument '<5 MB>' is invalid"): name its start.
      outputError: (s, write) => write(s.replace(/'([^'\n]{61,})'/g, (_m, v: string) => `'${clip(v)}'`)),
    });

  const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;

  addStackOptions(program.command('up'))
    .description('build or update the whole stack, each step detected first and reused if present')
    .option('--dry-run', 'show the plan and change nothing (same as plan)')
    .option('--no-verify', 'skip the last check that the URL answers (an emulator\'s load balancer has no address)')
    .option('--plan <file>', 'apply exactly the plan saved by plan --out FILE (refused if AWS changed since)')
    .action(async (_opts, cmd: Command) => {
      // Loaded on use: the SDK clients cost a second of start-up that --help and --version need not pay.
      const { upCommand } = await import('./commands/up.js');
      exitCode = await upCommand(globals(cmd), globals(cmd), deps, 'up');
    });

  addStackOptions(program.command('plan'))
    .description('show what up would do (create / reuse / update / adopt / conflict); writes nothing, never prompts')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes pending, 1 on error (as Terraform)')
    .option('--out <file>', 'save the plan (plain JSON, no secrets) for up --plan FILE to apply exactly')
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

/**
 * Ctrl-C (SIGINT, 130) and SIGTERM (143, what CI sends on cancel): nothing more is started,
 * the steps in flight are named, and the way to finish is said. Every step is safe to run
 * again, so the next run picks up whatever the interrupted calls did or did not do.
 */
function onInterrupt(signal: 'SIGINT' | 'SIGTERM', progress: () => Progress | undefined, takenOver: () => boolean = () => false): void {
  process.once(signal, () => {
    // A command that stops cleanly on Ctrl-C (status --watch, load) took it over: it ends with 0.
    if (takenOver()) {
      onInterrupt(signal, progress, takenOver);
      return;
    }
    const p = progress();
    p?.stop();
    const inFlight = p?.inFlight() ?? [];
    const what = signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : 'terminated (SIGTERM)';
    process.stderr.write(`\n${what}: nothing more was started${inFlight.length ? `; in flight: ${inFlight.join(', ')}` : ''}\n`);
    process.stderr.write('hint: run the same command again to finish from where it stopped\n');
    process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
  });
}

/** The binary's entry: real streams, real environment, signals → 130 / 143. */
export async function main(argv: string[]): Promise<void> {
  let progress: Progress | undefined;
  const sigint = new Set<() => void>();
  const deps: Deps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // stderr first: without a terminal there, stdin's stream (~8 ms to make) is never needed.
    isTTY: !!process.stderr.isTTY && !!process.stdin.isTTY,
    onProgress: (p) => (progress = p),
    onSigint: (handler) => {
      sigint.add(handler);
      return () => sigint.delete(handler);
    },
  };
  surviveClosedStream(process.stdout);
  surviveClosedStream(process.stderr);
  onInterrupt('SIGINT', () => progress, () => {
    if (!sigint.size) return false;
    for (const h of [...sigint]) h();
    return true;
  });
  onInterrupt('SIGTERM', () => progress);
  process.exitCode = await runCli(argv, deps);
}
