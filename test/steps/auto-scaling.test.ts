/**
 * The whole lab through the real program against the sandbox: the launch template, the Auto
 * Scaling group with its target tracking policy, metrics and notifications, the verify step,
 * and what later runs change in place (sizes, policy target, a new image) — or do not touch
 * (a desired capacity the scaling side moved).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import { runWizard, tmpSandboxFile, type RunResult } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { deliveredTo } from '../../src/sandbox/sns.js';
import type { World } from '../../src/sandbox/types.js';

const world = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;
const group = (w: World) => w.autoscaling.groups.find((g) => g.name === 'Web-ASG')!;
const live = (w: World) => group(w).instances.filter((i) => i.lifecycle === 'InService' || i.lifecycle === 'Pending');
const errors = (r: RunResult) => r.stderr.split('\n').filter((l) => /^(error|hint):/.test(l)).join('\n');

/** Auto Scaling writes a run made (service AutoScaling). */
const asgWrites = (r: RunResult) => r.writes.filter((w) => w.startsWith('AutoScaling '));

/** Sets the desired capacity behind the tool's back, as the console or a scaling policy would. */
async function setDesired(file: string, desired: number): Promise<void> {
  const sandbox = new Sandbox({ file });
  const clients = new AwsClients({ region: 'ap-northeast-2', sandbox });
  await clients.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'Web-ASG', DesiredCapacity: desired }));
  clients.destroy();
}

describe('up builds the whole lab', () => {
  const file = tmpSandboxFile();
  let first: RunResult;

  beforeAll(async () => {
    first = await runWizard(file, ['up', '--yes']);
  }, 120_000);

  it('succeeds and prints which instance and AZ answered each GET', () => {
    expect(errors(first)).toBe('');
    expect(first.code).toBe(0);
    const gets = first.stdout.split('\n').filter((l) => /^ {2}GET \d+ → /.test(l));
    expect(gets.length).toBeGreaterThanOrEqual(4);
    const azs = new Set(gets.map((l) => /\((ap-northeast-2[a-z])\)$/.exec(l)?.[1]));
    expect(azs.size).toBe(2);
    for (const l of gets) expect(l).toMatch(/→ i-[0-9a-f]+ \(ap-northeast-2[a-z]\)$/);
  });

  it('the launch template holds the baked image, t2.micro, the instance group and IMDSv2', () => {
    const w = world(file);
    const lt = w.ec2.launchTemplates.find((t) => t.name === 'Web')!;
    expect(lt).toMatchObject({ defaultVersion: 1, latestVersion: 1 });
    expect(lt.tags).toContainEqual({ Key: 'asg-wizard:stack', Value: 'Web' });
    const v = lt.versions[0]!;
    expect(v.description).toBe('Immersion Day Web Instances Template – Web only');
    const image = w.ec2.images.find((i) => i.name === 'Web Server v1')!;
    const sg = w.ec2.securityGroups.find((g) => g.name === 'ASG-Web-Inst-SG')!;
    expect(v.data).toMatchObject({
      ImageId: image.id, InstanceType: 't2.micro', SecurityGroupIds: [sg.id], MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    });
    const specs = v.data.TagSpecifications as { ResourceType: string; Tags: { Key: string; Value: string }[] }[];
    for (const type of ['instance', 'volume']) {
      expect(specs.find((s) => s.ResourceType === type)?.Tags).toContainEqual({ Key: 'Name', Value: 'Web Instance' });
    }
  });

  it('the group has 2 instances InService in 2 AZs, registered and healthy behind Web-TG', () => {
    const w = world(file);
    const g = group(w);
    expect([g.minSize, g.desiredCapacity, g.maxSize]).toEqual([2, 2, 4]);
    expect(g.healthCheckType).toBe('ELB');
    expect(g.healthCheckGracePeriod).toBe(300);
    expect(g.defaultInstanceWarmup).toBe(300);
    // A numbered version (the template's default), so that an instance refresh can roll back.
    expect(g.launchTemplate).toMatchObject({ name: 'Web', version: '1' });
    const inService = g.instances.filter((i) => i.lifecycle === 'InService' && i.health === 'Healthy');
    expect(inService).toHaveLength(2);
    expect(new Set(inService.map((i) => i.az)).size).toBe(2);
    const privateSubnets = w.ec2.subnets.filter((s) => /^Private subnet/.test(s.tags.find((t) => t.Key === 'Name')?.Value ?? '')).map((s) => s.id);
    expect([...g.subnetIds].sort()).toEqual([...privateSubnets].sort());
    const tg = w.elbv2.targetGroups.find((t) => t.name === 'Web-TG')!;
    expect(g.targetGroupArns).toEqual([tg.arn]);
    expect(tg.targets.filter((t) => t.deregisteredAt === undefined).map((t) => t.id).sort()).toEqual(inService.map((i) => i.instanceId).sort());
    expect(g.tags).toEqual(expect.arrayContaining([
      { Key: 'Name', Value: 'ASG-Web-Instance', PropagateAtLaunch: true },
      { Key: 'asg-wizard:stack', Value: 'Web', PropagateAtLaunch: true },
    ]));
    // Propagated: the instances carry the group's Name and the stack tag.
    const instance = w.ec2.instances.find((i) => i.id === inService[0]!.instanceId)!;
    expect(instance.tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'ASG-Web-Instance' }, { Key: 'asg-wizard:stack', Value: 'Web' }]));
  });

  it('has the target tracking policy, all group metrics, and notifications that reported the first launches', () => {
    const w = world(file);
    const g = group(w);
    const policies = w.autoscaling.policies.filter((p) => p.groupName === 'Web-ASG');
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({
      name: 'Target Tracking Policy', policyType: 'TargetTrackingScaling',
      targetTracking: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 30, DisableScaleIn: false },
    });
    expect(g.enabledMetrics).toContain('GroupInServiceInstances');
    expect(g.enabledMetrics.length).toBeGreaterThan(10);
    const topic = w.sns.topics.find((t) => t.name === 'Web-ASG-events')!;
    const config = w.autoscaling.notificationConfigurations.find((c) => c.groupName === 'Web-ASG')!;
    expect(config.topicArn).toBe(topic.arn);
    expect([...config.types].sort()).toEqual([
      'autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
    ]);
    // The group was created empty and raised only once its notifications were in place.
    const launches = deliveredTo(w, topic.arn).filter((m) => m.json?.Event === 'autoscaling:EC2_INSTANCE_LAUNCH');
    expect(launches.map((m) => m.json?.EC2InstanceId).sort()).toEqual(g.instances.map((i) => i.instanceId).sort());
    const creates = first.writes.filter((x) => /CreateAutoScalingGroup|PutNotificationConfiguration|UpdateAutoScalingGroup/.test(x));
    expect(creates).toEqual(['AutoScaling CreateAutoScalingGroup', 'AutoScaling PutNotificationConfiguration', 'AutoScaling UpdateAutoScalingGroup']);
  });

  it('a second up makes zero mutating calls', async () => {
    const second = await runWizard(file, ['up', '--yes']);
    expect(errors(second)).toBe('');
    expect(second.writes).toEqual([]);
  });

  it('--desired-capacity given explicitly is set on the group', async () => {
    await setDesired(file, 2);
    const plan = await runWizard(file, ['plan', '--json', '--desired-capacity', '3']);
    const rows = JSON.parse(plan.stdout).rows.filter((r: { action: string }) => r.action !== 'reuse');
    expect(rows).toHaveLength(1);
    expect(rows[0].changes).toEqual([{ field: 'DesiredCapacity', from: 2, to: 3 }]);
  });

  it('--max-size 6 is exactly one update row, MaxSize 4 → 6, applied in place', async () => {
    const plan = await runWizard(file, ['plan', '--json', '--max-size', '6']);
    const changed = JSON.parse(plan.stdout).rows.filter((r: { action: string }) => r.action !== 'reuse');
    expect(changed).toEqual([expect.objectContaining({ action: 'update', type: 'AWS::AutoScaling::AutoScalingGroup', name: 'Web-ASG', changes: [{ field: 'MaxSize', from: 4, to: 6 }] })]);
    const text = await runWizard(file, ['plan', '--no-color', '--max-size', '6']);
    expect(text.stdout).toMatch(/~ update +AWS::AutoScaling::AutoScalingGroup +Web-ASG[^\n]*\n +MaxSize: 4 → 6\n/);
    const up = await runWizard(file, ['up', '--yes', '--max-size', '6']);
    expect(errors(up)).toBe('');
    expect(up.writes).toEqual(['AutoScaling UpdateAutoScalingGroup']);
    expect(group(world(file)).maxSize).toBe(6);
    const again = await runWizard(file, ['up', '--yes', '--max-size', '6']);
    expect(again.writes).toEqual([]);
  });

  it('a new CPU target updates the policy in place', async () => {
    const up = await runWizard(file, ['up', '--yes', '--max-size', '6', '--cpu-target', '50']);
    expect(errors(up)).toBe('');
    expect(up.writes).toEqual(['AutoScaling PutScalingPolicy']);
    const w = world(file);
    expect(w.autoscaling.policies.filter((p) => p.groupName === 'Web-ASG').map((p) => p.targetTracking?.TargetValue)).toEqual([50]);
  });

  it('a new image makes a new template version the default and refreshes the instances', async () => {
    const before = live(world(file)).map((i) => i.instanceId);
    const args = ['--max-size', '6', '--cpu-target', '50', '--image-name', 'Web Server v2'];
    const plan = await runWizard(file, ['plan', '--json', ...args]);
    const rows = JSON.parse(plan.stdout).rows as { type: string; action: string; changes: { field: string; from: unknown; to: unknown }[] }[];
    const lt = rows.find((r) => r.type === 'AWS::EC2::LaunchTemplate')!;
    expect(lt.action).toBe('update');
    expect(lt.changes).toContainEqual({ field: 'DefaultVersion', from: 1, to: 2 });
    expect(lt.changes.find((c) => c.field === 'ImageId')).toMatchObject({ to: '(Web Server v2)' });
    const asg = rows.find((r) => r.type === 'AWS::AutoScaling::AutoScalingGroup')!;
    expect(asg.changes).toEqual([
      { field: 'LaunchTemplate', from: 'Web:1', to: 'Web:2 (instance refresh, auto rollback)' },
      expect.objectContaining({ field: 'Instances', to: 'version 2 (instance refresh)' }),
    ]);

    const up = await runWizard(file, ['up', '--yes', ...args]);
    expect(errors(up)).toBe('');
    expect(up.writes).toEqual(expect.arrayContaining(['EC2 CreateLaunchTemplateVersion', 'EC2 ModifyLaunchTemplate', 'AutoScaling StartInstanceRefresh']));
    expect(asgWrites(up)).toEqual(['AutoScaling StartInstanceRefresh']);
    const w = world(file);
    const t = w.ec2.launchTemplates.find((x) => x.name === 'Web')!;
    expect(t).toMatchObject({ defaultVersion: 2, latestVersion: 2 });
    const v2 = w.ec2.images.find((i) => i.name === 'Web Server v2')!;
    expect(t.versions.find((v) => v.number === 2)!.data.ImageId).toBe(v2.id);
    const refresh = w.autoscaling.instanceRefreshes.find((r) => r.groupName === 'Web-ASG')!;
    expect(refresh.status).toBe('Successful');
    expect(refresh.preferences).toMatchObject({ SkipMatching: true, MinHealthyPercentage: 50, InstanceWarmup: 300, AutoRollback: true });
    // The refresh moved the group to the new version once its instances were healthy.
    expect(refresh.desiredConfiguration).toMatchObject({ LaunchTemplate: { Version: '2' } });
    expect(w.autoscaling.groups.find((g) => g.name === 'Web-ASG')!.launchTemplate).toMatchObject({ version: '2' });
    const now = live(w);
    expect(now.every((i) => i.launchTemplate?.version === '2')).toBe(true);
    expect(now.some((i) => before.includes(i.instanceId))).toBe(false);
    // Verified after the refresh: answers come from the new instances.
    const answered = up.stdout.split('\n').map((l) => /→ (i-[0-9a-f]+)/.exec(l)?.[1]).filter(Boolean);
    expect(answered.length).toBeGreaterThan(0);
    for (const id of answered) expect(now.map((i) => i.instanceId)).toContain(id);

    const again = await runWizard(file, ['up', '--yes', ...args]);
    expect(again.writes).toEqual([]);
  }, 120_000);

  it('up --json carries the verify answers', async () => {
    const up = await runWizard(file, ['up', '--yes', '--json', '--max-size', '6', '--cpu-target', '50', '--image-name', 'Web Server v2', '--min-size', '1']);
    expect(errors(up)).toBe('');
    const doc = JSON.parse(up.stdout);
    expect(doc.verify.answers.length).toBeGreaterThanOrEqual(4);
    expect(doc.verify.answers[0]).toMatchObject({ status: 200, instanceId: expect.stringMatching(/^i-/), az: expect.stringMatching(/^ap-northeast-2[ac]$/) });
  });
});

describe('a desired capacity changed behind our back', () => {
  it('is not pushed back by up (zero writes)', async () => {
    // Scale-in off, so the sandbox's target tracking does not undo the change on its own at once.
    const file = tmpSandboxFile();
    const args = ['up', '--yes', '--disable-scale-in'];
    expect(errors(await runWizard(file, args))).toBe('');
    await setDesired(file, 3);
    expect(group(world(file)).desiredCapacity).toBe(3);
    const plan = await runWizard(file, ['plan', '--json', '--disable-scale-in']);
    const row = JSON.parse(plan.stdout).rows.find((r: { type: string }) => r.type === 'AWS::AutoScaling::AutoScalingGroup');
    expect(row).toMatchObject({ action: 'reuse', changes: [] });
    const run = await runWizard(file, args);
    expect(errors(run)).toBe('');
    expect(run.writes).toEqual([]);
    const g = group(world(file));
    expect(g.desiredCapacity).toBe(3);
    expect(live(world(file))).toHaveLength(3);
  }, 120_000);
});

describe('a same-named launch template not made by asg-wizard', () => {
  it('is an adopt row, left alone without --adopt, and with it tagged and given a new default version', async () => {
    const file = tmpSandboxFile();
    const sandbox = new Sandbox({ file });
    const clients = new AwsClients({ region: 'ap-northeast-2', sandbox });
    const image = sandbox.world.ec2.images.find((i) => i.public && i.architecture === 'x86_64')!;
    await clients.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'Web', LaunchTemplateData: { ImageId: image.id, InstanceType: 't3.small' } }));
    clients.destroy();

    const plan = await runWizard(file, ['plan', '--json']);
    const row = JSON.parse(plan.stdout).rows.find((r: { type: string }) => r.type === 'AWS::EC2::LaunchTemplate');
    expect(row).toMatchObject({ action: 'adopt', changes: expect.arrayContaining([{ field: 'InstanceType', from: 't3.small', to: 't2.micro' }, { field: 'DefaultVersion', from: 1, to: 2 }]) });
    const refused = await runWizard(file, ['up', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.writes).toEqual([]);
    const adopted = await runWizard(file, ['up', '--yes', '--adopt']);
    expect(errors(adopted)).toBe('');
    const lt = world(file).ec2.launchTemplates.find((t) => t.name === 'Web')!;
    expect(lt.tags).toContainEqual({ Key: 'asg-wizard:stack', Value: 'Web' });
    expect(lt).toMatchObject({ defaultVersion: 2, latestVersion: 2 });
    expect(lt.versions.find((v) => v.number === 2)!.data).toMatchObject({ InstanceType: 't2.micro', MetadataOptions: { HttpTokens: 'required' } });
    expect((await runWizard(file, ['up', '--yes'])).writes).toEqual([]);
  }, 120_000);
});

describe('notifications off', () => {
  it('creates the group at its sizes directly, with no notification configuration', async () => {
    const file = tmpSandboxFile();
    const up = await runWizard(file, ['up', '--yes', '--no-notifications']);
    expect(errors(up)).toBe('');
    expect(asgWrites(up).slice(0, 1)).toEqual(['AutoScaling CreateAutoScalingGroup']);
    expect(asgWrites(up)).not.toContain('AutoScaling UpdateAutoScalingGroup');
    const w = world(file);
    expect(w.autoscaling.notificationConfigurations).toEqual([]);
    expect(group(w).desiredCapacity).toBe(2);
    const again = await runWizard(file, ['up', '--yes', '--no-notifications']);
    expect(again.writes).toEqual([]);
  }, 120_000);
});

describe('an interrupted run', () => {
  it('raises a group left at 0/0 by a run that stopped before its notifications to the wanted sizes', async () => {
    const file = tmpSandboxFile();
    const clean = await runWizard(file, ['up', '--yes']);
    const k = clean.writes.indexOf('AutoScaling PutNotificationConfiguration') + 1;
    expect(k).toBeGreaterThan(0);
    const other = tmpSandboxFile();
    const failed = await runWizard(other, ['up', '--yes'], { env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: String(k) } });
    expect(failed.code).toBe(1);
    expect([group(world(other)).minSize, group(world(other)).desiredCapacity]).toEqual([0, 0]);
    const plan = await runWizard(other, ['plan', '--json']);
    const row = JSON.parse(plan.stdout).rows.find((r: { type: string }) => r.type === 'AWS::AutoScaling::AutoScalingGroup');
    expect(row.changes).toEqual(expect.arrayContaining([{ field: 'MinSize', from: 0, to: 2 }, { field: 'DesiredCapacity', from: 0, to: 2 }]));
    const again = await runWizard(other, ['up', '--yes']);
    expect(errors(again)).toBe('');
    const g = group(world(other));
    expect([g.minSize, g.desiredCapacity, g.maxSize]).toEqual([2, 2, 4]);
    expect(live(world(other)).filter((i) => i.lifecycle === 'InService')).toHaveLength(2);
    // The launches after the configuration was put were reported.
    const w = world(other);
    const topic = w.sns.topics.find((t) => t.name === 'Web-ASG-events')!;
    expect(deliveredTo(w, topic.arn).filter((m) => m.json?.Event === 'autoscaling:EC2_INSTANCE_LAUNCH')).toHaveLength(2);
  }, 120_000);
});

describe('target tracking on ALB requests per target', () => {
  it('labels the policy with the load balancer and target group, and an update switches the metric in place', async () => {
    const { runWizard, tmpSandboxFile } = await import('../helpers/run.js');
    const file = tmpSandboxFile();
    const first = await runWizard(file, ['up', '--yes', '--requests-per-target', '500']);
    expect(first.stderr).not.toMatch(/^error:/m);
    const w = first.sandbox!.world;
    const policy = w.autoscaling.policies.find((p) => p.groupName === 'Web-ASG')!;
    const spec = (policy.targetTracking as { PredefinedMetricSpecification: { PredefinedMetricType: string; ResourceLabel: string }; TargetValue: number });
    expect(spec.PredefinedMetricSpecification.PredefinedMetricType).toBe('ALBRequestCountPerTarget');
    expect(spec.TargetValue).toBe(500);
    const lb = w.elbv2.loadBalancers.find((l) => l.name === 'Web-ALB')!;
    const tg = w.elbv2.targetGroups.find((t) => t.name === 'Web-TG')!;
    expect(spec.PredefinedMetricSpecification.ResourceLabel).toBe(`${lb.arn.split(':loadbalancer/')[1]}/${tg.arn.split(':').pop()}`);
    expect((await runWizard(file, ['up', '--yes', '--requests-per-target', '500'])).writes).toEqual([]);
    const back = await runWizard(file, ['plan', '--no-color']);
    expect(back.stdout).toMatch(/PredefinedMetricType: ALBRequestCountPerTarget → ASGAverageCPUUtilization/);
  }, 120_000);
});

describe('a new image that never turns healthy', () => {
  it('is rolled back by the instance refresh: the group stays on the working version, up fails with the reason', async () => {
    const { runWizard, tmpSandboxFile } = await import('../helpers/run.js');
    const { writeFileSync } = await import('node:fs');
    const file = tmpSandboxFile();
    // Time must pass for "never" to be seen: AWS's durations at 1/100.
    const o = { env: { ASG_WIZARD_SANDBOX_LATENCY: 'fast' }, waits: { maxWaitSeconds: 240, minDelay: 1, maxDelay: 2 } };
    expect((await runWizard(file, ['up', '--yes'], o)).code).toBe(0);
    // A user data that finishes (the marker) but never starts a web server: the image bakes, its instances never pass the ELB check.
    const broken = file.replace(/sandbox\.json$/, 'broken.sh');
    writeFileSync(broken, '#!/bin/bash\necho ASG_WIZARD_USER_DATA_DONE > /dev/console\n');
    const up = await runWizard(file, ['up', '--yes', '--image-name', 'Web Server v2', '--user-data', broken], o);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^error: instance refresh \S+ of Web-ASG ended RollbackSuccessful: .*did not become healthy/m);
    // The hint's command runs as printed: the same sandbox file.
    expect(up.stderr).toContain(`hint: see the group's activities (asg-wizard status --sandbox ${file}) for why`);
    const w = up.sandbox!.world;
    const g = w.autoscaling.groups.find((x) => x.name === 'Web-ASG')!;
    expect(g.launchTemplate).toMatchObject({ version: '1' });
    const inService = g.instances.filter((i) => i.lifecycle === 'InService');
    expect(inService.length).toBeGreaterThanOrEqual(2);
    expect(inService.every((i) => i.launchTemplate?.version === '1')).toBe(true);
  }, 300_000);
});
