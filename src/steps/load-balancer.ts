/**
 * The load balancer half: `Web-ALB-SG` (80 from anywhere, 443 too with a certificate), the
 * internet-facing ALB `Web-ALB` in the public subnets, the target group `Web-TG` (HTTP 80,
 * health check `/`) and the listener 80 → `Web-TG` (plus HTTPS 443 with --certificate-arn).
 */
import type { StackConfig } from '../config/schema.js';
import type { IngressRule, SecurityGroup } from '../aws/ec2-network.js';
import { sameRule } from '../aws/ec2-network.js';
import type { Listener, LoadBalancer, TargetGroup } from '../aws/elbv2.js';
import type { Outputs, PlanRow, Step, StepContext } from '../engine/types.js';
import { ADOPT_REASON, isOurs, presentAction, row, stackTags } from './common.js';
import type { NetworkOut } from './network.js';
import { waitOpts } from './network.js';
import { checkCertificate } from './certificate.js';

export interface LoadBalancerFound {
  sg?: SecurityGroup;
  lb?: LoadBalancer;
  tg?: TargetGroup;
  listeners: Listener[];
}

export interface LoadBalancerOut {
  albSecurityGroupId: string;
  loadBalancerArn: string;
  dnsName: string;
  url: string;
  targetGroupArn: string;
}

const SG = 'AWS::EC2::SecurityGroup';
const LB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const TG_PORT = 80;

/** The ALB group's wanted ingress: HTTP (and HTTPS with a certificate) from anywhere. */
export function albIngress(config: StackConfig): IngressRule[] {
  const rules: IngressRule[] = [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '0.0.0.0/0', description: 'HTTP from anywhere' }];
  if (config.alb.certificateArn) rules.push({ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0', description: 'HTTPS from anywhere' });
  return rules;
}

const ruleText = (r: IngressRule, sgNames: Record<string, string> = {}) =>
  `${r.fromPort}/${r.protocol} from ${r.cidr ?? sgNames[r.sourceGroupId ?? ''] ?? r.sourceGroupId}`;

/** Rows for a security group that must hold exactly `want` ingress rules. */
export function planSecurityGroup(
  step: 'load-balancer' | 'instance-security' | 'bake',
  config: StackConfig,
  name: string,
  sg: SecurityGroup | undefined,
  want: IngressRule[],
  sgNames: Record<string, string> = {},
): PlanRow {
  const detail = want.map((r) => ruleText(r, sgNames)).join(', ') || 'no ingress';
  if (!sg) return row(step, 'create', SG, name, { detail });
  const action = presentAction(sg.tags, config);
  const missing = want.filter((w) => !sg.ingress.some((h) => sameRule(h, w)));
  // Rules we did not ask for (SSH from anywhere, say) go only from a group that is ours.
  const extra = isOurs(sg.tags, config) ? sg.ingress.filter((h) => !want.some((w) => sameRule(h, w))) : [];
  const changes = [
    ...missing.map((r) => ({ field: 'Ingress', from: null, to: ruleText(r, sgNames) })),
    ...extra.map((r) => ({ field: 'Ingress', from: ruleText(r, sgNames), to: null })),
  ];
  if (action === 'adopt') return row(step, 'adopt', SG, name, { id: sg.id, detail, changes, reason: ADOPT_REASON });
  return row(step, changes.length ? 'update' : 'reuse', SG, name, { id: sg.id, detail, changes });
}

/** Creates the group or brings its rules to `want`; returns its id. */
export async function applySecurityGroup(
  ctx: StepContext,
  p: { vpcId: string; name: string; description: string; sg: SecurityGroup | undefined; want: IngressRule[] },
): Promise<string> {
  const net = ctx.aws.network;
  let id = p.sg?.id;
  let have: IngressRule[] = p.sg?.ingress ?? [];
  if (!id) {
    id = await net.createSecurityGroup(p.vpcId, p.name, p.description, stackTags(ctx.config, p.name));
    have = [];
  } else if (!isOurs(p.sg!.tags, ctx.config)) {
    await net.tagResources([id], stackTags(ctx.config));
  } else {
    await net.revokeIngress(id, have.filter((h) => !p.want.some((w) => sameRule(h, w))));
  }
  await net.authorizeIngress(id, p.want.filter((w) => !have.some((h) => sameRule(h, w))));
  return id;
}

async function detect(ctx: StepContext, deps: Outputs): Promise<LoadBalancerFound> {
  const { aws, config } = ctx;
  const vpcId = (deps.network as Partial<NetworkOut> | undefined)?.vpcId;
  const [, sg, lb, tg] = await Promise.all([
    // A certificate the listener would refuse stops the run here, before anything is built.
    checkCertificate(ctx).then(() => undefined),
    vpcId ? aws.network.findSecurityGroupByName(vpcId, config.alb.securityGroupName) : Promise.resolve(undefined),
    aws.elbv2.findLoadBalancer(config.alb.name),
    aws.elbv2.findTargetGroup(config.alb.targetGroupName),
  ]);
  const listeners = lb ? await aws.elbv2.listeners(lb.arn) : [];
  return { ...(sg ? { sg } : {}), ...(lb ? { lb } : {}), ...(tg ? { tg } : {}), listeners };
}

function wantedListeners(config: StackConfig): { port: number; protocol: 'HTTP' | 'HTTPS' }[] {
  return [{ port: 80, protocol: 'HTTP' }, ...(config.alb.certificateArn ? [{ port: 443, protocol: 'HTTPS' as const }] : [])];
}

function plan(config: StackConfig, found: LoadBalancerFound, deps: Outputs): PlanRow[] {
  const net = deps.network as Partial<NetworkOut> | undefined;
  const rows: PlanRow[] = [planSecurityGroup('load-balancer', config, config.alb.securityGroupName, found.sg, albIngress(config))];
  const { lb, tg } = found;
  const subnets = net?.publicSubnetIds?.length ?? 2;
  if (!lb) rows.push(row('load-balancer', 'create', LB, config.alb.name, { detail: `internet-facing application, ${subnets} public subnets` }));
  else if (lb.type !== 'application' || lb.scheme !== 'internet-facing' || (net?.vpcId && lb.vpcId !== net.vpcId)) {
    rows.push(row('load-balancer', 'conflict', LB, config.alb.name, {
      id: lb.arn,
      reason: `exists as ${lb.scheme} ${lb.type} in ${lb.vpcId}; an internet-facing application load balancer in ${net?.vpcId ?? 'the stack VPC'} needs another name (--alb-name) or its removal`,
    }));
  } else {
    const action = presentAction(lb.tags, config);
    rows.push(row('load-balancer', action, LB, config.alb.name, { id: lb.arn, detail: lb.dnsName, ...(action === 'adopt' ? { reason: ADOPT_REASON } : {}) }));
  }
  const tgDetail = `HTTP:${TG_PORT}, health check ${config.alb.healthCheckPath}`;
  if (!tg) rows.push(row('load-balancer', 'create', TG, config.alb.targetGroupName, { detail: tgDetail }));
  else if (tg.protocol !== 'HTTP' || tg.port !== TG_PORT || tg.targetType !== 'instance' || (net?.vpcId && tg.vpcId !== net.vpcId)) {
    rows.push(row('load-balancer', 'conflict', TG, config.alb.targetGroupName, {
      id: tg.arn,
      reason: `exists as ${tg.protocol}:${tg.port} (${tg.targetType} targets) in ${tg.vpcId}; protocol, port and VPC cannot change in place: use --target-group-name`,
    }));
  } else {
    const action = presentAction(tg.tags, config);
    const changes = tg.healthCheckPath !== config.alb.healthCheckPath ? [{ field: 'HealthCheckPath', from: tg.healthCheckPath, to: config.alb.healthCheckPath }] : [];
    rows.push(row('load-balancer', action === 'reuse' && changes.length ? 'update' : action, TG, config.alb.targetGroupName, {
      id: tg.arn, detail: tgDetail, changes, ...(action === 'adopt' ? { reason: ADOPT_REASON } : {}),
    }));
  }
  for (const w of wantedListeners(config)) {
    const name = `${config.alb.name}:${w.port}`;
    const detail = `${w.protocol}:${w.port} → ${config.alb.targetGroupName}`;
    const l = found.listeners.find((x) => x.port === w.port);
    if (!l) rows.push(row('load-balancer', 'create', LISTENER, name, { detail }));
    else if (l.protocol !== w.protocol) {
      rows.push(row('load-balancer', 'conflict', LISTENER, name, { id: l.arn, reason: `port ${w.port} listens with ${l.protocol}, not ${w.protocol}` }));
    } else if (!tg || l.targetGroupArn !== tg.arn) {
      rows.push(row('load-balancer', 'update', LISTENER, name, { id: l.arn, detail, changes: [{ field: 'DefaultAction', from: l.targetGroupArn ?? 'other', to: config.alb.targetGroupName }] }));
    } else rows.push(row('load-balancer', 'reuse', LISTENER, name, { id: l.arn, detail }));
  }
  return rows;
}

function outputs(found: LoadBalancerFound): Partial<LoadBalancerOut> {
  return {
    ...(found.sg ? { albSecurityGroupId: found.sg.id } : {}),
    ...(found.lb ? { loadBalancerArn: found.lb.arn, dnsName: found.lb.dnsName, url: `http://${found.lb.dnsName}` } : {}),
    ...(found.tg ? { targetGroupArn: found.tg.arn } : {}),
  };
}

async function apply(ctx: StepContext, found: LoadBalancerFound, rows: PlanRow[], deps: Outputs): Promise<LoadBalancerOut> {
  const { aws, config } = ctx;
  const net = deps.network as NetworkOut;
  ctx.progress.update(`security group ${config.alb.securityGroupName}`);
  const sgId = await applySecurityGroup(ctx, {
    vpcId: net.vpcId, name: config.alb.securityGroupName, sg: found.sg, want: albIngress(config),
    description: `asg-wizard ${config.stack}: HTTP to the load balancer from anywhere`,
  });
  ctx.progress.update(`target group ${config.alb.targetGroupName}`);
  let tg = found.tg;
  if (!tg) tg = await aws.elbv2.createTargetGroup({ name: config.alb.targetGroupName, vpcId: net.vpcId, port: TG_PORT, healthCheckPath: config.alb.healthCheckPath, tags: stackTags(config, config.alb.targetGroupName) });
  else {
    if (!isOurs(tg.tags, config)) await aws.elbv2.tagResource(tg.arn, stackTags(config));
    if (tg.healthCheckPath !== config.alb.healthCheckPath) await aws.elbv2.setHealthCheckPath(tg.arn, config.alb.healthCheckPath);
  }
  ctx.progress.update(`load balancer ${config.alb.name}`);
  let lb = found.lb;
  if (!lb) lb = await aws.elbv2.createLoadBalancer({ name: config.alb.name, subnetIds: net.publicSubnetIds, securityGroupIds: [sgId], tags: stackTags(config, config.alb.name) });
  else if (!isOurs(lb.tags, config)) await aws.elbv2.tagResource(lb.arn, stackTags(config));
  for (const w of wantedListeners(config)) {
    const l = found.listeners.find((x) => x.port === w.port);
    if (!l) {
      await aws.elbv2.createListener({
        loadBalancerArn: lb.arn, port: w.port, protocol: w.protocol, targetGroupArn: tg.arn,
        ...(w.protocol === 'HTTPS' ? { certificateArn: config.alb.certificateArn! } : {}), tags: stackTags(config),
      });
    } else if (l.targetGroupArn !== tg.arn) await aws.elbv2.setListenerTarget(l.arn, tg.arn);
  }
  if (lb.state !== 'active') {
    ctx.progress.update(`waiting for ${config.alb.name} to become active (AWS: 2–4 min)`);
    await aws.elbv2.waitForLoadBalancer(lb.arn, waitOpts(ctx, 'load-balancer-active'));
  }
  for (const r of rows) {
    if (r.type === SG) r.id = sgId;
    if (r.type === LB) r.id = lb.arn;
    if (r.type === TG) r.id = tg.arn;
  }
  return { albSecurityGroupId: sgId, loadBalancerArn: lb.arn, dnsName: lb.dnsName, url: `http://${lb.dnsName}`, targetGroupArn: tg.arn };
}

export const loadBalancerStep: Step<LoadBalancerFound, LoadBalancerOut> = {
  id: 'load-balancer',
  title: 'Load balancer',
  needs: ['network'],
  detect,
  plan,
  outputs: (_config, found) => outputs(found),
  apply,
};
