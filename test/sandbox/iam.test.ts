import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetInstanceProfileCommand,
  GetRoleCommand,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

/** AWS's lags are off here: an instance launched with a profile just made (`lags.test.ts` meets IAM's delay). */
function setup() {
  const sandbox = new Sandbox({ file: join(mkdtempSync(join(tmpdir(), 'asgw-iam-')), 'sandbox.json'), consistency: false });
  return { sandbox, aws: new AwsClients({ region: 'ap-northeast-2', sandbox }) };
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

describe('IAM roles and instance profiles', () => {
  it('creates a role with tags, attaches a managed policy, and refuses duplicates and bad documents', async () => {
    const { aws } = setup();
    const { Role } = await aws.iam.send(new CreateRoleCommand({
      RoleName: 'asg-wizard-web', Path: '/asg-wizard/', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }],
    }));
    expect(Role!.Arn).toBe('arn:aws:iam::123456789012:role/asg-wizard/asg-wizard-web');
    expect(Role!.RoleId).toMatch(/^AROA[0-9A-Z]{17}$/);
    expect(Role!.CreateDate).toBeInstanceOf(Date);
    const got = (await aws.iam.send(new GetRoleCommand({ RoleName: 'asg-wizard-web' }))).Role!;
    // IAM sends policy documents URL-encoded; the SDK leaves them so.
    expect(JSON.parse(decodeURIComponent(got.AssumeRolePolicyDocument!))).toEqual(JSON.parse(TRUST));
    expect(got.Tags).toEqual([{ Key: 'asg-wizard:stack', Value: 'lab' }]);

    const dup = await errorOf(aws.iam.send(new CreateRoleCommand({ RoleName: 'asg-wizard-web', AssumeRolePolicyDocument: TRUST })));
    expect(dup).toBeInstanceOf(EntityAlreadyExistsException);
    const bad = await errorOf(aws.iam.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: '{not json' })));
    expect(bad).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(bad?.name).toBe('MalformedPolicyDocumentException');
    const missing = await errorOf(aws.iam.send(new GetRoleCommand({ RoleName: 'nope' })));
    expect(missing?.name).toBe('NoSuchEntityException');

    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'asg-wizard-web', PolicyArn: SSM_CORE }));
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'asg-wizard-web', PolicyArn: SSM_CORE }));
    const attached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'asg-wizard-web' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'AmazonSSMManagedInstanceCore', PolicyArn: SSM_CORE }]);
    const custom = await errorOf(aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'asg-wizard-web', PolicyArn: 'arn:aws:iam::123456789012:policy/mine' })));
    expect(custom).toBeInstanceOf(NoSuchEntityException);

    await aws.iam.send(new TagRoleCommand({ RoleName: 'asg-wizard-web', Tags: [{ Key: 'owner', Value: 'me' }] }));
    const tags = await aws.iam.send(new ListRoleTagsCommand({ RoleName: 'asg-wizard-web' }));
    expect(tags.Tags).toEqual([{ Key: 'asg-wizard:stack', Value: 'lab' }, { Key: 'owner', Value: 'me' }]);
    expect(tags.IsTruncated).toBe(false);
  });

  it('runs the instance profile lifecycle with DeleteConflict and the one-role limit', async () => {
    const { aws, sandbox } = setup();
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: TRUST }));
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'web2', AssumeRolePolicyDocument: TRUST }));
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'web', PolicyArn: SSM_CORE }));
    const { InstanceProfile } = await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web', Tags: [{ Key: 'asg-wizard:stack', Value: 'lab' }] }));
    expect(InstanceProfile!.Arn).toBe('arn:aws:iam::123456789012:instance-profile/web');
    expect(InstanceProfile!.InstanceProfileId).toMatch(/^AIPA/);
    expect(InstanceProfile!.Roles).toEqual([]);
    expect((await errorOf(aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }))))?.name).toBe('EntityAlreadyExistsException');

    await aws.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web' }));
    // The SDK classes IAM's LimitExceededException as throttling and retries it: ask once only.
    const once = new AwsClients({ region: 'ap-northeast-2', sandbox, maxAttempts: 1 });
    const limit = await errorOf(once.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web2' })));
    expect(limit).toBeInstanceOf(LimitExceededException);
    const got = (await aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' }))).InstanceProfile!;
    expect(got.Roles!.map((r) => r.RoleName)).toEqual(['web']);
    const forRole = await aws.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'web' }));
    expect(forRole.InstanceProfiles!.map((p) => p.InstanceProfileName)).toEqual(['web']);

    // An EC2 instance can use it by name or ARN.
    const imageId = sandbox.world.ec2.images.find((i) => i.public && i.architecture === 'x86_64')!.id;
    const launched = (await aws.ec2.send(new RunInstancesCommand({
      ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'web' },
    }))).Instances![0]!;
    expect(launched.IamInstanceProfile).toEqual({ Arn: InstanceProfile!.Arn, Id: InstanceProfile!.InstanceProfileId });
    const byArn = await aws.ec2.send(new RunInstancesCommand({
      ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Arn: InstanceProfile!.Arn },
    }));
    expect(byArn.Instances![0]!.IamInstanceProfile!.Arn).toBe(InstanceProfile!.Arn);

    const policies = await errorOf(aws.iam.send(new DeleteRoleCommand({ RoleName: 'web' })));
    expect(policies).toBeInstanceOf(DeleteConflictException);
    expect(policies?.message).toMatch(/detach all policies/);
    await aws.iam.send(new DetachRolePolicyCommand({ RoleName: 'web', PolicyArn: SSM_CORE }));
    const inProfile = await errorOf(aws.iam.send(new DeleteRoleCommand({ RoleName: 'web' })));
    expect(inProfile?.name).toBe('DeleteConflictException');
    expect(inProfile?.message).toMatch(/instance profile/);
    const profileInUse = await errorOf(aws.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web' })));
    expect(profileInUse?.name).toBe('DeleteConflictException');

    await aws.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web' }));
    await aws.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web' }));
    await aws.iam.send(new DeleteRoleCommand({ RoleName: 'web' }));
    expect((await errorOf(aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' }))))?.name).toBe('NoSuchEntityException');
    expect((await errorOf(aws.iam.send(new GetRoleCommand({ RoleName: 'web' }))))?.name).toBe('NoSuchEntityException');
  });
});
