/** `ASG-Web-Inst-SG`: the instances admit HTTP only from the load balancer's group; no SSH from anywhere. */
import type { StackConfig } from '../config/schema.js';
import type { IngressRule, SecurityGroup } from '../aws/ec2-network.js';
import type { Outputs, PlanRow, Step, StepContext } from '../engine/types.js';
import { applySecurityGroup, planSecurityGroup, type LoadBalancerOut } from './load-balancer.js';
import type { NetworkOut } from './network.js';

export interface InstanceSecurityFound { sg?: SecurityGroup; albSgId?: string }
export interface InstanceSecurityOut { securityGroupId: string }

function want(albSgId: string | undefined): IngressRule[] {
  return [{ protocol: 'tcp', fromPort: 80, toPort: 80, sourceGroupId: albSgId ?? '(load balancer group)', description: 'HTTP from the load balancer' }];
}

async function detect(ctx: StepContext, deps: Outputs): Promise<InstanceSecurityFound> {
  const vpcId = (deps.network as Partial<NetworkOut> | undefined)?.vpcId;
  const albSgId = (deps['load-balancer'] as Partial<LoadBalancerOut> | undefined)?.albSecurityGroupId;
  const sg = vpcId ? await ctx.aws.network.findSecurityGroupByName(vpcId, ctx.config.instances.securityGroupName) : undefined;
  return { ...(sg ? { sg } : {}), ...(albSgId ? { albSgId } : {}) };
}

function plan(config: StackConfig, found: InstanceSecurityFound): PlanRow[] {
  const names = { [found.albSgId ?? '(load balancer group)']: config.alb.securityGroupName };
  return [planSecurityGroup('instance-security', config, config.instances.securityGroupName, found.sg, want(found.albSgId), names)];
}

async function apply(ctx: StepContext, found: InstanceSecurityFound, rows: PlanRow[], deps: Outputs): Promise<InstanceSecurityOut> {
  const net = deps.network as NetworkOut;
  const lb = deps['load-balancer'] as LoadBalancerOut;
  ctx.progress.update(`security group ${ctx.config.instances.securityGroupName}`);
  const id = await applySecurityGroup(ctx, {
    vpcId: net.vpcId, name: ctx.config.instances.securityGroupName, sg: found.sg, want: want(lb.albSecurityGroupId),
    description: `asg-wizard ${ctx.config.stack}: HTTP from the load balancer only`,
  });
  for (const r of rows) r.id = id;
  return { securityGroupId: id };
}

export const instanceSecurityStep: Step<InstanceSecurityFound, InstanceSecurityOut> = {
  id: 'instance-security',
  title: 'Instance security group',
  needs: ['network', 'load-balancer'],
  detect,
  plan,
  outputs: (_c, found) => (found.sg ? { securityGroupId: found.sg.id } : {}),
  apply,
};
