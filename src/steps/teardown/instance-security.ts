/**
 * The instances' security group's teardown (`ASG-<stack>-Inst-SG`), once the group's instances
 * are gone; their network interfaces hold it a while after they terminate (`DependencyViolation`,
 * retried within a bound). It goes before the load balancer's group, which its rule names.
 */
import type { SecurityGroup } from '../../aws/ec2-network.js';
import { isOurs } from '../common.js';
import { defineTeardown, deleteRow, keptRow, notOurs, unlessGone, whenReleased } from './common.js';
import type { StepContext, StepId, PlanRow } from '../../engine/types.js';
import type { StackConfig } from '../../config/schema.js';

export type SecurityGroupTeardownChange = { op: 'delete-sg'; groupId: string };

const SG = 'AWS::EC2::SecurityGroup';

/** The security groups named `name` in any VPC: ours (tagged) are deleted, others are shown as kept. */
export async function findGroupsNamed(ctx: StepContext, name: string): Promise<SecurityGroup[]> {
  return ctx.aws.network.findSecurityGroups([{ Name: 'group-name', Values: [name] }]);
}

/** Rows for the groups named `name`: `delete` for the stack's, `reuse` (kept) for the others. */
export function securityGroupRows(step: StepId, config: StackConfig, groups: SecurityGroup[]): PlanRow<SecurityGroupTeardownChange>[] {
  return groups.map((g) => (isOurs(g.tags, config)
    ? deleteRow<SecurityGroupTeardownChange>(step, `sg:${g.id}`, SG, g.name, g.id, { op: 'delete-sg', groupId: g.id }, `in ${g.vpcId}`)
    : keptRow(step, `kept:${g.id}`, SG, g.name, g.id, `${notOurs(config, g.tags)} (in ${g.vpcId})`)));
}

/** Deletes the group once no network interface holds it; gone already counts as done. */
export async function deleteSecurityGroup(ctx: StepContext, groupId: string): Promise<void> {
  ctx.progress.update(`security group ${groupId} (waiting for network interfaces to let go)`);
  await unlessGone(['InvalidGroup.NotFound'], () => whenReleased(ctx, () => ctx.aws.network.deleteSecurityGroup(groupId)));
}

export interface SecurityGroupTeardownFound { groups: SecurityGroup[] }

export const instanceSecurityTeardown = defineTeardown<SecurityGroupTeardownFound, SecurityGroupTeardownChange>({
  id: 'instance-security',
  title: 'Instance security group',
  detect: async (ctx) => ({ groups: await findGroupsNamed(ctx, ctx.config.instances.securityGroupName) }),
  plan: (config, found) => securityGroupRows('instance-security', config, found.groups),
  fingerprint: (f) => f.groups.map((g) => g.id),
  async apply(ctx, rows) {
    for (const r of rows) {
      const c = r.change;
      if (c) await ctx.forRow(r, () => deleteSecurityGroup(ctx, c.groupId));
    }
  },
});
