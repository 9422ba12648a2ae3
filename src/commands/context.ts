/**
 * What every command needs for one run: the I/O streams, whether it may prompt, the sandbox or
 * real AWS, the clients and adapters, the caller's identity. Built once per command.
 */
import type { ChalkInstance } from 'chalk';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsClients } from '../aws/clients.js';
import { AwsApi } from '../aws/api.js';
import type { Sandbox } from '../sandbox/index.js';
import { openSandbox } from './sandbox-account.js';
import { CredentialsError, UsageError, WizardError, clip, wrapAwsError } from '../errors.js';
import type { Prompter } from '../prompts/prompter.js';
import { createHost, type HostFactory, type IoHost, type ProgressChannel } from '../ui/io-host.js';
import { carriedArgs, commandLine, type CarriedOptions } from '../ui/command-line.js';
import type { StepContext } from '../engine/types.js';
import type { StackConfig } from '../config/schema.js';
import { stackTags } from '../steps/common.js';
import { realWeb, sandboxWeb } from '../aws/web.js';
import { scaledPropagation } from '../aws/consistency.js';
import { waitPolicy, type WaitOverride } from '../engine/waits.js';
import { currentRowKey } from '../engine/graph.js';

/** What the program gets from outside; tests pass their own. */
export interface Deps {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Whether stdin and stderr are a terminal. */
  isTTY: boolean;
  /** A prompter to use instead of inquirer (tests script the answers). */
  prompter?: Prompter;
  /** Makes each run's output host (tests pass a TestIoHost's factory); else the terminal, CI or JSON host. */
  host?: HostFactory;
  /** How the user started the program, as a command prefix for suggested commands (runCli works it out from argv). */
  launcher?: string;
  /** Runs whose sandbox a test wants to inspect get it here. */
  onSandbox?: (sandbox: Sandbox) => void;
  /** Runs whose write log (each write with the plan row it was made for) a test reads get the clients here. */
  onClients?: (clients: AwsClients) => void;
  /** Told the run's progress (the signal handler names the steps in flight from it). */
  onProgress?: (progress: ProgressChannel) => void;
  /** Waiter bounds in seconds for every wait (tests shorten them); else each wait's own (engine/waits.ts). */
  waits?: WaitOverride;
  /**
   * Lets a command take Ctrl-C over (`status --watch` and `load` stop cleanly with exit 0 instead
   * of 130); returns the release. Absent: Ctrl-C interrupts as usual.
   */
  onSigint?: (handler: () => void) => () => void;
  /** Waits `ms` between looks (tests move the sandbox clock instead); resolves early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A real wait of `ms`, cut short when `signal` aborts. */
export function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The global options (commander's parsed values). */
export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  stack?: string;
  config?: string;
  json?: boolean;
  yes?: boolean;
  nonInteractive?: boolean;
  color?: boolean;
  sandbox?: string | boolean;
  debug?: boolean;
}

/** What a suggested command carries beyond the account and the stack. */
export interface SuggestOptions {
  /** The stack the run worked on (carried as --stack unless it is the default). */
  stack?: string;
  /** The command applies changes: in a run that may not prompt, it gets --yes (else it could not run as printed). */
  applies?: boolean;
  /** Global options not to carry (a saved plan refuses --stack). */
  omit?: (keyof CarriedOptions)[];
}

export interface Run {
  deps: Deps;
  opts: GlobalOptions;
  /** The one output channel: questions, progress, notes, results. */
  host: IoHost;
  chalk: ChalkInstance;
  prompter: Prompter;
  progress: ProgressChannel;
  /** True when the run may not prompt. */
  unattended: boolean;
  sandbox?: Sandbox;
  clients: AwsClients;
  aws: AwsApi;
  region: string;
  /** Writes a result to stdout. */
  out(text: string): void;
  /** Writes a note to stderr (never stdout). */
  note(text: string): void;
  /**
   * A command line the user can run as printed: the launcher they used, then `command`, the
   * account and stack options of this run, and `args` (quoted for the shell).
   */
  cli(command: string, args?: string[], o?: SuggestOptions): string;
}

/** "Never prompt": no terminal, CI=true, --yes or --non-interactive. */
export function isUnattended(opts: GlobalOptions, deps: Deps): boolean {
  const ci = deps.env.CI && deps.env.CI !== 'false' && deps.env.CI !== '0';
  return !deps.isTTY || !!ci || !!opts.yes || !!opts.nonInteractive;
}

/** A terminal that can move its cursor: TERM=dumb (Emacs shells, some CI logs) cannot. */
function canDraw(deps: Deps): boolean {
  return deps.isTTY && deps.env.TERM !== 'dumb';
}

/**
 * Colour only on a terminal that can show it, never with NO_COLOR (any value, no-color.org)
 * or --no-color; and not when stdout is a file or a pipe (`plan > plan.txt`), which gets the
 * same rendered plan.
 */
function colourOn(opts: GlobalOptions, deps: Deps): boolean {
  if (opts.color === false || (deps.env.NO_COLOR !== undefined && deps.env.NO_COLOR !== '')) return false;
  return canDraw(deps) && !opts.json && (deps.stdout as { isTTY?: boolean }).isTTY === true;
}

/** `--endpoint-url` must be an http(s) URL: anything else would fail later as "Invalid URL", unnamed. */
function checkEndpointUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new UsageError(`--endpoint-url ${JSON.stringify(clip(value))}: not an http:// or https:// URL`, 'e.g. --endpoint-url http://localhost:4566 (LocalStack)');
  }
}

/** Resolves the region as the SDK would (flag, AWS_REGION, the profile's config). */
async function resolveRegion(opts: GlobalOptions, configRegion: string | undefined, sandbox: Sandbox | undefined): Promise<string> {
  if (opts.region) return opts.region;
  if (configRegion) return configRegion;
  if (sandbox) return sandbox.world.region;
  const probe = new STSClient({ ...(opts.profile ? { profile: opts.profile } : {}) });
  try {
    const region = await probe.config.region();
    if (region) return region;
  } catch {
    // fall through to the message below
  } finally {
    probe.destroy();
  }
  throw new CredentialsError('no AWS region: none given and none in the profile', 'pass --region (e.g. --region ap-northeast-2), set AWS_REGION, or set region in ~/.aws/config; or try it with no AWS account: add --sandbox');
}

/** The output host of a run with these options (the menu's too). */
export async function hostFor(opts: GlobalOptions, deps: Deps, unattended: boolean): Promise<IoHost> {
  const colour = colourOn(opts, deps);
  const spec = {
    stdout: deps.stdout, stderr: deps.stderr, json: !!opts.json, colour, canDraw: canDraw(deps), unattended,
    ...(deps.prompter ? { prompter: deps.prompter } : {}),
  };
  return (deps.host ?? createHost)(spec);
}

/** `command` as the user can run it from where this run was started (see ui/command-line.ts). */
export function suggest(opts: GlobalOptions, deps: Deps, command: string, args: string[] = [], o: SuggestOptions = {}): string {
  const carried: CarriedOptions = { ...opts, ...(opts.stack === undefined && o.stack && o.stack !== 'Web' ? { stack: o.stack } : {}) };
  const yes = o.applies && isUnattended(opts, deps) ? ['--yes'] : [];
  return commandLine(deps.launcher ?? 'asg-wizard', command, [...carriedArgs(carried, o.omit), ...args, ...yes]);
}

/** Builds the run. `configRegion` is the config file's region, if any. */
export async function createRun(opts: GlobalOptions, deps: Deps, configRegion?: string, forceUnattended = false): Promise<Run> {
  const unattended = forceUnattended || isUnattended(opts, deps);
  const host = await hostFor(opts, deps, unattended);
  const progress = host.progress;
  deps.onProgress?.(progress);
  const sandbox = openSandbox(opts, deps, configRegion);
  if (!sandbox && opts.endpointUrl !== undefined) checkEndpointUrl(opts.endpointUrl);
  const region = await resolveRegion(opts, configRegion, sandbox);
  const endpointUrl = opts.endpointUrl;
  const endpointLabel = sandbox ? sandbox.label : endpointUrl ? `the endpoint ${endpointUrl}` : undefined;
  const clients = new AwsClients({
    region, ...(opts.profile ? { profile: opts.profile } : {}), ...(endpointUrl ? { endpointUrl } : {}),
    // The sandbox lags as AWS does, scaled: retry as often as its profile needs, no slower.
    ...(sandbox ? { sandbox, propagation: scaledPropagation(sandbox.latencyScale) } : {}),
    ...(endpointLabel ? { endpointLabel } : {}), onWarning: (text) => progress.warning(text), currentRow: currentRowKey,
  });
  deps.onClients?.(clients);
  return {
    deps, opts, host, chalk: host.chalk, prompter: host.prompter, progress, unattended, clients, aws: new AwsApi(clients), region,
    ...(sandbox ? { sandbox } : {}),
    out: (text) => host.result({ kind: 'text', text }),
    note: (text) => host.note({ kind: 'info', text }),
    cli: (command, args, o) => suggest(opts, deps, command, args, o),
  };
}

/** The preflight: who we are (the plan header's account); credential trouble is exit 2 with the fix. */
export async function callerAccount(run: Run): Promise<string> {
  let account: string;
  try {
    account = (await run.aws.sts.callerIdentity()).account;
  } catch (err) {
    throw wrapAwsError(err, 'preflight', 'GetCallerIdentity');
  }
  if (!account) {
    throw new WizardError(
      `preflight: GetCallerIdentity named no account: ${run.clients.options.endpointLabel ?? 'the endpoint'} does not answer as AWS does`,
      'check --endpoint-url (an emulator such as LocalStack or moto answers it)',
    );
  }
  return account;
}

/** The context the steps run in. */
export function stepContext(run: Run, config: StackConfig, account: string): StepContext {
  // The sandbox's clock runs at the scale this run uses (the environment's, else the file's); AWS's at 1.
  const waits = waitPolicy(run.sandbox ? run.sandbox.latencyScale : 1, run.deps.waits);
  return {
    aws: run.aws, web: run.sandbox ? sandboxWeb(run.sandbox) : realWeb, config, tags: stackTags(config), region: run.region, account, prompter: run.prompter,
    progress: { update: () => {} }, waits, ...waits.bound('other'), cli: (command) => run.cli(command, [], { stack: config.stack }),
    // The engine accounts each write to the row it applies (engine/graph.ts); outside it, no row.
    forRow: (_row, fn) => fn(),
  };
}
