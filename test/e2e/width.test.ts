/**
 * Output that fits the terminal, in a real one (tmux) at 80 and 120 columns: no line of the
 * plan, the status, the help or the answers echoed after a multi-select is wider than the
 * terminal, so the terminal never wraps one in the middle of a word; and resizing the terminal
 * while the spinner runs leaves neither a stale spinner line nor an erased line behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, Terminal } from './tmux.js';
import { tmpSandboxFile } from '../helpers/run.js';

let term: Terminal | undefined;
afterEach(() => term?.kill());

/** The program's lines as tmux shows them, wrapped ones joined (capture-pane -J), up to the exit marker. */
function output(screen: string): string[] {
  const lines = screen.split('\n');
  const end = lines.findIndex((l) => /^\[exit \d+\]/.test(l));
  return (end < 0 ? lines : lines.slice(0, end)).map((l) => l.trimEnd());
}

/** Every line narrower than the terminal: a wrapped line would come back joined, as wide or wider. */
function expectFits(lines: string[], columns: number): void {
  const wide = lines.filter((l) => [...l].length >= columns);
  expect(wide, wide.join('\n')).toEqual([]);
}

const built = tmpSandboxFile();
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CI: 'true' };
function buildOnce(): void {
  const r = spawnSync(process.execPath, [BIN, 'up', '--yes', '--sandbox', built, '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'], { encoding: 'utf8', env: ENV });
  expect(r.status, r.stderr).toBe(0);
}

describe.each([80, 120])('in a terminal of %i columns', (columns) => {
  it('the plan of a fresh account: every row fits (details under their row), nothing broken', async () => {
    term = new Terminal(`node ${BIN} plan --sandbox ${tmpSandboxFile()}`, {}, { columns, rows: 50 });
    const lines = output(await term.waitFor(/\[exit 0\]/));
    expect(lines.some((l) => /^ {2}\+ create +AWS::AutoScaling::AutoScalingGroup +Web-ASG/.test(l))).toBe(true);
    expect(lines.some((l) => /^Plan: \d+ to create/.test(l))).toBe(true);
    expectFits(lines, columns);
  }, 60_000);

  it('status of a built stack fits, and up --help fits', async () => {
    if (columns === 80) buildOnce();
    term = new Terminal(`node ${BIN} status --sandbox ${built}; node ${BIN} up --help`, {}, { columns, rows: 50 });
    const lines = output(await term.waitFor(/\[exit 0\]/));
    expect(lines.some((l) => /Target Tracking Policy/.test(l))).toBe(true);
    expect(lines.some((l) => /^Global Options:/.test(l))).toBe(true);
    expectFits(lines, columns);
  }, 60_000);

  it('the questions and the answers echoed after a multi-select fit', async () => {
    const file = tmpSandboxFile();
    term = new Terminal(`node ${BIN} up --sandbox ${file}`, {}, { columns, rows: 50 });
    await term.waitFor(/\? VPC for the stack/);
    term.send('Down', 'Enter');
    await term.waitFor(/\? Load balancer subnets/);
    term.send('Enter');
    await term.waitFor(/\? Instance subnets/);
    term.send('Down', 'Down', 'Space', 'Down', 'Space', 'Enter');
    await term.waitFor(/Use them anyway\?/);
    const lines = output(term.screen());
    expect(lines.some((l) => /^✔ Load balancer subnets .*subnet-/.test(l))).toBe(true);
    expectFits(lines, columns);
    term.send('C-c');
    await term.waitFor(/\[exit 130\]/);
  }, 60_000);
});

describe('a resize while the spinner runs', () => {
  it('leaves no stale spinner line and erases no printed line', async () => {
    const file = tmpSandboxFile();
    // fast: AWS's times / 100, so the spinner runs for some seconds.
    term = new Terminal(`node ${BIN} up --yes --sandbox ${file}`, { ASG_WIZARD_SANDBOX_LATENCY: 'fast' }, { columns: 120, rows: 60 });
    await term.waitFor(/Bake \(AMI\): waiting/);
    term.resize(70);
    await term.waitFor(/image pending/);
    term.resize(100);
    await term.waitFor(/Auto Scaling group: /);
    term.resize(60);
    const lines = output(await term.waitFor(/\[exit \d+\]/, 60_000));
    expect(term.screen()).toMatch(/\[exit 0\]/);
    // No spinner frame left on screen (a line the redraw failed to clear).
    expect(lines.filter((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(l))).toEqual([]);
    // Every finished step printed once and still there.
    for (const step of ['Network', 'Load balancer', 'Bake (AMI)', 'Launch template', 'Auto Scaling group']) {
      expect(lines.filter((l) => l.startsWith(`✔ ${step}:`)), `${step}\n${lines.join('\n')}`).toHaveLength(1);
    }
    expect(lines.some((l) => /^Applied: /.test(l))).toBe(true);
  }, 90_000);
});
