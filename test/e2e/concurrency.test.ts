/**
 * One sandbox account shared by several processes at once, as an AWS account is: concurrent
 * `up`s of different stacks (the built CLI, separate processes) all complete and the account
 * file holds every stack — no process's write is lost to another's.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN } from './tmux.js';
import { tmpSandboxFile } from '../helpers/run.js';
import type { World } from '../../src/sandbox/types.js';

interface Done { stack: string; code: number | null; stdout: string; stderr: string }

function up(file: string, stack: string, extra: string[] = []): Promise<Done> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'up', '--yes', '--json', '--stack', stack, '--sandbox', file, ...extra], {
      env: { PATH: process.env.PATH ?? '', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ stack, code, stdout, stderr }));
  });
}

const byName = (w: World) => ({
  groups: w.autoscaling.groups.map((g) => g.name).sort(),
  loadBalancers: w.elbv2.loadBalancers.map((l) => l.name).sort(),
  targetGroups: w.elbv2.targetGroups.map((t) => t.name).sort(),
  launchTemplates: w.ec2.launchTemplates.map((t) => t.name).sort(),
  images: w.ec2.images.filter((i) => !i.public).map((i) => i.name).sort(),
  topics: w.sns.topics.map((t) => t.name).sort(),
  policies: w.autoscaling.policies.map((p) => p.groupName).sort(),
});

async function concurrentUps(stacks: string[]): Promise<void> {
  const file = tmpSandboxFile();
  // Each stack its own lab VPC: stacks sharing the default name VPC-Lab race to create it
  // (as two runs against AWS would), which is not what this test is about.
  const runs = await Promise.all(stacks.map((s) => up(file, s, ['--vpc-name', `VPC-${s}`])));
  for (const r of runs) {
    expect(r.code, `${r.stack}: ${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout).writes).toBeGreaterThan(20);
  }
  const w = JSON.parse(readFileSync(file, 'utf8')) as World;
  const sorted = [...stacks].sort();
  expect(byName(w)).toEqual({
    groups: sorted.map((s) => `${s}-ASG`),
    loadBalancers: sorted.map((s) => `${s}-ALB`),
    targetGroups: sorted.map((s) => `${s}-TG`),
    launchTemplates: sorted,
    images: sorted.map((s) => `${s} Server v1`),
    topics: sorted.map((s) => `${s}-ASG-events`),
    policies: sorted.map((s) => `${s}-ASG`),
  });
  // Every write of every run is in the file: the calls log holds them all.
  const logged = w.calls.filter((c) => c.mutating).length;
  expect(logged).toBe(runs.reduce((n, r) => n + (JSON.parse(r.stdout).writes as number), 0));
  // And each stack is whole: running it again changes nothing.
  for (const again of await Promise.all(stacks.map((s) => up(file, s, ['--vpc-name', `VPC-${s}`])))) {
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).writes, `${again.stack} again`).toBe(0);
  }
}

describe('several processes on one sandbox account', () => {
  it('two concurrent ups of different stacks both complete, and the file holds both', async () => {
    await concurrentUps(['Web', 'Shop']);
  }, 120_000);

  it('four concurrent ups of different stacks all complete, and the file holds all four', async () => {
    await concurrentUps(['Web', 'Shop', 'Api', 'Blog']);
  }, 180_000);
});
