/**
 * The sandbox: a simulated AWS account that answers the SDK's own commands from inside the
 * client's middleware stack (deserialize step, high priority). Everything above it — the
 * retry strategy, waiters, paginators — is the real SDK, so throttling injected here is
 * retried by the SDK exactly as AWS's would be. Nothing goes over the network.
 */
import type { Pluggable } from '@smithy/types';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeContext } from './store.js';
import { AccountFile } from './account-file.js';
import { awsError, throttlingError } from './errors.js';
import type { CallRecord, FaultSettings, LagKind, ServiceSim, SimContext, World } from './types.js';
import { checkVisible, noteCreated, watchCreates } from './consistency.js';
import { lagOf } from './lag.js';
import { ec2Sim } from './ec2.js';
import { elbv2Sim } from './elbv2.js';
import { autoScalingSim } from './autoscaling.js';
import { snsSim } from './sns.js';
import { ssmSim } from './ssm.js';
import { stsSim } from './sts.js';
import { iamSim } from './iam.js';
import { acmSim } from './acm.js';
import { cloudWatchSim } from './cloudwatch.js';
import { sandboxHttpGet, type SandboxHttpResponse } from './http.js';
import { EMULATORS, lacks, notFoundPagePlugin, type Emulator } from './emulate.js';
import { isMutating } from '../contract/aws-calls.js';

export type { SandboxHttpResponse } from './http.js';

export { AccountFileError } from './account-file.js';

/** Order matters for `tick`: instances change state before target health and group health read them. */
const SERVICES: ServiceSim[] = [ec2Sim, elbv2Sim, autoScalingSim, snsSim, ssmSim, stsSim, iamSim, acmSim, cloudWatchSim];

export const DEFAULT_SANDBOX_FILE = join(homedir(), '.asg-wizard', 'sandbox.json');

const CALL_LOG_CAP = 2000;

export interface SandboxOptions {
  /** The account file; default `~/.asg-wizard/sandbox.json`. */
  file?: string;
  /** Region of a new account (an existing file keeps its own). */
  region?: string;
  /** Overrides the world's fault settings for this process only. */
  faults?: FaultSettings;
  /** Overrides the world's latency scale for this process only. */
  latencyScale?: number;
  /** Act as an AWS emulator: its missing operations answer its HTML 404, its load balancers resolve nowhere. */
  emulate?: Emulator;
  /**
   * AWS's lags — a new id not yet visible, a new instance profile not yet usable, a terminated
   * instance's interface still holding its groups (`lag.ts`) — are on by default in every
   * profile; only a unit test that needs clean reads sets this to false.
   */
  consistency?: boolean;
}

/** Latency profiles by name, for `ASG_WIZARD_SANDBOX_LATENCY`. */
export const LATENCY_PROFILES: Record<string, number> = { instant: 0, fast: 0.01, realistic: 1 };

/** Largest latency factor: 10 × AWS's typical durations is already a 40-minute bake. */
const MAX_LATENCY_SCALE = 10;

/** A sandbox knob in the environment with a value it cannot take. */
export class SandboxSettingError extends Error {
  override readonly name = 'SandboxSettingError';
}

const show = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/** A decimal number as people write it ("0.5", "3"), not whatever Number() accepts ("0x1", "1e3", " "). */
function decimal(name: string, value: string, min: number, max: number, what: string): number {
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new SandboxSettingError(`${name}=${show(value)}: ${what}`);
  return n;
}

/**
 * Reads the sandbox knobs a user or a test sets through the environment. Strict: a value that
 * is not one the knob takes is an error naming the variable, never ignored or clamped.
 */
export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<SandboxOptions, 'faults' | 'latencyScale' | 'emulate'> {
  const out: Pick<SandboxOptions, 'faults' | 'latencyScale' | 'emulate'> = {};
  const emulate = env.ASG_WIZARD_SANDBOX_EMULATE;
  if (emulate !== undefined) {
    if (!EMULATORS.includes(emulate as Emulator)) throw new SandboxSettingError(`ASG_WIZARD_SANDBOX_EMULATE=${show(emulate)}: use ${EMULATORS.join(' or ')}`);
    out.emulate = emulate as Emulator;
  }
  const lat = env.ASG_WIZARD_SANDBOX_LATENCY;
  if (lat !== undefined) {
    out.latencyScale = LATENCY_PROFILES[lat] ?? decimal('ASG_WIZARD_SANDBOX_LATENCY', lat, 0, MAX_LATENCY_SCALE, `use instant, fast, realistic or a factor from 0 to ${MAX_LATENCY_SCALE}`);
  }
  const faults: FaultSettings = {};
  const failWrite = env.ASG_WIZARD_SANDBOX_FAIL_WRITE;
  if (failWrite !== undefined) {
    if (!/^[1-9]\d{0,8}$/.test(failWrite)) throw new SandboxSettingError(`ASG_WIZARD_SANDBOX_FAIL_WRITE=${show(failWrite)}: use a whole number ≥ 1 (the mutating call to fail)`);
    faults.failWriteAt = Number(failWrite);
  }
  const mode = env.ASG_WIZARD_SANDBOX_FAIL_MODE;
  if (mode !== undefined) {
    if (mode !== 'before' && mode !== 'after') throw new SandboxSettingError(`ASG_WIZARD_SANDBOX_FAIL_MODE=${show(mode)}: use before or after`);
    if (failWrite === undefined) throw new SandboxSettingError(`ASG_WIZARD_SANDBOX_FAIL_MODE=${mode}: has no effect without ASG_WIZARD_SANDBOX_FAIL_WRITE`);
    faults.failMode = mode;
  }
  const throttle = env.ASG_WIZARD_SANDBOX_THROTTLE;
  if (throttle !== undefined) faults.throttleRate = decimal('ASG_WIZARD_SANDBOX_THROTTLE', throttle, 0, 1, 'use a share of calls from 0 to 1 (e.g. 0.2)');
  if (Object.keys(faults).length) out.faults = faults;
  return out;
}

/** A seeded PRNG (mulberry32): throttling draws repeat from run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One process's handle on a sandbox account. */
export class Sandbox {
  readonly file: string;
  /** Calls this process made, in order (the persisted log is capped and shared). */
  readonly calls: CallRecord[] = [];
  private readonly account: AccountFile;
  private writes = 0;
  private readonly faults: FaultSettings;
  private readonly random: () => number;
  private readonly latencyOverride: number | undefined;
  /** The emulator this sandbox acts as, if any (never saved in the file). */
  readonly emulate: Emulator | undefined;
  private readonly lags: boolean;

  /** Throws AccountFileError when the file exists but is not a sandbox account. */
  constructor(options: SandboxOptions = {}) {
    this.file = options.file ?? DEFAULT_SANDBOX_FILE;
    this.account = new AccountFile(this.file, options.region);
    this.faults = { ...this.account.world.faults, ...options.faults };
    this.random = prng(this.faults.seed ?? 42);
    this.latencyOverride = options.latencyScale;
    this.emulate = options.emulate;
    this.lags = options.consistency !== false;
  }

  /** How messages name this endpoint: `the sandbox`, or `the sandbox (acting as moto)`. */
  get label(): string {
    return `the sandbox${this.emulate ? ` (acting as ${this.emulate})` : ''}`;
  }

  /** The latency scale this process runs at: the environment's (never saved), else the account file's. */
  get latencyScale(): number {
    return this.latencyOverride ?? this.world.settings.latencyScale;
  }

  /**
   * The account as it is now: re-read when another process changed the file. Read it freely;
   * change it only inside `transact` (a change made here outside one is lost if another
   * process writes the file first).
   */
  get world(): World {
    return this.account.world;
  }

  /**
   * Runs `fn` on the account as one transaction (locked against other processes, written back
   * atomically). Everything that changes the account outside an SDK call goes through here.
   * `fn` must not itself make a call on this account (it would wait for its own lock).
   */
  transact<T>(fn: (world: World) => T | Promise<T>): Promise<T> {
    return this.account.transact(fn);
  }

  /** The account's clock now (the wall clock moved by `world.clock.offsetMs`): AWS's time for what it answers. */
  now(): number {
    return Date.now() + this.world.clock.offsetMs;
  }

  /** Mutating calls answered by this process (injected failures included). */
  get writeCount(): number {
    return this.writes;
  }

  /** Answers one command; throws AWS's error for it. */
  async handle(clientName: string, command: string, input: unknown): Promise<Record<string, unknown>> {
    const { callLatencyMs } = this.world.settings;
    const scale = this.latencyScale;
    // The simulated round trip is spent outside the lock: other processes' calls go on meanwhile.
    if (callLatencyMs > 0 && scale > 0) {
      await new Promise((r) => setTimeout(r, callLatencyMs * Math.min(1, scale * 10)));
    }
    return this.transact((world) => this.answer(world, clientName, command, input));
  }

  /** One call inside its transaction (the world is written back even when it throws). */
  private async answer(world: World, clientName: string, command: string, input: unknown): Promise<Record<string, unknown>> {
    const scale = this.latencyScale;
    const mutating = isMutating(command);
    const record: CallRecord = { seq: 0, service: clientName.replace(/Client$/, ''), command, mutating, at: Date.now() };
    const log = (error?: string, injected?: boolean, lag?: LagKind) => {
      if (error) record.error = error;
      if (injected) record.injected = true;
      if (lag) record.lag = lag;
      this.record(world, record);
    };
    const sim = SERVICES.find((s) => s.clientName === clientName);
    const handler = sim?.handlers[command];
    if (!sim || !handler) {
      log('UnsupportedOperation');
      throw awsError(clientName, 'UnsupportedOperation', `The asg-wizard sandbox does not simulate ${clientName.replace(/Client$/, '')} ${command}.`);
    }
    if (this.faults.throttleRate && this.random() < this.faults.throttleRate) {
      const err = throttlingError(clientName);
      log(err.name, true);
      throw err;
    }
    const context = (): SimContext => ({ ...makeContext(world, command, scale), lag: this.lags });
    const ctx = context();
    for (const s of SERVICES) s.tick?.(ctx);
    // Not yet visible: refused before it counts as a write (the fault injector counts real writes).
    try {
      checkVisible(ctx, clientName, input);
    } catch (err) {
      log((err as Error).name, false, lagOf(err));
      throw err;
    }
    let injectAfter = false;
    if (mutating) {
      this.writes += 1;
      if (this.faults.failWriteAt === this.writes) {
        if (this.faults.failMode === 'after') injectAfter = true;
        else {
          log('InternalFailure', true);
          throw injectedFault(clientName, command, this.writes);
        }
      }
    }
    try {
      const made = watchCreates(ctx);
      const output = (await handler(ctx, input ?? {})) as Record<string, unknown> | undefined;
      noteCreated(ctx, clientName, input, output, made());
      // What AWS does on its own in reaction to the call (an ASG launching at once) shows on the next read.
      for (const s of SERVICES) s.tick?.(context());
      if (injectAfter) {
        log('InternalFailure', true);
        throw injectedFault(clientName, command, this.writes);
      }
      log();
      return output ?? {};
    } catch (err) {
      // The answer is lost whatever it was: a write that failed on its own fails as injected too.
      if (injectAfter && !record.seq) {
        log('InternalFailure', true);
        throw injectedFault(clientName, command, this.writes);
      }
      if (!record.seq) log((err as Error).name, false, lagOf(err));
      throw err;
    }
  }

  /** Appends a call to this process's list and to the account's capped log. */
  private record(world: World, record: CallRecord): void {
    record.seq = this.calls.length + 1;
    this.calls.push(record);
    world.calls.push(record);
    if (world.calls.length > CALL_LOG_CAP) world.calls.splice(0, world.calls.length - CALL_LOG_CAP);
  }

  /**
   * GETs `url` as a browser on the caller's machine would: a load balancer's URL or an
   * instance's public IP (status 0: nothing answered). A GET changes the account (the
   * round-robin position, a CPU burn): one transaction.
   */
  httpGet(url: string, headers: Record<string, string> = {}): Promise<SandboxHttpResponse> {
    return this.transact((world) => {
      const host = URL.canParse(url) ? new URL(url).hostname : '';
      if (this.emulate && world.elbv2.loadBalancers.some((l) => l.dnsName.toLowerCase() === host.toLowerCase())) {
        return { status: 0, body: `Could not resolve host: ${host} (${this.label} gives load balancers no address)` };
      }
      return sandboxHttpGet(makeContext(world, 'HttpGet', this.latencyScale), url, headers);
    });
  }

  /**
   * A plugin for an SDK client: answers every command from this sandbox, inside the client's
   * retry loop. Add it with `client.middlewareStack.use(sandbox.plugin())`.
   */
  plugin(): Pluggable<any, any> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args: any) => {
            const clientName = String(context.clientName ?? '');
            const command = String(context.commandName ?? '').replace(/Command$/, '');
            if (lacks(this.emulate, clientName, command)) {
              // Down to the SDK's own deserializer, which meets the emulator's HTML page.
              await this.transact((world) => this.record(world, {
                seq: 0, service: clientName.replace(/Client$/, ''), command, mutating: isMutating(command), at: Date.now(),
                error: 'HTML 404 (not implemented by the emulator)',
              }));
              return next(args);
            }
            const output = await this.handle(clientName, command, args.input);
            const requestId = `sandbox-${this.world.seq}`;
            return {
              response: { statusCode: 200, headers: { 'x-amzn-requestid': requestId }, body: undefined },
              output: { ...output, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } },
            };
          },
          { step: 'deserialize', priority: 'high', name: 'asgWizardSandbox', override: true },
        );
        if (this.emulate) stack.use(notFoundPagePlugin());
      },
    };
  }
}

/** A non-retryable failure standing for a crash or an AWS outage at a chosen write. */
function injectedFault(clientName: string, command: string, n: number): Error {
  // 400 so the SDK does not retry it: the run must really fail here.
  return awsError(clientName, 'InjectedFault', `sandbox: injected failure at write ${n} (${command})`, 400);
}
