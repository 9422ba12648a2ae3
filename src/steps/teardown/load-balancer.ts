/**
 * The load balancer half's teardown: the listeners, the load balancer (waited for until AWS says
 * it is gone), the target group (refused while a listener still forwards to it) and the load
 * balancer's security group, which the deleted load balancer's network interfaces hold for some
 * minutes more (`DependencyViolation`, retried within a bound). Each only when tagged with the stack.
 */
import type { Listener, LoadBalancer, TargetGroup } from '../../aws/elbv2.js';
import type { SecurityGroup } from '../../aws/ec2-network.js';
import type { PlanRow } from '../../engine/types.js';
import { isOurs } from '../common.js';
import { defineTeardown, deleteRow, keptRow, notOurs, unlessGone, waitFor, whenReleased, applyInOrder } from './common.js';
import { deleteSecurityGroup, findGroupsNamed, securityGroupRows, type SecurityGroupTeardownChange } from './instance-security.js';

export interface LoadBalancerTeardownFound {
  lb?: LoadBalancer;
  listeners: Listener[];
  tg?: TargetGroup;
  groups: SecurityGroup[];
}

export type LoadBalancerTeardownChange =
  | SecurityGroupTeardownChange
  | { op: 'delete-listener'; arn: string }
  | { op: 'delete-lb'; arn: string }
  | { op: 'delete-tg'; arn: string };

const STEP = 'load-balancer';
const LB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const ORDER: LoadBalancerTeardownChange['op'][] = ['delete-listener', 'delete-lb', 'delete-tg', 'delete-sg'];

export const loadBalancerTeardown = defineTeardown<LoadBalancerTeardownFound, LoadBalancerTeardownChange>({
  id: STEP,
  title: 'Load balancer',
  async detect(ctx) {
    const { elbv2 } = ctx.aws;
    const [lb, tg, groups] = await Promise.all([
      elbv2.findLoadBalancer(ctx.config.alb.name), elbv2.findTargetGroup(ctx.config.alb.targetGroupName), findGroupsNamed(ctx, ctx.config.alb.securityGroupName),
    ]);
    const listeners = lb && isOurs(lb.tags, ctx.config) ? await elbv2.listeners(lb.arn) : [];
    return { ...(lb ? { lb } : {}), listeners, ...(tg ? { tg } : {}), groups };
  },
  plan(config, found) {
    const rows: PlanRow<LoadBalancerTeardownChange>[] = [];
    const { lb, tg } = found;
    for (const l of found.listeners) {
      rows.push(deleteRow(STEP, `listener:${l.port}`, 'AWS::ElasticLoadBalancingV2::Listener', `${lb!.name}:${l.port}`, l.arn, { op: 'delete-listener', arn: l.arn }, `${l.protocol}:${l.port}`));
    }
    if (lb) {
      rows.push(isOurs(lb.tags, config)
        ? deleteRow<LoadBalancerTeardownChange>(STEP, 'lb', LB, lb.name, lb.arn, { op: 'delete-lb', arn: lb.arn }, lb.dnsName)
        : keptRow(STEP, 'kept:lb', LB, lb.name, lb.arn, notOurs(config, lb.tags)));
    }
    if (tg) {
      rows.push(isOurs(tg.tags, config)
        ? deleteRow<LoadBalancerTeardownChange>(STEP, 'tg', TG, tg.name, tg.arn, { op: 'delete-tg', arn: tg.arn })
        : keptRow(STEP, 'kept:tg', TG, tg.name, tg.arn, notOurs(config, tg.tags)));
    }
    rows.push(...securityGroupRows(STEP, config, found.groups));
    return rows;
  },
  fingerprint: (f) => ({ lb: f.lb?.arn ?? null, tg: f.tg?.arn ?? null, groups: f.groups.map((g) => g.id) }),
  async apply(ctx, rows) {
    const { elbv2 } = ctx.aws;
    await applyInOrder(ctx, rows, ORDER, async (r, c) => {
      switch (c.op) {
        case 'delete-listener':
          await unlessGone(['ListenerNotFoundException'], () => elbv2.deleteListener(c.arn));
          break;
        case 'delete-lb':
          ctx.progress.update(`deleting ${r.name} (waiting until AWS says it is gone)`);
          await elbv2.deleteLoadBalancer(c.arn, waitFor(ctx, 'load-balancer-deleted'));
          break;
        case 'delete-tg':
          // A listener of a load balancer just deleted may still be seen to forward to it for a moment.
          await unlessGone(['TargetGroupNotFoundException'], () => whenReleased(ctx, () => elbv2.deleteTargetGroup(c.arn), ['ResourceInUseException']));
          break;
        case 'delete-sg':
          await deleteSecurityGroup(ctx, c.groupId);
          break;
      }
    });
  },
});
