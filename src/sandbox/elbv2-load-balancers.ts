/**
 * Elastic Load Balancing v2 load balancers: create (idempotent on identical settings), describe
 * with paging, delete (its network interfaces linger), attributes and security groups. The
 * state is derived from the record: `provisioning` until `activeAt`, then `active`.
 */
import {
  DuplicateLoadBalancerNameException,
  InvalidConfigurationRequestException,
  InvalidSecurityGroupException,
  InvalidSubnetException,
  LoadBalancerNotFoundException,
  OperationNotPermittedException,
  SubnetNotFoundException,
  TooManyLoadBalancersException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbError, modeledError } from './errors.js';
import { TIMES } from './timings.js';
import type { Handler, LoadBalancerRecord, SimContext, SubnetRecord, World } from './types.js';
import {
  applyAttributes, arnPrefix, canonicalHostedZoneId, checkBoolAttr, checkIntAttr, dnsDigits, elbHexId, elbPage,
  findLoadBalancer, liveLoadBalancers, sameSet, sdkAttributes, validateElbName, validateTags,
} from './elbv2-common.js';

/** AWS's default quota of load balancers per region. */
const MAX_LOAD_BALANCERS = 50;

/** The state AWS reports now. */
export function loadBalancerState(ctx: SimContext, lb: LoadBalancerRecord): 'provisioning' | 'active' {
  return ctx.now >= lb.activeAt ? 'active' : 'provisioning';
}

/** One load balancer in the SDK's `LoadBalancer` shape. */
export function describeLoadBalancer(ctx: SimContext, lb: LoadBalancerRecord) {
  const subnets = ctx.world.ec2.subnets;
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: canonicalHostedZoneId(ctx.world.region),
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: loadBalancerState(ctx, lb) },
    Type: lb.type,
    AvailabilityZones: lb.subnetIds.map((id) => ({
      ZoneName: subnets.find((s) => s.id === id)?.az ?? '',
      SubnetId: id,
      LoadBalancerAddresses: [],
    })),
    ...(lb.type === 'application' || lb.securityGroupIds.length ? { SecurityGroups: [...lb.securityGroupIds] } : {}),
    IpAddressType: lb.ipAddressType,
  };
}

function defaultAttributes(type: LoadBalancerRecord['type']): Record<string, string> {
  const common = {
    'access_logs.s3.enabled': 'false',
    'access_logs.s3.bucket': '',
    'access_logs.s3.prefix': '',
    'deletion_protection.enabled': 'false',
  };
  if (type === 'network') {
    return { ...common, 'load_balancing.cross_zone.enabled': 'false', 'dns_record.client_routing_policy': 'any_availability_zone' };
  }
  return {
    ...common,
    'idle_timeout.timeout_seconds': '60',
    'client_keep_alive.seconds': '3600',
    'connection_logs.s3.enabled': 'false',
    'connection_logs.s3.bucket': '',
    'connection_logs.s3.prefix': '',
    'routing.http2.enabled': 'true',
    'routing.http.drop_invalid_header_fields.enabled': 'false',
    'routing.http.desync_mitigation_mode': 'defensive',
    'routing.http.preserve_host_header.enabled': 'false',
    'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
    'routing.http.xff_client_port.enabled': 'false',
    'routing.http.xff_header_processing.mode': 'append',
    'load_balancing.cross_zone.enabled': 'true',
    'waf.fail_open.enabled': 'false',
  };
}

/** A load balancer's attributes now: AWS's defaults overlaid with what was modified. */
export function loadBalancerAttributes(lb: LoadBalancerRecord): Record<string, string> {
  return { ...defaultAttributes(lb.type), ...lb.attributes };
}

function checkLbAttribute(key: string, value: string): void {
  if (key.endsWith('.enabled')) checkBoolAttr(key, value);
  else if (key === 'idle_timeout.timeout_seconds') checkIntAttr(key, value, 1, 4000);
  else if (key === 'client_keep_alive.seconds') checkIntAttr(key, value, 60, 604800);
  else if (key === 'routing.http.desync_mitigation_mode' && !['monitor', 'defensive', 'strictest'].includes(value)) {
    throw elbError('ValidationError', `'${value}' is not a valid value for attribute '${key}'`);
  }
}

/** Security groups for a load balancer in `vpcId`: each must exist there (`InvalidSecurityGroup`). */
function resolveSecurityGroups(world: World, ids: string[], vpcId: string): string[] {
  for (const id of ids) {
    const sg = world.ec2.securityGroups.find((g) => g.id === id);
    if (!sg) throw modeledError(InvalidSecurityGroupException, `The security group '${id}' does not exist`);
    if (sg.vpcId !== vpcId) throw modeledError(InvalidSecurityGroupException, `Security group '${id}' does not belong to VPC '${vpcId}'`);
  }
  return [...new Set(ids)];
}

/** The subnets asked for, checked as AWS checks them (existence, one VPC, AZs). */
function resolveSubnets(world: World, input: { Subnets?: string[]; SubnetMappings?: { SubnetId?: string }[] }, type: string): SubnetRecord[] {
  if (input.Subnets?.length && input.SubnetMappings?.length) {
    throw elbError('ValidationError', 'You can specify subnets or subnet mappings, not both');
  }
  const ids = input.Subnets?.length ? input.Subnets : (input.SubnetMappings ?? []).map((m) => m.SubnetId ?? '');
  if (ids.length === 0) {
    throw elbError('ValidationError', type === 'application'
      ? 'At least two subnets in two different Availability Zones must be specified'
      : 'At least one subnet must be specified');
  }
  const subnets = ids.map((id) => {
    const s = world.ec2.subnets.find((x) => x.id === id);
    if (!s) throw modeledError(SubnetNotFoundException, `The subnet ID '${id}' is not valid`);
    return s;
  });
  if (new Set(subnets.map((s) => s.vpcId)).size > 1) {
    throw modeledError(InvalidConfigurationRequestException, 'The subnets must all belong to the same VPC');
  }
  const azs = subnets.map((s) => s.az);
  if (new Set(azs).size < azs.length) {
    throw modeledError(InvalidConfigurationRequestException, 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
  }
  if (type === 'application' && azs.length < 2) {
    throw elbError('ValidationError', 'At least two subnets in two different Availability Zones must be specified');
  }
  return subnets;
}

function hasInternetGateway(world: World, vpcId: string): boolean {
  return world.ec2.internetGateways.some((g) => g.attachments.some((a) => a.vpcId === vpcId));
}

const createLoadBalancer: Handler = (ctx, input) => {
  const w = ctx.world;
  const name = validateElbName(input.Name, 'load balancer');
  const type = (input.Type ?? 'application') as string;
  if (type === 'gateway') throw elbError('ValidationError', 'Gateway load balancers are not simulated by the asg-wizard sandbox');
  if (type !== 'application' && type !== 'network') {
    throw elbError('ValidationError', `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [application, network, gateway]`);
  }
  const scheme = (input.Scheme ?? 'internet-facing') as string;
  if (scheme !== 'internet-facing' && scheme !== 'internal') {
    throw elbError('ValidationError', `1 validation error detected: Value '${scheme}' at 'scheme' failed to satisfy constraint: Member must satisfy enum value set: [internal, internet-facing]`);
  }
  const ipAddressType = (input.IpAddressType ?? 'ipv4') as string;
  if (!['ipv4', 'dualstack', 'dualstack-without-public-ipv4'].includes(ipAddressType)) {
    throw elbError('ValidationError', `1 validation error detected: Value '${ipAddressType}' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack, dualstack-without-public-ipv4]`);
  }
  const subnets = resolveSubnets(w, input, type);
  const vpcId = subnets[0]!.vpcId;
  // An internet-facing load balancer gets public addresses: its VPC needs an internet gateway.
  if (scheme === 'internet-facing' && !hasInternetGateway(w, vpcId)) {
    throw modeledError(InvalidSubnetException, `VPC ${vpcId} has no internet gateway`);
  }
  let sgIds: string[] = input.SecurityGroups ?? [];
  if (sgIds.length === 0 && type === 'application') {
    // Without groups, an application load balancer gets its VPC's default security group.
    const def = w.ec2.securityGroups.find((g) => g.vpcId === vpcId && g.name === 'default');
    sgIds = def ? [def.id] : [];
  }
  sgIds = resolveSecurityGroups(w, sgIds, vpcId);
  const tags = validateTags(input.Tags);
  if (tags.length > 50) throw elbError('ValidationError', 'A resource can have at most 50 tags');
  const subnetIds = subnets.map((s) => s.id);

  const existing = liveLoadBalancers(w).find((lb) => lb.name === name);
  if (existing) {
    const same = existing.type === type && existing.scheme === scheme && existing.vpcId === vpcId
      && existing.ipAddressType === ipAddressType && sameSet(existing.subnetIds, subnetIds) && sameSet(existing.securityGroupIds, sgIds);
    if (!same) throw modeledError(DuplicateLoadBalancerNameException, `A load balancer with the same name '${name}' exists, but with different settings`);
    return { LoadBalancers: [describeLoadBalancer(ctx, existing)] };
  }
  if (liveLoadBalancers(w).length >= MAX_LOAD_BALANCERS) {
    throw modeledError(TooManyLoadBalancersException, 'You have reached the maximum number of load balancers for your account');
  }
  const hex = elbHexId(ctx);
  const kind = type === 'application' ? 'app' : 'net';
  const internal = scheme === 'internal' ? 'internal-' : '';
  const dnsName = type === 'application'
    ? `${internal}${name}-${dnsDigits(hex)}.${w.region}.elb.amazonaws.com`
    : `${internal}${name}-${hex}.elb.${w.region}.amazonaws.com`;
  const lb: LoadBalancerRecord = {
    arn: `${arnPrefix(w)}loadbalancer/${kind}/${name}/${hex}`,
    name,
    dnsName: dnsName.toLowerCase(),
    scheme,
    type,
    vpcId,
    subnetIds,
    securityGroupIds: sgIds,
    ipAddressType,
    createdAt: ctx.now,
    activeAt: ctx.now + ctx.duration(TIMES.loadBalancerProvisioning),
    tags,
  };
  w.elbv2.loadBalancers.push(lb);
  return { LoadBalancers: [describeLoadBalancer(ctx, lb)] };
};

const describeLoadBalancers: Handler = (ctx, input: { Names?: string[]; LoadBalancerArns?: string[]; PageSize?: number; Marker?: string }) => {
  const names = input.Names ?? [];
  const arns = input.LoadBalancerArns ?? [];
  if (names.length && arns.length) {
    throw elbError('ValidationError', 'Load balancer names and load balancer ARNs cannot be specified at the same time');
  }
  if (names.length > 20 || arns.length > 20) throw elbError('ValidationError', 'You can specify up to 20 load balancers');
  let list = liveLoadBalancers(ctx.world);
  if (arns.length) {
    if (arns.some((a) => !list.some((lb) => lb.arn === a))) throw modeledError(LoadBalancerNotFoundException, 'One or more load balancers not found');
    list = list.filter((lb) => arns.includes(lb.arn));
  }
  if (names.length) {
    if (names.some((n) => !list.some((lb) => lb.name === n))) throw modeledError(LoadBalancerNotFoundException, 'One or more load balancers not found');
    list = list.filter((lb) => names.includes(lb.name));
  }
  const { items, nextMarker } = elbPage(list, input.PageSize, input.Marker);
  return { LoadBalancers: items.map((lb) => describeLoadBalancer(ctx, lb)), ...(nextMarker ? { NextMarker: nextMarker } : {}) };
};

/** A load balancer ARN's shape; a malformed one is a `ValidationError`, an unknown one is not found. */
export function checkLoadBalancerArn(arn: unknown): string {
  if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:elasticloadbalancing:[^:]+:\d{12}:loadbalancer\/(app|net|gwy)\/[^/]+\/[0-9a-f]+$/.test(arn)) {
    throw elbError('ValidationError', `'${String(arn)}' is not a valid load balancer ARN`);
  }
  return arn;
}

const deleteLoadBalancer: Handler = (ctx, input: { LoadBalancerArn?: string }) => {
  const arn = checkLoadBalancerArn(input.LoadBalancerArn);
  const w = ctx.world;
  const lb = liveLoadBalancers(w).find((l) => l.arn === arn);
  // Deleting a load balancer that does not exist (or is already deleted) succeeds, as on AWS.
  if (!lb) return {};
  if (loadBalancerAttributes(lb)['deletion_protection.enabled'] === 'true') {
    throw modeledError(OperationNotPermittedException, `Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);
  }
  w.elbv2.listeners = w.elbv2.listeners.filter((l) => l.loadBalancerArn !== arn);
  // The record stays: its network interfaces (and so its security groups) linger for a while.
  lb.deletedAt = ctx.now;
  return {};
};

const describeLoadBalancerAttributes: Handler = (ctx, input: { LoadBalancerArn?: string }) => {
  const lb = findLoadBalancer(ctx.world, checkLoadBalancerArn(input.LoadBalancerArn));
  return { Attributes: sdkAttributes(loadBalancerAttributes(lb)) };
};

const modifyLoadBalancerAttributes: Handler = (ctx, input: { LoadBalancerArn?: string; Attributes?: { Key?: string; Value?: string }[] }) => {
  const lb = findLoadBalancer(ctx.world, checkLoadBalancerArn(input.LoadBalancerArn));
  const defaults = defaultAttributes(lb.type);
  const next = applyAttributes(loadBalancerAttributes(lb), input.Attributes, checkLbAttribute);
  lb.attributes = Object.fromEntries(Object.entries(next).filter(([k, v]) => defaults[k] !== v));
  return { Attributes: sdkAttributes(next) };
};

const setSecurityGroups: Handler = (ctx, input: { LoadBalancerArn?: string; SecurityGroups?: string[] }) => {
  const lb = findLoadBalancer(ctx.world, checkLoadBalancerArn(input.LoadBalancerArn));
  const ids = input.SecurityGroups ?? [];
  if (lb.type === 'application' && ids.length === 0) throw elbError('ValidationError', 'At least one security group must be specified');
  if (lb.type === 'network' && lb.securityGroupIds.length === 0 && ids.length > 0) {
    // AWS: a network load balancer created without security groups can never get any.
    throw modeledError(InvalidConfigurationRequestException, 'You cannot set security groups on a Network Load Balancer which was created without any security groups.');
  }
  lb.securityGroupIds = resolveSecurityGroups(ctx.world, ids, lb.vpcId);
  return { SecurityGroupIds: [...lb.securityGroupIds] };
};

/** The load balancer commands. */
export const loadBalancerHandlers: Record<string, Handler> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  DescribeLoadBalancerAttributes: describeLoadBalancerAttributes,
  ModifyLoadBalancerAttributes: modifyLoadBalancerAttributes,
  SetSecurityGroups: setSecurityGroups,
};
