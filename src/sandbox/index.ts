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
import type { CallRecord, FaultSettings, ServiceSim, World } from './types.js';
import { ec2Sim } from './ec2.js';
import { elbv2Sim } from './elbv2.js';
import { autoScalingSim } from './autoscaling.js';
import { snsSim } from './sns.js';
import { ssmSim } from './ssm.js';
import { stsSim } from './sts.js';
import { iamSim } from './iam.js';

export { AccountFileError } from './account-file.js';

/** Order matters for `tick`: instances change state before target health and group health read them. */
const SERVICES: ServiceSim[] = [ec2Sim, elbv2Sim, autoScalingSim, snsSim, ssmSim, stsSim, iamSim];

export const DEFAULT_SANDBOX_FILE = join(homedir(), '.asg-wizard', 'sandbox.json');

const CALL_LOG_CAP = 2000;
const READ_PREFIXES = /^(Describe|List|Get)/;

/** True for a command that changes something in AWS (everything but Describe/List/Get). */
export function isMutating(command: string): boolean {
  return !READ_PREFIXES.test(command);
}

export interface SandboxOptions {
  /** The account file; default `~/.asg-wizard/sandbox.json`. */
  file?: string;
  /** Region of a new account (an existing file keeps its own). */
  region?: string;
  /** Overrides the world's fault settings for this process only. */
  faults?: FaultSettings;
  /** Overrides the world's latency scale for this process only. */
  latencyScale?: number;
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
export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<SandboxOptions, 'faults' | 'latencyScale'> {
  const out: Pick<SandboxOptions, 'faults' | 'latencyScale'> = {};
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
  private readonly latencyScale: number | undefined;

  /** Throws AccountFileError when the file exists but is not a sandbox account. */
  constructor(options: SandboxOptions = {}) {
    this.file = options.file ?? DEFAULT_SANDBOX_FILE;
    this.account = new AccountFile(this.file, options.region);
    this.faults = { ...this.account.world.faults, ...options.faults };
    this.random = prng(this.faults.seed ?? 42);
    this.latencyScale = options.latencyScale;
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

  /** Mutating calls answered by this process (injected failures included). */
  get writeCount(): number {
    return this.writes;
  }

  /** Answers one command; throws AWS's error for it. */
  async handle(clientName: string, command: string, input: unknown): Promise<Record<string, unknown>> {
    const settings = this.world.settings;
    const scale = this.latencyScale ?? settings.latencyScale;
    // The simulated round trip is spent outside the lock: other processes' calls go on meanwhile.
    if (settings.callLatencyMs > 0 && scale > 0) {
      await new Promise((r) => setTimeout(r, settings.callLatencyMs * Math.min(1, scale * 10)));
    }
    return this.transact((world) => this.answer(world, clientName, command, input));
  }

  /** One call inside its transaction. */
  private async answer(world: World, clientName: string, command: string, input: unknown): Promise<Record<string, unknown>> {
    const scale = this.latencyScale ?? world.settings.latencyScale;
    const saved = world.settings.latencyScale;
    world.settings.latencyScale = scale;
    try {
      const mutating = isMutating(command);
      const record: CallRecord = { seq: 0, service: clientName.replace(/Client$/, ''), command, mutating, at: Date.now() };
      const log = (error?: string, injected?: boolean) => {
        if (error) record.error = error;
        if (injected) record.injected = true;
        record.seq = this.calls.length + 1;
        this.calls.push(record);
        world.calls.push(record);
        if (world.calls.length > CALL_LOG_CAP) world.calls.splice(0, world.calls.length - CALL_LOG_CAP);
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
      const ctx = makeContext(world, command);
      for (const s of SERVICES) s.tick?.(ctx);
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
        const output = (await handler(ctx, input ?? {})) as Record<string, unknown> | undefined;
        // What AWS does on its own in reaction to the call (an ASG launching at once) shows on the next read.
        for (const s of SERVICES) s.tick?.(makeContext(world, command));
        if (injectAfter) {
          log('InternalFailure', true);
          throw injectedFault(clientName, command, this.writes);
        }
        log();
        return output ?? {};
      } catch (err) {
        if (!record.seq) log((err as Error).name);
        throw err;
      }
    } finally {
      world.settings.latencyScale = saved;
    }
  }

  /**
   * A plugin for an SDK client: answers every command from this sandbox, inside the client's
   * retry loop. Add it with `client.middlewareStack.use(sandbox.plugin())`.
   */
  plugin(): Pluggable<any, any> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (_next, context) => async (args: any) => {
            const clientName = String(context.clientName ?? '');
            const command = String(context.commandName ?? '').replace(/Command$/, '');
            const output = await this.handle(clientName, command, args.input);
            const requestId = `sandbox-${this.world.seq}`;
            return {
              response: { statusCode: 200, headers: { 'x-amzn-requestid': requestId }, body: undefined },
              output: { ...output, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } },
            };
          },
          { step: 'deserialize', priority: 'high', name: 'asgWizardSandbox', override: true },
        );
      },
    };
  }
}

/** A non-retryable failure standing for a crash or an AWS outage at a chosen write. */
function injectedFault(clientName: string, command: string, n: number): Error {
  // 400 so the SDK does not retry it: the run must really fail here.
  return awsError(clientName, 'InjectedFault', `sandbox: injected failure at write ${n} (${command})`, 400);
}
