/**
 * The one retry helper for AWS's lags, and every adapter call that may name something just
 * created: against the sandbox, with the ids it names marked "not visible yet" for two calls,
 * each call must still succeed (and would fail with the retry removed).
 */
import { describe, it, expect } from 'vitest';
import {
  AttachInternetGatewayCommand, AuthorizeSecurityGroupIngressCommand, CreateInternetGatewayCommand, CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand, CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { AwsApi } from '../../src/aws/api.js';
import { AWS_PROPAGATION, isIamPropagation, retryWhile, scaledPropagation, untilVisible } from '../../src/aws/consistency.js';
import { awsError } from '../../src/sandbox/errors.js';
import { tmpSandboxFile } from '../helpers/run.js';

const TAGS = [{ Key: 'asg-wizard:stack', Value: 'Web' }];

async function setup() {
  const file = tmpSandboxFile();
  // What a test builds first goes through a sandbox without lags; the adapters meet them.
  const quiet = new Sandbox({ file, consistency: false });
  const ec2 = new AwsClients({ region: quiet.world.region, sandbox: quiet }).ec2;
  const sandbox = new Sandbox({ file });
  const api = new AwsApi(new AwsClients({ region: sandbox.world.region, sandbox, propagation: scaledPropagation(0) }));
  /** As if just created: the next two calls naming it answer its NotFound code (a change to the account: a transaction). */
  const fresh = (...keys: string[]) => sandbox.transact((w) => {
    for (const k of keys) w.lag = { ...w.lag, [k]: { at: Date.now() + w.clock.offsetMs, left: 2 } };
  });
  const w = quiet.world;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: w.azs[0]!.name }))).Subnet!.SubnetId!;
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
  const spareIgw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'web', Description: 'web' }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const image = w.ec2.images.find((i) => i.architecture === 'x86_64')!.id;
  const instance = (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [sg] })))
    .Instances![0]!.InstanceId!;
  const lt = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'Web', LaunchTemplateData: { ImageId: image, InstanceType: 't3.micro' } }))).LaunchTemplate!.LaunchTemplateId!;
  await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt, LaunchTemplateData: { ImageId: image, InstanceType: 't3.small' } }));
  return { sandbox, api, fresh, ids: { vpc, subnet, igw, rtb, sg, image, instance, lt, otherVpc, spareIgw } };
}

type Ctx = Awaited<ReturnType<typeof setup>>;
const WAIT = { maxWaitTime: 5, minDelay: 1, maxDelay: 1 };

/** [what, the command that meets the lag, the keys made fresh, the adapter call]. */
const CASES: [string, string, (c: Ctx) => string[], (c: Ctx) => Promise<unknown>][] = [
  ['a subnet in a new VPC', 'CreateSubnet', (c) => [c.ids.vpc], (c) => c.api.network.createSubnet(c.ids.vpc, '10.0.2.0/24', c.sandbox.world.azs[1]!.name, TAGS, false)],
  ['public IPs on a new subnet', 'ModifySubnetAttribute', (c) => [c.ids.subnet], (c) => c.api.network.setMapPublicIp(c.ids.subnet)],
  ['attaching a new internet gateway', 'AttachInternetGateway', (c) => [c.ids.spareIgw], (c) => c.api.network.attachInternetGateway(c.ids.spareIgw, c.ids.otherVpc)],
  ['a route table in a new VPC', 'CreateRouteTable', (c) => [c.ids.vpc], (c) => c.api.network.createRouteTable(c.ids.vpc, TAGS)],
  ['a route in a new table', 'CreateRoute', (c) => [c.ids.rtb], (c) => c.api.network.createDefaultRoute(c.ids.rtb, { gatewayId: c.ids.igw })],
  ['associating a new table', 'AssociateRouteTable', (c) => [c.ids.rtb], (c) => c.api.network.associateRouteTable(c.ids.rtb, c.ids.subnet)],
  ['a NAT gateway in a new subnet', 'CreateNatGateway', (c) => [c.ids.subnet], (c) => c.api.network.createNatGateway(c.ids.subnet, TAGS, WAIT)],
  ['a group in a new VPC', 'CreateSecurityGroup', (c) => [c.ids.vpc], (c) => c.api.network.createSecurityGroup(c.ids.vpc, 'other', 'other', TAGS)],
  ['rules on a new group', 'AuthorizeSecurityGroupIngress', (c) => [c.ids.sg], (c) => c.api.network.authorizeIngress(c.ids.sg, [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }])],
  ['revoking on a new group', 'RevokeSecurityGroupIngress', (c) => [c.ids.sg], (c) => c.api.network.revokeIngress(c.ids.sg, [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '0.0.0.0/0' }])],
  ['adopting a new resource', 'CreateTags', (c) => [c.ids.sg], (c) => c.api.network.tagResources([c.ids.sg], TAGS)],
  ['a launch with a new group', 'RunInstances', (c) => [c.ids.sg], (c) => c.api.compute.runInstance({
    imageId: c.ids.image, instanceType: 't3.micro', subnetId: c.ids.subnet, securityGroupIds: [c.ids.sg], clientToken: 'tok', tags: TAGS,
  })],
  ['waiting for a new instance', 'DescribeInstances', (c) => [c.ids.instance], (c) => c.api.compute.runningInstances([c.ids.instance], WAIT)],
  ['terminating a new instance', 'TerminateInstances', (c) => [c.ids.instance], (c) => c.api.compute.terminateInstances([c.ids.instance])],
  ['an image of a new instance', 'CreateImage', (c) => [c.ids.instance], (c) => c.api.compute.createImage({ instanceId: c.ids.instance, name: 'img', description: 'img', tags: TAGS, snapshotTags: TAGS })],
  ['reading a new template version', 'DescribeLaunchTemplateVersions', (c) => [`${c.ids.lt}:v2`], (c) => c.api.launchTemplates.version(c.ids.lt, 2)],
  ['a new default version', 'ModifyLaunchTemplate', (c) => [`${c.ids.lt}:v2`], (c) => c.api.launchTemplates.setDefaultVersion(c.ids.lt, 2)],
];

describe('adapter calls that may name something just created', () => {
  it.each(CASES)('%s: %s is retried until it is visible', async (_what, command, keys, call) => {
    const c = await setup();
    await c.fresh(...keys(c));
    await call(c);
    // Two answers "not there" for what the test made new (more where the call itself made something new, an Elastic IP).
    const met = c.sandbox.calls.filter((x) => x.command === command && x.lag === 'consistency');
    expect(met.length).toBeGreaterThanOrEqual(2);
    expect(c.sandbox.calls.filter((x) => x.command === command && !x.error).length).toBeGreaterThanOrEqual(1);
  });

  it('a new VPC and a new internet gateway are met by their own next call', async () => {
    const c = await setup();
    const vpc = await c.api.network.createVpc('10.9.0.0/16', TAGS);
    await c.api.network.createInternetGateway(vpc, TAGS);
    const met = c.sandbox.calls.filter((x) => x.lag === 'consistency').map((x) => x.command);
    expect(met).toEqual(expect.arrayContaining(['ModifyVpcAttribute', 'AttachInternetGateway']));
  });

  it('a real NotFound is not hidden: past the bound the error names AWS\'s code', async () => {
    const c = await setup();
    const api = new AwsApi(new AwsClients({ region: c.sandbox.world.region, sandbox: c.sandbox, propagation: { minDelayMs: 1, maxDelayMs: 2, maxWaitMs: 20 } }));
    const err = (await api.network.authorizeIngress('sg-0123456789abcdef0', [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '0.0.0.0/0' }]).catch((e: Error) => e)) as Error & { operation?: string };
    expect(err.name).toBe('InvalidGroup.NotFound');
    expect(err.operation).toBe('AuthorizeSecurityGroupIngress');
    expect(c.sandbox.calls.filter((x) => x.command === 'AuthorizeSecurityGroupIngress').length).toBeGreaterThan(2);
  });
});

describe('retryWhile', () => {
  const notFound = () => awsError('EC2Client', 'InvalidGroup.NotFound', "The security group 'sg-1' does not exist");
  const policy = { minDelayMs: 1, maxDelayMs: 4, maxWaitMs: 40 };

  it('retries only what it is told is transient, and gives the answer once there is one', async () => {
    let n = 0;
    const value = await untilVisible(policy, ['InvalidGroup.NotFound'], async () => {
      n += 1;
      if (n < 3) throw notFound();
      return 'ok';
    });
    expect([value, n]).toEqual(['ok', 3]);
    let m = 0;
    const other = await retryWhile(policy, () => false, async () => {
      m += 1;
      throw notFound();
    }).catch((e: Error) => e.name);
    expect([other, m]).toEqual(['InvalidGroup.NotFound', 1]);
  });

  it('is bounded by the time it waits, backing off with jitter between the delays', async () => {
    let n = 0;
    const started = Date.now();
    const err = await untilVisible(policy, ['InvalidGroup.NotFound'], async () => {
      n += 1;
      throw notFound();
    }).catch((e: Error) => e);
    expect((err as Error).name).toBe('InvalidGroup.NotFound');
    expect(n).toBeGreaterThanOrEqual(10);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('takes AWS\'s bound on AWS, the sandbox\'s scaled one in the sandbox', () => {
    expect(AWS_PROPAGATION).toEqual({ minDelayMs: 1_000, maxDelayMs: 10_000, maxWaitMs: 120_000 });
    expect(scaledPropagation(0)).toEqual({ minDelayMs: 2, maxDelayMs: 20, maxWaitMs: 2_000 });
    expect(scaledPropagation(1)).toEqual(AWS_PROPAGATION);
  });
});

describe('isIamPropagation', () => {
  it('knows the words EC2 and Auto Scaling use for a profile they cannot see yet, and nothing else', () => {
    const asg = (m: string) => awsError('AutoScalingClient', 'ValidationError', m);
    expect(isIamPropagation(asg('You must use a valid fully-formed launch template. Value (arn:aws:iam::1:instance-profile/p) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN'))).toBe(true);
    expect(isIamPropagation(asg('You must use a valid fully-formed launch template. Value (p) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name'))).toBe(true);
    expect(isIamPropagation(awsError('EC2Client', 'InvalidParameterValue', 'Value (p) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name'))).toBe(true);
    expect(isIamPropagation(asg('Invalid IamInstanceProfile: arn:aws:iam::1:instance-profile/p'))).toBe(true);
    expect(isIamPropagation(asg("You must use a valid fully-formed launch template. The image id '[ami-1]' does not exist"))).toBe(false);
    expect(isIamPropagation(new Error('Invalid IAM Instance Profile ARN'))).toBe(false);
  });
});
