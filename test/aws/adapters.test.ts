/**
 * The adapters against mocked SDK clients: every call a test does not plan for is refused, so
 * each test also proves which calls an adapter makes (pages, chunks) and with what input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeLaunchTemplateVersionsCommand, DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, type DescribeSubnetsCommandInput,
  type DescribeVpcsCommandInput, type RouteTable, type Subnet as SdkSubnet,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand, DescribeTagsCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException, LoadBalancerNotFoundException, TargetGroupNotFoundException, type DescribeTagsCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CredentialsProviderError } from '@smithy/core/config';
import { Ec2NetworkApi } from '../../src/aws/ec2-network.js';
import { Elbv2Api } from '../../src/aws/elbv2.js';
import { LaunchTemplatesApi } from '../../src/aws/launch-templates.js';
import { StsApi } from '../../src/aws/sts.js';
import { AwsError, CredentialsError, EXIT, awsCall, wrapAwsError } from '../../src/errors.js';

const REGION = 'ap-northeast-2';
const VPC = 'vpc-0123456789abcdef0';
const meta = { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };

const ec2Mock = mockClient(EC2Client);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const stsMock = mockClient(STSClient);

beforeEach(() => {
  ec2Mock.reset().onAnyCommand().rejects(new Error('unplanned call'));
  elbMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
  stsMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
});
afterEach(() => {
  ec2Mock.reset();
  elbMock.reset();
  stsMock.reset();
});

function subnet(id: string, az: string, cidr: string, extra: Partial<SdkSubnet> = {}): SdkSubnet {
  return { SubnetId: id, VpcId: VPC, AvailabilityZone: az, CidrBlock: cidr, MapPublicIpOnLaunch: false, ...extra };
}

function table(id: string, opts: { main?: boolean; subnets?: string[]; igw?: string; nat?: string }): RouteTable {
  return {
    RouteTableId: id, VpcId: VPC,
    Associations: [
      ...(opts.main ? [{ Main: true, RouteTableId: id, RouteTableAssociationId: `${id}-main` }] : []),
      ...(opts.subnets ?? []).map((s) => ({ Main: false, RouteTableId: id, SubnetId: s, RouteTableAssociationId: `${id}-${s}` })),
    ],
    Routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' },
      ...(opts.igw ? [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: opts.igw }] : []),
      ...(opts.nat ? [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: opts.nat }] : []),
    ],
  };
}

describe('Ec2NetworkApi.listSubnets', () => {
  const api = () => new Ec2NetworkApi(new EC2Client({ region: REGION }));

  it('marks a subnet public by its own route table, and an unassociated one by the main table', async () => {
    ec2Mock.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'vpc-id', Values: [VPC] }] }).resolves({
      RouteTables: [
        table('rtb-main', { main: true }),
        table('rtb-public', { subnets: ['subnet-a'], igw: 'igw-0aaa' }),
      ],
    });
    ec2Mock.on(DescribeSubnetsCommand, { Filters: [{ Name: 'vpc-id', Values: [VPC] }] }).resolves({
      Subnets: [
        subnet('subnet-b', 'ap-northeast-2c', '10.0.20.0/24', { Tags: [{ Key: 'Name', Value: 'Private B' }] }),
        subnet('subnet-a', 'ap-northeast-2a', '10.0.10.0/24', { MapPublicIpOnLaunch: true, Tags: [{ Key: 'Name', Value: 'Public A' }] }),
      ],
    });
    const subnets = await api().listSubnets(VPC);
    expect(subnets.map((s) => [s.id, s.az, s.public, s.mapPublicIp, s.name])).toEqual([
      ['subnet-a', 'ap-northeast-2a', true, true, 'Public A'],
      ['subnet-b', 'ap-northeast-2c', false, false, 'Private B'],
    ]);
    expect(subnets[0]!.tags).toEqual({ Name: 'Public A' });
  });

  it('falls back to the main table: public when the main table routes to an internet gateway', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        table('rtb-main', { main: true, igw: 'igw-0aaa' }),
        table('rtb-private', { subnets: ['subnet-p'], nat: 'nat-0bbb' }),
      ],
    });
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [subnet('subnet-m', 'ap-northeast-2a', '10.0.1.0/24'), subnet('subnet-p', 'ap-northeast-2a', '10.0.2.0/24')],
    });
    const subnets = await api().listSubnets(VPC);
    expect(subnets.map((s) => [s.id, s.public])).toEqual([['subnet-m', true], ['subnet-p', false]]);
  });

  it('a 0.0.0.0/0 route to something other than an internet gateway is not public', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [{ ...table('rtb-main', { main: true }), Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vgw-0ccc' }] }],
    });
    ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [subnet('subnet-v', 'ap-northeast-2a', '10.0.3.0/24')] });
    expect((await api().listSubnets(VPC))[0]!.public).toBe(false);
  });

  it('reads every page of DescribeSubnets, passing NextToken on', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table('rtb-main', { main: true, igw: 'igw-0aaa' })] });
    // The SDK's paginator reuses one input object, so the inputs are recorded as each call sees them.
    const seen: DescribeSubnetsCommandInput[] = [];
    ec2Mock.on(DescribeSubnetsCommand).callsFake((input: DescribeSubnetsCommandInput) => {
      seen.push(structuredClone(input));
      return input.NextToken === 'page-2'
        ? { Subnets: [subnet('subnet-2', 'ap-northeast-2c', '10.0.2.0/24')] }
        : { Subnets: [subnet('subnet-1', 'ap-northeast-2a', '10.0.1.0/24')], NextToken: 'page-2' };
    });
    const subnets = await api().listSubnets(VPC);
    expect(subnets.map((s) => s.id)).toEqual(['subnet-1', 'subnet-2']);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(2);
    expect(seen[0]!.NextToken).toBeUndefined();
    expect(seen[1]).toMatchObject({ NextToken: 'page-2', Filters: [{ Name: 'vpc-id', Values: [VPC] }] });
  });

  it('annotates a failure with the operation and the VPC it was about', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: meta }));
    await expect(api().listSubnets(VPC)).rejects.toMatchObject({ name: 'UnauthorizedOperation', operation: 'DescribeRouteTables', resource: VPC });
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
  });
});

describe('Ec2NetworkApi.listVpcs', () => {
  it('reads every page of DescribeVpcs and maps Name and default', async () => {
    const seen: DescribeVpcsCommandInput[] = [];
    ec2Mock.on(DescribeVpcsCommand).callsFake((input: DescribeVpcsCommandInput) => {
      seen.push(structuredClone(input));
      return input.NextToken === 't2'
        ? { Vpcs: [{ VpcId: 'vpc-2', CidrBlock: '172.31.0.0/16', IsDefault: true }] }
        : { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', IsDefault: false, Tags: [{ Key: 'Name', Value: 'VPC-Lab' }] }], NextToken: 't2' };
    });
    const vpcs = await new Ec2NetworkApi(new EC2Client({ region: REGION })).listVpcs([{ Name: 'tag:Name', Values: ['VPC-Lab'] }]);
    expect(vpcs).toEqual([
      { id: 'vpc-1', cidr: '10.0.0.0/16', isDefault: false, name: 'VPC-Lab', tags: { Name: 'VPC-Lab' } },
      { id: 'vpc-2', cidr: '172.31.0.0/16', isDefault: true, tags: {} },
    ]);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toHaveLength(2);
    for (const input of seen) expect(input.Filters).toEqual([{ Name: 'tag:Name', Values: ['VPC-Lab'] }]);
    expect(seen.map((i) => i.NextToken)).toEqual([undefined, 't2']);
  });
});

describe('Ec2NetworkApi.securityGroupNamed', () => {
  const group = (id: string, name: string) => ({ GroupId: id, GroupName: name, VpcId: VPC, Description: name, IpPermissions: [], Tags: [] });

  it('reads the VPC\'s groups once for every lookup of the run, by name', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group('sg-0aaa', 'Web-ALB-SG'), group('sg-0bbb', 'ASG-Web-Inst-SG')] });
    const net = new Ec2NetworkApi(new EC2Client({ region: REGION }));
    const [alb, bake] = await Promise.all([net.securityGroupNamed(VPC, 'Web-ALB-SG'), net.securityGroupNamed(VPC, 'Web-Bake-SG')]);
    const inst = await net.securityGroupNamed(VPC, 'ASG-Web-Inst-SG');
    expect([alb?.id, bake?.id, inst?.id]).toEqual(['sg-0aaa', undefined, 'sg-0bbb']);
    const calls = ec2Mock.commandCalls(DescribeSecurityGroupsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.Filters).toEqual([{ Name: 'vpc-id', Values: [VPC] }]);
  });

  it('reads again once the adapter wrote a group, and after a read that failed', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolvesOnce({ SecurityGroups: [] })
      .resolves({ SecurityGroups: [group('sg-0ccc', 'Web-Bake-SG')] });
    ec2Mock.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-0ccc' });
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    const net = new Ec2NetworkApi(new EC2Client({ region: REGION }));
    await expect(net.securityGroupNamed(VPC, 'Web-Bake-SG')).rejects.toThrow('socket hang up');
    expect(await net.securityGroupNamed(VPC, 'Web-Bake-SG')).toBeUndefined();
    await net.createSecurityGroup(VPC, 'Web-Bake-SG', 'bake', []);
    expect((await net.securityGroupNamed(VPC, 'Web-Bake-SG'))?.id).toBe('sg-0ccc');
    await net.authorizeIngress('sg-0ccc', [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '203.0.113.7/32' }]);
    await net.securityGroupNamed(VPC, 'Web-Bake-SG');
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(4);
  });
});

describe('LaunchTemplatesApi.versions', () => {
  it('reads the default and the latest version in one call', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0a1b', Versions: ['2', '3'] }).resolves({
      LaunchTemplateVersions: [
        { LaunchTemplateId: 'lt-0a1b', VersionNumber: 2, LaunchTemplateData: { ImageId: 'ami-2' } },
        { LaunchTemplateId: 'lt-0a1b', VersionNumber: 3, LaunchTemplateData: { ImageId: 'ami-3' } },
      ],
    });
    const v = await new LaunchTemplatesApi(new EC2Client({ region: REGION })).versions('lt-0a1b', [2, 3]);
    expect([v.get(2)?.imageId, v.get(3)?.imageId]).toEqual(['ami-2', 'ami-3']);
    expect(ec2Mock.commandCalls(DescribeLaunchTemplateVersionsCommand)).toHaveLength(1);
  });

  it('asks once for a version named twice (default and latest the same)', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0a1b', Versions: ['1'] }).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-0a1b', VersionNumber: 1, LaunchTemplateData: { ImageId: 'ami-1' } }],
    });
    const v = await new LaunchTemplatesApi(new EC2Client({ region: REGION })).versions('lt-0a1b', [1, 1]);
    expect(v.get(1)?.imageId).toBe('ami-1');
  });
});

describe('Elbv2Api', () => {
  const api = () => new Elbv2Api(new ElasticLoadBalancingV2Client({ region: REGION }));
  const LB_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/Web-ALB/50dc6c495c0c9188';
  const TG_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/Web-TG/6d0ecf831eec9f09';

  it('findLoadBalancer: undefined when AWS answers LoadBalancerNotFound', async () => {
    elbMock.on(DescribeLoadBalancersCommand, { Names: ['Web-ALB'] }).rejects(
      new LoadBalancerNotFoundException({ message: "Load balancers '[Web-ALB]' not found", $metadata: meta }),
    );
    await expect(api().findLoadBalancer('Web-ALB')).resolves.toBeUndefined();
    expect(elbMock.commandCalls(DescribeTagsCommand)).toHaveLength(0);
  });

  it('findLoadBalancer: other errors go on, annotated with the operation and the name', async () => {
    const denied = new ElasticLoadBalancingV2ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: meta, message: 'User is not authorized' });
    elbMock.on(DescribeLoadBalancersCommand).rejects(denied);
    const err = await api().findLoadBalancer('Web-ALB').catch((e: unknown) => e);
    expect(err).toBe(denied);
    expect(err).toMatchObject({ name: 'AccessDenied', operation: 'DescribeLoadBalancers', resource: 'Web-ALB' });
  });

  it('findLoadBalancer: a plain (non-AWS) error goes on untouched', async () => {
    await expect(api().findLoadBalancer('Web-ALB')).rejects.toThrow('unplanned call');
    await expect(api().findLoadBalancer('Web-ALB')).rejects.not.toHaveProperty('operation');
  });

  it('findLoadBalancer: maps the load balancer with its tags from DescribeTags', async () => {
    elbMock.on(DescribeLoadBalancersCommand, { Names: ['Web-ALB'] }).resolves({
      LoadBalancers: [{
        LoadBalancerArn: LB_ARN, LoadBalancerName: 'Web-ALB', DNSName: 'web-alb-1.ap-northeast-2.elb.amazonaws.com', Scheme: 'internet-facing',
        Type: 'application', VpcId: VPC, State: { Code: 'active' }, SecurityGroups: ['sg-0aaa'],
        AvailabilityZones: [{ ZoneName: 'ap-northeast-2a', SubnetId: 'subnet-a' }, { ZoneName: 'ap-northeast-2c', SubnetId: 'subnet-c' }],
      }],
    });
    elbMock.on(DescribeTagsCommand, { ResourceArns: [LB_ARN] }).resolves({
      TagDescriptions: [{ ResourceArn: LB_ARN, Tags: [{ Key: 'asg-wizard:stack', Value: 'Web' }] }],
    });
    expect(await api().findLoadBalancer('Web-ALB')).toEqual({
      arn: LB_ARN, name: 'Web-ALB', dnsName: 'web-alb-1.ap-northeast-2.elb.amazonaws.com', scheme: 'internet-facing', type: 'application',
      vpcId: VPC, state: 'active', subnetIds: ['subnet-a', 'subnet-c'], azs: ['ap-northeast-2a', 'ap-northeast-2c'],
      securityGroupIds: ['sg-0aaa'], tags: { 'asg-wizard:stack': 'Web' },
    });
  });

  it('findTargetGroup: tags come from DescribeTags; TargetGroupNotFound is undefined', async () => {
    elbMock.on(DescribeTargetGroupsCommand, { Names: ['Web-TG'] }).resolves({
      TargetGroups: [{ TargetGroupArn: TG_ARN, TargetGroupName: 'Web-TG', Protocol: 'HTTP', Port: 80, VpcId: VPC, TargetType: 'instance', HealthCheckPath: '/health', LoadBalancerArns: [LB_ARN] }],
    });
    elbMock.on(DescribeTargetGroupsCommand, { Names: ['Gone-TG'] }).rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: meta }));
    elbMock.on(DescribeTagsCommand, { ResourceArns: [TG_ARN] }).resolves({ TagDescriptions: [{ ResourceArn: TG_ARN, Tags: [{ Key: 'Name', Value: 'tg' }] }] });
    const tg = await api().findTargetGroup('Web-TG');
    expect(tg).toMatchObject({ arn: TG_ARN, port: 80, healthCheckPath: '/health', loadBalancerArns: [LB_ARN], tags: { Name: 'tg' } });
    await expect(api().findTargetGroup('Gone-TG')).resolves.toBeUndefined();
    expect(elbMock.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.ResourceArns)).toEqual([[TG_ARN]]);
  });

  it('findLoadBalancerAndTargetGroup: both with their tags from one DescribeTags', async () => {
    elbMock.on(DescribeLoadBalancersCommand, { Names: ['Web-ALB'] }).resolves({
      LoadBalancers: [{ LoadBalancerArn: LB_ARN, LoadBalancerName: 'Web-ALB', DNSName: 'web-alb-1.elb', Scheme: 'internet-facing', Type: 'application', VpcId: VPC, State: { Code: 'active' } }],
    });
    elbMock.on(DescribeTargetGroupsCommand, { Names: ['Web-TG'] }).resolves({
      TargetGroups: [{ TargetGroupArn: TG_ARN, TargetGroupName: 'Web-TG', Protocol: 'HTTP', Port: 80, VpcId: VPC }],
    });
    elbMock.on(DescribeTagsCommand, { ResourceArns: [LB_ARN, TG_ARN] }).resolves({
      TagDescriptions: [
        { ResourceArn: LB_ARN, Tags: [{ Key: 'asg-wizard:stack', Value: 'Web' }] },
        { ResourceArn: TG_ARN, Tags: [{ Key: 'Name', Value: 'tg' }] },
      ],
    });
    const { lb, tg } = await api().findLoadBalancerAndTargetGroup('Web-ALB', 'Web-TG');
    expect(lb).toMatchObject({ arn: LB_ARN, dnsName: 'web-alb-1.elb', tags: { 'asg-wizard:stack': 'Web' } });
    expect(tg).toMatchObject({ arn: TG_ARN, port: 80, tags: { Name: 'tg' } });
    expect(elbMock.commandCalls(DescribeTagsCommand)).toHaveLength(1);
  });

  it('findLoadBalancerAndTargetGroup: what does not exist is absent, and nothing found reads no tags', async () => {
    elbMock.on(DescribeLoadBalancersCommand).rejects(new LoadBalancerNotFoundException({ message: 'not found', $metadata: meta }));
    elbMock.on(DescribeTargetGroupsCommand).rejects(new TargetGroupNotFoundException({ message: 'not found', $metadata: meta }));
    expect(await api().findLoadBalancerAndTargetGroup('Web-ALB', 'Web-TG')).toEqual({});
    expect(elbMock.commandCalls(DescribeTagsCommand)).toHaveLength(0);
  });

  it('tagsOf asks DescribeTags at most 20 ARNs a call, and reads every chunk', async () => {
    const arns = Array.from({ length: 45 }, (_, i) => `${TG_ARN.replace(/[0-9a-f]{16}$/, '')}${i.toString(16).padStart(16, '0')}`);
    elbMock.on(DescribeTagsCommand).callsFake((input: DescribeTagsCommandInput) => ({
      TagDescriptions: (input.ResourceArns ?? []).map((a) => ({ ResourceArn: a, Tags: [{ Key: 'arn-tail', Value: a.slice(-4) }] })),
    }));
    // tagsOf is private; no public method passes it more than one ARN yet.
    const adapter = api() as unknown as { tagsOf(a: string[]): Promise<Map<string, Record<string, string>>> };
    const tags = await adapter.tagsOf(arns);
    const chunks = elbMock.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.ResourceArns ?? []);
    expect(chunks.map((c) => c.length)).toEqual([20, 20, 5]);
    expect(chunks.flat()).toEqual(arns);
    expect(tags.size).toBe(45);
    expect(tags.get(arns[44]!)).toEqual({ 'arn-tail': arns[44]!.slice(-4) });
  });

  it('tagsOf with no ARNs makes no call', async () => {
    const adapter = api() as unknown as { tagsOf(a: string[]): Promise<Map<string, unknown>> };
    expect((await adapter.tagsOf([])).size).toBe(0);
    expect(elbMock.commandCalls(DescribeTagsCommand)).toHaveLength(0);
  });
});

describe('StsApi', () => {
  it('callerIdentity maps the account and the ARN', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/lab', UserId: 'AIDA' });
    await expect(new StsApi(new STSClient({ region: REGION })).callerIdentity()).resolves.toEqual({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/lab' });
  });

  it('a credentials failure from STS becomes a CredentialsError (exit 2) with the fix', async () => {
    stsMock.on(GetCallerIdentityCommand).rejects(new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }));
    const err = await new StsApi(new STSClient({ region: REGION })).callerIdentity().catch((e: unknown) => e);
    const wrapped = wrapAwsError(err, 'preflight', 'GetCallerIdentity');
    expect(wrapped).toBeInstanceOf(CredentialsError);
    expect((wrapped as CredentialsError).exitCode).toBe(EXIT.usage);
    expect(wrapped.message).toContain('Could not load credentials from any providers');
    expect((wrapped as CredentialsError).suggestion).toMatch(/aws configure|aws sso login/);
  });
});

describe('wrapAwsError', () => {
  it('turns an annotated SDK error into an AwsError naming the step, the operation and the code', async () => {
    const sdkErr = new ElasticLoadBalancingV2ServiceException({ name: 'DuplicateLoadBalancerName', $fault: 'client', $metadata: meta, message: 'A load balancer with the same name exists' });
    const thrown = await awsCall('CreateLoadBalancer', 'Web-ALB', () => Promise.reject(sdkErr)).catch((e: unknown) => e);
    const wrapped = wrapAwsError(thrown, 'load-balancer', 'fallback-op');
    expect(wrapped).toBeInstanceOf(AwsError);
    const a = wrapped as AwsError;
    expect(a.step).toBe('load-balancer');
    expect(a.operation).toBe('CreateLoadBalancer Web-ALB');
    expect(a.code).toBe('DuplicateLoadBalancerName');
    expect(a.exitCode).toBe(EXIT.failed);
    expect(a.message).toBe('load-balancer: CreateLoadBalancer Web-ALB failed: DuplicateLoadBalancerName: A load balancer with the same name exists');
    expect(a.cause).toBe(sdkErr);
  });

  it('uses the given operation when the error carries none', () => {
    const sdkErr = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: meta });
    const a = wrapAwsError(sdkErr, 'network', 'DescribeVpcs') as AwsError;
    expect(a).toBeInstanceOf(AwsError);
    expect(a.message).toBe('network: DescribeVpcs failed: Throttling: Rate exceeded');
    expect(a.suggestion).toMatch(/throttling/);
  });

  it('an AccessDenied gets the permissions hint', () => {
    const a = wrapAwsError(Object.assign(new Error('nope'), { name: 'AccessDenied', $metadata: meta }), 'network', 'CreateVpc') as AwsError;
    expect(a.suggestion).toMatch(/Permissions/);
  });

  it('a CredentialsProviderError-named error becomes a CredentialsError, exit 2', () => {
    const e = Object.assign(new Error('Token is expired. To refresh this SSO session run aws sso login'), { name: 'CredentialsProviderError' });
    const w = wrapAwsError(e, 'preflight', 'GetCallerIdentity');
    expect(w).toBeInstanceOf(CredentialsError);
    expect((w as CredentialsError).exitCode).toBe(2);
    expect(w.message).toMatch(/^no valid AWS credentials: /);
  });

  it('an expired token code from AWS is also a CredentialsError', () => {
    const w = wrapAwsError(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken', $metadata: meta }), 'network', 'DescribeVpcs');
    expect(w).toBeInstanceOf(CredentialsError);
  });

  it('a missing region is a CredentialsError naming --region', () => {
    const w = wrapAwsError(new Error('Region is missing'), 'preflight', 'GetCallerIdentity') as CredentialsError;
    expect(w).toBeInstanceOf(CredentialsError);
    expect(w.suggestion).toContain('--region');
  });

  it('leaves wizard errors and non-AWS errors as they are', () => {
    const cred = new CredentialsError('x');
    expect(wrapAwsError(cred, 's', 'op')).toBe(cred);
    const plain = new TypeError('bug');
    expect(wrapAwsError(plain, 's', 'op')).toBe(plain);
  });
});
