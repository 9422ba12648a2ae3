import { describe, it, expect } from 'vitest';
import { LB_ARN, TG_ARN, pushLoadBalancer } from '../helpers/fixtures.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActiveInstanceRefreshNotFoundFault,
  AlreadyExistsFault,
  CancelInstanceRefreshCommand,
  CreateAutoScalingGroupCommand,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeInstanceRefreshesCommand,
  DescribeNotificationConfigurationsCommand,
  DescribePoliciesCommand,
  DescribeScalingActivitiesCommand,
  DescribeScheduledActionsCommand,
  DescribeTagsCommand,
  EnableMetricsCollectionCommand,
  InstanceRefreshInProgressFault,
  PutNotificationConfigurationCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  ResourceInUseFault,
  SetDesiredCapacityCommand,
  StartInstanceRefreshCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
  paginateDescribeAutoScalingGroups,
  waitUntilGroupInService,
  waitUntilGroupNotExists,
  type CreateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import type { World } from '../../src/sandbox/types.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-asg-')), 'sandbox.json');
}

const LT_ID = 'lt-0a1b2c3d4e5f60718';
const TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:web-asg-topic';

/** A sandbox with a launch template, a target group behind an active ALB, and an SNS topic, pushed straight into the world. */
function setup(latencyScale?: number) {
  const sandbox = new Sandbox({ file: tmpFile(), ...(latencyScale !== undefined ? { latencyScale } : {}) });
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  const w = sandbox.world;
  const now = Date.now() + w.clock.offsetMs;
  const sg = w.ec2.securityGroups[0]!;
  const image = w.ec2.images.find((i) => i.architecture === 'x86_64')!;
  w.ec2.launchTemplates.push({
    id: LT_ID, name: 'web-lt', defaultVersion: 1, latestVersion: 1, createdAt: now, tags: [],
    versions: [{
      number: 1, createdAt: now,
      data: {
        ImageId: image.id, InstanceType: 't3.micro', SecurityGroupIds: [sg.id], MetadataOptions: { HttpTokens: 'required' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }, { ResourceType: 'volume', Tags: [{ Key: 'vol', Value: 'web' }] }],
      },
    }],
  });
  pushLoadBalancer(w, now, sg.id);
  w.sns.topics.push({ arn: TOPIC, name: 'web-asg-topic', attributes: {}, tags: [] });
  const subnets = w.ec2.subnets.slice(0, 2);
  const asg = aws.autoscaling;
  const base = (over: Partial<CreateAutoScalingGroupCommandInput> = {}): CreateAutoScalingGroupCommandInput => ({
    AutoScalingGroupName: 'web-asg', LaunchTemplate: { LaunchTemplateId: LT_ID, Version: '$Default' },
    MinSize: 2, MaxSize: 4, DesiredCapacity: 2, VPCZoneIdentifier: subnets.map((s) => s.id).join(','),
    TargetGroupARNs: [TG_ARN], Tags: [{ Key: 'app', Value: 'web', PropagateAtLaunch: true }, { Key: 'owner', Value: 'lab', PropagateAtLaunch: false }],
    ...over,
  });
  const group = async (name = 'web-asg') =>
    (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  const activities = async (name = 'web-asg') =>
    (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: name }))).Activities ?? [];
  const advance = (ms: number) => {
    w.clock.offsetMs += ms;
  };
  return { sandbox, aws, asg, w, subnets, image, sg, base, group, activities, advance };
}

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (e: Error & { $metadata?: { httpStatusCode?: number } }) => e);
const delivered = (w: World, event: string) =>
  w.sns.delivered.filter((d) => d.topicArn === TOPIC).map((d) => ({ ...d, json: JSON.parse(d.message) as Record<string, unknown> })).filter((d) => d.json.Event === event);

describe('Auto Scaling groups', () => {
  it('refuses invalid creates with AWS errors and leaves nothing behind', async () => {
    const { asg, w, base } = setup();
    const cases: [Partial<CreateAutoScalingGroupCommandInput>, RegExp][] = [
      [{ MinSize: 2, DesiredCapacity: 1 }, /^Desired capacity:1 must be between the specified min size:2 and max size:4$/],
      [{ MinSize: 5, MaxSize: 4, DesiredCapacity: 5 }, /^Max bound, 4, must be greater than or equal to min bound, 5$/],
      [{ LaunchTemplate: { LaunchTemplateId: 'lt-0000000000000000f' } }, /^You must use a valid fully-formed launch template\. The specified launch template, with template ID lt-0000000000000000f, does not exist\.$/],
      [{ LaunchTemplate: { LaunchTemplateName: 'nope' } }, /^You must use a valid fully-formed launch template\..*template name nope/],
      [{ LaunchTemplate: { LaunchTemplateId: LT_ID, Version: '7' } }, /^You must use a valid fully-formed launch template\..*version '7'/],
      [{ TargetGroupARNs: [TG_ARN.replace('web-tg', 'nope-tg')] }, /^Provided Target Groups may not be valid/],
      [{ VPCZoneIdentifier: 'subnet-00000000000000000' }, /^The subnet ID 'subnet-00000000000000000' does not exist$/],
      [{ VPCZoneIdentifier: undefined }, /^At least one Availability Zone or VPC Subnet is required\.$/],
    ];
    for (const [over, msg] of cases) {
      const err = await errorOf(asg.send(new CreateAutoScalingGroupCommand(base(over))));
      expect(err.name).toBe('ValidationError');
      expect(err.message).toMatch(msg);
      expect(err.$metadata?.httpStatusCode).toBe(400);
    }
    expect(w.autoscaling.groups).toHaveLength(0);
    expect(w.autoscaling.activities).toHaveLength(0);
    expect(w.ec2.instances).toHaveLength(0);
    await asg.send(new CreateAutoScalingGroupCommand(base()));
    const dup = await errorOf(asg.send(new CreateAutoScalingGroupCommand(base())));
    expect(dup).toBeInstanceOf(AlreadyExistsFault);
    expect(dup.name).toBe('AlreadyExistsFault');
    expect(w.autoscaling.groups).toHaveLength(1);
  });

  it('acts on its own time, not when a call next looks: launched when it reacts, InService and registered when running', async () => {
    // AWS's own durations (latency 1), and nobody looking for ten minutes after the create.
    const { asg, aws, base, activities, advance, image } = setup(1);
    image.servesHttp = true;
    await asg.send(new CreateAutoScalingGroupCommand(base()));
    const created = Date.now();
    advance(600_000);
    const launches = (await activities()).filter((a) => a.Description?.startsWith('Launching'));
    expect(launches).toHaveLength(2);
    for (const a of launches) {
      // Auto Scaling reacts ~5 s after the change; the instances run 30 s later.
      expect(a.StartTime!.getTime() - created).toBeLessThan(15_000);
      expect(a.EndTime!.getTime() - a.StartTime!.getTime()).toBe(30_000);
    }
    // Registered when they ran, so their health checks (5 × 30 s) passed long ago.
    const health = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: TG_ARN }));
    expect(health.TargetHealthDescriptions?.map((t) => t.TargetHealth?.State)).toEqual(['healthy', 'healthy']);
  });

  it('launches desired 2 over two AZs, one per AZ, registered with the target group and InService', async () => {
    const { asg, w, base, group, activities, subnets, sg, image } = setup();
    // Baked with the web server, and the load balancer shares the instances' group: targets turn healthy.
    image.servesHttp = true;
    await asg.send(new CreateAutoScalingGroupCommand(base({ HealthCheckType: 'ELB', HealthCheckGracePeriod: 300 })));
    await waitUntilGroupInService({ client: asg, maxWaitTime: 10, minDelay: 1 }, { AutoScalingGroupNames: ['web-asg'] });
    const g = (await group())!;
    expect(g.MinSize).toBe(2);
    expect(g.DesiredCapacity).toBe(2);
    expect(g.DefaultCooldown).toBe(300);
    expect(g.HealthCheckGracePeriod).toBe(300);
    expect(g.CreatedTime).toBeInstanceOf(Date);
    expect(g.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:ap-northeast-2:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/web-asg$/);
    expect(g.LaunchTemplate).toEqual({ LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-lt', Version: '$Default' });
    expect(g.Tags).toContainEqual({ ResourceId: 'web-asg', ResourceType: 'auto-scaling-group', Key: 'app', Value: 'web', PropagateAtLaunch: true });
    expect(g.Status).toBeUndefined();
    expect(g.Instances).toHaveLength(2);
    expect(new Set(g.Instances!.map((i) => i.AvailabilityZone))).toEqual(new Set(subnets.map((s) => s.az)));
    for (const i of g.Instances!) {
      expect(i).toMatchObject({ LifecycleState: 'InService', HealthStatus: 'Healthy', InstanceType: 't3.micro', ProtectedFromScaleIn: false });
      expect(i.LaunchTemplate).toEqual({ LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-lt', Version: '1' });
      const ec2 = w.ec2.instances.find((x) => x.id === i.InstanceId)!;
      expect(ec2.httpTokens).toBe('required');
      expect(ec2.securityGroupIds).toEqual([sg.id]);
      expect(ec2.tags).toEqual(expect.arrayContaining([
        { Key: 'Name', Value: 'web' }, { Key: 'app', Value: 'web' }, { Key: 'aws:autoscaling:groupName', Value: 'web-asg' },
      ]));
      expect(ec2.tags.some((t) => t.Key === 'owner')).toBe(false);
      expect(ec2.volumeTags).toEqual([{ Key: 'vol', Value: 'web' }]);
    }
    const targets = w.elbv2.targetGroups[0]!.targets;
    expect(targets.map((t) => t.id).sort()).toEqual(g.Instances!.map((i) => i.InstanceId).sort());
    expect(targets.every((t) => t.port === 80 && t.az)).toBe(true);
    const acts = await activities();
    expect(acts).toHaveLength(2);
    for (const a of acts) {
      expect(a.Description).toMatch(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/);
      expect(a.Cause).toMatch(/^At \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ a user request created an AutoScalingGroup changing the desired capacity from 0 to 2\.  At \S+Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 2\.$/);
      expect(a.StatusCode).toBe('Successful');
      expect(a.Progress).toBe(100);
      expect(a.StartTime).toBeInstanceOf(Date);
      expect(a.EndTime).toBeInstanceOf(Date);
      expect(Object.keys(JSON.parse(a.Details!))).toEqual(['Subnet ID', 'Availability Zone']);
    }
    const inst = await asg.send(new DescribeAutoScalingInstancesCommand({}));
    expect(inst.AutoScalingInstances?.map((i) => i.HealthStatus)).toEqual(['HEALTHY', 'HEALTHY']);
    expect(inst.AutoScalingInstances?.[0]?.AutoScalingGroupName).toBe('web-asg');
  });

  it('scales out 2→3 and in 3→2 with AWS causes, AZ balance and a termination notification', async () => {
    const { asg, w, base, group, activities } = setup();
    await asg.send(new CreateAutoScalingGroupCommand(base()));
    await asg.send(new PutNotificationConfigurationCommand({
      AutoScalingGroupName: 'web-asg', TopicARN: TOPIC, NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE'],
    }));
    const err = await errorOf(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-asg', DesiredCapacity: 5 })));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe('New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.');

    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-asg', DesiredCapacity: 3 }));
    let g = (await group())!;
    expect(g.Instances).toHaveLength(3);
    expect(g.Instances!.every((i) => i.LifecycleState === 'InService')).toBe(true);
    const [out] = await activities();
    expect(out!.Description).toMatch(/^Launching a new EC2 instance: i-/);
    expect(out!.Cause).toMatch(/^At \S+Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 3\.  At \S+Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3\.$/);
    // The first two went InService before the configuration existed.
    expect(delivered(w, 'autoscaling:EC2_INSTANCE_LAUNCH').length).toBe(1);

    const perAz = new Map<string, string[]>();
    for (const i of g.Instances!) perAz.set(i.AvailabilityZone!, [...(perAz.get(i.AvailabilityZone!) ?? []), i.InstanceId!]);
    const crowded = [...perAz.values()].find((ids) => ids.length === 2)!;

    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-asg', DesiredCapacity: 2 }));
    g = (await group())!;
    expect(g.Instances).toHaveLength(2);
    const acts = await activities();
    const term = acts[0]!;
    expect(term.Description).toMatch(/^Terminating EC2 instance: i-/);
    const victim = term.Description!.split(': ')[1]!;
    expect(crowded).toContain(victim);
    expect(term.Cause).toMatch(new RegExp(
      '^At \\S+Z a user request update of AutoScalingGroup constraints to min: 2, max: 4, desired: 2 changing the desired capacity from 3 to 2\\.  ' +
      'At \\S+Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2\\.  ' +
      `At \\S+Z instance ${victim} was selected for termination\\.$`));
    expect(term.StatusCode).toBe('Successful');
    expect(w.ec2.instances.find((i) => i.id === victim)!.terminatingAt).toBeDefined();
    expect(w.elbv2.targetGroups[0]!.targets.some((t) => t.id === victim && t.deregisteredAt === undefined)).toBe(false);

    const [note] = delivered(w, 'autoscaling:EC2_INSTANCE_TERMINATE');
    expect(note!.subject).toBe('Auto Scaling: termination for group "web-asg"');
    expect(note!.json.Cause).toContain('a difference between desired and actual capacity');
    expect(note!.json).toMatchObject({
      Service: 'AWS Auto Scaling', AutoScalingGroupName: 'web-asg', EC2InstanceId: victim, AccountId: '123456789012',
      Details: { 'Subnet ID': expect.stringMatching(/^subnet-/), 'Availability Zone': expect.stringMatching(/^ap-northeast-2/) },
    });
    expect(Object.keys(note!.json)).toEqual([
      'Origin', 'Destination', 'Progress', 'AccountId', 'Description', 'RequestId', 'EndTime', 'AutoScalingGroupARN', 'ActivityId',
      'StartTime', 'Service', 'Time', 'EC2InstanceId', 'StatusCode', 'StatusMessage', 'Details', 'AutoScalingGroupName', 'Cause', 'Event',
    ]);
  });

  it('terminates an instance on request, decrementing the desired capacity', async () => {
    const { asg, base, group } = setup();
    await asg.send(new CreateAutoScalingGroupCommand(base({ MinSize: 1 })));
    const [a] = (await group())!.Instances!;
    const res = await asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a!.InstanceId, ShouldDecrementDesiredCapacity: true }));
    expect(res.Activity?.Cause).toMatch(new RegExp(`^At \\S+Z instance ${a!.InstanceId} was taken out of service in response to a user request, shrinking the capacity from 2 to 1\\.$`));
    const g = (await group())!;
    expect(g.DesiredCapacity).toBe(1);
    expect(g.Instances).toHaveLength(1);
    const [b] = g.Instances!;
    const err = await errorOf(asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b!.InstanceId, ShouldDecrementDesiredCapacity: true })));
    expect(err.message).toMatch(/^Currently, desiredSize equals minSize \(1\)/);
    const unknown = await errorOf(asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-00000000000000000', ShouldDecrementDesiredCapacity: false })));
    expect(unknown.name).toBe('ValidationError');
  });

  it('replaces a target the load balancer finds unhealthy once the grace period is over', async () => {
    const { asg, w, base, group, activities, advance } = setup(1);
    await asg.send(new CreateAutoScalingGroupCommand(base({ MinSize: 1, DesiredCapacity: 1, HealthCheckType: 'ELB', HealthCheckGracePeriod: 120 })));
    let g = (await group())!;
    // Auto Scaling takes a few seconds to react to the new desired capacity.
    expect(g.Instances).toEqual([]);
    advance(5_000);
    g = (await group())!;
    expect(g.Instances![0]!.LifecycleState).toBe('Pending');
    const first = g.Instances![0]!.InstanceId!;
    advance(31_000);
    g = (await group())!;
    expect(g.Instances![0]!.LifecycleState).toBe('InService');
    expect(w.elbv2.targetGroups[0]!.targets.map((t) => t.id)).toEqual([first]);
    // The image serves nothing: the target fails its checks (~60 s after registration), but the grace period holds.
    advance(70_000);
    g = (await group())!;
    expect(g.Instances!.map((i) => [i.InstanceId, i.HealthStatus])).toEqual([[first, 'Healthy']]);
    advance(30_000);
    g = (await group())!;
    const old = g.Instances!.find((i) => i.InstanceId === first);
    expect(old?.LifecycleState ?? 'gone').not.toBe('InService');
    const acts = await activities();
    const term = acts.find((a) => a.Description === `Terminating EC2 instance: ${first}`)!;
    expect(term.Cause).toMatch(/^At \S+Z an instance was taken out of service in response to an ELB system health check failure\.$/);
    const launches = acts.filter((a) => a.Description?.startsWith('Launching a new EC2 instance: '));
    expect(launches).toHaveLength(2);
    expect(launches[0]!.Cause).toMatch(/an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1\.$/);
    expect(g.Instances!.some((i) => i.InstanceId !== first && i.LifecycleState === 'Pending')).toBe(true);
  });

  it('pages DescribeAutoScalingGroups over 250 groups with the SDK paginator', async () => {
    const { asg, base } = setup();
    for (let i = 0; i < 250; i++) {
      await asg.send(new CreateAutoScalingGroupCommand(base({ AutoScalingGroupName: `g-${String(i).padStart(3, '0')}`, MinSize: 0, DesiredCapacity: 0, TargetGroupARNs: [] })));
    }
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeAutoScalingGroups({ client: asg, pageSize: 100 }, {})) {
      pages += 1;
      expect(page.AutoScalingGroups!.length).toBeLessThanOrEqual(100);
      names.push(...page.AutoScalingGroups!.map((g) => g.AutoScalingGroupName!));
    }
    expect(pages).toBe(3);
    expect(names).toHaveLength(250);
    expect(new Set(names).size).toBe(250);
    const def = await asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(def.AutoScalingGroups).toHaveLength(50);
    expect(def.NextToken).toBeDefined();
    const err = await errorOf(asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })));
    expect(err.name).toBe('ValidationError');
  });

  it('filters groups and tags by tag', async () => {
    const { asg, base } = setup();
    await asg.send(new CreateAutoScalingGroupCommand(base({ MinSize: 0, DesiredCapacity: 0 })));
    await asg.send(new CreateAutoScalingGroupCommand(base({ AutoScalingGroupName: 'other', MinSize: 0, DesiredCapacity: 0, Tags: [] })));
    await asg.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'other', ResourceType: 'auto-scaling-group', Key: 'app', Value: 'api', PropagateAtLaunch: false }] }));
    const byTag = await asg.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:app', Values: ['web'] }] }));
    expect(byTag.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['web-asg']);
    const byKey = await asg.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['app'] }] }));
    expect(byKey.AutoScalingGroups).toHaveLength(2);
    const tags = await asg.send(new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: ['other'] }] }));
    expect(tags.Tags).toEqual([{ ResourceId: 'other', ResourceType: 'auto-scaling-group', Key: 'app', Value: 'api', PropagateAtLaunch: false }]);
    await asg.send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: 'other', Granularity: '1Minute' }));
    const metrics = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['other'] }))).AutoScalingGroups![0]!.EnabledMetrics!;
    expect(metrics).toContainEqual({ Metric: 'GroupInServiceInstances', Granularity: '1Minute' });
    expect(metrics).toContainEqual({ Metric: 'GroupTotalCapacity', Granularity: '1Minute' });
  });

  it('sends a TEST_NOTIFICATION when a notification configuration is put, and validates it', async () => {
    const { asg, w, base } = setup();
    await asg.send(new CreateAutoScalingGroupCommand(base({ MinSize: 0, DesiredCapacity: 0 })));
    const bad = await errorOf(asg.send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: 'web-asg', TopicARN: TOPIC, NotificationTypes: ['autoscaling:EC2_INSTANCE_REBOOT'] })));
    expect(bad.name).toBe('ValidationError');
    const noTopic = await errorOf(asg.send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: 'web-asg', TopicARN: `${TOPIC}-nope`, NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH'] })));
    expect(noTopic.name).toBe('ValidationError');
    expect(w.sns.delivered).toHaveLength(0);
    await asg.send(new PutNotificationConfigurationCommand({
      AutoScalingGroupName: 'web-asg', TopicARN: TOPIC, NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR'],
    }));
    const [test] = delivered(w, 'autoscaling:TEST_NOTIFICATION');
    expect(test!.subject).toBe('Auto Scaling: test notification for group "web-asg"');
    expect(Object.keys(test!.json)).toEqual(['AccountId', 'RequestId', 'AutoScalingGroupARN', 'AutoScalingGroupName', 'Service', 'Event', 'Time']);
    expect(test!.json).toMatchObject({ AutoScalingGroupName: 'web-asg', Service: 'AWS Auto Scaling', AccountId: '123456789012' });
    const confs = await asg.send(new DescribeNotificationConfigurationsCommand({ AutoScalingGroupNames: ['web-asg'] }));
    expect(confs.NotificationConfigurations).toEqual([
      { AutoScalingGroupName: 'web-asg', TopicARN: TOPIC, NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH' },
      { AutoScalingGroupName: 'web-asg', TopicARN: TOPIC, NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR' },
    ]);
  });

  it('records a failed launch when the image is gone, notifies LAUNCH_ERROR, and retries after a fix', async () => {
    const { asg, w, base, group, activities } = setup();
    await asg.send(new CreateAutoScalingGroupCommand(base({ MinSize: 0, DesiredCapacity: 0 })));
    await asg.send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: 'web-asg', TopicARN: TOPIC, NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH_ERROR'] }));
    // The image goes after the group was made (AWS checks the template's image only then).
    w.ec2.launchTemplates[0]!.versions[0]!.data.ImageId = 'ami-00000000000000000';
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-asg', MinSize: 1, DesiredCapacity: 1 }));
    expect((await group())!.Instances).toHaveLength(0);
    const failed = (await activities()).find((a) => a.StatusCode === 'Failed')!;
    expect(failed.StatusMessage).toBe("The image id '[ami-00000000000000000]' does not exist. Launching EC2 instance failed.");
    expect(failed.Description).toBe("Launching a new EC2 instance.  Status Reason: The image id '[ami-00000000000000000]' does not exist. Launching EC2 instance failed.");
    const [err] = delivered(w, 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR');
    expect(err!.subject).toBe('Auto Scaling: failed launch for group "web-asg"');
    expect(err!.json).toMatchObject({ StatusCode: 'Failed', EC2InstanceId: '' });
    w.ec2.launchTemplates[0]!.versions[0]!.data.ImageId = w.ec2.images[0]!.id;
    await group();
    expect((await group())!.Instances).toHaveLength(1);
  });

  it('refuses to delete a group with instances; ForceDelete shows "Delete in progress" until they are terminated', async () => {
    const { asg, w, base, group, advance } = setup(1);
    await asg.send(new CreateAutoScalingGroupCommand(base({ TargetGroupARNs: [] })));
    advance(5_000);
    await group();
    advance(31_000);
    expect((await group())!.Instances!.every((i) => i.LifecycleState === 'InService')).toBe(true);
    await asg.send(new PutScalingPolicyCommand({
      AutoScalingGroupName: 'web-asg', PolicyName: 'cpu50', PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    }));
    const err = await errorOf(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'web-asg' })));
    expect(err).toBeInstanceOf(ResourceInUseFault);
    expect(err.message).toBe('You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'web-asg', ForceDelete: true }));
    const g = (await group())!;
    expect(g.Status).toBe('Delete in progress');
    expect(g.Instances!.every((i) => i.LifecycleState === 'Terminating')).toBe(true);
    advance(50_000);
    await waitUntilGroupNotExists({ client: asg, maxWaitTime: 10, minDelay: 1 }, { AutoScalingGroupNames: ['web-asg'] });
    expect(await group()).toBeUndefined();
    expect(w.ec2.instances.every((i) => i.terminatedAt !== undefined)).toBe(true);
    expect(w.autoscaling.policies).toHaveLength(0);
  });

  it('an instance refresh replaces instances after a new default template version', async () => {
    const { asg, w, base, group, activities } = setup();
    await asg.send(new CreateAutoScalingGroupCommand(base()));
    const before = (await group())!.Instances!.map((i) => i.InstanceId!);
    const none = await errorOf(asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'web-asg' })));
    expect(none).toBeInstanceOf(ActiveInstanceRefreshNotFoundFault);
    const lt = w.ec2.launchTemplates[0]!;
    lt.versions.push({ number: 2, createdAt: Date.now(), data: { ...lt.versions[0]!.data, InstanceType: 't3.small' } });
    lt.latestVersion = 2;
    lt.defaultVersion = 2;
    const { InstanceRefreshId } = await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web-asg', Preferences: { MinHealthyPercentage: 50 } }));
    expect(InstanceRefreshId).toMatch(/^[0-9a-f-]{36}$/);
    const busy = await errorOf(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web-asg' })));
    expect(busy).toBeInstanceOf(InstanceRefreshInProgressFault);
    let status: string | undefined;
    for (let i = 0; i < 30 && status !== 'Successful'; i++) {
      const r = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web-asg' }));
      status = r.InstanceRefreshes![0]!.Status;
      expect(r.InstanceRefreshes![0]!.Preferences?.MinHealthyPercentage).toBe(50);
    }
    expect(status).toBe('Successful');
    const r = (await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web-asg' }))).InstanceRefreshes![0]!;
    expect(r).toMatchObject({ InstanceRefreshId, PercentageComplete: 100, InstancesToUpdate: 0 });
    expect(r.EndTime).toBeInstanceOf(Date);
    const g = (await group())!;
    expect(g.Instances).toHaveLength(2);
    for (const i of g.Instances!) {
      expect(before).not.toContain(i.InstanceId);
      expect(i).toMatchObject({ InstanceType: 't3.small', LifecycleState: 'InService', LaunchTemplate: { Version: '2' } });
    }
    const acts = await activities();
    expect(acts.filter((a) => /in response to an instance refresh\.  At \S+Z instance i-\S+ was selected for termination\.$/.test(a.Cause!))).toHaveLength(2);
    expect(acts.filter((a) => /an instance was launched in response to an instance refresh\.$/.test(a.Cause!))).toHaveLength(2);
  });

  it('an instance refresh whose new instances cannot launch rolls back when AutoRollback is set', async () => {
    const { asg, w, base, group, advance } = setup(1);
    await asg.send(new CreateAutoScalingGroupCommand(base({ TargetGroupARNs: [], LaunchTemplate: { LaunchTemplateId: LT_ID, Version: '1' } })));
    advance(5_000);
    await group();
    advance(31_000);
    expect((await group())!.Instances!.map((i) => i.LifecycleState)).toEqual(['InService', 'InService']);
    const lt = w.ec2.launchTemplates[0]!;
    // A type the AZs do not offer: StartInstanceRefresh takes it, every launch of it fails.
    lt.versions.push({ number: 2, createdAt: Date.now(), data: { ...lt.versions[0]!.data, InstanceType: 'x2gd.large' } });
    lt.latestVersion = 2;
    const unsupported = await errorOf(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web-asg', Preferences: { AutoRollback: true } })));
    expect(unsupported.name).toBe('ValidationError');
    await asg.send(new StartInstanceRefreshCommand({
      AutoScalingGroupName: 'web-asg', DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: LT_ID, Version: '2' } },
      Preferences: { MinHealthyPercentage: 50, AutoRollback: true },
    }));
    const refresh = async () => (await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web-asg' }))).InstanceRefreshes![0]!;
    expect((await refresh()).Status).toBe('InProgress');
    expect((await group())!.Instances!.filter((i) => i.LifecycleState === 'InService')).toHaveLength(1);
    advance(61 * 60_000);
    const r = await refresh();
    expect(r.Status).toBe('RollbackInProgress');
    expect(r.StatusReason).toBeDefined();
    advance(31_000);
    await group();
    expect((await refresh()).Status).toBe('RollbackSuccessful');
    const g = (await group())!;
    expect(g.Instances!.map((i) => [i.LifecycleState, i.LaunchTemplate?.Version])).toEqual([['InService', '1'], ['InService', '1']]);
    expect(g.LaunchTemplate?.Version).toBe('1');
  });

  it('target tracking scales out on busy CPU with the alarm cause, and scheduled actions fire at their time', async () => {
    const { asg, w, base, group, activities, advance } = setup(1);
    await asg.send(new CreateAutoScalingGroupCommand(base({ TargetGroupARNs: [] })));
    advance(5_000);
    await group();
    advance(31_000);
    await group();
    const put = await asg.send(new PutScalingPolicyCommand({
      AutoScalingGroupName: 'web-asg', PolicyName: 'cpu50', PolicyType: 'TargetTrackingScaling', EstimatedInstanceWarmup: 60,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    }));
    expect(put.PolicyARN).toMatch(/:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/web-asg:policyName\/cpu50$/);
    expect(put.Alarms?.map((a) => a.AlarmName)).toEqual([
      expect.stringMatching(/^TargetTracking-web-asg-AlarmHigh-[0-9a-f-]{36}$/), expect.stringMatching(/^TargetTracking-web-asg-AlarmLow-[0-9a-f-]{36}$/),
    ]);
    const albErr = await errorOf(asg.send(new PutScalingPolicyCommand({
      AutoScalingGroupName: 'web-asg', PolicyName: 'req', PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' }, TargetValue: 100 },
    })));
    expect(albErr.name).toBe('ValidationError');
    const now = Date.now() + w.clock.offsetMs;
    for (const i of w.ec2.instances) i.cpuBurnUntil = now + 600_000;
    await group();
    advance(181_000);
    await group();
    const g = (await group())!;
    expect(g.DesiredCapacity).toBe(4);
    advance(5_000);
    expect((await group())!.Instances).toHaveLength(4);
    const scaled = (await activities()).find((a) => a.Cause?.includes('monitor alarm'))!;
    expect(scaled.Cause).toMatch(/^At \S+Z a monitor alarm TargetTracking-web-asg-AlarmHigh-\S+ in state ALARM triggered policy cpu50 changing the desired capacity from 2 to 4\.  At \S+Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 4\.$/);
    const pol = await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'web-asg' }));
    expect(pol.ScalingPolicies?.[0]).toMatchObject({ PolicyName: 'cpu50', PolicyType: 'TargetTrackingScaling', EstimatedInstanceWarmup: 60, Enabled: true });

    const past = await errorOf(asg.send(new PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: 'web-asg', ScheduledActionName: 'old', StartTime: new Date(Date.now() + w.clock.offsetMs - 60_000), DesiredCapacity: 2,
    })));
    expect(past.message).toBe('Given start time is in the past');
    await asg.send(new PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: 'web-asg', ScheduledActionName: 'night', StartTime: new Date(Date.now() + w.clock.offsetMs + 3_600_000), MinSize: 1, MaxSize: 3, DesiredCapacity: 1,
    }));
    const listed = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'web-asg' }));
    expect(listed.ScheduledUpdateGroupActions?.[0]).toMatchObject({ ScheduledActionName: 'night', MinSize: 1, MaxSize: 3, DesiredCapacity: 1 });
    for (const i of w.ec2.instances) delete i.cpuBurnUntil;
    advance(3_601_000);
    const after = (await group())!;
    expect(after).toMatchObject({ MinSize: 1, MaxSize: 3, DesiredCapacity: 1 });
    advance(5_000);
    expect((await group())!.Instances!.filter((i) => i.LifecycleState === 'Terminating')).toHaveLength(3);
    expect((await activities()).some((a) => /a scheduled action update of AutoScalingGroup constraints to min: 1, max: 3, desired: 1 changing the desired capacity from 4 to 1\./.test(a.Cause!))).toBe(true);
    expect((await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'web-asg' }))).ScheduledUpdateGroupActions).toHaveLength(0);
  });
});
