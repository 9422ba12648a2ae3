/**
 * The sandbox account on disk, shared by every process that uses it as an AWS account is:
 * each call is a transaction — take the file's lock, reload the world if another process
 * changed the file, run the call, write the world atomically (temp file + rename), release.
 * No process's write is lost to another's, and a killed process never leaves half a file.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import * as z from 'zod';
import type { World } from './types.js';
import { seedWorld } from './seed.js';

/** The account file cannot be used (not an account, unreadable, locked too long). */
export class AccountFileError extends Error {
  override readonly name = 'AccountFileError';
  /** `path` and what is wrong with it ("is a directory, not an account file"). */
  constructor(readonly path: string, readonly reason: string) {
    super(`${path} ${reason}`);
  }
}

/** What the file looked like when this process last read or wrote it. */
interface Stamp {
  ino: number;
  size: number;
  mtimeMs: number;
  rev: number;
}

// A lock whose holder stopped refreshing it (SIGKILL, a crash) is taken over after `stale` ms;
// a waiter keeps trying for longer than that, so a dead holder delays it but never blocks it.
const STALE_MS = 10_000;
const LOCK_WAIT_MS = 60_000;

/** The revision is written right after `format`, so it can be read from the file's first bytes. */
const HEADER = /^\{"format":1,"rev":(\d+)[,}]/;

const list = z.array(z.unknown());
const record = z.looseObject({});
/** The shape of a format-1 account, as far as the simulation relies on it without checking. */
const AccountShape = z.looseObject({
  format: z.literal(1),
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/),
  azs: z.array(z.looseObject({ name: z.string(), id: z.string() })).min(1),
  seq: z.number().int().nonnegative(),
  clock: z.looseObject({ offsetMs: z.number() }),
  settings: z.looseObject({ latencyScale: z.number().nonnegative(), callLatencyMs: z.number().nonnegative() }),
  faults: record,
  callerIp: z.string(),
  ec2: z.looseObject({
    vpcs: list, subnets: list, routeTables: list, internetGateways: list, natGateways: list, securityGroups: list,
    instances: list, images: list, snapshots: list, launchTemplates: list, clientTokens: record, offeredInstanceTypes: list,
  }),
  elbv2: z.looseObject({ loadBalancers: list, targetGroups: list, listeners: list }),
  autoscaling: z.looseObject({
    groups: list, activities: list, policies: list, scheduledActions: list, notificationConfigurations: list, instanceRefreshes: list,
  }),
  sns: z.looseObject({ topics: list, subscriptions: list, delivered: list }),
  ssm: z.looseObject({ parameters: list }),
  iam: z.looseObject({ roles: list, instanceProfiles: list }),
  calls: list,
});

/** Why `text` is not a sandbox account, or undefined if it is one. */
function parseAccount(text: string): World | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'not an asg-wizard sandbox account (not a JSON object)';
  const format = (doc as { format?: unknown }).format;
  if (format !== 1) return `not an asg-wizard sandbox account (format ${JSON.stringify(format) ?? 'missing'}, expected 1)`;
  const r = AccountShape.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return `not an asg-wizard sandbox account (${issue.path.join('.') || 'the document'}: ${issue.message})`;
  }
  return doc as World;
}

/**
 * Calls of one Node process queue here, per file, before taking the file lock: the lock
 * is for other processes, and retrying it against ourselves would only add delay.
 */
const queues = new Map<string, Promise<unknown>>();

/** How one transaction of a batch ended. */
type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/** A transaction waiting for its batch. */
interface Job {
  fn: (world: World) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** One process's copy of an account file, kept current. */
export class AccountFile {
  readonly path: string;
  private current: World;
  private stamp: Stamp | undefined;
  private tmpCount = 0;
  /** Transactions queued since the last batch started; run together under one lock, saved once. */
  private pending: Job[] = [];

  /**
   * Reads the account at `path`; a path with no file yet gets a new account (seeded in
   * `region`), written by the first transaction. Throws AccountFileError for a file that is
   * not an account.
   */
  constructor(path: string, region = 'ap-northeast-2') {
    this.path = resolve(path);
    const loaded = this.load();
    this.current = loaded ?? seedWorld(region);
  }

  /** The account as it is now (re-read if another process changed the file). */
  get world(): World {
    this.refresh();
    return this.current;
  }

  /**
   * Runs `fn` on the current world as one transaction: no other process reads or writes the
   * account between its reload and its write-back. The world is written even if `fn` throws
   * (an AWS error can follow a change, as a throttled call's log entry does).
   *
   * Transactions this process queues while another of its batches holds the file run next as
   * one batch: one lock, one reload, each `fn` in turn, one write, then each is answered. Rewriting
   * the whole account once per batch instead of once per call is what keeps many calls in
   * flight at once (notify over hundreds of groups) from costing a file write each; no answer is
   * given before its change is on disk.
   */
  transact<T>(fn: (world: World) => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length > 1) return;
      const previous = queues.get(this.path) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => this.runBatch());
      const tail = run.catch(() => undefined);
      queues.set(this.path, tail);
      void tail.then(() => {
        if (queues.get(this.path) === tail) queues.delete(this.path);
      });
    });
  }

  /** Runs every transaction queued so far as one batch, then answers each. */
  private async runBatch(): Promise<void> {
    const jobs = this.pending;
    this.pending = [];
    let results: Outcome[];
    try {
      results = await this.locked(jobs);
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    jobs.forEach((j, i) => {
      const r = results[i]!;
      if (r.ok) j.resolve(r.value);
      else j.reject(r.err);
    });
  }

  private async locked(jobs: Job[]): Promise<Outcome[]> {
    mkdirSync(dirname(this.path), { recursive: true });
    let lost: Error | undefined;
    const release = await this.lock((err) => {
      lost = err;
    });
    try {
      this.refresh();
      const world = this.current;
      const results: Outcome[] = [];
      try {
        for (const job of jobs) {
          try {
            results.push({ ok: true, value: await job.fn(world) });
          } catch (err) {
            results.push({ ok: false, err });
          }
        }
      } finally {
        if (lost) throw new AccountFileError(this.path, `lost its lock (${lost.message}): nothing of this call was saved`);
        this.save(world);
      }
      return results;
    } finally {
      try {
        release();
      } catch {
        // Already gone (taken over as stale): nothing of ours to remove.
      }
    }
  }

  /**
   * Takes the file lock, waiting for another holder. The synchronous calls matter: the lock is
   * either not ours or fully ours at every moment the process can exit (a signal), so the
   * library's exit hook removes it and no killed run leaves the account locked until stale.
   */
  private async lock(onCompromised: (err: Error) => void): Promise<() => void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let delay = 2; ; delay = Math.min(100, delay * 1.3)) {
      try {
        return lockfile.lockSync(this.path, { realpath: false, stale: STALE_MS, onCompromised });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code !== 'ELOCKED') throw new AccountFileError(this.path, `cannot be locked: ${e.code ?? e.message}`);
        if (Date.now() > deadline) throw new AccountFileError(this.path, 'stayed locked by another process for over a minute');
        await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
      }
    }
  }

  /** Re-reads the file if it is not the version this process last saw. */
  private refresh(): void {
    const loaded = this.load();
    if (loaded) this.current = loaded;
  }

  /** The file's world if it differs from the one held; undefined if unchanged or absent. */
  private load(): World | undefined {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return undefined;
      throw new AccountFileError(this.path, `cannot be read: ${e.code ?? e.message}`);
    }
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw new AccountFileError(this.path, 'is a directory, not an account file');
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, head.length, 0);
      const rev = Number(HEADER.exec(head.subarray(0, n).toString('utf8'))?.[1] ?? -1);
      const s = this.stamp;
      if (s && s.ino === st.ino && s.size === st.size && s.mtimeMs === st.mtimeMs && s.rev === rev && rev >= 0) return undefined;
      // A positional read leaves the descriptor at 0: this reads the whole file, the one just stat'ed.
      const parsed = parseAccount(readFileSync(fd, 'utf8'));
      if (typeof parsed === 'string') throw new AccountFileError(this.path, `is ${parsed}`);
      parsed.rev = typeof parsed.rev === 'number' ? parsed.rev : 0;
      this.stamp = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, rev: parsed.rev };
      return parsed;
    } finally {
      closeSync(fd);
    }
  }

  private save(world: World): void {
    world.rev = (world.rev ?? 0) + 1;
    const { format, rev, ...rest } = world;
    const text = JSON.stringify({ format, rev, ...rest });
    this.tmpCount += 1;
    const tmp = `${this.path}.${process.pid}.${this.tmpCount}.tmp`;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, this.path);
    } catch (err) {
      if (existsSync(tmp)) unlinkSync(tmp);
      throw new AccountFileError(this.path, `cannot be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const st = statSync(this.path);
    this.stamp = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, rev };
  }
}
