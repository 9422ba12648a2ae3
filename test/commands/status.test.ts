/**
 * `status` through the real program against the sandbox: it reads only, shows what a person
 * checks after the lab, and its --json document has the keys SPEC "Machine-readable output"
 * promises.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { TestIoHost } from '../../src/ui/test-host.js';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import type { World } from '../../src/sandbox/types.js';

const world = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;

describe('status of a built stack', () => {
  const file = tmpSandboxFile();

  beforeAll(async () => {
    const up = await runWizard(file, ['up', '--yes', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com']);
    expect(up.code).toBe(0);
  }, 120_000);

  it('--json has exactly the documented keys, and reads only', async () => {
    const run = await runWizard(file, ['status', '--json']);
    expect(run.code).toBe(0);
    expect(run.writes).toEqual([]);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['stack', 'region', 'account', 'url', 'group', 'targets', 'policies', 'notifications', 'image', 'launchTemplate', 'writes']));
    expect(doc).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', writes: 0, url: expect.stringMatching(/^http:\/\/web-alb-\d+\.ap-northeast-2\.elb\.amazonaws\.com$/i) });
    expect(doc.group).toMatchObject({ name: 'Web-ASG', min: 2, desired: 2, max: 4 });
    expect(doc.group.instances).toHaveLength(2);
    for (const i of doc.group.instances) {
      expect(i).toMatchObject({ id: expect.stringMatching(/^i-/), az: expect.stringMatching(/^ap-northeast-2[ac]$/), lifecycle: 'InService', health: 'Healthy' });
    }
    expect(doc.targets).toHaveLength(2);
    for (const t of doc.targets) expect(t).toMatchObject({ id: expect.stringMatching(/^i-/), az: expect.stringMatching(/^ap-northeast-2[ac]$/), port: 80, state: 'healthy' });
    expect(new Set(doc.targets.map((t: { az: string }) => t.az)).size).toBe(2);
    expect(doc.policies).toEqual([expect.objectContaining({ name: 'Target Tracking Policy', type: 'TargetTrackingScaling', metric: 'ASGAverageCPUUtilization', targetValue: 30 })]);
    const topic = world(file).sns.topics.find((t) => t.name === 'Web-ASG-events')!;
    expect(doc.notifications).toEqual([expect.objectContaining({ topicArn: topic.arn, types: expect.arrayContaining(['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE']) })]);
    expect(doc.notifications[0].subscriptions).toEqual([{ protocol: 'email', endpoint: 'ops@example.com', pending: true }]);
    const image = world(file).ec2.images.find((i) => i.name === 'Web Server v1')!;
    expect(doc.image).toEqual({ id: image.id, name: 'Web Server v1' });
    expect(doc.launchTemplate).toMatchObject({ name: 'Web', defaultVersion: 1 });
    expect(doc.activities.length).toBeGreaterThan(0);
    expect(doc.activities.length).toBeLessThanOrEqual(5);
    // Progress and notes never reach stdout: it parsed as one document.
  });

  it('the human form shows URL, targets per AZ, sizes, policy, notifications, image and template', async () => {
    const run = await runWizard(file, ['status', '--no-color']);
    expect(run.code).toBe(0);
    expect(run.writes).toEqual([]);
    const out = run.stdout;
    expect(out).toMatch(/^URL: http:\/\/web-alb-/im);
    expect(out).toMatch(/^Auto Scaling group Web-ASG: min 2, desired 2, max 4/m);
    expect(out.match(/^ {2}i-[0-9a-f]+:80 +ap-northeast-2[ac] +healthy$/gm)).toHaveLength(2);
    expect(out).toMatch(/Target Tracking Policy: TargetTrackingScaling on ASGAverageCPUUtilization, target 30/);
    expect(out).toMatch(/^ {2}Web-ASG-events: launch, launch_error, terminate, terminate_error/m);
    expect(out).toMatch(/email ops@example\.com: pending confirmation/);
    expect(out).toMatch(/^Image: Web Server v1 \(ami-[0-9a-f]+\)$/m);
    expect(out).toMatch(/^Launch template: Web \(lt-[0-9a-f]+\), default version 1, latest 1$/m);
    expect(out).toMatch(/^Recent activities/m);
  });

  it('a stack of another name does not exist: said so, exit 0, an empty status', async () => {
    const human = await runWizard(file, ['status', '--stack', 'Shop']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Stack Shop does not exist in ap-northeast-2: found no load balancer Shop-ALB, target group Shop-TG, Auto Scaling group Shop-ASG or launch template Shop\.$/m);
    // The hint, as a message: the command that builds it, with the same account and stack (and --yes, as this run may not prompt).
    const host = new TestIoHost();
    expect((await runWizard(file, ['status', '--stack', 'Shop'], { host })).code).toBe(0);
    expect(host.resultsOf('status')[0]!.status.exists).toBe(false);
    expect(host.notesOf('next')).toEqual([{ kind: 'next', commands: [{ command: `asg-wizard up --sandbox ${file} --stack Shop --yes`, does: 'builds stack Shop' }] }]);
    const json = await runWizard(file, ['status', '--stack', 'Shop', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      stack: 'Shop', region: 'ap-northeast-2', account: '123456789012', exists: false, url: null, group: null, targets: [], policies: [], notifications: [],
      image: null, launchTemplate: null, activities: [], instanceRefresh: null, writes: 0,
    });
    expect(json.writes).toEqual([]);
  });
});

describe('status of an empty account', () => {
  it('reports no stack', async () => {
    const run = await runWizard(tmpSandboxFile(), ['status', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ stack: 'Web', exists: false, group: null });
  });

  it('a bad flag is a usage error (exit 2) before anything is read', async () => {
    const run = await runWizard(tmpSandboxFile(), ['status', '--stack', '1bad']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: invalid input: --stack \(stack\) = "1bad"/m);
  });
});
