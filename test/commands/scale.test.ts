/**
 * `scale` through the real program against the sandbox: sizes checked against the group, the
 * lab's stop (min = desired = 0) and start, scheduled actions on a cron recurrence that the
 * group then runs, every command writing nothing the second time — and `up` keeping what `scale`
 * set (a stopped group stays stopped unless `up` is given sizes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { readWorld } from '../helpers/tagged.js';
import { Sandbox } from '../../src/sandbox/index.js';

interface Doc {
  stack: string; region: string; account: string; action: string; writes: number;
  group: { name: string; min: number; desired: number; max: number; stopped: boolean; stackSizes: { min: number; desired: number; max: number } | null };
  changes: { field: string; from: unknown; to: unknown }[];
  schedules: { name: string; recurrence: string | null; timeZone: string | null; next: string | null; min: number | null; desired: number | null; max: number | null }[];
}

let built = '';
beforeAll(async () => {
  built = tmpSandboxFile();
  const up = await runWizard(built, ['up', '--yes']);
  expect(up.code, up.stderr).toBe(0);
}, 60_000);

/** A fresh copy of the built stack. */
function stack(): string {
  const file = tmpSandboxFile();
  copyFileSync(built, file);
  return file;
}

const group = (file: string) => readWorld(file).autoscaling.groups.find((g) => g.name === 'Web-ASG')!;
const tag = (file: string, key: string) => group(file).tags.find((t) => t.Key === key)?.Value;
const sizes = (file: string) => `${group(file).minSize}/${group(file).desiredCapacity}/${group(file).maxSize}`;

async function scale(file: string, args: string[]): Promise<{ doc: Doc; writes: string[]; stderr: string }> {
  const r = await runWizard(file, ['scale', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return { doc: JSON.parse(r.stdout) as Doc, writes: r.writes, stderr: r.stderr };
}

describe('scale', () => {
  it('sets sizes within the group\'s bounds, records them as the stack\'s, and writes nothing the second time; up keeps them', async () => {
    const file = stack();
    const args = ['--min-size', '3', '--desired-capacity', '3', '--max-size', '5'];
    const { doc, writes } = await scale(file, args);
    expect(doc).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', action: 'sizes', group: { name: 'Web-ASG', min: 3, desired: 3, max: 5, stopped: false, stackSizes: { min: 3, desired: 3, max: 5 } } });
    expect(doc.changes).toEqual([
      { field: 'Tag asg-wizard:sizes', from: null, to: '3/3/5' },
      { field: 'MinSize', from: 2, to: 3 }, { field: 'DesiredCapacity', from: 2, to: 3 }, { field: 'MaxSize', from: 4, to: 5 },
    ]);
    expect(doc.writes).toBe(writes.length);
    expect(writes).toEqual(['AutoScaling CreateOrUpdateTags', 'AutoScaling UpdateAutoScalingGroup']);
    expect(sizes(file)).toBe('3/3/5');
    const again = await scale(file, args);
    expect(again.writes).toEqual([]);
    expect(again.doc.changes).toEqual([]);
    // up keeps the stack's sizes: nothing to do.
    const up = await runWizard(file, ['up', '--yes']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.writes).toEqual([]);
    expect(sizes(file)).toBe('3/3/5');
  }, 30_000);

  it('a desired capacity above what the CPU needs is taken back by the scaling policy, as AWS does (after its scale-in alarm)', async () => {
    const file = stack();
    const { doc } = await scale(file, ['--desired-capacity', '3']);
    expect(doc.changes).toContainEqual({ field: 'DesiredCapacity', from: 2, to: 3 });
    // The instant profile runs the 15-minute scale-in alarm at once: idle instances, back to the minimum.
    expect(doc.group.desired).toBe(2);
  });

  it('--stop: min = desired = 0, every instance goes; up then keeps it stopped; --start brings back the stack\'s sizes', async () => {
    const file = stack();
    const stop = await scale(file, ['--stop']);
    expect(stop.doc.changes.map((c) => c.field)).toEqual(['Tag asg-wizard:sizes', 'Tag asg-wizard:stopped', 'MinSize', 'DesiredCapacity']);
    expect(sizes(file)).toBe('0/0/4');
    expect(tag(file, 'asg-wizard:stopped')).toBe('true');
    expect(tag(file, 'asg-wizard:sizes')).toBe('2/2/4');
    expect((await scale(file, ['--stop'])).writes).toEqual([]);

    const plan = await runWizard(file, ['plan', '--json']);
    const row = (JSON.parse(plan.stdout) as { rows: { type: string; action: string; detail?: string }[] }).rows.find((r) => r.type === 'AWS::AutoScaling::AutoScalingGroup')!;
    expect(row.action).toBe('reuse');
    expect(row.detail).toMatch(/stopped by asg-wizard scale --stop: kept stopped/);
    const up = await runWizard(file, ['up', '--yes']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.writes).toEqual([]);
    expect(sizes(file)).toBe('0/0/4');

    const start = await scale(file, ['--start']);
    expect(start.doc.group).toMatchObject({ min: 2, desired: 2, max: 4, stopped: false });
    expect(tag(file, 'asg-wizard:stopped')).toBeUndefined();
    expect((await scale(file, ['--start'])).writes).toEqual([]);
  }, 30_000);

  it('up given sizes starts a stopped group (the stopped mark goes)', async () => {
    const file = stack();
    await scale(file, ['--stop']);
    const up = await runWizard(file, ['up', '--yes', '--min-size', '1', '--desired-capacity', '1', '--max-size', '3']);
    expect(up.code, up.stderr).toBe(0);
    expect(sizes(file)).toBe('1/1/3');
    expect(tag(file, 'asg-wizard:stopped')).toBeUndefined();
    expect(up.writes).toContain('AutoScaling DeleteTags');
  }, 30_000);

  it('schedules a cron action in a time zone, which the group runs; again writes nothing; --delete-schedule removes it', async () => {
    const file = stack();
    const args = ['--schedule', 'night', '--recurrence', '0 22 * * *', '--time-zone', 'Asia/Seoul', '--min-size', '0', '--desired-capacity', '0'];
    const put = await scale(file, args);
    expect(put.writes).toEqual(['AutoScaling PutScheduledUpdateGroupAction']);
    const s = put.doc.schedules[0]!;
    expect(s).toMatchObject({ name: 'night', recurrence: '0 22 * * *', timeZone: 'Asia/Seoul', min: 0, desired: 0, max: null });
    // The next run is 22:00 in Seoul: 13:00 UTC.
    expect(new Date(s.next!).getUTCHours()).toBe(13);
    expect((await scale(file, args)).writes).toEqual([]);

    const list = await runWizard(file, ['scale', '--list-schedules']);
    expect(list.stdout).toMatch(/^ {2}night +0 22 \* \* \* \(Asia\/Seoul\) +0\/0\/– +next \S+$/m);

    const sandbox = new Sandbox({ file });
    await sandbox.transact((w) => { w.clock.offsetMs += new Date(s.next!).getTime() - (Date.now() + w.clock.offsetMs) + 60_000; });
    await runWizard(file, ['status']);
    expect(sizes(file)).toBe('0/0/4');

    const del = await scale(file, ['--delete-schedule', 'night']);
    expect(del.writes).toEqual(['AutoScaling DeleteScheduledAction']);
    expect(del.doc.schedules).toEqual([]);
    const again = await scale(file, ['--delete-schedule', 'night']);
    expect(again.writes).toEqual([]);
    expect(again.stderr).toContain('Web-ASG has no scheduled action night: nothing to delete.');
  }, 30_000);

  it('shows the sizes and the schedules with no flags, and writes nothing', async () => {
    const file = stack();
    const r = await runWizard(file, ['scale']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Web-ASG  min 2  desired 2  max 4\nNo scheduled actions.\n');
    expect(r.writes).toEqual([]);
  });

  it('refuses a group not made for the stack', async () => {
    const file = stack();
    const r = await runWizard(file, ['scale', '--stack', 'Shop', '--asg-name', 'Web-ASG', '--desired-capacity', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: scale: Web-ASG was not made by asg-wizard for stack Shop/m);
    expect(r.writes).toEqual([]);
  });
});
