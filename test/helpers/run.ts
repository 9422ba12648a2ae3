/**
 * Runs the real program (createProgram → parseAsync) against a sandbox file, as a separate
 * process would: each run opens the account file afresh (and every Sandbox re-reads the file
 * when another one changed it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { Prompter } from '../../src/prompts/prompter.js';
import type { AwsClients, WriteRecord } from '../../src/aws/clients.js';
import type { TestIoHost } from '../../src/ui/test-host.js';

export function tmpSandboxFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'asgw-')), 'sandbox.json');
}

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  sandbox: Sandbox | undefined;
  /**
   * Mutating calls this run sent to the sandbox, as the fault injector counts them (injected
   * failures included; not the answers "not visible yet", which are refused before counting).
   */
  writes: string[];
  /** The run's write log: each mutating call with the key of the plan row it was applied for (if any). */
  log: WriteRecord[];
}

export interface RunOptions {
  env?: Record<string, string>;
  prompter?: Prompter;
  isTTY?: boolean;
  /** A test host that records the run's notes and results as messages (stdout and stderr then stay empty but for errors). */
  host?: TestIoHost;
  /** Leave out the automatic `--sandbox FILE`. */
  noSandbox?: boolean;
  /** Waiter bounds instead of the default (a test of a time-out makes them short); null: the product's own bounds. */
  waits?: { maxWaitSeconds: number; minDelay: number; maxDelay: number } | null;
  /** Stands in for the wait between looks (status --watch, load): a test moves the sandbox clock instead of sleeping. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where a command that takes Ctrl-C over registers its handler (a test calls it to stop the command). */
  onSigint?: (handler: () => void) => () => void;
}

/** `asg-wizard ...args --sandbox file`, in-process; never throws. */
export async function runWizard(file: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  let sandbox: Sandbox | undefined;
  let clients: AwsClients | undefined;
  const code = await runCli(['node', 'asg-wizard', ...args, ...(o.noSandbox ? [] : ['--sandbox', file])], {
    stdout,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { PATH: process.env.PATH ?? '', ...o.env },
    isTTY: o.isTTY ?? false,
    ...(o.prompter ? { prompter: o.prompter } : {}),
    ...(o.host ? { host: o.host.factory() } : {}),
    onSandbox: (s) => (sandbox = s),
    onClients: (c) => (clients = c),
    ...(o.waits === null ? {} : { waits: o.waits ?? { maxWaitSeconds: 60, minDelay: 1, maxDelay: 1 } }),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.onSigint ? { onSigint: o.onSigint } : {}),
  });
  const writes = (sandbox?.calls ?? []).filter((c) => c.mutating && c.lag !== 'consistency').map((c) => `${c.service} ${c.command}`);
  return { code, stdout: stdout.text, stderr: stderr.text, sandbox, writes, log: [...(clients?.writes ?? [])] };
}
