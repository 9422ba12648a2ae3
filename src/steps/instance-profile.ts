/**
 * Session Manager access (optional: --session-manager, a shell through AWS Systems Manager in
 * place of SSH): the role `<stack>-SSM-Role` that EC2 may assume, with the AWS managed policy
 * AmazonSSMManagedInstanceCore, and an instance profile of the same name holding it, for the
 * launch template to give the instances.
 *
 * IAM is eventually consistent: a profile made seconds ago is still refused by RunInstances /
 * CreateAutoScalingGroup ("Invalid IAM Instance Profile ARN") for ~10–40 s, so the Auto Scaling
 * step retries that error within a bound (`whenProfileKnown`); the sandbox simulates the delay.
 */
import type { StackConfig } from '../config/schema.js';
import { EC2_TRUST_POLICY, SSM_CORE_POLICY_ARN, trustsEc2, type InstanceProfile, type Role } from '../aws/iam.js';
import type { SdkTags } from '../aws/ec2-network.js';
import { produce, ref } from '../engine/refs.js';
import type { PlanRow } from '../engine/types.js';
import { ADOPT_REASON, defineStep, isOurs, row, stackTags } from './common.js';

export interface InstanceProfileFound {
  role?: Role;
  policyArns: string[];
  profile?: InstanceProfile;
}

/** Each IAM call the rows make, in IAM's order. */
export type InstanceProfileChange =
  | { op: 'role'; name: string; create?: { trustPolicy: string; description: string; tags: SdkTags }; tag?: SdkTags; attachPolicy?: string }
  | { op: 'profile'; name: string; create?: { tags: SdkTags }; tag?: SdkTags; addRole?: string };

const ROLE = 'AWS::IAM::Role';
const PROFILE = 'AWS::IAM::InstanceProfile';
const POLICY_NAME = 'AmazonSSMManagedInstanceCore';
const STEP = 'instance-profile';

/** The role's and the profile's name (the same, as the console makes them). */
export function instanceProfileName(config: StackConfig): string {
  return `${config.stack}-SSM-Role`;
}

function roleRow(config: StackConfig, found: InstanceProfileFound): PlanRow<InstanceProfileChange> {
  const name = instanceProfileName(config);
  const { role } = found;
  const detail = `trusted by EC2, with ${POLICY_NAME}`;
  if (!role) {
    return row(STEP, 'role', 'create', ROLE, name, {
      detail,
      change: {
        op: 'role', name, attachPolicy: SSM_CORE_POLICY_ARN,
        create: { trustPolicy: EC2_TRUST_POLICY, description: `asg-wizard ${config.stack}: Session Manager access for the web instances`, tags: stackTags(config, name) },
      },
    });
  }
  if (!trustsEc2(role.trustPolicy)) {
    return row(STEP, 'role', 'conflict', ROLE, name, { id: role.arn, reason: 'exists but EC2 may not assume it (its trust policy lacks ec2.amazonaws.com): remove it or use another --stack' });
  }
  const attach = !found.policyArns.includes(SSM_CORE_POLICY_ARN);
  const changes = attach ? [{ field: 'ManagedPolicy', from: null, to: POLICY_NAME }] : [];
  const ours = isOurs(role.tags, config);
  const action = !ours ? 'adopt' : changes.length ? 'update' : 'reuse';
  return row(STEP, 'role', action, ROLE, name, {
    id: role.arn, detail, changes, ...(ours ? {} : { reason: ADOPT_REASON }),
    ...(action === 'reuse' ? {} : { change: { op: 'role', name, ...(ours ? {} : { tag: stackTags(config) }), ...(attach ? { attachPolicy: SSM_CORE_POLICY_ARN } : {}) } }),
  });
}

function profileRow(config: StackConfig, found: InstanceProfileFound): PlanRow<InstanceProfileChange> {
  const name = instanceProfileName(config);
  const { profile } = found;
  const detail = `holds ${name}`;
  if (!profile) return row(STEP, 'profile', 'create', PROFILE, name, { detail, change: { op: 'profile', name, create: { tags: stackTags(config, name) }, addRole: name } });
  if (profile.roleNames.some((r) => r !== name)) {
    return row(STEP, 'profile', 'conflict', PROFILE, name, { id: profile.arn, reason: `holds the role ${profile.roleNames.join(', ')} (a profile takes one role): remove it or use another --stack` });
  }
  const add = !profile.roleNames.includes(name);
  const changes = add ? [{ field: 'Roles', from: null, to: name }] : [];
  const ours = isOurs(profile.tags, config);
  const action = !ours ? 'adopt' : changes.length ? 'update' : 'reuse';
  return row(STEP, 'profile', action, PROFILE, name, {
    id: profile.arn, detail, changes, ...(ours ? {} : { reason: ADOPT_REASON }),
    ...(action === 'reuse' ? {} : { change: { op: 'profile', name, ...(ours ? {} : { tag: stackTags(config) }), ...(add ? { addRole: name } : {}) } }),
  });
}

export const instanceProfileStep = defineStep<'instance-profile', never, InstanceProfileFound, InstanceProfileChange>({
  id: STEP,
  title: 'Session Manager profile',
  needs: [],
  enabled: (config) => config.instances.sessionManager,
  async detect(ctx) {
    const name = instanceProfileName(ctx.config);
    const [role, profile] = await Promise.all([ctx.aws.iam.getRole(name), ctx.aws.iam.getInstanceProfile(name)]);
    const policyArns = role ? await ctx.aws.iam.attachedPolicyArns(name) : [];
    return { ...(role ? { role } : {}), policyArns, ...(profile ? { profile } : {}) };
  },
  plan: (config, found) => [roleRow(config, found), profileRow(config, found)],
  outputs: (config, found) => ({
    instanceProfileArn: found.profile?.arn ?? ref(`${STEP}/profile`, 'id', instanceProfileName(config)),
    instanceProfileName: instanceProfileName(config),
  }),
  fingerprint: (f) => ({
    role: f.role ? { arn: f.role.arn, trustPolicy: f.role.trustPolicy, tags: f.role.tags } : null,
    policyArns: [...f.policyArns].sort(),
    profile: f.profile ? { arn: f.profile.arn, roleNames: f.profile.roleNames, tags: f.profile.tags } : null,
  }),
  /** IAM's order: the role and its policy, then the profile and the role in it. */
  async apply(ctx, rows, _deps, refs) {
    const iam = ctx.aws.iam;
    for (const r of rows) {
      if (r.id) produce(refs, r, 'id', r.id);
      const c = r.change;
      if (!c) continue;
      ctx.progress.update(`${c.op === 'role' ? 'role' : 'instance profile'} ${c.name}`);
      await ctx.forRow(r, async () => {
        if (c.op === 'role') {
          if (c.create) produce(refs, r, 'id', (await iam.createRole({ name: c.name, ...c.create })).arn);
          if (c.tag) await iam.tagRole(c.name, c.tag);
          if (c.attachPolicy) await iam.attachRolePolicy(c.name, c.attachPolicy);
        } else {
          if (c.create) produce(refs, r, 'id', (await iam.createInstanceProfile(c.name, c.create.tags)).arn);
          if (c.tag) await iam.tagInstanceProfile(c.name, c.tag);
          if (c.addRole) await iam.addRoleToInstanceProfile(c.name, c.addRole);
        }
      });
    }
  },
});
