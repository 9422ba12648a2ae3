/**
 * What every command needs for one run: the I/O streams, whether it may prompt, the sandbox or
 * real AWS, the clients and adapters, the caller's identity. Built once per command.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsClients } from '../aws/clients.js';
import { AwsApi } from '../aws/api.js';
import { Sandbox, DEFAULT_SANDBOX_FILE, sandboxOptionsFromEnv } from '../sandbox/index.js';
import { CredentialsError, UsageError, wrapAwsError } from '../errors.js';
import { InquirerPrompter, NonInteractivePrompter, type Prompter } from '../prompts/prompter.js';
import { Progress, type ProgressMode } from '../ui/progress.js';
import type { StepContext } from '../engine/types.js';
import type { StackConfig } from '../config/schema.js';
import { stackTags } from '../steps/common.js';
import { realWeb, sandboxWeb } from '../aws/web.js';

/** What the program gets from outside; tests pass their own. */
export interface Deps {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Whether stdin and stderr are a terminal. */
  isTTY: boolean;
  /** A prompter to use instead of inquirer (tests script the answers). */
  prompter?: Prompter;
  /** Runs whose sandbox a test wants to inspect get it here. */
  onSandbox?: (sandbox: Sandbox) => void;
  /** Waiter bounds in seconds (tests shorten them). */
  waits?: { maxWaitSeconds: number; minDelay: number; maxDelay: number };
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

export interface Run {
  deps: Deps;
  opts: GlobalOptions;
  chalk: ChalkInstance;
  prompter: Prompter;
  progress: Progress;
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
}

/** "Never prompt": no terminal, CI=true, --yes or --non-interactive. */
export function isUnattended(opts: GlobalOptions, deps: Deps): boolean {
  const ci = deps.env.CI && deps.env.CI !== 'false' && deps.env.CI !== '0';
  return !deps.isTTY || !!ci || !!opts.yes || !!opts.nonInteractive;
}

function colourOn(opts: GlobalOptions, deps: Deps): boolean {
  if (opts.color === false || deps.env.NO_COLOR) return false;
  return deps.isTTY && !opts.json;
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
  throw new CredentialsError('no AWS region: none given and none in the profile', 'pass --region (e.g. --region ap-northeast-2), set AWS_REGION, or set region in ~/.aws/config');
}

/** Builds the run. `configRegion` is the config file's region, if any. */
export async function createRun(opts: GlobalOptions, deps: Deps, configRegion?: string, forceUnattended = false): Promise<Run> {
  const unattended = forceUnattended || isUnattended(opts, deps);
  const chalk = new Chalk({ level: colourOn(opts, deps) ? 1 : 0 });
  const prompter = deps.prompter ?? (unattended ? new NonInteractivePrompter() : new InquirerPrompter({ output: deps.stderr }));
  const mode: ProgressMode = opts.json ? 'json' : deps.isTTY && !unattended ? 'spinner' : deps.isTTY ? 'spinner' : 'plain';
  const progress = await Progress.create(mode, deps.stderr);
  let sandbox: Sandbox | undefined;
  if (opts.sandbox) {
    const file = typeof opts.sandbox === 'string' ? opts.sandbox : deps.env.ASG_WIZARD_SANDBOX_FILE ?? DEFAULT_SANDBOX_FILE;
    let envOpts;
    try {
      envOpts = sandboxOptionsFromEnv(deps.env);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    try {
      sandbox = new Sandbox({ file, ...(opts.region ? { region: opts.region } : {}), ...envOpts });
    } catch (err) {
      throw new UsageError(`cannot open the sandbox account ${file}: ${(err as Error).message}`);
    }
    deps.onSandbox?.(sandbox);
    if (opts.region && opts.region !== sandbox.world.region) {
      throw new UsageError(`--region ${opts.region}: the sandbox account ${file} lives in ${sandbox.world.region}`, 'leave out --region, or use another --sandbox FILE');
    }
  }
  const region = await resolveRegion(opts, configRegion, sandbox);
  const endpointUrl = opts.endpointUrl;
  const clients = new AwsClients({ region, ...(opts.profile ? { profile: opts.profile } : {}), ...(endpointUrl ? { endpointUrl } : {}), ...(sandbox ? { sandbox } : {}) });
  return {
    deps, opts, chalk, prompter, progress, unattended, clients, aws: new AwsApi(clients), region,
    ...(sandbox ? { sandbox } : {}),
    out: (text) => deps.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    note: (text) => {
      progress.stop();
      deps.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}

/** The preflight: who we are (the plan header's account); credential trouble is exit 2 with the fix. */
export async function callerAccount(run: Run): Promise<string> {
  try {
    return (await run.aws.sts.callerIdentity()).account;
  } catch (err) {
    throw wrapAwsError(err, 'preflight', 'GetCallerIdentity');
  }
}

/** The context the steps run in. */
export function stepContext(run: Run, config: StackConfig, account: string): StepContext {
  const waits = run.deps.waits ?? (run.sandbox && run.sandbox.world.settings.latencyScale === 0
    ? { maxWaitSeconds: 120, minDelay: 1, maxDelay: 2 }
    : { maxWaitSeconds: 1200, minDelay: 5, maxDelay: 30 });
  return {
    aws: run.aws, web: run.sandbox ? sandboxWeb(run.sandbox) : realWeb, config, tags: stackTags(config), region: run.region, account, prompter: run.prompter,
    progress: { update: () => {} }, ...waits,
  };
}
