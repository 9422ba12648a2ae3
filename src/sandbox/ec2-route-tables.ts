/**
 * EC2 route tables. Every VPC has a main route table (created with the VPC) that answers for
 * every subnet without an explicit association; a subnet has at most one explicit association.
 * A route whose target is gone (a detached gateway, a deleted NAT gateway) shows as `blackhole`.
 */
import type {
  AssociateRouteTableRequest, CreateRouteRequest, CreateRouteTableRequest, DeleteRouteRequest,
  DescribeRouteTablesRequest, Route, RouteTable,
} from '@aws-sdk/client-ec2';
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, matchesFilters, page, tagsFor } from './ec2-common.js';
import {
  dependencyViolation, findSubnet, findVpc, mustFind, natHoldsEni, parseCidr, pickByIds, rememberedToken,
  rememberToken, tagsOut, invalidCidr,
} from './ec2-net-model.js';
import type { Handler, RouteRecord, RouteTableRecord, SimContext, World } from './types.js';

const findRouteTable = (w: World, id: string | undefined) => mustFind(w.ec2.routeTables, id, 'routeTableId');

function routeState(ctx: SimContext, rt: RouteTableRecord, r: RouteRecord): 'active' | 'blackhole' {
  const w = ctx.world;
  if (r.gatewayId && r.gatewayId !== 'local') {
    const igw = w.ec2.internetGateways.find((g) => g.id === r.gatewayId);
    return igw?.attachments.some((a) => a.vpcId === rt.vpcId) ? 'active' : 'blackhole';
  }
  if (r.natGatewayId) {
    const nat = w.ec2.natGateways.find((n) => n.id === r.natGatewayId);
    return nat && natHoldsEni(ctx, nat) ? 'active' : 'blackhole';
  }
  return 'active';
}

function routeOut(ctx: SimContext, rt: RouteTableRecord, r: RouteRecord): Route {
  return {
    DestinationCidrBlock: r.destinationCidr,
    ...(r.gatewayId ? { GatewayId: r.gatewayId } : {}),
    ...(r.natGatewayId ? { NatGatewayId: r.natGatewayId } : {}),
    State: routeState(ctx, rt, r),
    Origin: r.gatewayId === 'local' ? 'CreateRouteTable' : 'CreateRoute',
  };
}

function routeTableOut(ctx: SimContext, rt: RouteTableRecord): RouteTable {
  return {
    RouteTableId: rt.id,
    VpcId: rt.vpcId,
    OwnerId: ctx.world.accountId,
    Routes: rt.routes.map((r) => routeOut(ctx, rt, r)),
    Associations: rt.associations.map((a) => ({
      Main: a.main,
      RouteTableAssociationId: a.id,
      RouteTableId: rt.id,
      ...(a.subnetId ? { SubnetId: a.subnetId } : {}),
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    ...tagsOut(rt.tags),
  };
}

const createRouteTable: Handler = (ctx, input: CreateRouteTableRequest) => {
  const w = ctx.world;
  const again = rememberedToken(w, 'CreateRouteTable', input.ClientToken);
  const seen = again && w.ec2.routeTables.find((r) => r.id === again);
  if (seen) return { RouteTable: routeTableOut(ctx, seen), ClientToken: input.ClientToken };
  const vpc = findVpc(w, input.VpcId);
  checkTagSpecTypes(input.TagSpecifications, ['route-table']);
  const rt: RouteTableRecord = {
    id: ctx.newId('rtb'), vpcId: vpc.id, main: false, associations: [],
    routes: [{ destinationCidr: vpc.cidr, gatewayId: 'local' }],
    tags: tagsFor(input.TagSpecifications, 'route-table'),
  };
  w.ec2.routeTables.push(rt);
  rememberToken(w, 'CreateRouteTable', input.ClientToken, rt.id);
  return { RouteTable: routeTableOut(ctx, rt), ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}) };
};

const describeRouteTables: Handler = (ctx, input: DescribeRouteTablesRequest) => {
  const w = ctx.world;
  const found = pickByIds(w.ec2.routeTables, input.RouteTableIds).filter((rt) =>
    matchesFilters(
      input.Filters,
      {
        'route-table-id': rt.id, 'vpc-id': rt.vpcId, 'owner-id': w.accountId,
        'association.main': rt.associations.map((a) => String(a.main)),
        'association.subnet-id': rt.associations.flatMap((a) => (a.subnetId ? [a.subnetId] : [])),
        'association.route-table-association-id': rt.associations.map((a) => a.id),
        'association.route-table-id': rt.associations.length ? rt.id : undefined,
        'route.destination-cidr-block': rt.routes.map((r) => r.destinationCidr),
        'route.gateway-id': rt.routes.flatMap((r) => (r.gatewayId ? [r.gatewayId] : [])),
        'route.nat-gateway-id': rt.routes.flatMap((r) => (r.natGatewayId ? [r.natGatewayId] : [])),
        'route.state': rt.routes.map((r) => routeState(ctx, rt, r)),
        'route.origin': rt.routes.map((r) => (r.gatewayId === 'local' ? 'CreateRouteTable' : 'CreateRoute')),
      },
      rt.tags,
    ),
  );
  const { items, nextToken } = page(found, input.MaxResults, input.NextToken, { min: 5, max: 100 });
  return { RouteTables: items.map((rt) => routeTableOut(ctx, rt)), NextToken: nextToken };
};

const UNSUPPORTED_TARGETS = [
  'InstanceId', 'NetworkInterfaceId', 'VpcPeeringConnectionId', 'TransitGatewayId', 'EgressOnlyInternetGatewayId',
  'LocalGatewayId', 'CarrierGatewayId', 'VpcEndpointId', 'CoreNetworkArn', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId',
] as const;

const createRoute: Handler = (ctx, input: CreateRouteRequest) => {
  const w = ctx.world;
  const rt = findRouteTable(w, input.RouteTableId);
  for (const k of UNSUPPORTED_TARGETS) {
    if (input[k]) throw ec2Error('InvalidParameterValue', `${k} routes are not simulated by the asg-wizard sandbox.`);
  }
  if (!input.DestinationCidrBlock) throw ec2Error('MissingParameter', 'The request must contain the parameter destinationCidrBlock');
  if (!parseCidr(input.DestinationCidrBlock)) throw invalidCidr(input.DestinationCidrBlock, 'destinationCidrBlock');
  const targets = [input.GatewayId, input.NatGatewayId].filter(Boolean);
  if (targets.length !== 1) {
    throw ec2Error('InvalidParameterCombination', 'The parameter combination is not valid: specify exactly one route target.');
  }
  const route: RouteRecord = { destinationCidr: input.DestinationCidrBlock };
  if (input.GatewayId) {
    const igw = w.ec2.internetGateways.find((g) => g.id === input.GatewayId);
    if (!igw) throw ec2Error('InvalidGatewayID.NotFound', `The gateway ID '${input.GatewayId}' does not exist`);
    if (!igw.attachments.some((a) => a.vpcId === rt.vpcId)) {
      throw ec2Error('InvalidParameterValue', `route table ${rt.id} and network gateway ${igw.id} belong to different networks`);
    }
    route.gatewayId = igw.id;
  } else {
    const nat = w.ec2.natGateways.find((n) => n.id === input.NatGatewayId && n.deletedAt === undefined);
    if (!nat) throw ec2Error('InvalidNatGatewayID.NotFound', `The natGateway ID '${input.NatGatewayId}' does not exist`);
    if (nat.vpcId !== rt.vpcId) {
      throw ec2Error('InvalidParameterValue', `route table ${rt.id} and network gateway ${nat.id} belong to different networks`);
    }
    route.natGatewayId = nat.id;
  }
  if (rt.routes.some((r) => r.destinationCidr === route.destinationCidr)) {
    throw ec2Error('RouteAlreadyExists', `The route identified by ${route.destinationCidr} already exists.`);
  }
  rt.routes.push(route);
  return { Return: true };
};

const deleteRoute: Handler = (ctx, input: DeleteRouteRequest) => {
  const rt = findRouteTable(ctx.world, input.RouteTableId);
  const route = rt.routes.find((r) => r.destinationCidr === input.DestinationCidrBlock);
  if (!route) {
    throw ec2Error('InvalidRoute.NotFound', `no route with destination-cidr-block ${input.DestinationCidrBlock ?? ''} in route table ${rt.id}`);
  }
  if (route.gatewayId === 'local') {
    throw ec2Error('InvalidParameterValue', `cannot remove local route ${route.destinationCidr} in route table ${rt.id}`);
  }
  rt.routes = rt.routes.filter((r) => r !== route);
  return {};
};

const associateRouteTable: Handler = (ctx, input: AssociateRouteTableRequest) => {
  const w = ctx.world;
  const rt = findRouteTable(w, input.RouteTableId);
  if (input.GatewayId) throw ec2Error('InvalidParameterValue', 'Gateway route table associations are not simulated by the asg-wizard sandbox.');
  const subnet = findSubnet(w, input.SubnetId);
  if (subnet.vpcId !== rt.vpcId) {
    throw ec2Error('InvalidParameterValue', `Route table ${rt.id} and subnet ${subnet.id} belong to different networks`);
  }
  // One explicit association per subnet: moving it is ReplaceRouteTableAssociation, not a second Associate.
  if (w.ec2.routeTables.some((r) => r.associations.some((a) => a.subnetId === subnet.id))) {
    throw ec2Error('Resource.AlreadyAssociated', `the specified association for route table ${rt.id} conflicts with an existing association`);
  }
  const id = ctx.newId('rtbassoc');
  rt.associations.push({ id, subnetId: subnet.id, main: false });
  return { AssociationId: id, AssociationState: { State: 'associated' } };
};

const disassociateRouteTable: Handler = (ctx, input: { AssociationId?: string }) => {
  const w = ctx.world;
  const rt = w.ec2.routeTables.find((r) => r.associations.some((a) => a.id === input.AssociationId));
  const assoc = rt?.associations.find((a) => a.id === input.AssociationId);
  if (!rt || !assoc) throw ec2Error('InvalidAssociationID.NotFound', `The association ID '${input.AssociationId ?? ''}' does not exist`);
  if (assoc.main) throw ec2Error('InvalidParameterValue', `cannot disassociate the main route table association ${assoc.id}`);
  rt.associations = rt.associations.filter((a) => a !== assoc);
  return {};
};

const deleteRouteTable: Handler = (ctx, input: { RouteTableId?: string }) => {
  const w = ctx.world;
  const rt = findRouteTable(w, input.RouteTableId);
  // The main route table carries the main association, so it is never free to go (it goes with its VPC).
  if (rt.main || rt.associations.length) throw dependencyViolation('routeTable', rt.id);
  w.ec2.routeTables = w.ec2.routeTables.filter((r) => r.id !== rt.id);
  return {};
};

/** Handlers for route tables, routes and their associations. */
export const routeTableHandlers: Record<string, Handler> = {
  CreateRouteTable: createRouteTable,
  DescribeRouteTables: describeRouteTables,
  CreateRoute: createRoute,
  DeleteRoute: deleteRoute,
  AssociateRouteTable: associateRouteTable,
  DisassociateRouteTable: disassociateRouteTable,
  DeleteRouteTable: deleteRouteTable,
};
