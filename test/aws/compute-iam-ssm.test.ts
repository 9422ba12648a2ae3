/**
 * The bake's adapters (EC2 compute, SSM, IAM) against mocked SDK clients: every unplanned call
 * is refused, so each test also shows which calls are made and with what input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeImagesCommand, DescribeInstancesCommand, EC2Client, EC2ServiceException, GetConsoleOutputCommand, RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { Ec2ComputeApi } from '../../src/aws/ec2-compute.js';
import { SsmApi, AL2023_PARAMETERS } from '../../src/aws/ssm.js';
import { IamApi, trustsEc2, EC2_TRUST_POLICY } from '../../src/aws/iam.js';
import { TimeoutError } from '../../src/errors.js';

const REGION = 'ap-northeast-2';
const meta = { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };
const ec2Error = (name: string) => new EC2ServiceException({ name, $fault: 'client', $metadata: meta, message: `${name} from EC2` });

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const iamMock = mockClient(IAMClient);

beforeEach(() => {
  ec2Mock.reset().onAnyCommand().rejects(new Error('unplanned call'));
  ssmMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
  iamMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
});
afterEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  iamMock.reset();
});

const compute = () => new Ec2ComputeApi(new EC2Client({ region: REGION }));

describe('Ec2ComputeApi', () => {
  it('launches with a ClientToken, IMDSv2 required, a public IP on the interface, tags on instance and volume, user data in base64', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-0123456789abcdef0', State: { Name: 'pending' }, Tags: [{ Key: 'Name', Value: 'bake' }] }] });
    const i = await compute().runInstance({
      imageId: 'ami-0123456789abcdef0', instanceType: 't2.micro', subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'],
      userData: '#!/bin/bash\necho hi\n', clientToken: 'tok-1', tags: [{ Key: 'Name', Value: 'bake' }],
    });
    expect(i).toMatchObject({ id: 'i-0123456789abcdef0', state: 'pending', tags: { Name: 'bake' } });
    const input = ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input as RunInstancesCommandInput;
    expect(input).toMatchObject({
      ClientToken: 'tok-1', MinCount: 1, MaxCount: 1,
      MetadataOptions: { HttpTokens: 'required' },
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-0123456789abcdef0', AssociatePublicIpAddress: true, Groups: ['sg-0123456789abcdef0'] }],
      TagSpecifications: [{ ResourceType: 'instance' }, { ResourceType: 'volume' }],
    });
    expect(input.SecurityGroupIds).toBeUndefined();
    expect(Buffer.from(input.UserData!, 'base64').toString()).toBe('#!/bin/bash\necho hi\n');
  });

  it('reads every page of DescribeInstances with the filters given', async () => {
    ec2Mock.on(DescribeInstancesCommand, { Filters: [{ Name: 'tag:asg-wizard:role', Values: ['bake'] }] })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'running' } }] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-2', State: { Name: 'stopped' } }] }] });
    const found = await compute().findInstances([{ Name: 'tag:asg-wizard:role', Values: ['bake'] }]);
    expect(found.map((i) => `${i.id} ${i.state}`)).toEqual(['i-1 running', 'i-2 stopped']);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[1]!.args[0].input.NextToken).toBe('p2');
  });

  it('decodes the console output, and falls back to the buffered copy where Latest is refused', async () => {
    ec2Mock.on(GetConsoleOutputCommand, { InstanceId: 'i-1', Latest: true }).rejects(ec2Error('UnsupportedOperation'));
    ec2Mock.on(GetConsoleOutputCommand, { InstanceId: 'i-1' }).resolves({ Output: Buffer.from('boot\nASG_WIZARD_USER_DATA_DONE\n').toString('base64') });
    expect((await compute().consoleOutput('i-1', true)).text).toContain('ASG_WIZARD_USER_DATA_DONE');
  });

  it('answers undefined for an image EC2 does not know, and passes other errors on', async () => {
    ec2Mock.on(DescribeImagesCommand, { ImageIds: ['ami-0123456789abcdef0'] }).rejects(ec2Error('InvalidAMIID.NotFound'));
    expect(await compute().imageById('ami-0123456789abcdef0')).toBeUndefined();
    ec2Mock.on(DescribeImagesCommand, { ImageIds: ['ami-00000000'] }).rejects(ec2Error('UnauthorizedOperation'));
    await expect(compute().imageById('ami-00000000')).rejects.toMatchObject({ name: 'UnauthorizedOperation', operation: 'DescribeImages' });
  });

  it('runningInstances: an instance already running costs one read and no waiter, and comes back with its public IP', async () => {
    ec2Mock.on(DescribeInstancesCommand, { InstanceIds: ['i-0123456789abcdef0'] }).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0123456789abcdef0', State: { Name: 'running' }, PublicIpAddress: '3.0.0.9', InstanceType: 't2.micro', ImageId: 'ami-1' }] }],
    });
    const [i] = await compute().runningInstances(['i-0123456789abcdef0'], { maxWaitTime: 5, minDelay: 0.01, maxDelay: 0.02 });
    expect(i).toMatchObject({ id: 'i-0123456789abcdef0', state: 'running', publicIp: '3.0.0.9' });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });

  it('runningInstances: a pending one is waited for (fractions of a second apart, never read twice at once) and given as the waiter last saw it', async () => {
    const instance = (state: string, ip?: string) => ({
      Reservations: [{ Instances: [{ InstanceId: 'i-0123456789abcdef0', State: { Name: state }, ...(ip ? { PublicIpAddress: ip } : {}), InstanceType: 't2.micro', ImageId: 'ami-1' }] }],
    });
    const at: number[] = [];
    ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
      at.push(performance.now());
      return at.length < 3 ? instance('pending') : instance('running', '3.0.0.7');
    });
    const [i] = await compute().runningInstances(['i-0123456789abcdef0'], { maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.1 });
    expect(i).toMatchObject({ state: 'running', publicIp: '3.0.0.7' });
    // The first read, the waiter's first (pending), its second (running): no read after the wait.
    expect(at).toHaveLength(3);
    // The waiter's first read comes a delay after the first read, not right after it.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(45);
  });

  it('turns a waiter time-out into a TimeoutError saying what is still pending', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-0123456789abcdef0', State: 'pending', Name: 'Web Server v1' }] });
    const err = await compute().waitUntilImageAvailable('ami-0123456789abcdef0', { maxWaitTime: 2, minDelay: 1, maxDelay: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('timed out after 2 s waiting for image ami-0123456789abcdef0 to become available: now pending');
  });
});

describe('SsmApi', () => {
  it('reads the Amazon Linux 2023 parameter for the architecture; a missing one is undefined', async () => {
    ssmMock.on(GetParameterCommand, { Name: AL2023_PARAMETERS.arm64 }).resolves({ Parameter: { Value: 'ami-0aaaaaaaaaaaaaaaa' } });
    ssmMock.on(GetParameterCommand, { Name: AL2023_PARAMETERS.x86_64 }).rejects(new ParameterNotFound({ $metadata: meta, message: 'not found' }));
    const ssm = new SsmApi(new SSMClient({ region: REGION }));
    expect(await ssm.latestAmazonLinux2023('arm64')).toBe('ami-0aaaaaaaaaaaaaaaa');
    expect(await ssm.latestAmazonLinux2023('x86_64')).toBeUndefined();
  });
});

describe('IamApi', () => {
  it('answers undefined for a role that does not exist and decodes the trust policy of one that does', async () => {
    const iam = new IamApi(new IAMClient({ region: REGION }));
    iamMock.on(GetRoleCommand, { RoleName: 'none' }).rejects(new NoSuchEntityException({ $metadata: meta, message: 'no' }));
    iamMock.on(GetRoleCommand, { RoleName: 'Web-SSM-Role' }).resolves({
      Role: { RoleName: 'Web-SSM-Role', Arn: 'arn:aws:iam::123456789012:role/Web-SSM-Role', Path: '/', RoleId: 'AROAX', CreateDate: new Date(), AssumeRolePolicyDocument: encodeURIComponent(EC2_TRUST_POLICY), Tags: [{ Key: 'asg-wizard:stack', Value: 'Web' }] },
    });
    expect(await iam.getRole('none')).toBeUndefined();
    const role = (await iam.getRole('Web-SSM-Role'))!;
    expect(trustsEc2(role.trustPolicy)).toBe(true);
    expect(role.tags).toEqual({ 'asg-wizard:stack': 'Web' });
    expect(trustsEc2(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }))).toBe(false);
  });
});
