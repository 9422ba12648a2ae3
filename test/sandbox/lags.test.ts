/**
 * AWS's lags, through real SDK clients: a new EC2 id not yet visible to the next calls, a new
 * instance profile not yet usable by EC2 and Auto Scaling, a terminated instance's network
 * interface still holding its group. On by default in every latency profile, deterministic,
 * kept in the account file, logged; only `consistency: false` switches them off.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand, AssociateRouteTableCommand, AttachInternetGatewayCommand, AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand, CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, CreateNatGatewayCommand,
  CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DeleteSecurityGroupCommand,
  DeleteSubnetCommand, DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, DescribeSecurityGroupsCommand,
  ModifyLaunchTemplateCommand, ModifySubnetAttributeCommand, ModifyVpcAttributeCommand, RunInstancesCommand,
  TerminateInstancesCommand, EC2ServiceException, ReleaseAddressCommand, DeleteNatGatewayCommand, DescribeNatGatewaysCommand,
} from '@aws-sdk/client-ec2';
import { DeleteLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateAutoScalingGroupCommand, StartInstanceRefreshCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { LB_ARN, TG_ARN, pushLoadBalancer } from '../helpers/fixtures.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-lag-')), 'sandbox.json');
}

function setup(o: { latencyScale?: number; consistency?: boolean; file?: string } = {}) {
  const file = o.file ?? tmpFile();
  const sandbox = new Sandbox({ file, ...o });
  const aws = new AwsClients({ region: sandbox.world.region, sandbox });
  const advance = (ms: number) => {
    sandbox.world.clock.offsetMs += ms;
  };
  return { file, sandbox, aws, ec2: aws.ec2, w: sandbox.world, advance };
}

/** Calls `call` until it succeeds (at most 5 times); the codes of the refusals before. */
async function untilAnswered<T>(call: () => Promise<T>): Promise<{ value: T; refused: string[] }> {
  const refused: string[] = [];
  for (;;) {
    try {
      return { value: await call(), refused };
    } catch (err) {
      refused.push((err as Error).name);
      if (refused.length > 4) throw err;
    }
  }
}

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('read-after-create (EC2 eventual consistency)', () => {
  it('a new group answers InvalidGroup.NotFound to the next one or two calls naming it, then is there; a filter is not refused', async () => {
    const { ec2, sandbox, w } = setup();
    const vpcId = w.ec2.vpcs[0]!.id;
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web' }));
    // A describe by filter never names the id: AWS does not fail it.
    await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }] }));
    const { refused } = await untilAnswered(() => ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    })));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(2);
    expect(new Set(refused)).toEqual(new Set(['InvalidGroup.NotFound']));
    // The call log marks each such answer; none counted as a write of the fault injector.
    const lagged = sandbox.calls.filter((c) => c.lag === 'consistency');
    expect(lagged.map((c) => `${c.command} ${c.error}`)).toEqual(refused.map(() => 'AuthorizeSecurityGroupIngress InvalidGroup.NotFound'));
    expect(sandbox.writeCount).toBe(2);
    expect(w.calls.filter((c) => c.lag === 'consistency')).toHaveLength(refused.length);
  });

  it('each kind answers its own code: VPC, subnet, route table, internet gateway, Elastic IP, instance', async () => {
    const { ec2, w } = setup();
    const refusedBy = async (call: () => Promise<unknown>) => (await untilAnswered(call)).refused;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    expect(await refusedBy(() => ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } })))).toContain('InvalidVpcID.NotFound');
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.1.0/24', AvailabilityZone: w.azs[0]!.name }))).Subnet!.SubnetId!;
    expect(await refusedBy(() => ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnet, MapPublicIpOnLaunch: { Value: true } })))).toContain('InvalidSubnetID.NotFound');
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    expect(await refusedBy(() => ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })))).toContain('InvalidInternetGatewayID.NotFound');
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    expect(await refusedBy(() => ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnet })))).toContain('InvalidRouteTableID.NotFound');
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    expect(await refusedBy(() => ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip })))).toContain('InvalidAllocationID.NotFound');
    const image = w.ec2.images.find((i) => i.architecture === 'x86_64')!.id;
    const run = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet }));
    const id = run.Instances![0]!.InstanceId!;
    // AWS's own example: DescribeInstances right after RunInstances.
    expect(await refusedBy(() => ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))).toContain('InvalidInstanceID.NotFound');
  });

  it('a new launch template version answers InvalidLaunchTemplateId.VersionNotFound to ModifyLaunchTemplate and a describe by number', async () => {
    const { ec2, w } = setup();
    const image = w.ec2.images[0]!.id;
    const lt = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: image, InstanceType: 't3.micro' } }))).LaunchTemplate!;
    const v2 = await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { ImageId: image, InstanceType: 't3.small' } }));
    expect(v2.LaunchTemplateVersion!.VersionNumber).toBe(2);
    const modify = await untilAnswered(() => ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '2' })));
    expect(modify.refused).toContain('InvalidLaunchTemplateId.VersionNotFound');
    const v3 = await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { ImageId: image, InstanceType: 't3.large' } }));
    const n = String(v3.LaunchTemplateVersion!.VersionNumber);
    const read = await untilAnswered(() => ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: [n] })));
    expect(read.refused).toContain('InvalidLaunchTemplateId.VersionNotFound');
    expect(read.value.LaunchTemplateVersions![0]!.VersionNumber).toBe(3);
  });

  it('is kept in the account file: another process sees the new id as new too', async () => {
    const a = setup();
    const { GroupId } = await a.ec2.send(new CreateSecurityGroupCommand({ VpcId: a.w.ec2.vpcs[0]!.id, GroupName: 'web', Description: 'web' }));
    const b = setup({ file: a.file });
    expect(b.w).not.toBe(a.w);
    const err = await b.ec2.send(new DeleteSecurityGroupCommand({ GroupId })).catch((e: Error) => e);
    expect((err as Error).name).toBe('InvalidGroup.NotFound');
  });

  it('is deterministic: the same account and seed refuse the same calls', async () => {
    const counts: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const { ec2, w } = setup();
      const seen: number[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: w.ec2.vpcs[0]!.id, GroupName: name, Description: name }));
        seen.push((await untilAnswered(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId }))).catch(() => ({ refused: [] }))).refused.length);
      }
      counts.push(seen);
    }
    expect(counts[0]).toEqual(counts[1]);
    // Both one and two refusals occur, drawn per id.
    expect(new Set(counts[0])).toEqual(new Set([1, 2]));
  });

  it('in a timed profile lasts a few scaled seconds instead of a number of calls', async () => {
    const { ec2, w, advance } = setup({ latencyScale: 1 });
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: w.ec2.vpcs[0]!.id, GroupName: 'web', Description: 'web' }));
    const rule = { GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
    for (let i = 0; i < 3; i++) {
      const err = await ec2.send(new AuthorizeSecurityGroupIngressCommand(rule)).catch((e: Error) => e);
      expect((err as Error).name).toBe('InvalidGroup.NotFound');
    }
    advance(5_000);
    await ec2.send(new AuthorizeSecurityGroupIngressCommand(rule));
  });

  it('is off only when a test says so (consistency: false)', async () => {
    const { ec2, w, sandbox } = setup({ consistency: false });
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: w.ec2.vpcs[0]!.id, GroupName: 'web', Description: 'web' }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    expect(sandbox.calls.filter((c) => c.lag)).toEqual([]);
  });
});

describe('IAM propagation', () => {
  async function profile(aws: AwsClients) {
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: TRUST }));
    const p = (await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }))).InstanceProfile!;
    await aws.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web' }));
    return p.Arn!;
  }

  it('RunInstances refuses a profile just made with InvalidParameterValue, then takes it', async () => {
    const { aws, w, sandbox } = setup();
    const arn = await profile(aws);
    const { refused, value } = await untilAnswered(() => aws.ec2.send(new RunInstancesCommand({
      ImageId: w.ec2.images[0]!.id, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Arn: arn },
    })));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused)).toEqual(new Set(['InvalidParameterValue']));
    expect(value.Instances![0]!.IamInstanceProfile?.Arn).toBe(arn);
    const lagged = sandbox.calls.filter((c) => c.lag === 'iam-propagation');
    expect(lagged.map((c) => c.command)).toEqual(refused.map(() => 'RunInstances'));
  });

  it('CreateAutoScalingGroup refuses a template whose profile is new, in AWS words; for 10–40 s in a timed profile', async () => {
    const { aws, w, advance } = setup({ latencyScale: 1 });
    const sg = w.ec2.securityGroups[0]!.id;
    pushLoadBalancer(w, Date.now() + w.clock.offsetMs, sg);
    const arn = await profile(aws);
    const lt = (await aws.ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: w.ec2.images[0]!.id, InstanceType: 't3.micro', SecurityGroupIds: [sg], IamInstanceProfile: { Arn: arn } },
    }))).LaunchTemplate!;
    const create = () => aws.autoscaling.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '1' }, MinSize: 0, MaxSize: 2,
      VPCZoneIdentifier: w.ec2.subnets.slice(0, 2).map((s) => s.id).join(','), TargetGroupARNs: [TG_ARN],
    }));
    const err = (await create().catch((e: Error) => e)) as Error;
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe(`You must use a valid fully-formed launch template. Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`);
    advance(9_000);
    expect(((await create().catch((e: Error) => e)) as Error).name).toBe('ValidationError');
    advance(31_000);
    await create();
    expect(w.autoscaling.groups.map((g) => g.name)).toEqual(['web']);
  });

  it('UpdateAutoScalingGroup and StartInstanceRefresh refuse a new version whose profile is new', async () => {
    const { aws, w } = setup();
    const sg = w.ec2.securityGroups[0]!.id;
    const image = w.ec2.images[0]!.id;
    const lt = (await aws.ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: image, InstanceType: 't3.micro', SecurityGroupIds: [sg] },
    }))).LaunchTemplate!;
    await aws.autoscaling.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '1' }, MinSize: 0, MaxSize: 2,
      VPCZoneIdentifier: w.ec2.subnets[0]!.id,
    }));
    const arn = await profile(aws);
    await aws.ec2.send(new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { ImageId: image, InstanceType: 't3.micro', SecurityGroupIds: [sg], IamInstanceProfile: { Arn: arn } },
    }));
    const to2 = { LaunchTemplateId: lt.LaunchTemplateId, Version: '2' };
    const refresh = await untilAnswered(() => aws.autoscaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web', DesiredConfiguration: { LaunchTemplate: to2 } })));
    expect(refresh.refused).toContain('ValidationError');
    // Given its role again, the profile propagates anew.
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'web2', AssumeRolePolicyDocument: TRUST }));
    w.iam.instanceProfiles[0]!.roleNames = [];
    await aws.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web2' }));
    const update = await untilAnswered(() => aws.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', LaunchTemplate: to2 })));
    expect(update.refused).toContain('ValidationError');
  });
});

describe('CreateAutoScalingGroup checks the launch template as EC2 would launch it', () => {
  it('refuses a missing image, a missing group, a group of another VPC and a missing profile, in AWS words', async () => {
    const { aws, w, ec2 } = setup({ consistency: false });
    const image = w.ec2.images[0]!.id;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc!.VpcId!;
    const otherGroup = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'other', Description: 'other' }))).GroupId!;
    const cases: [Record<string, unknown>, string][] = [
      [{ ImageId: 'ami-00000000000000000' }, "You must use a valid fully-formed launch template. The image id '[ami-00000000000000000]' does not exist"],
      [{ ImageId: image, SecurityGroupIds: ['sg-00000000000000000'] }, "You must use a valid fully-formed launch template. The security group 'sg-00000000000000000' does not exist"],
      [{ ImageId: image, SecurityGroupIds: [otherGroup] }, 'One or more security groups in the launch template are not linked to the VPCs configured in the Auto Scaling group'],
      [{ ImageId: image, IamInstanceProfile: { Name: 'nope' } }, 'You must use a valid fully-formed launch template. Value (nope) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name'],
    ];
    for (const [i, [data, message]] of cases.entries()) {
      const lt = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `lt${i}`, LaunchTemplateData: { InstanceType: 't3.micro', ...data } }))).LaunchTemplate!;
      const err = (await aws.autoscaling.send(new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: `g${i}`, LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId }, MinSize: 0, MaxSize: 1, VPCZoneIdentifier: w.ec2.subnets[0]!.id,
      })).catch((e: Error) => e)) as Error;
      expect([err.name, err.message]).toEqual(['ValidationError', message]);
    }
    expect(w.autoscaling.groups).toEqual([]);
  });
});

describe("a terminated instance's network interface", () => {
  async function terminated(o: { latencyScale?: number } = {}) {
    const s = setup({ consistency: false, ...o });
    const { GroupId } = await s.ec2.send(new CreateSecurityGroupCommand({ VpcId: s.w.ec2.vpcs[0]!.id, GroupName: 'bake', Description: 'bake' }));
    const run = await s.ec2.send(new RunInstancesCommand({
      ImageId: s.w.ec2.images[0]!.id, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SecurityGroupIds: [GroupId!], SubnetId: s.w.ec2.subnets[0]!.id,
    }));
    await s.ec2.send(new TerminateInstancesCommand({ InstanceIds: [run.Instances![0]!.InstanceId!] }));
    s.advance(60_000);
    await s.sandbox.transact(() => undefined);
    // The same account with the lags on, as every run has them.
    const on = setup({ file: s.file, ...o });
    return { ...on, groupId: GroupId!, subnetId: s.w.ec2.subnets[0]!.id };
  }

  it('holds its group for the next one or two delete attempts (instant), logged as eni-release', async () => {
    const { ec2, groupId, sandbox, w } = await terminated();
    expect(w.ec2.instances.every((i) => i.terminatedAt !== undefined)).toBe(true);
    const { refused } = await untilAnswered(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused)).toEqual(new Set(['DependencyViolation']));
    expect(sandbox.calls.filter((c) => c.lag === 'eni-release')).toHaveLength(refused.length);
  });

  it('holds its group and its subnet for minutes after termination in a timed profile', async () => {
    const { ec2, groupId, subnetId, advance, w } = await terminated({ latencyScale: 1 });
    expect(w.ec2.instances.every((i) => i.terminatedAt !== undefined && i.terminatedAt <= Date.now() + w.clock.offsetMs)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const err = (await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })).catch((e: Error) => e)) as EC2ServiceException;
      expect(err.name).toBe('DependencyViolation');
      advance(10_000);
    }
    expect(((await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })).catch((e: Error) => e)) as Error).name).toBe('DependencyViolation');
    advance(180_000);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
  });
});

describe("a deleted load balancer's network interfaces and a deleted NAT gateway's address", () => {
  it('a deleted load balancer holds its group, its subnets and the gateway\'s detach for the next one or two attempts (instant), as eni-release', async () => {
    const { ec2, elbv2, sandbox, w } = (() => {
      const s = setup();
      return { ...s, elbv2: s.aws.elbv2 };
    })();
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: w.ec2.vpcs[0]!.id, GroupName: 'alb', Description: 'alb' }));
    await untilAnswered(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })));
    await sandbox.transact((world) => pushLoadBalancer(world, Date.now() + world.clock.offsetMs, GroupId!));
    expect(((await ec2.send(new DeleteSecurityGroupCommand({ GroupId })).catch((e: Error) => e)) as Error).name).toBe('DependencyViolation');
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: LB_ARN }));
    const { refused } = await untilAnswered(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId })));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused)).toEqual(new Set(['DependencyViolation']));
    expect(sandbox.calls.filter((c) => c.lag === 'eni-release').length).toBe(refused.length);
  });

  it('a NAT gateway\'s Elastic IP answers AuthFailure while it holds it, and for a moment after it is deleted', async () => {
    const { ec2, advance, sandbox } = setup({ latencyScale: 0 });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await untilAnswered(() => ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })));
    const subnet = (await untilAnswered(() => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'ap-northeast-2a' })))).value.Subnet!.SubnetId!;
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const nat = (await untilAnswered(() => ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip })))).value.NatGateway!.NatGatewayId!;
    expect(((await ec2.send(new ReleaseAddressCommand({ AllocationId: eip })).catch((e: Error) => e)) as Error).name).toBe('AuthFailure');
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat }));
    advance(1_000);
    expect((await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }))).NatGateways![0]!.State).toBe('deleted');
    const { refused } = await untilAnswered(() => ec2.send(new ReleaseAddressCommand({ AllocationId: eip })));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused)).toEqual(new Set(['AuthFailure']));
    expect(sandbox.calls.filter((c) => c.lag === 'eni-release')).toHaveLength(refused.length);
  });
});
