import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { BIN, Terminal } from './tmux.js';
import { tmpSandboxFile } from '../helpers/run.js';
import type { World } from '../../src/sandbox/types.js';

let term: Terminal | undefined;
afterEach(() => term?.kill());

/** The question inquirer is showing now (its last "? …" line), if it is waiting for an answer. */
function openQuestion(screen: string): string | undefined {
  const lines = screen.trimEnd().split('\n');
  const idx = lines.map((l, i) => (/^\? /.test(l) ? i : -1)).filter((i) => i >= 0).pop();
  if (idx === undefined) return undefined;
  // An answered question is printed with its answer on the same line, followed by other output.
  const rest = lines.slice(idx + 1).join('\n');
  if (/^\[exit \d+\]/m.test(rest) || /^(Plan for|Applied:|URL:)/m.test(rest)) return undefined;
  return lines[idx];
}

/** Presses Enter at every question until the program ends; returns the last screen. */
async function enterThroughDefaults(t: Terminal, answered: string[]): Promise<string> {
  const end = Date.now() + 90_000;
  let lastQuestion = '';
  while (Date.now() < end) {
    const screen = t.screen();
    if (/\[exit \d+\]/.test(screen)) return screen;
    const q = openQuestion(screen);
    if (q && q !== lastQuestion) {
      answered.push(q);
      lastQuestion = q;
      t.send('Enter');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`program did not finish; screen:\n${t.screen()}`);
}

describe('interactive up in a real terminal (tmux)', () => {
  it('Enter through every default reproduces the lab', async () => {
    const file = tmpSandboxFile();
    term = new Terminal(`node ${BIN} up --sandbox ${file}`);
    await term.waitFor(/\? VPC for the stack/);
    const answered: string[] = [];
    const screen = await enterThroughDefaults(term, answered);
    expect(screen).toMatch(/\[exit 0\]/);
    expect(answered[0]).toMatch(/VPC for the stack/);
    expect(answered.some((q) => /Apply this plan/.test(q))).toBe(true);
    expect(screen).toMatch(/URL: http:\/\/Web-ALB-/i);
    const world = JSON.parse(readFileSync(file, 'utf8')) as World;
    const vpc = world.ec2.vpcs.find((v) => v.tags.some((t) => t.Key === 'Name' && t.Value === 'VPC-Lab'));
    expect(vpc).toBeDefined();
    const subnetNames = world.ec2.subnets.filter((s) => s.vpcId === vpc!.id).map((s) => s.tags.find((t) => t.Key === 'Name')?.Value).sort();
    expect(subnetNames).toEqual(['Private subnet A', 'Private subnet C', 'Public subnet A', 'Public subnet C']);
    // The whole lab: the baked image, the template, the group with two instances in two AZs.
    expect(world.ec2.images.filter((i) => i.name === 'Web Server v1')).toHaveLength(1);
    expect(world.ec2.launchTemplates.map((t) => t.name)).toEqual(['Web']);
    const group = world.autoscaling.groups.find((g) => g.name === 'Web-ASG')!;
    expect([group.minSize, group.desiredCapacity, group.maxSize]).toEqual([2, 2, 4]);
    expect(group.instances.filter((i) => i.lifecycle === 'InService').map((i) => i.az).sort()).toEqual(['ap-northeast-2a', 'ap-northeast-2c']);
    expect(screen).toMatch(/GET 1 → i-\S+ \(ap-northeast-2[ac]\)/);
  }, 120_000);

  it('choosing an existing VPC and non-default subnets builds the load balancer in them', async () => {
    const file = tmpSandboxFile();
    term = new Terminal(`node ${BIN} up --sandbox ${file}`);
    await term.waitFor(/\? VPC for the stack/);
    term.send('Down');
    await term.waitFor(/❯ \(no name\) +vpc-\S+ +172\.31\.0\.0\/16/);
    term.send('Enter');
    // All four default subnets are public; those of the first two AZs are pre-checked for the
    // load balancer (leaving the others to the instances): take the last two instead.
    await term.waitFor(/\? Load balancer subnets \(public, 2\+ AZs\)/);
    term.send('Space', 'Down', 'Space', 'Down', 'Space', 'Down', 'Space', 'Enter');
    await term.waitFor(/\? Instance subnets \(private, 2\+ AZs\)/);
    term.send('Space', 'Down', 'Space', 'Enter');
    // Public subnets for the instances are a warning to accept, not a silent default.
    await term.waitFor(/\? All instance subnets are public\. Use them anyway\?/);
    term.send('y', 'Enter');
    const answered: string[] = [];
    const screen = await enterThroughDefaults(term, answered);
    expect(screen).toMatch(/\[exit 0\]/);
    const world = JSON.parse(readFileSync(file, 'utf8')) as World;
    const subnets = world.ec2.subnets.filter((s) => s.defaultForAz).sort((a, b) => a.az.localeCompare(b.az));
    const alb = world.elbv2.loadBalancers.find((l) => l.name === 'Web-ALB')!;
    expect(alb.subnetIds.sort()).toEqual([subnets[2]!.id, subnets[3]!.id].sort());
    expect(world.ec2.vpcs.some((v) => v.tags.some((t) => t.Value === 'VPC-Lab'))).toBe(false);
  }, 120_000);

  it('the bare command asks what to do and goes on as that command', async () => {
    const file = tmpSandboxFile();
    term = new Terminal(`node ${BIN} --sandbox ${file}`);
    await term.waitFor(/\? What do you want to do\?/);
    term.send('Down', 'Down');
    await term.waitFor(/❯ See the stack as it is/);
    term.send('Enter');
    const screen = await term.waitFor(/\[exit \d+\]/);
    expect(screen).toMatch(/\[exit 0\]/);
    // A fresh account has no stack: status says so instead of failing.
    expect(screen).toMatch(/Web/);
  }, 60_000);

  it('Ctrl-C at a question stops with exit 130 and writes nothing', async () => {
    const file = tmpSandboxFile();
    term = new Terminal(`node ${BIN} up --sandbox ${file}`);
    await term.waitFor(/\? VPC for the stack/);
    term.send('C-c');
    const screen = await term.waitFor(/\[exit \d+\]/);
    expect(screen).toMatch(/interrupted/);
    expect(screen).toMatch(/\[exit 130\]/);
    const world = JSON.parse(readFileSync(file, 'utf8')) as World;
    expect(world.calls.filter((c) => c.mutating)).toEqual([]);
  }, 60_000);

  it('without a terminal, the bare command prints the help', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('node', [BIN], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/Usage: asg-wizard/);
    expect(out).toMatch(/Exit codes:/);
  });
});
