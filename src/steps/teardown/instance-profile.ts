/**
 * The Session Manager profile's teardown: the instance profile (its role taken out first) and the
 * role (its managed policies detached first), both named `<stack>-SSM-Role` and deleted only when
 * tagged with the stack. IAM refuses to delete a role still in a profile or with policies attached
 * (`DeleteConflict`), hence the order.
 */
import type { InstanceProfile, Role } from '../../aws/iam.js';
import { isOurs } from '../common.js';
import { instanceProfileName } from '../instance-profile.js';
import { defineTeardown, deleteRow, keptRow, notOurs, unlessGone } from './common.js';

export interface InstanceProfileTeardownFound {
  role?: Role;
  policyArns: string[];
  profile?: InstanceProfile;
}

export type InstanceProfileTeardownChange =
  | { op: 'delete-profile'; name: string; roles: string[] }
  | { op: 'delete-role'; name: string; policyArns: string[] };

const STEP = 'instance-profile';
const GONE = ['NoSuchEntityException', 'NoSuchEntity'];

export const instanceProfileTeardown = defineTeardown<InstanceProfileTeardownFound, InstanceProfileTeardownChange>({
  id: STEP,
  title: 'Session Manager profile',
  async detect(ctx) {
    const name = instanceProfileName(ctx.config);
    const [role, profile] = await Promise.all([ctx.aws.iam.getRole(name), ctx.aws.iam.getInstanceProfile(name)]);
    const policyArns = role && isOurs(role.tags, ctx.config) ? await ctx.aws.iam.attachedPolicyArns(name) : [];
    return { ...(role ? { role } : {}), policyArns, ...(profile ? { profile } : {}) };
  },
  plan(config, found) {
    const rows = [];
    const { profile, role } = found;
    if (profile) {
      rows.push(isOurs(profile.tags, config)
        ? deleteRow<InstanceProfileTeardownChange>(STEP, 'profile', 'AWS::IAM::InstanceProfile', profile.name, profile.arn, { op: 'delete-profile', name: profile.name, roles: profile.roleNames })
        : keptRow(STEP, 'kept:profile', 'AWS::IAM::InstanceProfile', profile.name, profile.arn, notOurs(config, profile.tags)));
    }
    if (role) {
      rows.push(isOurs(role.tags, config)
        ? deleteRow<InstanceProfileTeardownChange>(STEP, 'role', 'AWS::IAM::Role', role.name, role.arn, { op: 'delete-role', name: role.name, policyArns: found.policyArns },
          found.policyArns.length ? `${found.policyArns.map((a) => a.split('/').pop()).join(', ')} detached first` : undefined)
        : keptRow(STEP, 'kept:role', 'AWS::IAM::Role', role.name, role.arn, notOurs(config, role.tags)));
    }
    return rows;
  },
  fingerprint: (f) => ({ role: f.role?.arn ?? null, profile: f.profile?.arn ?? null }),
  async apply(ctx, rows) {
    const iam = ctx.aws.iam;
    // The profile first: a role still in a profile cannot be deleted.
    for (const r of [...rows].sort((a, b) => (a.change?.op === 'delete-profile' ? -1 : 0) - (b.change?.op === 'delete-profile' ? -1 : 0))) {
      const c = r.change;
      if (!c) continue;
      ctx.progress.update(`${c.op === 'delete-profile' ? 'instance profile' : 'role'} ${c.name}`);
      await ctx.forRow(r, async () => {
        if (c.op === 'delete-profile') {
          for (const role of c.roles) await unlessGone(GONE, () => iam.removeRoleFromInstanceProfile(c.name, role));
          await unlessGone(GONE, () => iam.deleteInstanceProfile(c.name));
        } else {
          for (const arn of c.policyArns) await unlessGone(GONE, () => iam.detachRolePolicy(c.name, arn));
          await unlessGone(GONE, () => iam.deleteRole(c.name));
        }
      });
    }
  },
});
