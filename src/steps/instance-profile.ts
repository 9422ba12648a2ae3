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
import type { PlanRow, Step, StepContext } from '../engine/types.js';
import { ADOPT_REASON, isOurs, row, stackTags } from './common.js';
import type { InstanceProfileOut } from './outputs.js';

export interface InstanceProfileFound {
  role?: Role;
  policyArns: string[];
  profile?: InstanceProfile;
}

const ROLE = 'AWS::IAM::Role';
const PROFILE = 'AWS::IAM::InstanceProfile';
const POLICY_NAME = 'AmazonSSMManagedInstanceCore';

/** The role's and the profile's name (the same, as the console makes them). */
export function instanceProfileName(config: StackConfig): string {
  return `${config.stack}-SSM-Role`;
}

async function detect(ctx: StepContext): Promise<InstanceProfileFound> {
  const name = instanceProfileName(ctx.config);
  const [role, profile] = await Promise.all([ctx.aws.iam.getRole(name), ctx.aws.iam.getInstanceProfile(name)]);
  const policyArns = role ? await ctx.aws.iam.attachedPolicyArns(name) : [];
  return { ...(role ? { role } : {}), policyArns, ...(profile ? { profile } : {}) };
}

function plan(config: StackConfig, found: InstanceProfileFound): PlanRow[] {
  const name = instanceProfileName(config);
  const rows: PlanRow[] = [];
  const { role, profile } = found;
  if (!role) rows.push(row('instance-profile', 'create', ROLE, name, { detail: `trusted by EC2, with ${POLICY_NAME}` }));
  else if (!trustsEc2(role.trustPolicy)) {
    rows.push(row('instance-profile', 'conflict', ROLE, name, { id: role.arn, reason: 'exists but EC2 may not assume it (its trust policy lacks ec2.amazonaws.com): remove it or use another --stack' }));
  } else {
    const changes = found.policyArns.includes(SSM_CORE_POLICY_ARN) ? [] : [{ field: 'ManagedPolicy', from: null, to: POLICY_NAME }];
    const ours = isOurs(role.tags, config);
    rows.push(row('instance-profile', !ours ? 'adopt' : changes.length ? 'update' : 'reuse', ROLE, name, {
      id: role.arn, detail: `trusted by EC2, with ${POLICY_NAME}`, changes, ...(ours ? {} : { reason: ADOPT_REASON }),
    }));
  }
  if (!profile) rows.push(row('instance-profile', 'create', PROFILE, name, { detail: `holds ${name}` }));
  else if (profile.roleNames.some((r) => r !== name)) {
    rows.push(row('instance-profile', 'conflict', PROFILE, name, { id: profile.arn, reason: `holds the role ${profile.roleNames.join(', ')} (a profile takes one role): remove it or use another --stack` }));
  } else {
    const changes = profile.roleNames.includes(name) ? [] : [{ field: 'Roles', from: null, to: name }];
    const ours = isOurs(profile.tags, config);
    rows.push(row('instance-profile', !ours ? 'adopt' : changes.length ? 'update' : 'reuse', PROFILE, name, {
      id: profile.arn, detail: `holds ${name}`, changes, ...(ours ? {} : { reason: ADOPT_REASON }),
    }));
  }
  return rows;
}

function outputs(found: InstanceProfileFound): Partial<InstanceProfileOut> {
  return found.profile ? { instanceProfileArn: found.profile.arn, instanceProfileName: found.profile.name } : {};
}

/** Creates what is missing, in IAM's order: role, its policy, the profile, the role in it. */
async function apply(ctx: StepContext, found: InstanceProfileFound, rows: PlanRow[]): Promise<InstanceProfileOut> {
  const { config } = ctx;
  const iam = ctx.aws.iam;
  const name = instanceProfileName(config);
  const tags = stackTags(config, name);
  ctx.progress.update(`role ${name}`);
  let role = found.role;
  if (!role) {
    role = await iam.createRole({ name, trustPolicy: EC2_TRUST_POLICY, description: `asg-wizard ${config.stack}: Session Manager access for the web instances`, tags });
  } else if (!isOurs(role.tags, config)) await iam.tagRole(name, stackTags(config));
  if (!found.role || !found.policyArns.includes(SSM_CORE_POLICY_ARN)) await iam.attachRolePolicy(name, SSM_CORE_POLICY_ARN);
  ctx.progress.update(`instance profile ${name}`);
  let profile = found.profile;
  if (!profile) profile = await iam.createInstanceProfile(name, tags);
  else if (!isOurs(profile.tags, config)) await iam.tagInstanceProfile(name, stackTags(config));
  if (!profile.roleNames.includes(name)) await iam.addRoleToInstanceProfile(name, name);
  for (const r of rows) r.id = r.type === ROLE ? role.arn : profile.arn;
  return { instanceProfileArn: profile.arn, instanceProfileName: profile.name };
}

export const instanceProfileStep: Step<InstanceProfileFound, InstanceProfileOut> = {
  id: 'instance-profile',
  title: 'Session Manager profile',
  needs: [],
  enabled: (config) => config.instances.sessionManager,
  detect: (ctx) => detect(ctx),
  plan: (config, found) => plan(config, found),
  outputs: (_config, found) => outputs(found),
  apply: (ctx, found, rows) => apply(ctx, found, rows),
};
