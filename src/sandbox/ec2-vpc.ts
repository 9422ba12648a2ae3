/**
 * EC2 VPCs and subnets (zones are in `ec2-zones.ts`). A new VPC comes with what AWS gives every VPC — its
 * main route table (one `local` route) and its `default` security group — and takes them away
 * with it on DeleteVpc.
 */
import type {
  CreateSubnetRequest, CreateVpcRequest, DescribeSubnetsRequest,
  DescribeVpcAttributeRequest, DescribeVpcsRequest, ModifySubnetAttributeRequest, ModifyVpcAttributeRequest,
  Subnet, Vpc,
} from '@aws-sdk/client-ec2';
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, matchesFilters, page, tagsFor } from './ec2-common.js';
import {
  arn, cidrContains, cidrOverlaps, cidrSize, dependencyViolation, findSubnet, findVpc, instanceAlive, invalidCidr,
  loadBalancerHoldsEnis, natHoldsEni, parseCidr, pickByIds, tagsOut,
} from './ec2-net-model.js';
import type { Handler, SimContext, SubnetRecord, VpcRecord, World } from './types.js';
import { subnetZones } from './ec2-zones.js';
import { eniStillHeld, loadBalancerEniStillHeld } from './eni-release.js';
import { asLag } from './lag.js';

/** VPC and subnet blocks: /16 (65,536 addresses) down to /28 (16). */
const MIN_PREFIX = 16;
const MAX_PREFIX = 28;

export function vpcOut(w: World, v: VpcRecord, state: 'pending' | 'available' = 'available'): Vpc {
  return {
    VpcId: v.id,
    CidrBlock: v.cidr,
    State: state,
    OwnerId: w.accountId,
    InstanceTenancy: 'default',
    IsDefault: v.isDefault,
    CidrBlockAssociationSet: [
      { AssociationId: `vpc-cidr-assoc-${v.id.slice(4)}`, CidrBlock: v.cidr, CidrBlockState: { State: 'associated' } },
    ],
    ...tagsOut(v.tags),
  };
}

/** Addresses left in a subnet: AWS keeps 5 of every subnet, and every interface takes one. */
function availableIps(ctx: SimContext, s: SubnetRecord): number {
  const w = ctx.world;
  const cidr = parseCidr(s.cidr);
  const used =
    instanceAlive(ctx, w).filter((i) => i.subnetId === s.id).length +
    w.ec2.natGateways.filter((n) => n.subnetId === s.id && natHoldsEni(ctx, n)).length +
    w.elbv2.loadBalancers.filter((lb) => lb.subnetIds.includes(s.id) && loadBalancerHoldsEnis(ctx, lb)).length;
  return cidr ? Math.max(0, cidrSize(cidr) - 5 - used) : 0;
}

function subnetOut(ctx: SimContext, s: SubnetRecord): Subnet {
  const w = ctx.world;
  return {
    SubnetId: s.id,
    SubnetArn: arn(w, 'subnet', s.id),
    VpcId: s.vpcId,
    CidrBlock: s.cidr,
    AvailabilityZone: s.az,
    AvailabilityZoneId: s.azId,
    AvailableIpAddressCount: availableIps(ctx, s),
    DefaultForAz: s.defaultForAz,
    MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    MapCustomerOwnedIpOnLaunch: false,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    EnableDns64: false,
    Ipv6Native: false,
    State: 'available',
    OwnerId: w.accountId,
    ...tagsOut(s.tags),
  };
}

/** Creates a VPC with its main route table and `default` group (also what `seed.ts` builds by hand). */
const createVpc: Handler = (ctx, input: CreateVpcRequest) => {
  const w = ctx.world;
  if (!input.CidrBlock) throw ec2Error('MissingParameter', 'Either CidrBlock or Ipv4IpamPoolId must be specified.');
  const cidr = parseCidr(input.CidrBlock);
  if (!cidr) throw invalidCidr(input.CidrBlock);
  if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) throw ec2Error('InvalidVpc.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
  checkTagSpecTypes(input.TagSpecifications, ['vpc']);
  const vpc: VpcRecord = {
    id: ctx.newId('vpc'), cidr: input.CidrBlock, isDefault: false, tags: tagsFor(input.TagSpecifications, 'vpc'),
    enableDnsHostnames: false, enableDnsSupport: true,
  };
  w.ec2.vpcs.push(vpc);
  w.ec2.routeTables.push({
    id: ctx.newId('rtb'), vpcId: vpc.id, main: true, tags: [],
    routes: [{ destinationCidr: vpc.cidr, gatewayId: 'local' }],
    associations: [{ id: ctx.newId('rtbassoc'), main: true }],
  });
  const sgId = ctx.newId('sg');
  w.ec2.securityGroups.push({
    id: sgId, name: 'default', description: 'default VPC security group', vpcId: vpc.id, tags: [],
    ingress: [{ ipProtocol: '-1', referencedGroupId: sgId, ruleId: ctx.newId('sgr') }],
    egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', ruleId: ctx.newId('sgr') }],
  });
  // AWS answers `pending`; the VPC is `available` by the next describe.
  return { Vpc: vpcOut(w, vpc, 'pending') };
};

const describeVpcs: Handler = (ctx, input: DescribeVpcsRequest) => {
  const w = ctx.world;
  const vpcs = pickByIds(w.ec2.vpcs, input.VpcIds).filter((v) =>
    matchesFilters(
      input.Filters,
      {
        'vpc-id': v.id, cidr: v.cidr, 'cidr-block-association.cidr-block': v.cidr, 'is-default': v.isDefault,
        state: 'available', 'owner-id': w.accountId,
      },
      v.tags,
    ),
  );
  const { items, nextToken } = page(vpcs, input.MaxResults, input.NextToken);
  return { Vpcs: items.map((v) => vpcOut(w, v)), NextToken: nextToken };
};

const deleteVpc: Handler = (ctx, input: { VpcId?: string }) => {
  const w = ctx.world;
  const vpc = findVpc(w, input.VpcId);
  const blocked =
    w.ec2.subnets.some((s) => s.vpcId === vpc.id) ||
    w.ec2.securityGroups.some((g) => g.vpcId === vpc.id && g.name !== 'default') ||
    w.ec2.internetGateways.some((g) => g.attachments.some((a) => a.vpcId === vpc.id)) ||
    w.ec2.routeTables.some((r) => r.vpcId === vpc.id && !r.main);
  if (blocked) throw dependencyViolation('vpc', vpc.id);
  w.ec2.routeTables = w.ec2.routeTables.filter((r) => r.vpcId !== vpc.id);
  w.ec2.securityGroups = w.ec2.securityGroups.filter((g) => g.vpcId !== vpc.id);
  w.ec2.vpcs = w.ec2.vpcs.filter((v) => v.id !== vpc.id);
  return {};
};

const modifyVpcAttribute: Handler = (ctx, input: ModifyVpcAttributeRequest) => {
  const vpc = findVpc(ctx.world, input.VpcId);
  const given = (['EnableDnsHostnames', 'EnableDnsSupport', 'EnableNetworkAddressUsageMetrics'] as const).filter(
    (k) => input[k] !== undefined,
  );
  // EC2 changes one attribute per call.
  if (given.length > 1) {
    throw ec2Error('InvalidParameterCombination', `Fields for multiple attribute types specified: ${given.map((g) => g[0]!.toLowerCase() + g.slice(1)).join(', ')}`);
  }
  if (given.length === 0) throw ec2Error('MissingParameter', 'The request must contain exactly one attribute to modify.');
  const value = input[given[0]!]?.Value;
  if (value === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter value');
  if (given[0] === 'EnableDnsHostnames') {
    if (value && !vpc.enableDnsSupport) {
      throw ec2Error('InvalidParameterCombination', 'Cannot enable DNS hostnames when DNS support is disabled');
    }
    vpc.enableDnsHostnames = value;
  } else if (given[0] === 'EnableDnsSupport') vpc.enableDnsSupport = value;
  return {};
};

const describeVpcAttribute: Handler = (ctx, input: DescribeVpcAttributeRequest) => {
  const vpc = findVpc(ctx.world, input.VpcId);
  switch (input.Attribute) {
    case 'enableDnsHostnames':
      return { VpcId: vpc.id, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } };
    case 'enableDnsSupport':
      return { VpcId: vpc.id, EnableDnsSupport: { Value: vpc.enableDnsSupport } };
    case 'enableNetworkAddressUsageMetrics':
      return { VpcId: vpc.id, EnableNetworkAddressUsageMetrics: { Value: false } };
    default:
      throw ec2Error('InvalidParameterValue', `Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`);
  }
};

const createSubnet: Handler = (ctx, input: CreateSubnetRequest) => {
  const w = ctx.world;
  const vpc = findVpc(w, input.VpcId);
  if (!input.CidrBlock) throw ec2Error('MissingParameter', 'Either CidrBlock or Ipv4IpamPoolId must be specified.');
  const cidr = parseCidr(input.CidrBlock);
  if (!cidr) throw invalidCidr(input.CidrBlock);
  const vpcCidr = parseCidr(vpc.cidr)!;
  if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX || !cidrContains(vpcCidr, cidr)) {
    throw ec2Error('InvalidSubnet.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
  }
  if (w.ec2.subnets.some((s) => s.vpcId === vpc.id && cidrOverlaps(parseCidr(s.cidr)!, cidr))) {
    throw ec2Error('InvalidSubnet.Conflict', `The CIDR '${input.CidrBlock}' conflicts with another subnet`);
  }
  let az = w.azs[0]!;
  if (input.AvailabilityZone || input.AvailabilityZoneId) {
    const zones = subnetZones(w);
    const hit = zones.find((a) => a.name === input.AvailabilityZone || a.id === input.AvailabilityZoneId);
    if (!hit || (input.AvailabilityZone && input.AvailabilityZoneId && hit.id !== input.AvailabilityZoneId)) {
      const param = input.AvailabilityZone ? 'availabilityZone' : 'availabilityZoneId';
      throw ec2Error(
        'InvalidParameterValue',
        `Value (${input.AvailabilityZone ?? input.AvailabilityZoneId}) for parameter ${param} is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((a) => a.name).join(', ')}.`,
      );
    }
    az = hit;
  }
  checkTagSpecTypes(input.TagSpecifications, ['subnet']);
  const subnet: SubnetRecord = {
    id: ctx.newId('subnet'), vpcId: vpc.id, cidr: input.CidrBlock, az: az.name, azId: az.id,
    mapPublicIpOnLaunch: false, defaultForAz: false, tags: tagsFor(input.TagSpecifications, 'subnet'),
  };
  w.ec2.subnets.push(subnet);
  return { Subnet: subnetOut(ctx, subnet) };
};

const describeSubnets: Handler = (ctx, input: DescribeSubnetsRequest) => {
  const w = ctx.world;
  const subnets = pickByIds(w.ec2.subnets, input.SubnetIds).filter((s) =>
    matchesFilters(
      input.Filters,
      {
        'vpc-id': s.vpcId, vpcId: s.vpcId, 'subnet-id': s.id, subnetId: s.id, 'subnet-arn': arn(w, 'subnet', s.id),
        'availability-zone': s.az, availabilityZone: s.az, 'availability-zone-id': s.azId, availabilityZoneId: s.azId,
        'cidr-block': s.cidr, cidrBlock: s.cidr, cidr: s.cidr, 'default-for-az': s.defaultForAz, defaultForAz: s.defaultForAz,
        'map-public-ip-on-launch': s.mapPublicIpOnLaunch, state: 'available', 'owner-id': w.accountId,
        'available-ip-address-count': String(availableIps(ctx, s)),
      },
      s.tags,
    ),
  );
  const { items, nextToken } = page(subnets, input.MaxResults, input.NextToken);
  return { Subnets: items.map((s) => subnetOut(ctx, s)), NextToken: nextToken };
};

const deleteSubnet: Handler = (ctx, input: { SubnetId?: string }) => {
  const w = ctx.world;
  const subnet = findSubnet(w, input.SubnetId);
  const blocked =
    instanceAlive(ctx, w).some((i) => i.subnetId === subnet.id) ||
    w.elbv2.loadBalancers.some((lb) => lb.subnetIds.includes(subnet.id) && lb.deletedAt === undefined) ||
    w.ec2.natGateways.some((n) => n.subnetId === subnet.id && natHoldsEni(ctx, n));
  if (blocked) throw dependencyViolation('subnet', subnet.id);
  if (w.ec2.instances.some((i) => i.subnetId === subnet.id && eniStillHeld(ctx, i)) ||
    w.elbv2.loadBalancers.some((lb) => lb.subnetIds.includes(subnet.id) && loadBalancerEniStillHeld(ctx, lb))) {
    throw asLag(dependencyViolation('subnet', subnet.id), 'eni-release');
  }
  // The subnet's explicit route table association goes with it.
  for (const rt of w.ec2.routeTables) rt.associations = rt.associations.filter((a) => a.subnetId !== subnet.id);
  w.ec2.subnets = w.ec2.subnets.filter((s) => s.id !== subnet.id);
  return {};
};

const modifySubnetAttribute: Handler = (ctx, input: ModifySubnetAttributeRequest) => {
  const subnet = findSubnet(ctx.world, input.SubnetId);
  if (input.MapPublicIpOnLaunch?.Value !== undefined) subnet.mapPublicIpOnLaunch = input.MapPublicIpOnLaunch.Value;
  return {};
};

/** Handlers for VPCs and subnets. */
export const vpcHandlers: Record<string, Handler> = {
  CreateVpc: createVpc,
  DescribeVpcs: describeVpcs,
  DeleteVpc: deleteVpc,
  ModifyVpcAttribute: modifyVpcAttribute,
  DescribeVpcAttribute: describeVpcAttribute,
  CreateSubnet: createSubnet,
  DescribeSubnets: describeSubnets,
  DeleteSubnet: deleteSubnet,
  ModifySubnetAttribute: modifySubnetAttribute,
};
