/**
 * The built CLI under what CI and shells do to it: SIGTERM (a cancelled job) and SIGINT stop
 * it with 143 / 130, naming the steps in flight and how to finish, and the next run finishes
 * the stack; a reader that closes the pipe early (`| head -1`) does not stop the work.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './tmux.js';
import { tmpSandboxFile } from '../helpers/run.js';
import { inventory } from '../helpers/inventory.js';

const ENV = { PATH: process.env.PATH ?? '', CI: 'true' };

function upSync(file: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'up', '--yes', '--sandbox', file], { encoding: 'utf8', env: { ...ENV, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let clean: Record<string, unknown>;
beforeAll(() => {
  const file = tmpSandboxFile();
  const r = upSync(file);
  expect(r.code, r.stderr).toBe(0);
  clean = inventory(file);
}, 60_000);

/** Starts `up` on a slow sandbox, sends `signal` once a step is under way; resolves when it exits. */
function interruptedUp(file: string, signal: 'SIGTERM' | 'SIGINT'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'up', '--yes', '--sandbox', file], {
      // fast: AWS's durations / 100, so the bake's waits are still under way when the signal comes.
      env: { ...ENV, ASG_WIZARD_SANDBOX_LATENCY: 'fast' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /Bake \(AMI\): image pending/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('signals', () => {
  it.each([
    ['SIGTERM', 143, /^terminated \(SIGTERM\): nothing more was started; in flight: Bake \(AMI\)/m],
    ['SIGINT', 130, /^interrupted \(Ctrl-C\): nothing more was started; in flight: Bake \(AMI\)/m],
  ] as const)('%s: exit %i, says what was in flight and how to finish; the next run ends as an uninterrupted one', async (signal, code, said) => {
    const file = tmpSandboxFile();
    const r = await interruptedUp(file, signal);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(said);
    expect(r.stderr).toMatch(/^hint: run the same command again to finish from where it stopped$/m);
    // What this run made goes on in AWS (billed, on a real account): said, with how to finish or remove it.
    expect(r.stderr).toMatch(/^still in AWS from this run \(the sandbox: simulated, nothing billed\): .*the bake instance \(billed while it runs/m);
    expect(r.stderr).toMatch(new RegExp(`^to finish: node \\S*asg-wizard\\.js up --yes --sandbox ${file}$`, 'm'));
    expect(r.stderr).toMatch(/^to remove it/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // The account is neither left locked nor half-written.
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(() => JSON.parse(readFileSync(file, 'utf8')) as unknown).not.toThrow();
    const again = upSync(file);
    expect(again.code, again.stderr).toBe(0);
    expect(inventory(file)).toEqual(clean);
  }, 90_000);
});

describe('a closed output pipe', () => {
  /**
   * `up … 2>&1 | head -1` through a real shell; the CLI's own exit code from PIPESTATUS. On a
   * `fast` sandbox the run waits between calls, so the broken pipe is reported mid-run (on an
   * instant one Node may only report it at the last write).
   */
  function upIntoHead(file: string, redirect: string, env: Record<string, string> = {}) {
    const codeFile = join(mkdtempSync(join(tmpdir(), 'asgw-pipe-')), 'code');
    const r = spawnSync('bash', ['-c', `node ${BIN} up --yes --sandbox ${file} ${redirect} | head -1; echo "\${PIPESTATUS[0]}" > ${codeFile}`], {
      encoding: 'utf8', env: { ...ENV, ASG_WIZARD_SANDBOX_LATENCY: 'fast', ...env },
    });
    return { shown: r.stdout, code: Number(readFileSync(codeFile, 'utf8').trim()) };
  }

  it('up 2>&1 | head -1 builds the same stack as up, and exits 0', () => {
    const file = tmpSandboxFile();
    const r = upIntoHead(file, '2>&1');
    expect(r.shown.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(0);
    expect(inventory(file)).toEqual(clean);
  }, 60_000);

  it('a run that fails late still exits 1 through the closed pipe (its real code, not 0)', () => {
    const r = upIntoHead(tmpSandboxFile(), '2>&1', { ASG_WIZARD_SANDBOX_FAIL_WRITE: '30' });
    expect(r.code).toBe(1);
  }, 60_000);
});
