import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand, AssociateRouteTableCommand, AttachInternetGatewayCommand, AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand, CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateRouteCommand,
  CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand,
  DeleteInternetGatewayCommand, DeleteNatGatewayCommand, DeleteRouteTableCommand, DeleteSecurityGroupCommand,
  DeleteSubnetCommand, DeleteTagsCommand, DeleteVpcCommand, DescribeAddressesCommand, DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand, DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeTagsCommand,
  DescribeVpcAttributeCommand, DescribeVpcsCommand, DetachInternetGatewayCommand, DisassociateRouteTableCommand,
  ModifyVpcAttributeCommand, ReleaseAddressCommand, RevokeSecurityGroupIngressCommand, EC2ServiceException,
  paginateDescribeSubnets, waitUntilNatGatewayAvailable, waitUntilVpcAvailable,
} from '@aws-sdk/client-ec2';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { TIMES } from '../../src/sandbox/timings.js';
import type { InstanceRecord } from '../../src/sandbox/types.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-net-')), 'sandbox.json');
}

/** AWS's lags are off here: these tests read what a call just made (`lags.test.ts` meets them). */
function setup(latencyScale?: number) {
  const sandbox = new Sandbox({ file: tmpFile(), consistency: false, ...(latencyScale !== undefined ? { latencyScale } : {}) });
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  return { sandbox, aws, ec2: aws.ec2 };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<EC2ServiceException> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(EC2ServiceException);
  return err as EC2ServiceException;
}

const nameTag = (resource: string, name: string) => [{ ResourceType: resource as 'vpc', Tags: [{ Key: 'Name', Value: name }] }];

async function newVpc(ec2: AwsClients['ec2'], cidr = '10.0.0.0/16', name = 'lab') {
  const out = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: nameTag('vpc', name) }));
  return out.Vpc!.VpcId!;
}

describe('EC2 network sandbox', () => {
  it('lists the region\'s availability zones', async () => {
    const { ec2 } = setup();
    const out = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] }));
    expect(out.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['ap-northeast-2a', 'ap-northeast-2b', 'ap-northeast-2c', 'ap-northeast-2d']);
    expect(out.AvailabilityZones![0]).toMatchObject({ State: 'available', ZoneType: 'availability-zone', RegionName: 'ap-northeast-2', ZoneId: 'apne2-az1' });
  });

  it('lists opted-in Local and Wavelength Zones too, whose names sort before the AZs\'; zone-type filters them out', async () => {
    const { ec2, sandbox } = setup();
    const all = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    expect(all.map((z) => [z.ZoneName, z.ZoneType, z.OptInStatus])).toEqual([
      ['ap-northeast-2a', 'availability-zone', 'opt-in-not-required'],
      ['ap-northeast-2b', 'availability-zone', 'opt-in-not-required'],
      ['ap-northeast-2c', 'availability-zone', 'opt-in-not-required'],
      ['ap-northeast-2d', 'availability-zone', 'opt-in-not-required'],
      ['ap-northeast-2-lcl-1a', 'local-zone', 'opted-in'],
      ['ap-northeast-2-wl1-sel-wlz-1', 'wavelength-zone', 'opted-in'],
    ]);
    // Sorting the names puts the Wavelength and Local Zones first.
    expect(all.map((z) => z.ZoneName!).sort().slice(0, 2)).toEqual(['ap-northeast-2-lcl-1a', 'ap-northeast-2-wl1-sel-wlz-1']);
    expect(all[4]).toMatchObject({ GroupName: 'ap-northeast-2-lcl-1', NetworkBorderGroup: 'ap-northeast-2-lcl-1', ParentZoneName: 'ap-northeast-2a', ParentZoneId: 'apne2-az1' });
    const azs = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }, { Name: 'state', Values: ['available'] }] }));
    expect(azs.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['ap-northeast-2a', 'ap-northeast-2b', 'ap-northeast-2c', 'ap-northeast-2d']);
    // AllAvailabilityZones adds the zones not opted in to.
    const every = await ec2.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true, Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }] }));
    expect(every.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['ap-northeast-2-lcl-2a']);
    // A subnet may go in an opted-in Local Zone, as on AWS.
    const vpcId = await newVpc(ec2);
    const local = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2-lcl-1a' }));
    expect(local.Subnet!.AvailabilityZone).toBe('ap-northeast-2-lcl-1a');
    expect(sandbox.world.otherZones).toHaveLength(3);
  });

  it('gives an account file written before zones were simulated its Local and Wavelength Zones', async () => {
    const { ec2, sandbox } = setup();
    delete sandbox.world.otherZones;
    const all = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    expect(all.map((z) => z.ZoneType)).toEqual(expect.arrayContaining(['local-zone', 'wavelength-zone']));
  });

  it('creates a VPC tagged at creation, with its default security group and main route table', async () => {
    const { ec2 } = setup();
    const created = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: nameTag('vpc', 'lab') }));
    const vpcId = created.Vpc!.VpcId!;
    expect(vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(created.Vpc).toMatchObject({ CidrBlock: '10.0.0.0/16', IsDefault: false, Tags: [{ Key: 'Name', Value: 'lab' }] });
    await waitUntilVpcAvailable({ client: ec2, maxWaitTime: 10, minDelay: 1 }, { VpcIds: [vpcId] });

    const byTag = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['lab'] }] }));
    expect(byTag.Vpcs!.map((v) => v.VpcId)).toEqual([vpcId]);
    const defaults = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(defaults.Vpcs).toHaveLength(1);
    expect(defaults.Vpcs![0]!.Tags).toBeUndefined(); // EC2 sends no tag set for an untagged resource

    const sgs = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(sgs.SecurityGroups).toHaveLength(1);
    const def = sgs.SecurityGroups![0]!;
    expect(def.GroupName).toBe('default');
    expect(def.IpPermissions).toEqual([
      { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: def.GroupId, UserId: '123456789012' }] },
    ]);
    expect(def.IpPermissionsEgress![0]!.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }]);

    const rts = await ec2.send(new DescribeRouteTablesCommand({
      Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }],
    }));
    expect(rts.RouteTables).toHaveLength(1);
    expect(rts.RouteTables![0]!.Routes).toEqual([{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }]);
    expect(rts.RouteTables![0]!.Associations![0]).toMatchObject({ Main: true, AssociationState: { State: 'associated' } });

    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    const attr = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }));
    expect(attr.EnableDnsHostnames?.Value).toBe(true);

    expect((await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })))).name).toBe('InvalidVpc.Range');
    expect((await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0/16' })))).name).toBe('InvalidParameterValue');
    expect((await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-00000000000000000'] })))).name).toBe('InvalidVpcID.NotFound');
  });

  it('rejects subnets outside the VPC, overlapping another, or in an unknown AZ', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const sub = await ec2.send(new CreateSubnetCommand({
      VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a', TagSpecifications: nameTag('subnet', 'public-a'),
    }));
    expect(sub.Subnet).toMatchObject({
      CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a', AvailabilityZoneId: 'apne2-az1', MapPublicIpOnLaunch: false,
      DefaultForAz: false, AvailableIpAddressCount: 251, Tags: [{ Key: 'Name', Value: 'public-a' }],
    });
    const conflict = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/23', AvailabilityZone: 'ap-northeast-2b' })));
    expect(conflict.name).toBe('InvalidSubnet.Conflict');
    const outside = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24', AvailabilityZone: 'ap-northeast-2b' })));
    expect(outside.name).toBe('InvalidSubnet.Range');
    const tiny = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/29', AvailabilityZone: 'ap-northeast-2b' })));
    expect(tiny.name).toBe('InvalidSubnet.Range');
    const az = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1a' })));
    expect(az.name).toBe('InvalidParameterValue');
    const noVpc = await failure(ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-00000000000000000', CidrBlock: '10.0.2.0/24' })));
    expect(noVpc.name).toBe('InvalidVpcID.NotFound');
  });

  it('filters subnets server-side and pages them through the SDK paginator', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const azs = ['ap-northeast-2a', 'ap-northeast-2b', 'ap-northeast-2c'];
    for (let i = 0; i < 12; i++) {
      await ec2.send(new CreateSubnetCommand({
        VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: azs[i % 3],
        TagSpecifications: nameTag('subnet', i < 6 ? 'public' : 'private'),
      }));
    }
    const ids: string[] = [];
    let pages = 0;
    for await (const p of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
      pages += 1;
      expect(p.Subnets!.length).toBeLessThanOrEqual(5);
      ids.push(...p.Subnets!.map((s) => s.SubnetId!));
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(12);

    const publicB = await ec2.send(new DescribeSubnetsCommand({
      Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'tag:Name', Values: ['public'] }, { Name: 'availability-zone', Values: ['ap-northeast-2b'] }],
    }));
    expect(publicB.Subnets!.map((s) => s.CidrBlock)).toEqual(['10.0.1.0/24', '10.0.4.0/24']);
    const defaults = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    expect(defaults.Subnets).toHaveLength(4);
    expect(defaults.Subnets!.every((s) => s.MapPublicIpOnLaunch && s.State === 'available')).toBe(true);
    const byCidr = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'cidr-block', Values: ['10.0.1*'] }] }));
    expect(byCidr.Subnets!.map((s) => s.CidrBlock).sort()).toEqual(['10.0.1.0/24', '10.0.10.0/24', '10.0.11.0/24']);

    expect((await failure(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-00000000000000000'] })))).name).toBe('InvalidSubnetID.NotFound');
    expect((await failure(ec2.send(new DescribeSubnetsCommand({ MaxResults: 2 })))).name).toBe('InvalidParameterValue');
  });

  it('answers an unknown filter name with InvalidParameterValue', async () => {
    const { ec2 } = setup();
    const err = await failure(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc', Values: ['x'] }] })));
    expect(err.name).toBe('InvalidParameterValue');
    expect(err.message).toContain("'vpc'");
    expect((await failure(ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'name', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');
  });

  it('refuses a second group of the same name in a VPC, and the reserved name default', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const sg = await ec2.send(new CreateSecurityGroupCommand({
      GroupName: 'web', Description: 'web servers', VpcId: vpcId, TagSpecifications: nameTag('security-group', 'web'),
    }));
    expect(sg.GroupId).toMatch(/^sg-/);
    expect(sg.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    const dup = await failure(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'again', VpcId: vpcId })));
    expect(dup.name).toBe('InvalidGroup.Duplicate');
    // The same name in another VPC is fine.
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers' }));
    expect((await failure(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'default', Description: 'x', VpcId: vpcId })))).name).toBe('InvalidParameterValue');
    expect((await failure(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'x', Description: 'x', VpcId: 'vpc-00000000000000000' })))).name).toBe('InvalidVpcID.NotFound');
    expect((await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-00000000000000000'] })))).name).toBe('InvalidGroup.NotFound');
    const egress = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg.GroupId!] }));
    expect(egress.SecurityGroups![0]!.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
    const again = await failure(ec2.send(new AuthorizeSecurityGroupEgressCommand({
      GroupId: sg.GroupId!, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    })));
    expect(again.name).toBe('InvalidPermission.Duplicate');
  });

  it('authorizes rules, refuses a duplicate, and groups them as IpPermissions', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const { GroupId: albSg } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'alb', Description: 'alb', VpcId: vpcId }));
    const { GroupId: webSg } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
    const out = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: webSg!,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '203.0.113.10/32', Description: 'my ip' }], UserIdGroupPairs: [{ GroupId: albSg! }] },
      ],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'app', Value: 'lab' }] }],
    }));
    expect(out.Return).toBe(true);
    expect(out.SecurityGroupRules).toHaveLength(2);
    expect(out.SecurityGroupRules![0]).toMatchObject({
      GroupId: webSg, IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '203.0.113.10/32', Description: 'my ip',
      Tags: [{ Key: 'app', Value: 'lab' }],
    });
    expect(out.SecurityGroupRules![1]!.ReferencedGroupInfo?.GroupId).toBe(albSg);

    const dup = await failure(ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: webSg!, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '203.0.113.10/32' }] }],
    })));
    expect(dup.name).toBe('InvalidPermission.Duplicate');
    const ghost = await failure(ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: webSg!, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-00000000000000000' }] }],
    })));
    expect(ghost.name).toBe('InvalidGroup.NotFound');
    const badCidr = await failure(ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: webSg!, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.300/32' }] }],
    })));
    expect(badCidr.name).toBe('InvalidParameterValue');

    const described = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
    expect(described.SecurityGroups![0]!.IpPermissions).toEqual([{
      IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Ipv6Ranges: [], PrefixListIds: [],
      IpRanges: [{ CidrIp: '203.0.113.10/32', Description: 'my ip' }],
      UserIdGroupPairs: [{ GroupId: albSg, UserId: '123456789012' }],
    }]);
    const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [webSg!] }] }));
    expect(rules.SecurityGroupRules!.map((r) => r.IsEgress)).toEqual([false, false, true]);
  });

  it('keeps a referenced group until the referencing rule is revoked', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const { GroupId: albSg } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'alb', Description: 'alb', VpcId: vpcId }));
    const { GroupId: webSg } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
    const perm = { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: albSg! }] };
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: webSg!, IpPermissions: [perm] }));

    const blocked = await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: albSg! })));
    expect(blocked.name).toBe('DependencyViolation');
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: webSg!, IpPermissions: [perm] }));
    expect(revoked.Return).toBe(true);
    expect(revoked.RevokedSecurityGroupRules).toHaveLength(1);
    const missing = await failure(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: webSg!, IpPermissions: [perm] })));
    expect(missing.name).toBe('InvalidPermission.NotFound');
    const deleted = await ec2.send(new DeleteSecurityGroupCommand({ GroupId: albSg! }));
    expect(deleted).toMatchObject({ Return: true, GroupId: albSg });
    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: albSg! })))).name).toBe('InvalidGroup.NotFound');

    const def = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }));
    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: def.SecurityGroups![0]!.GroupId! })))).name).toBe('CannotDelete');
  });

  it('keeps a group in use by an instance, and by a deleted load balancer until its interfaces are released', async () => {
    const { sandbox, ec2 } = setup(1);
    const vpcId = await newVpc(ec2);
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a' }));
    const { GroupId: albSg } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'alb', Description: 'alb', VpcId: vpcId }));
    const { GroupId: webSg } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
    const w = sandbox.world;
    const now = Date.now() + w.clock.offsetMs;
    w.elbv2.loadBalancers.push({
      arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/lab/1', name: 'lab', dnsName: 'lab.elb',
      scheme: 'internet-facing', type: 'application', vpcId, subnetIds: [Subnet!.SubnetId!], securityGroupIds: [albSg!],
      ipAddressType: 'ipv4', createdAt: now, activeAt: now, tags: [], deletedAt: now,
    });
    const instance: InstanceRecord = {
      id: 'i-0123456789abcdef0', imageId: 'ami-x', instanceType: 't3.micro', subnetId: Subnet!.SubnetId!, vpcId, az: 'ap-northeast-2a',
      privateIp: '10.0.1.10', securityGroupIds: [webSg!], httpTokens: 'required', tags: [], volumeTags: [], volumeId: 'vol-0123456789abcdef0',
      launchedAt: now, runningAt: now, checksOkAt: now,
    };
    w.ec2.instances.push(instance);

    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: albSg! })))).name).toBe('DependencyViolation');
    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: webSg! })))).name).toBe('DependencyViolation');
    expect((await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! })))).name).toBe('DependencyViolation');

    w.clock.offsetMs += TIMES.loadBalancerEniRelease + 1_000;
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: albSg! }));
    instance.terminatingAt = instance.terminatedAt = Date.now() + w.clock.offsetMs - 1;
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: webSg! }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! }));
  });

  it('refuses to delete a VPC with dependencies, then deletes it after cleanup', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a' }));
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
    const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({}));
    const igwId = InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const { RouteTable } = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: nameTag('route-table', 'public') }));
    const rtbId = RouteTable!.RouteTableId!;

    const steps: [string, () => Promise<unknown>][] = [
      ['subnet', () => ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! }))],
      ['security group', () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: GroupId! }))],
      ['internet gateway', () => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }))],
      ['route table', () => ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId }))],
    ];
    for (const [, step] of steps) {
      expect((await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).name).toBe('DependencyViolation');
      await step();
    }
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect((await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })))).name).toBe('InvalidVpcID.NotFound');
    // The main route table and the default group went with it.
    expect((await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables).toEqual([]);
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups).toEqual([]);
  });

  it('enforces internet gateway attach, detach and delete rules', async () => {
    const { ec2 } = setup();
    const vpcA = await newVpc(ec2, '10.0.0.0/16', 'a');
    const vpcB = await newVpc(ec2, '10.1.0.0/16', 'b');
    const igw1 = (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: nameTag('internet-gateway', 'one') }))).InternetGateway!;
    expect(igw1.Tags).toEqual([{ Key: 'Name', Value: 'one' }]);
    const igw2 = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw1.InternetGatewayId!, VpcId: vpcA }));

    expect((await failure(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw1.InternetGatewayId!, VpcId: vpcB })))).name).toBe('Resource.AlreadyAssociated');
    expect((await failure(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw2.InternetGatewayId!, VpcId: vpcA })))).name).toBe('Resource.AlreadyAssociated');
    expect((await failure(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw1.InternetGatewayId! })))).name).toBe('DependencyViolation');
    expect((await failure(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw1.InternetGatewayId!, VpcId: vpcB })))).name).toBe('Gateway.NotAttached');

    const attached = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcA] }] }));
    expect(attached.InternetGateways!.map((g) => g.InternetGatewayId)).toEqual([igw1.InternetGatewayId]);
    expect(attached.InternetGateways![0]!.Attachments).toEqual([{ VpcId: vpcA, State: 'available' }]);

    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw1.InternetGatewayId!, VpcId: vpcA }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw1.InternetGatewayId! }));
    expect((await failure(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw1.InternetGatewayId!] })))).name).toBe('InvalidInternetGatewayID.NotFound');
  });

  it('routes through gateways and keeps one explicit association per subnet', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a' }))).Subnet!.SubnetId!;
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    const rtbId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const other = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;

    expect((await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-00000000000000000' })))).name).toBe('InvalidGatewayID.NotFound');
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    expect((await ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }))).Return).toBe(true);
    expect((await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId })))).name).toBe('RouteAlreadyExists');

    const { AssociationId } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: subnetId }));
    expect((await failure(ec2.send(new AssociateRouteTableCommand({ RouteTableId: other, SubnetId: subnetId })))).name).toBe('Resource.AlreadyAssociated');
    expect((await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId })))).name).toBe('DependencyViolation');

    const found = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
    expect(found.RouteTables!.map((r) => r.RouteTableId)).toEqual([rtbId]);
    expect(found.RouteTables![0]!.Routes).toContainEqual({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId, State: 'active', Origin: 'CreateRoute' });
    expect(found.RouteTables![0]!.Associations).toEqual([
      { Main: false, RouteTableAssociationId: AssociationId, RouteTableId: rtbId, SubnetId: subnetId, AssociationState: { State: 'associated' } },
    ]);

    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: AssociationId! }));
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId }));
    const main = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }));
    expect((await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: main.RouteTables![0]!.RouteTableId! })))).name).toBe('DependencyViolation');
  });

  it('takes a NAT gateway from pending to available and through deleting to deleted', async () => {
    const { sandbox, ec2 } = setup(1);
    const vpcId = await newVpc(ec2);
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a' }))).Subnet!.SubnetId!;
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    expect(eip.AllocationId).toMatch(/^eipalloc-/);

    const created = await ec2.send(new CreateNatGatewayCommand({
      SubnetId: subnetId, AllocationId: eip.AllocationId!, TagSpecifications: [{ ResourceType: 'natgateway', Tags: [{ Key: 'Name', Value: 'nat' }] }],
    }));
    const natId = created.NatGateway!.NatGatewayId!;
    expect(created.NatGateway).toMatchObject({ State: 'pending', VpcId: vpcId, Tags: [{ Key: 'Name', Value: 'nat' }] });
    // AWS answers AuthFailure (not InvalidIPAddress.InUse) while a NAT gateway holds the address.
    expect((await failure(ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId! })))).name).toBe('AuthFailure');

    sandbox.world.clock.offsetMs += TIMES.natGatewayPendingToAvailable;
    await waitUntilNatGatewayAvailable({ client: ec2, maxWaitTime: 10, minDelay: 1 }, { NatGatewayIds: [natId] });
    const byVpc = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'state', Values: ['available'] }] }));
    expect(byVpc.NatGateways![0]!.NatGatewayAddresses![0]).toMatchObject({ AllocationId: eip.AllocationId, PublicIp: eip.PublicIp, Status: 'succeeded' });
    const addr = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }));
    expect(addr.Addresses![0]!.NetworkInterfaceId).toMatch(/^eni-/);

    const rtbId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }));
    expect((await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })))).name).toBe('DependencyViolation');

    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
    expect((await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways![0]!.State).toBe('deleting');
    sandbox.world.clock.offsetMs += TIMES.natGatewayDeleting;
    expect((await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways![0]!.State).toBe('deleted');
    const routes = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }));
    expect(routes.RouteTables![0]!.Routes!.find((r) => r.NatGatewayId === natId)?.State).toBe('blackhole');
    await ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId! }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    expect((await failure(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-00000000000000000'] })))).name).toBe('NatGatewayNotFound');
  });

  it('fails a NAT gateway created in a VPC without an internet gateway', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-2a' }))).Subnet!.SubnetId!;
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const natId = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId! }))).NatGateway!.NatGatewayId!;
    const err = await waitUntilNatGatewayAvailable({ client: ec2, maxWaitTime: 5, minDelay: 1 }, { NatGatewayIds: [natId] }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways![0]!;
    expect(nat).toMatchObject({ State: 'failed', FailureCode: 'Gateway.NotAttached' });
  });

  it('tags any EC2 resource, answers the right NotFound, and describes tags', async () => {
    const { ec2 } = setup();
    const vpcId = await newVpc(ec2);
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
    await ec2.send(new CreateTagsCommand({ Resources: [vpcId, GroupId!], Tags: [{ Key: 'app', Value: 'lab' }, { Key: 'Name', Value: 'renamed' }] }));
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    expect(vpc.Tags).toEqual([{ Key: 'Name', Value: 'renamed' }, { Key: 'app', Value: 'lab' }]);

    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['app'] }] }));
    expect(tags.Tags!.map((t) => [t.ResourceId, t.ResourceType])).toEqual([[vpcId, 'vpc'], [GroupId, 'security-group']]);

    await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'app', Value: 'other' }] }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }))).Tags).toHaveLength(2);
    await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'app' }] }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }))).Tags!.map((t) => t.Key)).toEqual(['Name']);

    const cases: [string, string][] = [
      ['vpc-00000000000000000', 'InvalidVpcID.NotFound'],
      ['sg-00000000000000000', 'InvalidGroup.NotFound'],
      ['i-00000000000000000', 'InvalidInstanceID.NotFound'],
      ['ami-00000000000000000', 'InvalidAMIID.NotFound'],
      ['subnet-00000000000000000', 'InvalidSubnetID.NotFound'],
    ];
    for (const [id, code] of cases) {
      const err = await failure(ec2.send(new CreateTagsCommand({ Resources: [vpcId, id], Tags: [{ Key: 'x', Value: 'y' }] })));
      expect(err.name).toBe(code);
    }
    // All or nothing: the VPC named alongside an unknown id was not tagged.
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['x'] }] }))).Tags).toEqual([]);
  });
});
