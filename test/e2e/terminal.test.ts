/**
 * The built CLI in real pseudo-terminals (util-linux `script`), read byte for byte: a pty with
 * no size does not make the spinner redraw forever, and NO_COLOR, --no-color and TERM=dumb
 * get no colour escapes (TERM=dumb no cursor movement either).
 */
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './tmux.js';
import { tmpSandboxFile } from '../helpers/run.js';
import type { World } from '../../src/sandbox/types.js';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs `command` in a fresh pty; returns every byte the terminal got, and the CLI's exit code. */
function inPty(command: string, env: Record<string, string> = {}, timeoutMs = 60_000): { bytes: string; code: number | undefined } {
  const r = spawnSync('script', ['-qec', `${command}; echo "[exit $?]"`, '/dev/null'], {
    encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...env },
  });
  const bytes = r.stdout ?? '';
  const code = /\[exit (\d+)\]/.exec(bytes)?.[1];
  return { bytes, code: code === undefined ? undefined : Number(code) };
}

/** Starts `command` in a pty, returns the bytes up to the first match of `until` (then stops it). */
function ptyUntil(command: string, until: RegExp, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...env },
    });
    let bytes = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`never saw ${until}:\n${bytes}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.toString();
      if (until.test(bytes)) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(bytes);
      }
    });
  });
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/;
// Cursor up/down/forward/back, column, erase line, position, hide/show: what a dumb terminal cannot do.
// eslint-disable-next-line no-control-regex
const CURSOR = /\x1b\[(\d*[ABCDGKHJ]|\?25[lh])/;

// Skipped only off CI: in CI a missing `script` must fail, not pass silently.
describe.skipIf(!hasScript && !process.env.CI)('the built CLI in a pseudo-terminal', () => {
  it('a terminal with 0 columns: up finishes, with bounded output, and builds the stack', () => {
    const file = tmpSandboxFile();
    const r = inPty(`stty cols 0 rows 0; node ${BIN} up --yes --sandbox ${file}`);
    expect(r.code, r.bytes.slice(-2000)).toBe(0);
    // The whole run draws a few kilobytes; the old redraw loop wrote megabytes a second.
    expect(r.bytes.length).toBeLessThan(200_000);
    expect(r.bytes).toMatch(/Applied: \d+ created/);
    const w = JSON.parse(readFileSync(file, 'utf8')) as World;
    expect(w.autoscaling.groups.map((g) => g.name)).toEqual(['Web-ASG']);
  }, 90_000);

  it('a terminal with 0 columns: plan finishes too', () => {
    const r = inPty(`stty cols 0 rows 0; node ${BIN} plan --sandbox ${tmpSandboxFile()}`);
    expect(r.code, r.bytes.slice(-2000)).toBe(0);
    expect(r.bytes.length).toBeLessThan(100_000);
    expect(r.bytes).toMatch(/Plan: \d+ to create/);
  }, 60_000);

  it('a colour terminal gets colour (so the checks below mean something)', () => {
    const r = inPty(`node ${BIN} plan --sandbox ${tmpSandboxFile()}`);
    expect(r.code).toBe(0);
    expect(r.bytes).toMatch(SGR);
    expect(r.bytes).toMatch(CURSOR);
  }, 60_000);

  it.each([
    ['NO_COLOR=1', { NO_COLOR: '1' }, []],
    ['NO_COLOR=yes', { NO_COLOR: 'yes' }, []],
    ['--no-color', {}, ['--no-color']],
  ] as [string, Record<string, string>, string[]][])('%s: no colour escapes anywhere, the spinner included', (_label, env, args) => {
    const r = inPty(`node ${BIN} up --yes ${args.join(' ')} --sandbox ${tmpSandboxFile()}`, env);
    expect(r.code, r.bytes.slice(-2000)).toBe(0);
    expect(r.bytes).toMatch(/Applied: /);
    expect(r.bytes).not.toMatch(SGR);
  }, 60_000);

  it('TERM=dumb: plain lines, no colour and no cursor movement', () => {
    const r = inPty(`node ${BIN} up --yes --sandbox ${tmpSandboxFile()}`, { TERM: 'dumb' });
    expect(r.code, r.bytes.slice(-2000)).toBe(0);
    expect(r.bytes).toMatch(/Applied: /);
    expect(r.bytes).not.toMatch(SGR);
    expect(r.bytes).not.toMatch(CURSOR);
    // Progress comes as timestamped lines instead of a spinner.
    expect(r.bytes).toMatch(/^\d\d:\d\d:\d\d .+: started\r?$/m);
  }, 60_000);

  it('a plan written to a file from a colour terminal holds no colour escapes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'asgw-plan-')), 'plan.txt');
    const r = inPty(`node ${BIN} plan --sandbox ${tmpSandboxFile()} > ${out}`);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^Plan for stack Web/);
    expect(text).not.toMatch(SGR);
  }, 60_000);

  it('the questions are coloured in a colour terminal, and not with --no-color or NO_COLOR', async () => {
    const question = /VPC for the stack/;
    const coloured = await ptyUntil(`node ${BIN} up --sandbox ${tmpSandboxFile()}`, question);
    expect(coloured).toMatch(SGR);
    for (const [args, env] of [['--no-color', {}], ['', { NO_COLOR: '1' }]] as const) {
      const plain = await ptyUntil(`node ${BIN} up ${args} --sandbox ${tmpSandboxFile()}`, question, env);
      expect(plain).not.toMatch(SGR);
    }
  }, 90_000);

  it('the pty helper sees a missing CLI fail (so exit codes above are real)', () => {
    const r = inPty('node /nonexistent/asg-wizard.js');
    expect(existsSync('/nonexistent/asg-wizard.js')).toBe(false);
    expect(r.code).not.toBe(0);
  });
});
