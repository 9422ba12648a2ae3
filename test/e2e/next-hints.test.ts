/**
 * Every "Next:" command the main flows print runs as printed: each is handed to a shell exactly
 * as it appears after "Next:" (its `# comment` included) and must exit 0. The built CLI is
 * started as `node bin/asg-wizard.js`, on a sandbox file whose path needs quoting, for a stack
 * other than the default, so the launcher, the quoting, --sandbox FILE and --stack all count.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { World } from '../../src/sandbox/types.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CI: 'true' };

function sandboxFile(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'asgw-next-')), "my lab's account");
  mkdirSync(dir);
  return join(dir, 'sandbox.json');
}

/** Runs the CLI as a user would from the repository: `node bin/asg-wizard.js …`. */
function wizard(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/asg-wizard.js', ...args], { cwd: ROOT, encoding: 'utf8', env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The commands after "Next:" (one a line, the continuation lines indented). */
function nextCommands(stderr: string): string[] {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Next: '));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at)) {
    const m = /^(?:Next: | {6})(.+)$/.exec(l);
    if (!m) break;
    out.push(m[1]!);
  }
  return out;
}

/** Runs `line` through bash as printed; returns its result. */
function inShell(line: string) {
  const r = spawnSync('bash', ['-c', line], { cwd: ROOT, encoding: 'utf8', env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectRuns(printedBy: { stderr: string }, count: number): { code: number | null; stdout: string; stderr: string }[] {
  const commands = nextCommands(printedBy.stderr);
  expect(commands, printedBy.stderr).toHaveLength(count);
  return commands.map((c) => {
    expect(c).toMatch(/^node bin\/asg-wizard\.js /);
    const r = inShell(c);
    expect(r.code, `${c}\n${r.stderr}`).toBe(0);
    return r;
  });
}

describe('every Next: command runs as printed', () => {
  it('status of a stack not built yet → up builds it; up → status and plan; plan shows nothing left to do', () => {
    const file = sandboxFile();
    const status = wizard(['status', '--sandbox', file, '--stack', 'Shop', '--max-size', '5']);
    expect(status.code, status.stderr).toBe(2); // status takes only the name options
    const empty = wizard(['status', '--sandbox', file, '--stack', 'Shop']);
    expect(empty.code, empty.stderr).toBe(0);
    expectRuns(empty, 1);
    const world = JSON.parse(readFileSync(file, 'utf8')) as World;
    expect(world.autoscaling.groups.map((g) => g.name)).toEqual(['Shop-ASG']);

    const up = wizard(['up', '--yes', '--sandbox', file, '--stack', 'Shop', '--max-size', '5']);
    expect(up.code, up.stderr).toBe(0);
    const [shown, plan] = expectRuns(up, 2);
    expect(shown!.stdout).toMatch(/^Stack Shop in /);
    // The plan carries the answers that matter (--max-size 5): nothing left to do.
    expect(plan!.stdout).toMatch(/^No changes: \d+ unchanged\.$/m);
  }, 120_000);

  it('bake --image-name "Web Server v2" → up rolls out that image (not v1)', () => {
    const file = sandboxFile();
    expect(wizard(['up', '--yes', '--sandbox', file]).code).toBe(0);
    const bake = wizard(['bake', '--yes', '--sandbox', file, '--image-name', 'Web Server v2']);
    expect(bake.code, bake.stderr).toBe(0);
    expect(nextCommands(bake.stderr)[0]).toMatch(/--image-name 'Web Server v2'/);
    expectRuns(bake, 1);
    const w = JSON.parse(readFileSync(file, 'utf8')) as World;
    const v2 = w.ec2.images.find((i) => i.name === 'Web Server v2')!;
    const lt = w.ec2.launchTemplates.find((t) => t.name === 'Web')!;
    expect(lt.versions.find((v) => v.number === lt.defaultVersion)!.data.ImageId).toBe(v2.id);
  }, 120_000);

  it('plan with changes → up applies them; plan --out → up --plan applies it; --save-config → up --config replays it; notify → status', () => {
    const file = sandboxFile();
    const plan = wizard(['plan', '--sandbox', file, '--cpu-target', '40']);
    expect(plan.code, plan.stderr).toBe(0);
    expectRuns(plan, 1);
    const dir = mkdtempSync(join(tmpdir(), 'asgw-next-plan '));
    const out = wizard(['plan', '--sandbox', file, '--cpu-target', '50', '--out', join(dir, 'plan.json')]);
    expect(out.code, out.stderr).toBe(0);
    expectRuns(out, 1);
    const saved = wizard(['up', '--yes', '--sandbox', file, '--cpu-target', '55', '--save-config', join(dir, 'answers.yaml')]);
    expect(saved.code, saved.stderr).toBe(0);
    expectRuns({ stderr: saved.stderr.slice(saved.stderr.indexOf('Answers saved')) }, 1);
    const notify = wizard(['notify', '--all', '--yes', '--sandbox', file]);
    expect(notify.code, notify.stderr).toBe(0);
    expectRuns(notify, 1);
  }, 180_000);

  it('day two: scale --stop → scale --start brings the group back; destroy → up builds the stack anew', () => {
    const file = sandboxFile();
    expect(wizard(['up', '--yes', '--sandbox', file, '--stack', 'Shop']).code).toBe(0);
    const stop = wizard(['scale', '--stop', '--yes', '--sandbox', file, '--stack', 'Shop']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(nextCommands(stop.stderr)[0]).toMatch(/ scale .*--start/);
    expectRuns(stop, 1);
    let group = (JSON.parse(readFileSync(file, 'utf8')) as World).autoscaling.groups.find((g) => g.name === 'Shop-ASG')!;
    expect([group.minSize, group.desiredCapacity]).toEqual([2, 2]);
    const destroy = wizard(['destroy', '--yes', '--sandbox', file, '--stack', 'Shop']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as World).autoscaling.groups.filter((g) => g.name === 'Shop-ASG' && !g.deletingAt)).toHaveLength(0);
    expectRuns(destroy, 1);
    group = (JSON.parse(readFileSync(file, 'utf8')) as World).autoscaling.groups.find((g) => g.name === 'Shop-ASG' && !g.deletingAt)!;
    expect(group.desiredCapacity).toBe(2);
  }, 180_000);
});
