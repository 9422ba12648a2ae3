import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSnapshotsCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
  waitUntilInstanceStatusOk,
  waitUntilInstanceTerminated,
  type RunInstancesCommandInput,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { makeContext } from '../../src/sandbox/store.js';
import { instanceServesHttp } from '../../src/sandbox/instance-model.js';
import { wrapUserData } from '../../src/contract/user-data.js';
import { TIMES } from '../../src/sandbox/timings.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-ec2c-')), 'sandbox.json');
}

/** AWS's lags are off here: these tests read what a call just made (`lags.test.ts` meets them). */
function setup(latencyScale?: number) {
  const sandbox = new Sandbox({ file: tmpFile(), consistency: false, ...(latencyScale !== undefined ? { latencyScale } : {}) });
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  const advance = (ms: number) => {
    sandbox.world.clock.offsetMs += ms;
  };
  return { sandbox, aws, advance };
}

async function al2023(aws: AwsClients, arch: 'x86_64' | 'arm64' = 'x86_64') {
  const out = await aws.ssm.send(new GetParameterCommand({ Name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}` }));
  return out.Parameter!.Value!;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const LAB_USER_DATA = b64(wrapUserData('#!/bin/bash\ndnf install -y httpd\nsystemctl enable --now httpd\n'));

async function run(aws: AwsClients, extra: Partial<RunInstancesCommandInput> = {}) {
  const out = await aws.ec2.send(new RunInstancesCommand({ ImageId: await al2023(aws), InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...extra }));
  return out.Instances![0]!.InstanceId!;
}

async function describe1(aws: AwsClients, id: string) {
  const out = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

describe('EC2 instances', () => {
  it('tags the instance and its volume at creation and shows them on describe', async () => {
    const { aws, sandbox } = setup();
    const out = await aws.ec2.send(new RunInstancesCommand({
      ImageId: await al2023(aws), InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }, { Key: 'asg-wizard:stack', Value: 'lab' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] },
      ],
    }));
    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(out.OwnerId).toBe('123456789012');
    const inst = out.Instances![0]!;
    expect(inst.State).toEqual({ Code: 0, Name: 'pending' });
    expect(inst.Tags).toEqual([{ Key: 'Name', Value: 'web' }, { Key: 'asg-wizard:stack', Value: 'lab' }]);
    const d = await describe1(aws, inst.InstanceId!);
    expect(d.Tags).toContainEqual({ Key: 'Name', Value: 'web' });
    expect(d.LaunchTime).toBeInstanceOf(Date);
    expect(d.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled', State: 'applied' });
    expect(d.SecurityGroups![0]!.GroupName).toBe('default');
    expect(d.PublicDnsName).toMatch(/^ec2-3-.*\.ap-northeast-2\.compute\.amazonaws\.com$/);
    const rec = sandbox.world.ec2.instances.find((i) => i.id === inst.InstanceId)!;
    expect(rec.volumeTags).toEqual([{ Key: 'asg-wizard:stack', Value: 'lab' }]);
    expect(d.BlockDeviceMappings![0]!.Ebs!.VolumeId).toBe(rec.volumeId);
    const filtered = await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:asg-wizard:stack', Values: ['lab'] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
    expect(filtered.Reservations!.flatMap((r) => r.Instances!).map((i) => i.InstanceId)).toEqual([inst.InstanceId]);
    const err = await errorOf(aws.ec2.send(new RunInstancesCommand({ ImageId: await al2023(aws), MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'a', Value: 'b' }] }] })));
    expect(err?.name).toBe('InvalidParameterValue');
  });

  it('a repeated ClientToken returns the first reservation; other parameters are a mismatch', async () => {
    const { aws, sandbox } = setup();
    const input = { ImageId: await al2023(aws), InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ClientToken: 'tok-1' } as const;
    const a = await aws.ec2.send(new RunInstancesCommand(input));
    const b = await aws.ec2.send(new RunInstancesCommand(input));
    expect(b.ReservationId).toBe(a.ReservationId);
    expect(b.Instances![0]!.InstanceId).toBe(a.Instances![0]!.InstanceId);
    expect(sandbox.world.ec2.instances).toHaveLength(1);
    const err = await errorOf(aws.ec2.send(new RunInstancesCommand({ ...input, InstanceType: 't3.small' })));
    expect(err?.name).toBe('IdempotentParameterMismatch');
    expect(err?.message).toBe('Arguments on this idempotent request are inconsistent with arguments used in previous request(s).');
    expect(sandbox.world.ec2.instances).toHaveLength(1);
  });

  it('a ClientToken whose instance terminated stays bound a day (IdempotentInstanceTerminated), past the hour EC2 lists it', async () => {
    const { aws, sandbox, advance } = setup();
    const input = { ImageId: await al2023(aws), InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ClientToken: 'tok-2' } as const;
    const first = (await aws.ec2.send(new RunInstancesCommand(input))).Instances![0]!.InstanceId!;
    await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [first] }));
    const bound = async () => errorOf(aws.ec2.send(new RunInstancesCommand(input)));
    const err = await bound();
    expect(err?.name).toBe('IdempotentInstanceTerminated');
    expect(err?.message).toBe('The client token you have provided is associated with a terminated instance. Please use a different client token.');
    expect((await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [first] }))).Reservations![0]!.Instances![0]!.State!.Name).toBe('terminated');
    // EC2 stops listing the instance after an hour; the token is still bound.
    advance(2 * 3_600_000);
    expect((await bound())?.name).toBe('IdempotentInstanceTerminated');
    expect(sandbox.world.ec2.instances.map((i) => i.id)).not.toContain(first);
    // Other parameters are still a mismatch first.
    expect((await errorOf(aws.ec2.send(new RunInstancesCommand({ ...input, InstanceType: 't3.small' }))))?.name).toBe('IdempotentParameterMismatch');
    advance(23 * 3_600_000);
    const again = (await aws.ec2.send(new RunInstancesCommand(input))).Instances![0]!.InstanceId!;
    expect(again).not.toBe(first);
    expect(sandbox.world.ec2.instances.filter((i) => i.clientToken === 'tok-2').map((i) => i.id)).toEqual([again]);
  });

  it('goes pending → running → status ok on the sandbox clock, and the SDK waiters see it', async () => {
    const { aws, advance } = setup(1);
    const id = await run(aws);
    expect((await describe1(aws, id)).State!.Name).toBe('pending');
    // Only running instances have a status unless IncludeAllInstances.
    expect((await aws.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses).toEqual([]);
    const all = await aws.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true }));
    expect(all.InstanceStatuses![0]!.InstanceStatus!.Status).toBe('not-applicable');

    // The waiter polls (once at once, then after ~1 s) while the clock moves on.
    setTimeout(() => advance(TIMES.instancePendingToRunning), 200);
    const running = await waitUntilInstanceRunning({ client: aws.ec2, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    expect(running.state).toBe('SUCCESS');
    const st = await aws.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }));
    expect(st.InstanceStatuses![0]!.InstanceStatus).toEqual({ Status: 'initializing', Details: [{ Name: 'reachability', Status: 'initializing' }] });
    const early = await waitUntilInstanceStatusOk({ client: aws.ec2, maxWaitTime: 2, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] }).catch((e: Error) => e);
    expect((early as Error).name).toBe('TimeoutError');
    advance(TIMES.instanceRunningToChecksOk);
    const ok = await waitUntilInstanceStatusOk({ client: aws.ec2, maxWaitTime: 10, minDelay: 1 }, { InstanceIds: [id] });
    expect(ok.state).toBe('SUCCESS');
    const after = await aws.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }));
    expect(after.InstanceStatuses![0]!.SystemStatus!.Details![0]!.Status).toBe('passed');
  });

  it('terminates through shutting-down; terminated instances stay visible for an hour', async () => {
    const { aws, advance, sandbox } = setup(1);
    const id = await run(aws);
    advance(TIMES.instancePendingToRunning);
    const t = await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(t.TerminatingInstances![0]).toMatchObject({ InstanceId: id, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 32, Name: 'shutting-down' } });
    expect((await describe1(aws, id)).State!.Name).toBe('shutting-down');
    advance(TIMES.instanceShuttingDown);
    const done = await waitUntilInstanceTerminated({ client: aws.ec2, maxWaitTime: 5, minDelay: 1 }, { InstanceIds: [id] });
    expect(done.state).toBe('SUCCESS');
    const again = await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again.TerminatingInstances![0]!.CurrentState!.Name).toBe('terminated');
    const gone = await describe1(aws, id);
    expect(gone.StateReason?.Code).toBe('Client.UserInitiatedShutdown');
    expect(gone.PublicIpAddress).toBeUndefined();
    advance(3_600_000);
    const err = await errorOf(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
    expect(err?.name).toBe('InvalidInstanceID.NotFound');
    expect(sandbox.world.ec2.instances).toHaveLength(0);
    const unknown = await errorOf(aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect(unknown?.name).toBe('InvalidInstanceID.NotFound');
  });

  it('validates the image, the type, the subnet, the groups and the profile', async () => {
    const { aws, sandbox } = setup();
    const x86 = await al2023(aws);
    const arm = await al2023(aws, 'arm64');
    const armOnX86 = await errorOf(run(aws, { InstanceType: 't4g.micro' }));
    expect(armOnX86?.name).toBe('InvalidParameterValue');
    expect(armOnX86?.message).toMatch(/architecture 'arm64' of the specified instance type does not match the architecture 'x86_64'/);
    await expect(run(aws, { ImageId: arm, InstanceType: 't4g.micro' })).resolves.toMatch(/^i-/);
    expect((await errorOf(run(aws, { ImageId: 'ami-0123456789abcdef0' })))?.name).toBe('InvalidAMIID.NotFound');
    expect((await errorOf(run(aws, { InstanceType: 't9.huge' as _InstanceType })))?.name).toBe('InvalidParameterValue');
    expect((await errorOf(run(aws, { InstanceType: 'm5.24xlarge' })))?.name).toBe('Unsupported');
    expect((await errorOf(run(aws, { SubnetId: 'subnet-0123456789abcdef0' })))?.name).toBe('InvalidSubnetID.NotFound');
    expect((await errorOf(run(aws, { SecurityGroupIds: ['sg-0123456789abcdef0'] })))?.name).toBe('InvalidGroup.NotFound');
    const w = sandbox.world;
    w.ec2.vpcs.push({ id: 'vpc-0aaaaaaaaaaaaaaaa', cidr: '10.0.0.0/16', isDefault: false, tags: [], enableDnsHostnames: true, enableDnsSupport: true });
    w.ec2.securityGroups.push({ id: 'sg-0aaaaaaaaaaaaaaaa', name: 'other', description: 'x', vpcId: 'vpc-0aaaaaaaaaaaaaaaa', ingress: [], egress: [], tags: [] });
    const cross = await errorOf(run(aws, { SubnetId: w.ec2.subnets[0]!.id, SecurityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] }));
    expect(cross?.name).toBe('InvalidParameter');
    const profile = await errorOf(run(aws, { IamInstanceProfile: { Name: 'nope' } }));
    expect(profile?.name).toBe('InvalidParameterValue');
    expect(profile?.message).toBe('Value (nope) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name');
    const ni = await run(aws, { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: w.ec2.subnets[1]!.id, AssociatePublicIpAddress: false }] });
    const d = await describe1(aws, ni);
    expect(d.SubnetId).toBe(w.ec2.subnets[1]!.id);
    expect(d.PublicIpAddress).toBeUndefined();
    expect((await errorOf(run(aws, { UserData: 'not base64!' })))?.name).toBe('InvalidParameterValue');
    expect(x86).not.toBe(arm);
  });

  it('pages DescribeInstances and rejects unknown ids', async () => {
    const { aws } = setup();
    await aws.ec2.send(new RunInstancesCommand({ ImageId: await al2023(aws), InstanceType: 't3.micro', MinCount: 7, MaxCount: 7 }));
    const p1 = await aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(p1.Reservations![0]!.Instances).toHaveLength(5);
    const p2 = await aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: p1.NextToken }));
    expect(p2.Reservations![0]!.Instances).toHaveLength(2);
    expect(p2.NextToken).toBeUndefined();
    expect((await errorOf(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))))?.name).toBe('InvalidInstanceID.NotFound');
  });
});

describe('EC2 images', () => {
  it('bakes an image: pending → available (waiter), duplicate names refused, serving carries over', async () => {
    const { aws, sandbox, advance } = setup(1);
    const id = await run(aws, { UserData: LAB_USER_DATA });
    const tooEarly = await errorOf(aws.ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'asg-wizard-web-1' })));
    expect(tooEarly?.name).toBe('InvalidParameterValue');
    advance(TIMES.instancePendingToRunning + TIMES.userDataFromBoot);
    const ctx = makeContext(sandbox.world, 'test');
    expect(instanceServesHttp(ctx, sandbox.world.ec2.instances[0]!)).toBe(true);

    const { ImageId } = await aws.ec2.send(new CreateImageCommand({
      InstanceId: id, Name: 'asg-wizard-web-1', NoReboot: true,
      TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] }, { ResourceType: 'snapshot', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] }],
    }));
    expect((await errorOf(aws.ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'asg-wizard-web-1' }))))?.name).toBe('InvalidAMIName.Duplicate');
    expect((await errorOf(aws.ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'no!' }))))?.name).toBe('InvalidAMIName.Malformed');

    const img = (await aws.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0]!;
    expect(img).toMatchObject({ State: 'pending', Name: 'asg-wizard-web-1', Architecture: 'x86_64', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] });
    expect(img.CreationDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    const snapId = img.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    const snaps = await aws.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:asg-wizard:stack', Values: ['lab'] }] }));
    expect(snaps.Snapshots!.map((s) => s.SnapshotId)).toEqual([snapId]);
    expect(snaps.Snapshots![0]!.Description).toContain(`CreateImage(${id})`);
    const launchPending = await errorOf(run(aws, { ImageId }));
    expect(launchPending?.name).toBe('InvalidAMIID.Unavailable');

    setTimeout(() => advance(TIMES.imagePendingToAvailable), 200);
    const waited = await waitUntilImageAvailable({ client: aws.ec2, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { ImageIds: [ImageId!] });
    expect(waited.state).toBe('SUCCESS');

    const own = await aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'state', Values: ['available'] }] }));
    expect(own.Images!.map((i) => i.ImageId)).toEqual([ImageId]);
    const amazon = await aws.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'architecture', Values: ['arm64'] }] }));
    expect(amazon.Images).toHaveLength(1);

    // An instance from the baked image serves without user data.
    const baked = await run(aws, { ImageId });
    advance(TIMES.instancePendingToRunning + TIMES.serviceFromBootBaked);
    const rec = sandbox.world.ec2.instances.find((i) => i.id === baked)!;
    expect(instanceServesHttp(makeContext(sandbox.world, 'test'), rec)).toBe(true);

    expect((await errorOf(aws.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapId }))))?.name).toBe('InvalidSnapshot.InUse');
    await aws.ec2.send(new DeregisterImageCommand({ ImageId }));
    await aws.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapId }));
    expect((await aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    // Another image may now take the name.
    await expect(aws.ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'asg-wizard-web-1' }))).resolves.toHaveProperty('ImageId');
    expect((await errorOf(aws.ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }))))?.name).toBe('InvalidAMIID.NotFound');
  });

  it('an image baked from an instance that does not serve yet does not serve', async () => {
    const { aws, sandbox, advance } = setup(1);
    const id = await run(aws, { UserData: LAB_USER_DATA });
    advance(TIMES.instancePendingToRunning);
    const { ImageId } = await aws.ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'too-early' }));
    expect(sandbox.world.ec2.images.find((i) => i.id === ImageId)!.servesHttp).toBe(false);
  });
});

describe('EC2 launch templates', () => {
  it('versions, default switching, describe and RunInstances from a template', async () => {
    const { aws, sandbox } = setup();
    const ami = await al2023(aws);
    const created = await aws.ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'asg-wizard-web', VersionDescription: 'v1', ClientToken: 'lt-tok',
      LaunchTemplateData: {
        ImageId: ami, InstanceType: 't3.micro', UserData: LAB_USER_DATA, MetadataOptions: { HttpTokens: 'required' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'from-lt' }] }],
      },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] }],
    }));
    const lt = created.LaunchTemplate!;
    expect(lt).toMatchObject({ LaunchTemplateName: 'asg-wizard-web', DefaultVersionNumber: 1, LatestVersionNumber: 1 });
    expect(lt.LaunchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    const again = await aws.ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'asg-wizard-web', VersionDescription: 'v1', ClientToken: 'lt-tok',
      LaunchTemplateData: {
        ImageId: ami, InstanceType: 't3.micro', UserData: LAB_USER_DATA, MetadataOptions: { HttpTokens: 'required' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'from-lt' }] }],
      },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] }],
    }));
    expect(again.LaunchTemplate!.LaunchTemplateId).toBe(lt.LaunchTemplateId);
    const dup = await errorOf(aws.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'asg-wizard-web', LaunchTemplateData: {} })));
    expect(dup?.name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
    const bad = await errorOf(aws.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'a b', LaunchTemplateData: {} })));
    expect(bad?.name).toBe('InvalidLaunchTemplateName.MalformedException');

    const v2 = await aws.ec2.send(new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: '1', VersionDescription: 'v2', LaunchTemplateData: { InstanceType: 't3.small' },
    }));
    expect(v2.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, DefaultVersion: false });
    expect(v2.LaunchTemplateVersion!.LaunchTemplateData).toMatchObject({ ImageId: ami, InstanceType: 't3.small' });
    let d = (await aws.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['asg-wizard-web'] }))).LaunchTemplates![0]!;
    expect(d).toMatchObject({ DefaultVersionNumber: 1, LatestVersionNumber: 2, Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] });
    expect(d.CreateTime).toBeInstanceOf(Date);

    const fromDefault = await aws.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'asg-wizard-web' } }));
    const i1 = fromDefault.Instances![0]!;
    expect(i1.InstanceType).toBe('t3.micro');
    expect(i1.Tags).toEqual(expect.arrayContaining([
      { Key: 'Name', Value: 'from-lt' },
      { Key: 'aws:ec2launchtemplate:id', Value: lt.LaunchTemplateId },
      { Key: 'aws:ec2launchtemplate:version', Value: '1' },
    ]));
    expect(sandbox.world.ec2.instances[0]!.serviceUpAt).toBeDefined();
    const latest = await aws.ec2.send(new RunInstancesCommand({
      MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '$Latest' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'override' }] }],
    }));
    expect(latest.Instances![0]!.InstanceType).toBe('t3.small');
    expect(latest.Instances![0]!.Tags).toContainEqual({ Key: 'Name', Value: 'override' });
    expect(latest.Instances![0]!.Tags).not.toContainEqual({ Key: 'Name', Value: 'from-lt' });

    await aws.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '2' }));
    d = (await aws.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [lt.LaunchTemplateId!] }))).LaunchTemplates![0]!;
    expect(d.DefaultVersionNumber).toBe(2);
    const vs = await aws.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'asg-wizard-web', Versions: ['$Default', '$Latest', '1'] }));
    expect(vs.LaunchTemplateVersions!.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([[2, true], [1, false]]);
    const missingVersion = await errorOf(aws.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '9' })));
    expect(missingVersion?.name).toBe('InvalidLaunchTemplateId.VersionNotFound');
    const missing = await errorOf(aws.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })));
    expect(missing?.name).toBe('InvalidLaunchTemplateName.NotFoundException');
    const missingRun = await errorOf(aws.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'nope' } })));
    expect(missingRun?.name).toBe('InvalidLaunchTemplateName.NotFoundException');

    await aws.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'asg-wizard-web' }));
    expect((await aws.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
  });
});

describe('EC2 instance types', () => {
  it('describes architectures and offerings', async () => {
    const { aws } = setup();
    const types = await aws.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t4g.micro', 't3.micro', 'm7g.large'] }));
    const arch = Object.fromEntries(types.InstanceTypes!.map((t) => [t.InstanceType, t.ProcessorInfo!.SupportedArchitectures]));
    expect(arch).toEqual({ 't4g.micro': ['arm64'], 't3.micro': ['x86_64'], 'm7g.large': ['arm64'] });
    expect(types.InstanceTypes!.find((t) => t.InstanceType === 't3.micro')).toMatchObject({ VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 1024 } });
    expect((await errorOf(aws.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t9.huge' as _InstanceType] }))))?.name).toBe('InvalidInstanceType');
    const offers = await aws.ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: ['t3.micro'] }] }));
    expect(offers.InstanceTypeOfferings!.map((o) => o.Location)).toEqual(['ap-northeast-2a', 'ap-northeast-2b', 'ap-northeast-2c', 'ap-northeast-2d']);
    const region = await aws.ec2.send(new DescribeInstanceTypeOfferingsCommand({ Filters: [{ Name: 'instance-type', Values: ['t4g.*'] }] }));
    expect(region.InstanceTypeOfferings!.every((o) => o.LocationType === 'region' && o.Location === 'ap-northeast-2')).toBe(true);
    expect(region.InstanceTypeOfferings).toHaveLength(4);
  });
});
