/**
 * IAM for Session Manager access: a role EC2 may assume with the AWS managed policy
 * AmazonSSMManagedInstanceCore, and an instance profile holding it. IAM is global and
 * eventually consistent: a profile just made can be refused by EC2 for some seconds.
 */
import {
  AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand,
  DeleteInstanceProfileCommand, DeleteRoleCommand, DetachRolePolicyCommand, GetInstanceProfileCommand, GetRoleCommand,
  RemoveRoleFromInstanceProfileCommand, TagInstanceProfileCommand, TagRoleCommand, paginateListAttachedRolePolicies,
  type IAMClient, type InstanceProfile as SdkProfile, type Role as SdkRole,
} from '@aws-sdk/client-iam';
import { awsCall, undefinedIfNotFound } from '../errors.js';
import { tagMap, type TagMap } from './tags.js';
import type { SdkTags } from './ec2-network.js';

/** The AWS managed policy that lets Systems Manager (Session Manager) manage an instance. */
export const SSM_CORE_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

/** The trust policy of a role for EC2 instances (the console's "AWS service → EC2"). */
export const EC2_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface Role { name: string; arn: string; trustPolicy: string; tags: TagMap }
export interface InstanceProfile { name: string; arn: string; roleNames: string[]; tags: TagMap }

/** IAM hands policy documents over URL-encoded. */
function decodePolicy(doc: string | undefined): string {
  if (!doc) return '';
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

function toRole(r: SdkRole): Role {
  return { name: r.RoleName!, arn: r.Arn!, trustPolicy: decodePolicy(r.AssumeRolePolicyDocument), tags: tagMap(r.Tags) };
}

function toProfile(p: SdkProfile): InstanceProfile {
  return { name: p.InstanceProfileName!, arn: p.Arn!, roleNames: (p.Roles ?? []).map((r) => r.RoleName!), tags: tagMap(p.Tags) };
}

/** True if a trust policy lets EC2 assume the role. */
export function trustsEc2(policy: string): boolean {
  try {
    const doc = JSON.parse(policy) as { Statement?: unknown };
    const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as { Effect?: string; Principal?: { Service?: string | string[] }; Action?: string | string[] }[];
    return statements.some((s) => {
      const services = ([] as string[]).concat(s?.Principal?.Service ?? []);
      const actions = ([] as string[]).concat(s?.Action ?? []);
      return s?.Effect === 'Allow' && services.includes('ec2.amazonaws.com') && actions.includes('sts:AssumeRole');
    });
  } catch {
    return false;
  }
}

/** The IAM adapter (roles and instance profiles). */
export class IamApi {
  constructor(private readonly client: IAMClient) {}

  /** The role, or undefined when there is none of that name. */
  async getRole(name: string): Promise<Role | undefined> {
    return undefinedIfNotFound(['NoSuchEntityException', 'NoSuchEntity'], async () => {
      const out = await awsCall('GetRole', name, () => this.client.send(new GetRoleCommand({ RoleName: name })));
      return toRole(out.Role!);
    });
  }

  async createRole(p: { name: string; trustPolicy: string; description: string; tags: SdkTags }): Promise<Role> {
    const out = await awsCall('CreateRole', p.name, () =>
      this.client.send(new CreateRoleCommand({ RoleName: p.name, AssumeRolePolicyDocument: p.trustPolicy, Description: p.description, Tags: p.tags })),
    );
    return toRole(out.Role!);
  }

  /** ARNs of the managed policies attached to the role, every page. */
  async attachedPolicyArns(roleName: string): Promise<string[]> {
    const out: string[] = [];
    await awsCall('ListAttachedRolePolicies', roleName, async () => {
      for await (const page of paginateListAttachedRolePolicies({ client: this.client }, { RoleName: roleName })) {
        for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) out.push(p.PolicyArn);
      }
    });
    return out;
  }

  async attachRolePolicy(roleName: string, policyArn: string): Promise<void> {
    await awsCall('AttachRolePolicy', roleName, () => this.client.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })));
  }

  async detachRolePolicy(roleName: string, policyArn: string): Promise<void> {
    await awsCall('DetachRolePolicy', roleName, () => this.client.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })));
  }

  /** Tags an existing role (only for adoption, which the user agreed to). */
  async tagRole(name: string, tags: SdkTags): Promise<void> {
    await awsCall('TagRole', name, () => this.client.send(new TagRoleCommand({ RoleName: name, Tags: tags })));
  }

  async deleteRole(name: string): Promise<void> {
    await awsCall('DeleteRole', name, () => this.client.send(new DeleteRoleCommand({ RoleName: name })));
  }

  /** The instance profile, or undefined when there is none of that name. */
  async getInstanceProfile(name: string): Promise<InstanceProfile | undefined> {
    return undefinedIfNotFound(['NoSuchEntityException', 'NoSuchEntity'], async () => {
      const out = await awsCall('GetInstanceProfile', name, () => this.client.send(new GetInstanceProfileCommand({ InstanceProfileName: name })));
      return toProfile(out.InstanceProfile!);
    });
  }

  async createInstanceProfile(name: string, tags: SdkTags): Promise<InstanceProfile> {
    const out = await awsCall('CreateInstanceProfile', name, () =>
      this.client.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Tags: tags })),
    );
    return toProfile(out.InstanceProfile!);
  }

  /** An instance profile holds at most one role. */
  async addRoleToInstanceProfile(profileName: string, roleName: string): Promise<void> {
    await awsCall('AddRoleToInstanceProfile', profileName, () =>
      this.client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName })),
    );
  }

  async removeRoleFromInstanceProfile(profileName: string, roleName: string): Promise<void> {
    await awsCall('RemoveRoleFromInstanceProfile', profileName, () =>
      this.client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName })),
    );
  }

  /** Tags an existing instance profile (only for adoption). */
  async tagInstanceProfile(name: string, tags: SdkTags): Promise<void> {
    await awsCall('TagInstanceProfile', name, () => this.client.send(new TagInstanceProfileCommand({ InstanceProfileName: name, Tags: tags })));
  }

  async deleteInstanceProfile(name: string): Promise<void> {
    await awsCall('DeleteInstanceProfile', name, () => this.client.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name })));
  }
}
