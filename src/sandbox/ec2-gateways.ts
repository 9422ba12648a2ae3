/**
 * EC2 internet gateways, Elastic IP addresses and NAT gateways. A NAT gateway's state is derived
 * from its timestamps (pending → available, deleting → deleted); one created in a VPC without an
 * internet gateway fails after `pending`, with the failure code AWS reports.
 */
import type {
  AllocateAddressRequest, CreateInternetGatewayRequest, CreateNatGatewayRequest, DescribeAddressesRequest,
  DescribeInternetGatewaysRequest, DescribeNatGatewaysRequest, Address, AttachmentStatus, InternetGateway, NatGateway,
} from '@aws-sdk/client-ec2';
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, matchesFilters, page, tagsFor } from './ec2-common.js';
import {
  addresses, dependencyViolation, findSubnet, findVpc, instanceAlive, mustFind, natEniId,
  natHoldsEni, natPrivateIp, natState, pickByIds, rememberedToken, rememberToken, tagsOut,
  type AddressRecord, type NatGatewayX,
} from './ec2-net-model.js';
import type { Handler, InternetGatewayRecord, SimContext, World } from './types.js';
import { loadBalancerEniStillHeld, natAddressStillHeld } from './eni-release.js';
import { TIMES } from './timings.js';
import { asLag } from './lag.js';

// ---------------------------------------------------------------- internet gateways

function igwOut(w: World, g: InternetGatewayRecord): InternetGateway {
  return {
    InternetGatewayId: g.id,
    OwnerId: w.accountId,
    // EC2 reports an attached internet gateway as `available`, a value outside the SDK's AttachmentStatus enum.
    Attachments: g.attachments.map((a) => ({ VpcId: a.vpcId, State: a.state as unknown as AttachmentStatus })),
    ...tagsOut(g.tags),
  };
}

const findIgw = (w: World, id: string | undefined) => mustFind(w.ec2.internetGateways, id, 'internetGatewayId');

const createInternetGateway: Handler = (ctx, input: CreateInternetGatewayRequest) => {
  checkTagSpecTypes(input.TagSpecifications, ['internet-gateway']);
  const igw: InternetGatewayRecord = {
    id: ctx.newId('igw'), attachments: [], tags: tagsFor(input.TagSpecifications, 'internet-gateway'),
  };
  ctx.world.ec2.internetGateways.push(igw);
  return { InternetGateway: igwOut(ctx.world, igw) };
};

const attachInternetGateway: Handler = (ctx, input: { InternetGatewayId?: string; VpcId?: string }) => {
  const w = ctx.world;
  const igw = findIgw(w, input.InternetGatewayId);
  const vpc = findVpc(w, input.VpcId);
  const current = igw.attachments[0];
  if (current) throw ec2Error('Resource.AlreadyAssociated', `resource ${igw.id} is already attached to network ${current.vpcId}`);
  const other = w.ec2.internetGateways.find((g) => g.attachments.some((a) => a.vpcId === vpc.id));
  if (other) throw ec2Error('Resource.AlreadyAssociated', `Network ${vpc.id} already has an internet gateway attached`);
  igw.attachments.push({ vpcId: vpc.id, state: 'available' });
  return {};
};

const detachInternetGateway: Handler = (ctx, input: { InternetGatewayId?: string; VpcId?: string }) => {
  const w = ctx.world;
  const igw = findIgw(w, input.InternetGatewayId);
  const vpc = findVpc(w, input.VpcId);
  if (!igw.attachments.some((a) => a.vpcId === vpc.id)) {
    throw ec2Error('Gateway.NotAttached', `resource ${igw.id} is not attached to network ${vpc.id}`);
  }
  // Public addresses in the VPC (instances, NAT gateways, internet-facing load balancers) need the gateway.
  const mapped =
    instanceAlive(ctx, w).some((i) => i.vpcId === vpc.id && i.publicIp) ||
    w.ec2.natGateways.some((n) => n.vpcId === vpc.id && n.allocationId && natHoldsEni(ctx, n)) ||
    w.elbv2.loadBalancers.some((lb) => lb.vpcId === vpc.id && lb.scheme === 'internet-facing' && lb.deletedAt === undefined);
  const refuse = () => ec2Error(
    'DependencyViolation',
    `Network ${vpc.id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
  );
  if (mapped) throw refuse();
  if (w.elbv2.loadBalancers.some((lb) => lb.vpcId === vpc.id && lb.scheme === 'internet-facing' && loadBalancerEniStillHeld(ctx, lb))) throw asLag(refuse(), 'eni-release');
  igw.attachments = igw.attachments.filter((a) => a.vpcId !== vpc.id);
  return {};
};

const deleteInternetGateway: Handler = (ctx, input: { InternetGatewayId?: string }) => {
  const w = ctx.world;
  const igw = findIgw(w, input.InternetGatewayId);
  if (igw.attachments.length) throw dependencyViolation('internetGateway', igw.id);
  w.ec2.internetGateways = w.ec2.internetGateways.filter((g) => g.id !== igw.id);
  return {};
};

const describeInternetGateways: Handler = (ctx, input: DescribeInternetGatewaysRequest) => {
  const w = ctx.world;
  const found = pickByIds(w.ec2.internetGateways, input.InternetGatewayIds).filter((g) =>
    matchesFilters(
      input.Filters,
      {
        'internet-gateway-id': g.id, 'owner-id': w.accountId,
        'attachment.vpc-id': g.attachments.map((a) => a.vpcId), 'attachment.state': g.attachments.map((a) => a.state),
      },
      g.tags,
    ),
  );
  const { items, nextToken } = page(found, input.MaxResults, input.NextToken);
  return { InternetGateways: items.map((g) => igwOut(w, g)), NextToken: nextToken };
};

// ---------------------------------------------------------------- Elastic IPs

/** The NAT gateway (not yet deleted) that holds an Elastic IP, if any. */
function holderOf(ctx: SimContext, allocationId: string): NatGatewayX | undefined {
  return ctx.world.ec2.natGateways.find((n) => n.allocationId === allocationId && natHoldsEni(ctx, n));
}

function addressOut(ctx: SimContext, a: AddressRecord): Address {
  const w = ctx.world;
  const nat = holderOf(ctx, a.allocationId);
  return {
    AllocationId: a.allocationId,
    PublicIp: a.publicIp,
    Domain: 'vpc',
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: w.region,
    ...(nat
      ? {
          AssociationId: `eipassoc-${nat.id.slice(4)}`, NetworkInterfaceId: natEniId(nat), NetworkInterfaceOwnerId: w.accountId,
          PrivateIpAddress: natPrivateIp(w, nat),
        }
      : {}),
    ...tagsOut(a.tags),
  };
}

const allocateAddress: Handler = (ctx, input: AllocateAddressRequest) => {
  const w = ctx.world;
  if (input.Domain && input.Domain !== 'vpc') throw ec2Error('InvalidParameterValue', `Invalid value '${input.Domain}' for domain.`);
  checkTagSpecTypes(input.TagSpecifications, ['elastic-ip']);
  const allocationId = ctx.newId('eipalloc');
  const n = w.seq;
  const rec: AddressRecord = {
    allocationId, publicIp: `43.${200 + ((n >> 16) & 31)}.${(n >> 8) & 255}.${n & 255}`,
    tags: tagsFor(input.TagSpecifications, 'elastic-ip'),
  };
  addresses(w).push(rec);
  return { AllocationId: allocationId, PublicIp: rec.publicIp, Domain: 'vpc', PublicIpv4Pool: 'amazon', NetworkBorderGroup: w.region };
};

const releaseAddress: Handler = (ctx, input: { AllocationId?: string; PublicIp?: string }) => {
  const w = ctx.world;
  const list = addresses(w);
  const rec = input.AllocationId
    ? list.find((a) => a.allocationId === input.AllocationId)
    : list.find((a) => a.publicIp === input.PublicIp);
  if (!rec) {
    if (input.AllocationId) throw ec2Error('InvalidAllocationID.NotFound', `The allocation ID '${input.AllocationId}' does not exist`);
    throw ec2Error('AuthFailure', `The address '${input.PublicIp ?? ''}' does not belong to you.`);
  }
  // What AWS answers while a NAT gateway holds the address, and for a short while after it is
  // `deleted` (not InvalidIPAddress.InUse): eformat/sno-for-100 issues #5 and #9.
  const held = () => ec2Error('AuthFailure', 'You do not have permission to access the specified resource.');
  if (holderOf(ctx, rec.allocationId)) throw held();
  const gone = w.ec2.natGateways.find((n) => n.allocationId === rec.allocationId && n.deletedAt !== undefined);
  if (gone && natAddressStillHeld(ctx, gone, gone.deletedAt! + ctx.duration(TIMES.natGatewayDeleting))) throw asLag(held(), 'eni-release');
  list.splice(list.indexOf(rec), 1);
  return {};
};

const describeAddresses: Handler = (ctx, input: DescribeAddressesRequest) => {
  const w = ctx.world;
  const list = addresses(w);
  for (const id of input.AllocationIds ?? []) {
    if (!list.some((a) => a.allocationId === id)) throw ec2Error('InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`);
  }
  for (const ip of input.PublicIps ?? []) {
    if (!list.some((a) => a.publicIp === ip)) throw ec2Error('InvalidAddress.NotFound', `Address '${ip}' not found.`);
  }
  const out = list
    .filter((a) => (!input.AllocationIds?.length || input.AllocationIds.includes(a.allocationId)) && (!input.PublicIps?.length || input.PublicIps.includes(a.publicIp)))
    .map((a) => addressOut(ctx, a))
    .filter((a) =>
      matchesFilters(
        input.Filters,
        {
          'allocation-id': a.AllocationId, 'public-ip': a.PublicIp, domain: 'vpc', 'association-id': a.AssociationId,
          'network-interface-id': a.NetworkInterfaceId, 'private-ip-address': a.PrivateIpAddress, 'network-border-group': w.region,
        },
        list.find((r) => r.allocationId === a.AllocationId)?.tags,
      ),
    );
  return { Addresses: out };
};

// ---------------------------------------------------------------- NAT gateways

function natOut(ctx: SimContext, nat: NatGatewayX, state = natState(ctx, nat)): NatGateway {
  const w = ctx.world;
  const address = addresses(w).find((a) => a.allocationId === nat.allocationId);
  const subnet = w.ec2.subnets.find((s) => s.id === nat.subnetId);
  const failed = state === 'failed';
  return {
    NatGatewayId: nat.id,
    SubnetId: nat.subnetId,
    VpcId: nat.vpcId,
    State: state,
    ConnectivityType: nat.allocationId ? 'public' : 'private',
    CreateTime: new Date(nat.createdAt),
    ...(nat.deletedAt !== undefined ? { DeleteTime: new Date(nat.deletedAt) } : {}),
    ...(failed ? { FailureCode: nat.failureCode, FailureMessage: nat.failureMessage } : {}),
    NatGatewayAddresses: failed
      ? nat.allocationId ? [{ AllocationId: nat.allocationId }] : []
      : [{
          ...(nat.allocationId ? { AllocationId: nat.allocationId, PublicIp: address?.publicIp, AssociationId: `eipassoc-${nat.id.slice(4)}` } : {}),
          NetworkInterfaceId: natEniId(nat), PrivateIp: natPrivateIp(w, nat), IsPrimary: true,
          Status: state === 'pending' ? 'associating' : state === 'deleting' ? 'disassociating' : 'succeeded',
          ...(subnet ? { AvailabilityZone: subnet.az, AvailabilityZoneId: subnet.azId } : {}),
        }],
    ...tagsOut(nat.tags),
  };
}

const createNatGateway: Handler = (ctx, input: CreateNatGatewayRequest) => {
  const w = ctx.world;
  const again = rememberedToken(w, 'CreateNatGateway', input.ClientToken);
  const seen = again && w.ec2.natGateways.find((n) => n.id === again);
  if (seen) return { ClientToken: input.ClientToken, NatGateway: natOut(ctx, seen) };
  const subnet = findSubnet(w, input.SubnetId);
  const connectivity = input.ConnectivityType ?? 'public';
  if (connectivity === 'public' && !input.AllocationId) {
    throw ec2Error('MissingParameter', 'The request must contain the parameter AllocationId for a public NAT gateway.');
  }
  if (connectivity === 'private' && input.AllocationId) {
    throw ec2Error('InvalidParameterCombination', 'A private NAT gateway cannot have an Elastic IP address.');
  }
  if (input.AllocationId) {
    if (!addresses(w).some((a) => a.allocationId === input.AllocationId)) {
      throw ec2Error('InvalidAllocationID.NotFound', `The allocation ID '${input.AllocationId}' does not exist`);
    }
    if (holderOf(ctx, input.AllocationId)) {
      throw ec2Error('Resource.AlreadyAssociated', `Elastic IP address ${input.AllocationId} is already associated`);
    }
  }
  checkTagSpecTypes(input.TagSpecifications, ['natgateway']);
  const nat: NatGatewayX = {
    id: ctx.newId('nat'), subnetId: subnet.id, vpcId: subnet.vpcId, createdAt: ctx.now,
    ...(input.AllocationId ? { allocationId: input.AllocationId } : {}),
    tags: tagsFor(input.TagSpecifications, 'natgateway'),
  };
  // AWS accepts the call and the gateway fails later when the VPC has no way out.
  if (nat.allocationId && !w.ec2.internetGateways.some((g) => g.attachments.some((a) => a.vpcId === subnet.vpcId))) {
    nat.failureCode = 'Gateway.NotAttached';
    nat.failureMessage = `Network ${subnet.vpcId} has no Internet gateway attached`;
  }
  w.ec2.natGateways.push(nat);
  rememberToken(w, 'CreateNatGateway', input.ClientToken, nat.id);
  return { ClientToken: input.ClientToken, NatGateway: natOut(ctx, nat, 'pending') };
};

function natNotFound(id: string): Error {
  return ec2Error('NatGatewayNotFound', `The Nat Gateway ${id} was not found`);
}

const describeNatGateways: Handler = (ctx, input: DescribeNatGatewaysRequest) => {
  const w = ctx.world;
  const all = w.ec2.natGateways as NatGatewayX[];
  for (const id of input.NatGatewayIds ?? []) if (!all.some((n) => n.id === id)) throw natNotFound(id);
  // DescribeNatGateways spells its filter parameter `Filter`, not `Filters`.
  const found = all.filter(
    (n) =>
      (!input.NatGatewayIds?.length || input.NatGatewayIds.includes(n.id)) &&
      matchesFilters(input.Filter, { 'nat-gateway-id': n.id, state: natState(ctx, n), 'subnet-id': n.subnetId, 'vpc-id': n.vpcId }, n.tags),
  );
  const { items, nextToken } = page(found, input.MaxResults, input.NextToken);
  return { NatGateways: items.map((n) => natOut(ctx, n)), NextToken: nextToken };
};

const deleteNatGateway: Handler = (ctx, input: { NatGatewayId?: string }) => {
  const w = ctx.world;
  const nat = w.ec2.natGateways.find((n) => n.id === input.NatGatewayId);
  if (!nat) throw natNotFound(input.NatGatewayId ?? '');
  nat.deletedAt ??= ctx.now;
  return { NatGatewayId: nat.id };
};

/** How long AWS keeps showing a deleted NAT gateway. */
const DELETED_NAT_VISIBLE_MS = 60 * 60 * 1000;

/** Forgets NAT gateways deleted more than an hour ago, as DescribeNatGateways stops listing them. */
export function forgetOldNatGateways(ctx: SimContext): void {
  const w = ctx.world;
  w.ec2.natGateways = w.ec2.natGateways.filter(
    (n) => n.deletedAt === undefined || natState(ctx, n) !== 'deleted' || ctx.now < n.deletedAt + DELETED_NAT_VISIBLE_MS,
  );
}

/** Handlers for internet gateways, Elastic IPs and NAT gateways. */
export const gatewayHandlers: Record<string, Handler> = {
  CreateInternetGateway: createInternetGateway,
  AttachInternetGateway: attachInternetGateway,
  DetachInternetGateway: detachInternetGateway,
  DeleteInternetGateway: deleteInternetGateway,
  DescribeInternetGateways: describeInternetGateways,
  AllocateAddress: allocateAddress,
  ReleaseAddress: releaseAddress,
  DescribeAddresses: describeAddresses,
  CreateNatGateway: createNatGateway,
  DescribeNatGateways: describeNatGateways,
  DeleteNatGateway: deleteNatGateway,
};
