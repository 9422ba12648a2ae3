/**
 * `status --watch` through the real program: one look per interval until Ctrl-C, which ends it
 * with exit 0; without a terminal one snapshot of lines per look (JSON lines with --json). The
 * wait between looks is injected: the test moves the sandbox clock instead of sleeping.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

let built = '';
beforeAll(async () => {
  built = tmpSandboxFile();
  expect((await runWizard(built, ['up', '--yes'])).code).toBe(0);
}, 60_000);

/** A wait that moves the sandbox clock by the interval, runs `between(look)`, and presses Ctrl-C after `looks` looks. */
function clockedWatch(file: string, looks: number, between: (look: number) => Promise<void> = async () => undefined) {
  const handlers = new Set<() => void>();
  const waited: number[] = [];
  return {
    waited,
    onSigint: (h: () => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    sleep: async (ms: number) => {
      waited.push(ms);
      const sandbox = new Sandbox({ file });
      await sandbox.transact((w) => { w.clock.offsetMs += ms; });
      await between(waited.length);
      if (waited.length >= looks) for (const h of [...handlers]) h();
    },
  };
}

describe('status --watch', () => {
  it('without a terminal prints one snapshot per interval until Ctrl-C, which exits 0; each shows the instances, targets and activities with their causes', async () => {
    const file = tmpSandboxFile();
    copyFileSync(built, file);
    const w = clockedWatch(file, 3, async (look) => {
      if (look !== 1) return;
      const sandbox = new Sandbox({ file, consistency: false });
      const aws = new AwsClients({ region: sandbox.world.region, sandbox });
      await aws.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'Web-ASG', MinSize: 3, DesiredCapacity: 3 }));
      aws.destroy();
    });
    const r = await runWizard(file, ['status', '--watch', '--interval', '7'], { sleep: w.sleep, onSigint: w.onSigint });
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    expect(w.waited).toEqual([7000, 7000, 7000]);
    const frames = r.stdout.split(/^(?=Stack Web in ap-northeast-2 at )/m).filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^Group Web-ASG: min 2, desired 2, max 4; 2 InService of 2$/m);
    expect(frames[0]).toMatch(/^Targets: 2 healthy of 2$/m);
    expect(frames[1]).toMatch(/^Group Web-ASG: min 3, desired 3, max 4/m);
    expect(frames[1]).toMatch(/^ {6}a user request update of AutoScalingGroup constraints to min: 3, max: 4, desired: 3 changing the desired capacity from 2 to 3\./m);
    // The clock moved 7 s between looks.
    const at = [...r.stdout.matchAll(/ at (\S+ \S+) \(every 7 s; Ctrl-C to stop\)/g)].map((m) => Date.parse(m[1]!.replace(' ', 'T')));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(7000);
  }, 30_000);

  it('--json prints one JSON document per look, one per line, with the envelope', async () => {
    const file = tmpSandboxFile();
    copyFileSync(built, file);
    const w = clockedWatch(file, 2);
    const r = await runWizard(file, ['status', '--watch', '--json', '--interval', '1'], { sleep: w.sleep, onSigint: w.onSigint });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', writes: 0, exists: true, group: { name: 'Web-ASG' } });
  }, 30_000);

  it('--interval must be a number of seconds', async () => {
    const r = await runWizard(tmpSandboxFile(), ['status', '--watch', '--interval', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--interval.*'0' is invalid\. must be a number of seconds from 1 to 3600/);
  });
});
