/**
 * Elastic Load Balancing v2 listeners: create (idempotent on identical settings for a port),
 * describe, modify and delete. A forward action ties a target group to the listener's load
 * balancer, and a target group may belong to one load balancer only.
 */
import {
  CertificateNotFoundException,
  DuplicateListenerException,
  IncompatibleProtocolsException,
  InvalidConfigurationRequestException,
  InvalidLoadBalancerActionException,
  ListenerNotFoundException,
  SSLPolicyNotFoundException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
  TooManyListenersException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbError, modeledError } from './errors.js';
import { loadBalancersOfTargetGroup } from './target-health.js';
import type { Handler, ListenerRecord, LoadBalancerRecord, SimContext, World } from './types.js';
import { certificateStatus, findCertificate } from './acm.js';
import { elbHexId, elbPage, findListener, findLoadBalancer, sameSet, validateTags } from './elbv2-common.js';
import { checkLoadBalancerArn } from './elbv2-load-balancers.js';

const MAX_LISTENERS = 50;
const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
const PROTOCOLS: Record<LoadBalancerRecord['type'], string[]> = {
  application: ['HTTP', 'HTTPS'],
  network: ['TCP', 'TLS', 'UDP', 'TCP_UDP'],
};
const ACM_OR_IAM_CERT = /^arn:aws[a-z-]*:(acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+|iam::\d{12}:server-certificate\/.+)$/;

type Action = ListenerRecord['defaultActions'][number];
type ActionInput = {
  Type?: string;
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string; Weight?: number }[]; TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number } };
  FixedResponseConfig?: { StatusCode?: string; ContentType?: string; MessageBody?: string };
  RedirectConfig?: { StatusCode?: string; [k: string]: unknown };
  Order?: number;
};

/** The target groups a forward action sends to. */
export function actionTargetGroupArns(action: { TargetGroupArn?: string; ForwardConfig?: unknown }): string[] {
  const fc = action.ForwardConfig as ActionInput['ForwardConfig'];
  const arns = (fc?.TargetGroups ?? []).map((g) => g.TargetGroupArn ?? '');
  if (action.TargetGroupArn && !arns.includes(action.TargetGroupArn)) arns.unshift(action.TargetGroupArn);
  return arns;
}

/** Checks a forward target for `lb` as AWS does (exists, same VPC, compatible, one load balancer only). */
function checkForwardTarget(world: World, lb: LoadBalancerRecord, arn: string): void {
  const tg = world.elbv2.targetGroups.find((t) => t.arn === arn);
  if (!tg) throw modeledError(TargetGroupNotFoundException, `Target groups '${arn}' not found`);
  if (tg.vpcId !== lb.vpcId) {
    throw modeledError(InvalidConfigurationRequestException, `Target group '${arn}' is in VPC '${tg.vpcId}', not in the load balancer's VPC '${lb.vpcId}'`);
  }
  if (!PROTOCOLS[lb.type].includes(tg.protocol)) {
    throw modeledError(IncompatibleProtocolsException, `The target group '${arn}' has protocol ${tg.protocol}, which a ${lb.type} load balancer cannot forward to`);
  }
  const others = loadBalancersOfTargetGroup(world, tg).filter((a) => a !== lb.arn);
  if (others.length) {
    throw modeledError(TargetGroupAssociationLimitException, `The following target groups cannot be associated with more than one load balancer: ${arn}`);
  }
}

/** Default actions validated and stored the way DescribeListeners returns them. */
function normalizeActions(world: World, lb: LoadBalancerRecord, protocol: string, given: ActionInput[] | undefined): Action[] {
  if (!given || given.length === 0) throw elbError('ValidationError', 'A default action must be specified');
  return given.map((a, i) => {
    const order = a.Order !== undefined ? { Order: a.Order } : {};
    switch (a.Type) {
      case 'forward': {
        const arns = actionTargetGroupArns(a);
        if (arns.length === 0 || arns.some((x) => !x)) throw elbError('ValidationError', 'A target group ARN must be specified');
        for (const arn of arns) checkForwardTarget(world, lb, arn);
        const weights = new Map((a.ForwardConfig?.TargetGroups ?? []).map((g) => [g.TargetGroupArn, g.Weight ?? 1]));
        return {
          Type: 'forward',
          ...(arns.length === 1 ? { TargetGroupArn: arns[0] } : {}),
          ForwardConfig: {
            TargetGroups: arns.map((arn) => ({ TargetGroupArn: arn, Weight: weights.get(arn) ?? 1 })),
            TargetGroupStickinessConfig: { Enabled: a.ForwardConfig?.TargetGroupStickinessConfig?.Enabled ?? false },
          },
          ...order,
        };
      }
      case 'fixed-response': {
        const code = a.FixedResponseConfig?.StatusCode ?? '';
        if (!/^(2|4|5)\d\d$/.test(code)) {
          throw elbError('ValidationError', `1 validation error detected: Value '${code}' at 'defaultActions.${i + 1}.member.fixedResponseConfig.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$`);
        }
        return { Type: 'fixed-response', FixedResponseConfig: { ...a.FixedResponseConfig }, ...order };
      }
      case 'redirect': {
        const code = a.RedirectConfig?.StatusCode;
        if (code !== 'HTTP_301' && code !== 'HTTP_302') throw elbError('ValidationError', 'A redirect status code must be HTTP_301 or HTTP_302');
        return { Type: 'redirect', RedirectConfig: { Protocol: '#{protocol}', Port: '#{port}', Host: '#{host}', Path: '/#{path}', Query: '#{query}', ...a.RedirectConfig }, ...order };
      }
      default:
        if (a.Type?.startsWith('authenticate-') && protocol !== 'HTTPS') {
          throw modeledError(InvalidLoadBalancerActionException, `Actions of type '${a.Type}' are supported only on HTTPS listeners`);
        }
        throw elbError('ValidationError', `Action type '${a.Type ?? ''}' is not simulated by the asg-wizard sandbox (forward, fixed-response and redirect are)`);
    }
  });
}

function checkProtocol(lb: LoadBalancerRecord, protocol: string | undefined): string {
  if (!protocol) throw elbError('ValidationError', 'A listener protocol must be specified');
  const allowed = PROTOCOLS[lb.type];
  if (!allowed.includes(protocol)) throw elbError('ValidationError', `Listener protocol '${protocol}' must be one of '${[...allowed].reverse().join(', ')}'`);
  return protocol;
}

function checkPort(port: number | undefined): number {
  if (port === undefined) throw elbError('ValidationError', 'A listener port must be specified');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw elbError('ValidationError', `Listener port '${port}' must be from 1 to 65535`);
  return port;
}

/**
 * A certificate a listener may use: an ACM certificate of this account and region that is
 * issued. One that does not exist here (another region, a typo, an IAM server certificate,
 * which the sandbox does not keep) is `CertificateNotFound`; one not issued (pending
 * validation, expired) `UnsupportedCertificate`, AWS's misleading wording included.
 */
function checkCertificate(ctx: SimContext, arn: string): void {
  const cert = ACM_OR_IAM_CERT.test(arn) ? findCertificate(ctx.world, arn) : undefined;
  if (!cert) throw modeledError(CertificateNotFoundException, `Certificate '${arn}' not found`);
  if (certificateStatus(ctx, cert) !== 'ISSUED') {
    // Not modeled in the SDK: it arrives as the base exception named by its wire code.
    throw elbError('UnsupportedCertificate', `The certificate '${arn}' must have a fully-qualified domain name, a supported signature, and a supported key size.`);
  }
}

/** Certificates and policy of a secure listener (HTTPS / TLS); none for a plain one. Given certificates are checked. */
function secureSettings(ctx: SimContext, protocol: string, certs: { CertificateArn?: string }[] | undefined, sslPolicy: string | undefined, check = true) {
  if (protocol !== 'HTTPS' && protocol !== 'TLS') return { certificateArns: [] as string[], sslPolicy: undefined };
  const arns = (certs ?? []).map((c) => c.CertificateArn ?? '');
  if (arns.length === 0) throw elbError('ValidationError', `A certificate must be specified for ${protocol} listeners`);
  if (arns.length > 1) throw elbError('ValidationError', 'Only one default certificate can be specified; add others with AddListenerCertificates');
  if (check) for (const arn of arns) checkCertificate(ctx, arn);
  const policy = sslPolicy ?? DEFAULT_SSL_POLICY;
  if (!policy.startsWith('ELBSecurityPolicy-')) throw modeledError(SSLPolicyNotFoundException, `SSL policy '${policy}' not found`);
  return { certificateArns: arns, sslPolicy: policy };
}

/** One listener in the SDK's `Listener` shape. */
export function describeListener(l: ListenerRecord) {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    ...(l.certificateArns.length ? { Certificates: l.certificateArns.map((CertificateArn) => ({ CertificateArn })) } : {}),
    ...(l.sslPolicy ? { SslPolicy: l.sslPolicy } : {}),
    DefaultActions: structuredClone(l.defaultActions),
  };
}

const createListener: Handler = (ctx, input) => {
  const w = ctx.world;
  const lb = findLoadBalancer(w, checkLoadBalancerArn(input.LoadBalancerArn));
  const protocol = checkProtocol(lb, input.Protocol);
  const port = checkPort(input.Port);
  const secure = secureSettings(ctx, protocol, input.Certificates, input.SslPolicy);
  const actions = normalizeActions(w, lb, protocol, input.DefaultActions);
  const tags = validateTags(input.Tags);
  const existing = w.elbv2.listeners.find((l) => l.loadBalancerArn === lb.arn && l.port === port);
  if (existing) {
    const same = existing.protocol === protocol && sameSet(existing.certificateArns, secure.certificateArns)
      && existing.sslPolicy === secure.sslPolicy && JSON.stringify(existing.defaultActions) === JSON.stringify(actions);
    if (!same) throw modeledError(DuplicateListenerException, `A listener already exists on this port for this load balancer '${lb.arn}'`);
    return { Listeners: [describeListener(existing)] };
  }
  if (w.elbv2.listeners.filter((l) => l.loadBalancerArn === lb.arn).length >= MAX_LISTENERS) {
    throw modeledError(TooManyListenersException, `You have reached the maximum number of listeners for load balancer '${lb.arn}'`);
  }
  const listener: ListenerRecord = {
    arn: `${lb.arn.replace(':loadbalancer/', ':listener/')}/${elbHexId(ctx)}`,
    loadBalancerArn: lb.arn,
    protocol,
    port,
    certificateArns: secure.certificateArns,
    defaultActions: actions,
    tags,
    ...(secure.sslPolicy ? { sslPolicy: secure.sslPolicy } : {}),
  };
  w.elbv2.listeners.push(listener);
  return { Listeners: [describeListener(listener)] };
};

const describeListeners: Handler = (ctx, input: { LoadBalancerArn?: string; ListenerArns?: string[]; PageSize?: number; Marker?: string }) => {
  const w = ctx.world;
  const arns = input.ListenerArns ?? [];
  if (input.LoadBalancerArn && arns.length) throw elbError('ValidationError', 'Listener ARNs and a load balancer ARN cannot be specified at the same time');
  if (!input.LoadBalancerArn && !arns.length) throw elbError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
  let list = w.elbv2.listeners;
  if (input.LoadBalancerArn) {
    const lb = findLoadBalancer(w, checkLoadBalancerArn(input.LoadBalancerArn));
    list = list.filter((l) => l.loadBalancerArn === lb.arn);
  } else {
    if (arns.some((a) => !list.some((l) => l.arn === a))) throw modeledError(ListenerNotFoundException, 'One or more listeners not found');
    list = list.filter((l) => arns.includes(l.arn));
  }
  const { items, nextMarker } = elbPage(list, input.PageSize, input.Marker);
  return { Listeners: items.map(describeListener), ...(nextMarker ? { NextMarker: nextMarker } : {}) };
};

const modifyListener: Handler = (ctx, input) => {
  const w = ctx.world;
  const listener = findListener(w, input.ListenerArn);
  const lb = findLoadBalancer(w, listener.loadBalancerArn);
  const protocol = input.Protocol !== undefined ? checkProtocol(lb, input.Protocol) : listener.protocol;
  const port = input.Port !== undefined ? checkPort(input.Port) : listener.port;
  if (port !== listener.port && w.elbv2.listeners.some((l) => l !== listener && l.loadBalancerArn === lb.arn && l.port === port)) {
    throw modeledError(DuplicateListenerException, `A listener already exists on this port for this load balancer '${lb.arn}'`);
  }
  const certs = input.Certificates ?? listener.certificateArns.map((CertificateArn) => ({ CertificateArn }));
  // Only certificates given now are checked: the listener keeps the one it has.
  const secure = secureSettings(ctx, protocol, certs, input.SslPolicy ?? listener.sslPolicy, input.Certificates !== undefined);
  const actions = input.DefaultActions !== undefined ? normalizeActions(w, lb, protocol, input.DefaultActions) : listener.defaultActions;
  listener.protocol = protocol;
  listener.port = port;
  listener.certificateArns = secure.certificateArns;
  if (secure.sslPolicy) listener.sslPolicy = secure.sslPolicy;
  else delete listener.sslPolicy;
  listener.defaultActions = actions;
  return { Listeners: [describeListener(listener)] };
};

const deleteListener: Handler = (ctx, input: { ListenerArn?: string }) => {
  const w = ctx.world;
  const listener = findListener(w, input.ListenerArn);
  w.elbv2.listeners = w.elbv2.listeners.filter((l) => l !== listener);
  return {};
};

/** The listener commands. */
export const listenerHandlers: Record<string, Handler> = {
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
};
