/**
 * Elastic Load Balancing v2 target groups: create (idempotent on identical settings) with AWS's
 * health check defaults, describe with paging, modify, delete (not while a listener forwards to
 * the group) and attributes. Targets and their health are in `elbv2-targets.ts`.
 */
import {
  DuplicateTargetGroupNameException,
  ResourceInUseException,
  TargetGroupNotFoundException,
  TooManyTargetGroupsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbError, modeledError } from './errors.js';
import { loadBalancersOfTargetGroup } from './target-health.js';
import type { Handler, TargetGroupRecord, World } from './types.js';
import {
  applyAttributes, arnPrefix, checkBoolAttr, checkIntAttr, elbHexId, elbPage, findLoadBalancer, findTargetGroup,
  sdkAttributes, validateElbName, validateTags,
} from './elbv2-common.js';
import { checkLoadBalancerArn } from './elbv2-load-balancers.js';

/** AWS's default quota of target groups per region. */
const MAX_TARGET_GROUPS = 3000;
const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'];
const isHttp = (p: string) => p === 'HTTP' || p === 'HTTPS';

/** One target group in the SDK's `TargetGroup` shape. */
export function describeTargetGroup(world: World, tg: TargetGroupRecord) {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    ...(isHttp(hc.protocol) ? { HealthCheckPath: hc.path, Matcher: { HttpCode: hc.matcher } } : {}),
    LoadBalancerArns: loadBalancersOfTargetGroup(world, tg),
    TargetType: tg.targetType,
    ...(isHttp(tg.protocol) ? { ProtocolVersion: 'HTTP1' } : {}),
    IpAddressType: 'ipv4',
  };
}

type HealthCheckInput = {
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckPath?: string;
  HealthCheckEnabled?: boolean;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: { HttpCode?: string };
};

function checkRange(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw elbError('ValidationError', `${what} must be between ${min} and ${max}, but was '${value}'`);
  }
  return value;
}

/** Health check settings: `base` (AWS's defaults, or the current ones) overlaid with what was given. */
function healthCheckFrom(input: HealthCheckInput, base: TargetGroupRecord['healthCheck'], groupProtocol: string): TargetGroupRecord['healthCheck'] {
  const protocol = input.HealthCheckProtocol ?? base.protocol;
  if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol)) {
    throw elbError('ValidationError', `Health check protocol '${protocol}' is not supported; use HTTP, HTTPS or TCP`);
  }
  const http = isHttp(protocol);
  if (!http && isHttp(groupProtocol)) {
    throw elbError('ValidationError', `Health check protocol '${protocol}' is not supported for target groups with the ${groupProtocol} protocol`);
  }
  if (!http && (input.HealthCheckPath !== undefined || input.Matcher !== undefined)) {
    throw elbError('ValidationError', 'Health check path and matcher can be specified only for HTTP and HTTPS health checks');
  }
  const port = input.HealthCheckPort ?? base.port;
  if (port !== 'traffic-port' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw elbError('ValidationError', `Health check port '${port}' must be 'traffic-port' or a port from 1 to 65535`);
  }
  const path = http ? input.HealthCheckPath ?? (base.path || '/') : '';
  if (http && (!path.startsWith('/') || path.length > 1024)) {
    throw elbError('ValidationError', `Health check path '${path}' must begin with '/' and be at most 1024 characters`);
  }
  const matcher = http ? input.Matcher?.HttpCode ?? (base.matcher || '200') : '';
  if (http && !/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(matcher)) {
    throw elbError('ValidationError', `Health check matcher HTTP code '${matcher}' must be like 200, 200,202 or 200-299`);
  }
  const intervalSeconds = checkRange('Health check interval', input.HealthCheckIntervalSeconds ?? base.intervalSeconds, 5, 300);
  const timeoutSeconds = checkRange('Health check timeout', input.HealthCheckTimeoutSeconds ?? base.timeoutSeconds, 2, 120);
  if (timeoutSeconds >= intervalSeconds) throw elbError('ValidationError', 'Health check interval must be greater than the timeout.');
  return {
    protocol, port, path, matcher, intervalSeconds, timeoutSeconds,
    healthyThreshold: checkRange('Healthy threshold count', input.HealthyThresholdCount ?? base.healthyThreshold, 2, 10),
    unhealthyThreshold: checkRange('Unhealthy threshold count', input.UnhealthyThresholdCount ?? base.unhealthyThreshold, 2, 10),
  };
}

/**
 * AWS's health check defaults for a target group of `protocol` (instance and ip targets), as the
 * API reference gives them: an HTTP check every 30 s, timing out after 6 s for an HTTP group and
 * 10 s for an HTTPS or TCP one.
 */
function defaultHealthCheck(protocol: string): TargetGroupRecord['healthCheck'] {
  return isHttp(protocol)
    ? { protocol: 'HTTP', port: 'traffic-port', path: '/', matcher: '200', intervalSeconds: 30, timeoutSeconds: protocol === 'HTTP' ? 6 : 10, healthyThreshold: 5, unhealthyThreshold: 2 }
    : { protocol: 'TCP', port: 'traffic-port', path: '', matcher: '', intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 5, unhealthyThreshold: 2 };
}

/** Instance and ip target groups always health-check their targets. */
function checkHealthCheckEnabled(value: boolean | undefined, targetType: string): void {
  if (value === false) throw elbError('ValidationError', `Health checks cannot be disabled for target groups with target type '${targetType}'`);
}

const createTargetGroup: Handler = (ctx, input) => {
  const w = ctx.world;
  const name = validateElbName(input.Name, 'target group');
  const targetType = (input.TargetType ?? 'instance') as string;
  if (targetType !== 'instance' && targetType !== 'ip') {
    throw elbError('ValidationError', `Target type '${targetType}' is not simulated by the asg-wizard sandbox (instance and ip are)`);
  }
  if (!input.Protocol) throw elbError('ValidationError', 'A protocol must be specified');
  if (input.Port === undefined) throw elbError('ValidationError', 'A port must be specified');
  if (!input.VpcId) throw elbError('ValidationError', 'A VPC ID must be specified');
  const protocol = String(input.Protocol);
  if (!PROTOCOLS.includes(protocol)) {
    throw elbError('ValidationError', `1 validation error detected: Value '${protocol}' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [${PROTOCOLS.join(', ')}]`);
  }
  const port = checkRange('Port', Number(input.Port), 1, 65535);
  const vpcId = String(input.VpcId);
  if (!w.ec2.vpcs.some((v) => v.id === vpcId)) throw elbError('ValidationError', `The VPC ID '${vpcId}' is not found`);
  const healthCheck = healthCheckFrom(input, defaultHealthCheck(protocol), protocol);
  checkHealthCheckEnabled(input.HealthCheckEnabled, targetType);
  const tags = validateTags(input.Tags);
  if (tags.length > 50) throw elbError('ValidationError', 'A resource can have at most 50 tags');

  const existing = w.elbv2.targetGroups.find((t) => t.name === name);
  if (existing) {
    const same = existing.protocol === protocol && existing.port === port && existing.vpcId === vpcId
      && existing.targetType === targetType
      && JSON.stringify(existing.healthCheck) === JSON.stringify(healthCheck);
    if (!same) throw modeledError(DuplicateTargetGroupNameException, `A target group with the same name '${name}' exists, but with different settings`);
    return { TargetGroups: [describeTargetGroup(w, existing)] };
  }
  if (w.elbv2.targetGroups.length >= MAX_TARGET_GROUPS) {
    throw modeledError(TooManyTargetGroupsException, 'You have reached the maximum number of target groups for your account');
  }
  const tg: TargetGroupRecord = {
    arn: `${arnPrefix(w)}targetgroup/${name}/${elbHexId(ctx)}`,
    name, protocol, port, vpcId, targetType, healthCheck,
    deregistrationDelaySeconds: 300,
    targets: [],
    createdAt: ctx.now,
    tags,
  };
  w.elbv2.targetGroups.push(tg);
  return { TargetGroups: [describeTargetGroup(w, tg)] };
};

const describeTargetGroups: Handler = (ctx, input: { LoadBalancerArn?: string; TargetGroupArns?: string[]; Names?: string[]; PageSize?: number; Marker?: string }) => {
  const w = ctx.world;
  const names = input.Names ?? [];
  const arns = input.TargetGroupArns ?? [];
  if ([input.LoadBalancerArn ? 1 : 0, names.length ? 1 : 0, arns.length ? 1 : 0].reduce((a, b) => a + b, 0) > 1) {
    throw elbError('ValidationError', 'Specify only one of load balancer ARN, target group ARNs or target group names');
  }
  let list = w.elbv2.targetGroups;
  if (input.LoadBalancerArn) {
    const lb = findLoadBalancer(w, checkLoadBalancerArn(input.LoadBalancerArn));
    list = list.filter((tg) => loadBalancersOfTargetGroup(w, tg).includes(lb.arn));
  }
  if (arns.length) {
    if (arns.some((a) => !list.some((tg) => tg.arn === a))) throw modeledError(TargetGroupNotFoundException, 'One or more target groups not found');
    list = list.filter((tg) => arns.includes(tg.arn));
  }
  if (names.length) {
    if (names.some((n) => !list.some((tg) => tg.name === n))) throw modeledError(TargetGroupNotFoundException, 'One or more target groups not found');
    list = list.filter((tg) => names.includes(tg.name));
  }
  const { items, nextMarker } = elbPage(list, input.PageSize, input.Marker);
  return { TargetGroups: items.map((tg) => describeTargetGroup(w, tg)), ...(nextMarker ? { NextMarker: nextMarker } : {}) };
};

const modifyTargetGroup: Handler = (ctx, input: HealthCheckInput & { TargetGroupArn?: string }) => {
  const tg = findTargetGroup(ctx.world, input.TargetGroupArn);
  checkHealthCheckEnabled(input.HealthCheckEnabled, tg.targetType);
  tg.healthCheck = healthCheckFrom(input, tg.healthCheck, tg.protocol);
  return { TargetGroups: [describeTargetGroup(ctx.world, tg)] };
};

/** A target group ARN's shape; a malformed one is a `ValidationError`. */
export function checkTargetGroupArn(arn: unknown): string {
  if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:elasticloadbalancing:[^:]+:\d{12}:targetgroup\/[^/]+\/[0-9a-f]+$/.test(arn)) {
    throw elbError('ValidationError', `'${String(arn)}' is not a valid target group ARN`);
  }
  return arn;
}

const deleteTargetGroup: Handler = (ctx, input: { TargetGroupArn?: string }) => {
  const arn = checkTargetGroupArn(input.TargetGroupArn);
  const w = ctx.world;
  const tg = w.elbv2.targetGroups.find((t) => t.arn === arn);
  // AWS answers success for a group that is already gone.
  if (!tg) return {};
  if (loadBalancersOfTargetGroup(w, tg).length > 0) {
    throw modeledError(ResourceInUseException, `The target group '${arn}' is currently in use by a listener or a rule`);
  }
  w.elbv2.targetGroups = w.elbv2.targetGroups.filter((t) => t !== tg);
  return {};
};

function defaultTargetGroupAttributes(tg: TargetGroupRecord): Record<string, string> {
  const http = isHttp(tg.protocol);
  return {
    'deregistration_delay.timeout_seconds': '300',
    'stickiness.enabled': 'false',
    'stickiness.type': http ? 'lb_cookie' : 'source_ip',
    ...(http
      ? {
        'stickiness.lb_cookie.duration_seconds': '86400',
        'stickiness.app_cookie.cookie_name': '',
        'stickiness.app_cookie.duration_seconds': '86400',
        'load_balancing.algorithm.type': 'round_robin',
        'load_balancing.algorithm.anomaly_mitigation': 'off',
        'slow_start.duration_seconds': '0',
      }
      : {
        'deregistration_delay.connection_termination.enabled': 'false',
        'preserve_client_ip.enabled': tg.targetType === 'instance' ? 'true' : 'false',
        'proxy_protocol_v2.enabled': 'false',
      }),
    'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
    'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
    'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
  };
}

/** A target group's attributes now: defaults, what was modified, and the deregistration delay. */
export function targetGroupAttributes(tg: TargetGroupRecord): Record<string, string> {
  return {
    ...defaultTargetGroupAttributes(tg),
    ...tg.attributes,
    'deregistration_delay.timeout_seconds': String(tg.deregistrationDelaySeconds),
  };
}

function checkTgAttribute(key: string, value: string): void {
  if (key.endsWith('.enabled') && key !== 'load_balancing.cross_zone.enabled') checkBoolAttr(key, value);
  else if (key === 'deregistration_delay.timeout_seconds') checkIntAttr(key, value, 0, 3600);
  else if (key === 'stickiness.lb_cookie.duration_seconds' || key === 'stickiness.app_cookie.duration_seconds') checkIntAttr(key, value, 1, 604800);
  else if (key === 'slow_start.duration_seconds' && !(value === '0' || (/^\d+$/.test(value) && Number(value) >= 30 && Number(value) <= 900))) {
    throw elbError('ValidationError', `'${value}' is not a valid value for attribute '${key}': it must be 0 or from 30 to 900`);
  } else if (key === 'stickiness.type' && !['lb_cookie', 'app_cookie', 'source_ip', 'source_ip_dest_ip', 'source_ip_dest_ip_proto'].includes(value)) {
    throw elbError('ValidationError', `'${value}' is not a valid value for attribute '${key}'`);
  } else if (key === 'load_balancing.algorithm.type' && !['round_robin', 'least_outstanding_requests', 'weighted_random'].includes(value)) {
    throw elbError('ValidationError', `'${value}' is not a valid value for attribute '${key}'`);
  }
}

const describeTargetGroupAttributes: Handler = (ctx, input: { TargetGroupArn?: string }) => {
  const tg = findTargetGroup(ctx.world, input.TargetGroupArn);
  return { Attributes: sdkAttributes(targetGroupAttributes(tg)) };
};

const modifyTargetGroupAttributes: Handler = (ctx, input: { TargetGroupArn?: string; Attributes?: { Key?: string; Value?: string }[] }) => {
  const tg = findTargetGroup(ctx.world, input.TargetGroupArn);
  const next = applyAttributes(targetGroupAttributes(tg), input.Attributes, checkTgAttribute);
  tg.deregistrationDelaySeconds = Number(next['deregistration_delay.timeout_seconds']);
  const defaults = defaultTargetGroupAttributes(tg);
  const changed = Object.entries(next).filter(([k, v]) => k !== 'deregistration_delay.timeout_seconds' && defaults[k] !== v);
  if (changed.length) tg.attributes = Object.fromEntries(changed);
  else delete tg.attributes;
  return { Attributes: sdkAttributes(next) };
};

/** The target group commands (targets are in `elbv2-targets.ts`). */
export const targetGroupHandlers: Record<string, Handler> = {
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
};
