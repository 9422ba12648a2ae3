/**
 * The load balancer half: `Web-ALB-SG` (80 from anywhere, 443 too with a certificate), the
 * internet-facing ALB `Web-ALB` in the public subnets, the target group `Web-TG` (HTTP 80,
 * health check `/`) and the listener 80 → `Web-TG` (plus HTTPS 443 with --certificate-arn).
 */
import { estimate } from '../engine/waits.js';
import type { StackConfig } from '../config/schema.js';
import type { SdkTags, SecurityGroup } from '../aws/ec2-network.js';
import type { Listener, LoadBalancer, TargetGroup } from '../aws/elbv2.js';
import { known, produce, ref, type Id } from '../engine/refs.js';
import type { PlanRow } from '../engine/types.js';
import { ADOPT_REASON, defineStep, presentAction, row, stackTags } from './common.js';
import type { DepsOf } from './outputs.js';
import { applySecurityGroup, groupId, planSecurityGroup, type SecurityGroupChange, type WantedRule } from './security-group.js';
import { waitOpts } from './network.js';
import { checkCertificate } from './certificate.js';

export interface LoadBalancerFound {
  sg?: SecurityGroup;
  lb?: LoadBalancer;
  tg?: TargetGroup;
  listeners: Listener[];
}

type Deps = DepsOf<'network'>;

export type LoadBalancerChange =
  | SecurityGroupChange
  | { op: 'create-lb'; name: string; subnetIds: Id[]; securityGroupIds: Id[]; tags: SdkTags }
  | { op: 'tag-lb'; arn: string; dnsName: string; tags: SdkTags }
  | { op: 'create-tg'; name: string; vpcId: Id; port: number; healthCheckPath: string; tags: SdkTags }
  | { op: 'update-tg'; arn: string; tags?: SdkTags; healthCheckPath?: string }
  | { op: 'create-listener'; loadBalancerArn: Id; port: number; protocol: 'HTTP' | 'HTTPS'; targetGroupArn: Id; certificateArn?: string; tags: SdkTags }
  | { op: 'retarget-listener'; listenerArn: string; targetGroupArn: Id };

const LB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const TG_PORT = 80;
const STEP = 'load-balancer';

/** The ALB group's wanted ingress: HTTP (and HTTPS with a certificate) from anywhere. */
export function albIngress(config: StackConfig): WantedRule[] {
  const rules: WantedRule[] = [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '0.0.0.0/0', description: 'HTTP from anywhere' }];
  if (config.alb.certificateArn) rules.push({ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0', description: 'HTTPS from anywhere' });
  return rules;
}

function wantedListeners(config: StackConfig): { port: number; protocol: 'HTTP' | 'HTTPS' }[] {
  return [{ port: 80, protocol: 'HTTP' }, ...(config.alb.certificateArn ? [{ port: 443, protocol: 'HTTPS' as const }] : [])];
}

function sgRow(config: StackConfig, found: LoadBalancerFound, deps: Deps): PlanRow<SecurityGroupChange> {
  return planSecurityGroup(config, {
    step: STEP, local: 'alb-sg', name: config.alb.securityGroupName, description: `asg-wizard ${config.stack}: HTTP to the load balancer from anywhere`,
    vpcId: deps.network?.vpcId ?? '(no VPC)', sg: found.sg, want: albIngress(config),
  });
}

function lbRow(config: StackConfig, found: LoadBalancerFound, deps: Deps, sgId: Id): PlanRow<LoadBalancerChange> {
  const { lb } = found;
  const subnets = deps.network?.publicSubnetIds ?? [];
  const vpcId = known(deps.network?.vpcId);
  if (!lb) {
    return row(STEP, 'lb', 'create', LB, config.alb.name, {
      detail: `internet-facing application, ${subnets.length} public subnets`,
      change: { op: 'create-lb', name: config.alb.name, subnetIds: subnets, securityGroupIds: [sgId], tags: stackTags(config, config.alb.name) },
    });
  }
  if (lb.type !== 'application' || lb.scheme !== 'internet-facing' || (vpcId && lb.vpcId !== vpcId)) {
    return row(STEP, 'lb', 'conflict', LB, config.alb.name, {
      id: lb.arn,
      reason: `exists as ${lb.scheme} ${lb.type} in ${lb.vpcId}; an internet-facing application load balancer in ${vpcId ?? 'the stack VPC'} needs another name (--alb-name) or its removal`,
    });
  }
  const action = presentAction(lb.tags, config);
  return row(STEP, 'lb', action, LB, config.alb.name, {
    id: lb.arn, detail: lb.dnsName,
    ...(action === 'adopt' ? { reason: ADOPT_REASON, change: { op: 'tag-lb', arn: lb.arn, dnsName: lb.dnsName, tags: stackTags(config) } } : {}),
  });
}

function tgRow(config: StackConfig, found: LoadBalancerFound, deps: Deps): PlanRow<LoadBalancerChange> {
  const { tg } = found;
  const name = config.alb.targetGroupName;
  const path = config.alb.healthCheckPath;
  const detail = `HTTP:${TG_PORT}, health check ${path}`;
  const vpcId = known(deps.network?.vpcId);
  if (!tg) {
    return row(STEP, 'tg', 'create', TG, name, {
      detail, change: { op: 'create-tg', name, vpcId: deps.network?.vpcId ?? '(no VPC)', port: TG_PORT, healthCheckPath: path, tags: stackTags(config, name) },
    });
  }
  if (tg.protocol !== 'HTTP' || tg.port !== TG_PORT || tg.targetType !== 'instance' || (vpcId && tg.vpcId !== vpcId)) {
    return row(STEP, 'tg', 'conflict', TG, name, {
      id: tg.arn,
      reason: `exists as ${tg.protocol}:${tg.port} (${tg.targetType} targets) in ${tg.vpcId}; protocol, port and VPC cannot change in place: use --target-group-name`,
    });
  }
  const action = presentAction(tg.tags, config);
  const changes = tg.healthCheckPath !== path ? [{ field: 'HealthCheckPath', from: tg.healthCheckPath, to: path }] : [];
  const change: LoadBalancerChange = {
    op: 'update-tg', arn: tg.arn, ...(action === 'adopt' ? { tags: stackTags(config) } : {}), ...(changes.length ? { healthCheckPath: path } : {}),
  };
  const act = action === 'reuse' && changes.length ? 'update' : action;
  return row(STEP, 'tg', act, TG, name, { id: tg.arn, detail, changes, ...(act === 'reuse' ? {} : { change }), ...(action === 'adopt' ? { reason: ADOPT_REASON } : {}) });
}

function listenerRows(config: StackConfig, found: LoadBalancerFound, lbArn: Id, tgArn: Id): PlanRow<LoadBalancerChange>[] {
  return wantedListeners(config).map((w) => {
    const name = `${config.alb.name}:${w.port}`;
    const local = `listener:${w.port}`;
    const detail = `${w.protocol}:${w.port} → ${config.alb.targetGroupName}`;
    const l = found.listeners.find((x) => x.port === w.port);
    if (!l) {
      return row<LoadBalancerChange>(STEP, local, 'create', LISTENER, name, {
        detail,
        change: {
          op: 'create-listener', loadBalancerArn: lbArn, port: w.port, protocol: w.protocol, targetGroupArn: tgArn,
          ...(w.protocol === 'HTTPS' ? { certificateArn: config.alb.certificateArn! } : {}), tags: stackTags(config),
        },
      });
    }
    if (l.protocol !== w.protocol) return row<LoadBalancerChange>(STEP, local, 'conflict', LISTENER, name, { id: l.arn, reason: `port ${w.port} listens with ${l.protocol}, not ${w.protocol}` });
    if (typeof tgArn !== 'string' || l.targetGroupArn !== tgArn) {
      return row<LoadBalancerChange>(STEP, local, 'update', LISTENER, name, {
        id: l.arn, detail, changes: [{ field: 'DefaultAction', from: l.targetGroupArn ?? 'other', to: config.alb.targetGroupName }],
        change: { op: 'retarget-listener', listenerArn: l.arn, targetGroupArn: tgArn },
      });
    }
    return row<LoadBalancerChange>(STEP, local, 'reuse', LISTENER, name, { id: l.arn, detail });
  });
}

/** The label a policy on ALB requests per target names: `app/<alb>/<id>/targetgroup/<tg>/<id>`. */
export function resourceLabel(loadBalancerArn: string, targetGroupArn: string): string {
  return `${loadBalancerArn.split(':loadbalancer/')[1]}/${targetGroupArn.slice(targetGroupArn.lastIndexOf(':') + 1)}`;
}

/** The id a row stands for: known, or a ref to what applying it makes. */
const idOf = (r: PlanRow<unknown>, attr = 'id'): Id => (attr === 'id' && r.id ? r.id : ref(r.key, attr, r.name));

function plan(config: StackConfig, found: LoadBalancerFound, deps: Deps): PlanRow<LoadBalancerChange>[] {
  const sg = sgRow(config, found, deps);
  const lb = lbRow(config, found, deps, groupId(sg));
  const tg = tgRow(config, found, deps);
  return [sg, lb, tg, ...listenerRows(config, found, idOf(lb), idOf(tg))];
}

export const loadBalancerStep = defineStep<'load-balancer', 'network', LoadBalancerFound, LoadBalancerChange>({
  id: STEP,
  title: 'Load balancer',
  needs: ['network'],
  async detect(ctx, deps) {
    const { aws, config } = ctx;
    const vpcId = known(deps.network?.vpcId);
    const [, sg, { lb, tg }] = await Promise.all([
      // A certificate the listener would refuse stops the run here, before anything is built.
      checkCertificate(ctx).then(() => undefined),
      vpcId ? aws.network.securityGroupNamed(vpcId, config.alb.securityGroupName) : Promise.resolve(undefined),
      aws.elbv2.findLoadBalancerAndTargetGroup(config.alb.name, config.alb.targetGroupName),
    ]);
    const listeners = lb ? await aws.elbv2.listeners(lb.arn) : [];
    return { ...(sg ? { sg } : {}), ...(lb ? { lb } : {}), ...(tg ? { tg } : {}), listeners };
  },
  plan,
  outputs(config, found, deps) {
    const [sg, lb, tg] = plan(config, found, deps);
    return {
      albSecurityGroupId: groupId(sg as PlanRow<SecurityGroupChange>),
      loadBalancerArn: idOf(lb!),
      dnsName: found.lb?.dnsName ?? ref(lb!.key, 'dnsName', `${config.alb.name} DNS name`),
      url: found.lb ? `http://${found.lb.dnsName}` : ref(lb!.key, 'url', `${config.alb.name} URL`),
      targetGroupArn: idOf(tg!),
      resourceLabel: found.lb && found.tg ? resourceLabel(found.lb.arn, found.tg.arn) : ref(lb!.key, 'resourceLabel', `${config.alb.name}/${config.alb.targetGroupName}`),
    };
  },
  fingerprint: (f) => ({
    sg: f.sg ? { id: f.sg.id, ingress: f.sg.ingress, tags: f.sg.tags } : null,
    lb: f.lb ? { arn: f.lb.arn, scheme: f.lb.scheme, type: f.lb.type, vpcId: f.lb.vpcId, tags: f.lb.tags } : null,
    tg: f.tg ? { arn: f.tg.arn, protocol: f.tg.protocol, port: f.tg.port, vpcId: f.tg.vpcId, targetType: f.tg.targetType, healthCheckPath: f.tg.healthCheckPath, tags: f.tg.tags } : null,
    listeners: f.listeners.map((l) => ({ arn: l.arn, port: l.port, protocol: l.protocol, targetGroupArn: l.targetGroupArn ?? null, certificateArns: l.certificateArns })),
  }),
  async apply(ctx, rows, _deps, refs) {
    const { aws } = ctx;
    const byKey = (local: string) => rows.find((r) => r.key === `${STEP}/${local}`);
    // AWS's order: the group and the target group before the load balancer, the listeners last.
    await applySecurityGroup(ctx, byKey('alb-sg') as PlanRow<SecurityGroupChange>, refs);
    let waitFor: string | undefined;
    for (const r of [byKey('tg'), byKey('lb'), ...rows.filter((x) => x.key.startsWith(`${STEP}/listener:`))]) {
      if (!r) continue;
      if (r.id) produce(refs, r, 'id', r.id);
      if (!r.change) continue;
      const c = refs.resolve(r.change);
      ctx.progress.update(`${r.type.split('::').pop()} ${r.name}`);
      await ctx.forRow(r, async () => {
        switch (c.op) {
          case 'create-tg': {
            const tg = await aws.elbv2.createTargetGroup({ name: c.name, vpcId: c.vpcId, port: c.port, healthCheckPath: c.healthCheckPath, tags: c.tags });
            produce(refs, r, 'id', tg.arn);
            break;
          }
          case 'update-tg':
            if (c.tags) await aws.elbv2.tagResource(c.arn, c.tags);
            if (c.healthCheckPath) await aws.elbv2.setHealthCheckPath(c.arn, c.healthCheckPath);
            break;
          case 'create-lb': {
            const lb = await aws.elbv2.createLoadBalancer({ name: c.name, subnetIds: c.subnetIds, securityGroupIds: c.securityGroupIds, tags: c.tags });
            produce(refs, r, 'id', lb.arn);
            produce(refs, r, 'dnsName', lb.dnsName);
            produce(refs, r, 'url', `http://${lb.dnsName}`);
            if (lb.state !== 'active') waitFor = lb.arn;
            break;
          }
          case 'tag-lb':
            await aws.elbv2.tagResource(c.arn, c.tags);
            break;
          case 'create-listener': {
            const l = await aws.elbv2.createListener({
              loadBalancerArn: c.loadBalancerArn, port: c.port, protocol: c.protocol, targetGroupArn: c.targetGroupArn,
              ...(c.certificateArn ? { certificateArn: c.certificateArn } : {}), tags: c.tags,
            });
            produce(refs, r, 'id', l.arn);
            break;
          }
          case 'retarget-listener':
            await aws.elbv2.setListenerTarget(c.listenerArn, c.targetGroupArn);
            break;
          default:
            throw new Error(`load-balancer: unexpected change ${c.op}`);
        }
      });
    }
    const lbArn = refs.get(`${STEP}/lb#id`);
    const tgArn = refs.get(`${STEP}/tg#id`);
    if (typeof lbArn === 'string' && typeof tgArn === 'string') produce(refs, byKey('lb')!, 'resourceLabel', resourceLabel(lbArn, tgArn));
    if (waitFor) {
      ctx.progress.update(`waiting for ${ctx.config.alb.name} to become active (${estimate('load-balancer-active')})`);
      await aws.elbv2.waitForLoadBalancer(waitFor, waitOpts(ctx, 'load-balancer-active'));
    }
  },
});
