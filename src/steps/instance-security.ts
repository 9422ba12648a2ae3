/** `ASG-Web-Inst-SG`: the instances admit HTTP only from the load balancer's group; no SSH from anywhere. */
import type { SecurityGroup } from '../aws/ec2-network.js';
import { known, ref } from '../engine/refs.js';
import { defineStep } from './common.js';
import { applySecurityGroup, groupId, planSecurityGroup, type SecurityGroupChange, type WantedRule } from './security-group.js';
import type { DepsOf } from './outputs.js';

export interface InstanceSecurityFound { sg?: SecurityGroup }

type Deps = DepsOf<'network' | 'load-balancer'>;

function want(deps: Deps): WantedRule[] {
  const source = deps['load-balancer']?.albSecurityGroupId ?? ref('load-balancer/alb-sg', 'id', 'load balancer group');
  return [{ protocol: 'tcp', fromPort: 80, toPort: 80, sourceGroupId: source, description: 'HTTP from the load balancer' }];
}

function planned(config: Parameters<typeof planSecurityGroup>[0], found: InstanceSecurityFound, deps: Deps) {
  const albSg = deps['load-balancer']?.albSecurityGroupId;
  return planSecurityGroup(config, {
    step: 'instance-security', local: 'sg', name: config.instances.securityGroupName,
    description: `asg-wizard ${config.stack}: HTTP from the load balancer only`,
    vpcId: deps.network?.vpcId ?? '(no VPC)', sg: found.sg, want: want(deps),
    sgNames: typeof albSg === 'string' ? { [albSg]: config.alb.securityGroupName } : {},
  });
}

export const instanceSecurityStep = defineStep<'instance-security', 'network' | 'load-balancer', InstanceSecurityFound, SecurityGroupChange>({
  id: 'instance-security',
  title: 'Instance security group',
  needs: ['network', 'load-balancer'],
  async detect(ctx, deps) {
    const vpcId = known(deps.network?.vpcId);
    const sg = vpcId ? await ctx.aws.network.securityGroupNamed(vpcId, ctx.config.instances.securityGroupName) : undefined;
    return sg ? { sg } : {};
  },
  plan: (config, found, deps) => [planned(config, found, deps)],
  outputs: (config, found, deps) => ({ securityGroupId: groupId(planned(config, found, deps)) }),
  fingerprint: (found) => (found.sg ? { id: found.sg.id, ingress: found.sg.ingress, tags: found.sg.tags } : null),
  async apply(ctx, rows, _deps, refs) {
    for (const r of rows) await applySecurityGroup(ctx, r, refs);
  },
});
