/**
 * The lab network's teardown, last of all. Only a VPC tagged with the stack is the stack's: one
 * the user chose (`--vpc-id`) is used, never owned, and never touched. The lab network goes only
 * when nothing else uses it: if another stack built in it (its resources carry its own stack
 * tag), the network stays and is handed over to that stack — its tags move to it — so the last
 * stack's `destroy` removes it; if resources no asg-wizard stack made are in it, it stays as it
 * is. Otherwise its NAT gateway (waited for until deleted), Elastic IPs, route tables, internet
 * gateway, subnets and the VPC go, in the order AWS allows; the network interfaces of what was
 * deleted before hold subnets and the gateway for a while (`DependencyViolation`, retried).
 */
import { STACK_TAG, type StackConfig } from '../../config/schema.js';
import type { Address, InternetGateway, NatGateway, RouteTable, SecurityGroup, Subnet, Vpc } from '../../aws/ec2-network.js';
import type { PlanRow, StepContext } from '../../engine/types.js';
import { isOurs } from '../common.js';
import { bakeNames } from '../bake-instance.js';
import { defineTeardown, deleteRow, keptRow, notOurs, stackFilter, unlessGone, waitFor, whenReleased, applyInOrder } from './common.js';
import { deleteSecurityGroup } from './instance-security.js';
import { retryWhile } from '../../aws/consistency.js';
import { isAwsError } from '../../errors.js';

interface VpcFound {
  vpc: Vpc;
  subnets: Subnet[];
  routeTables: RouteTable[];
  gateways: InternetGateway[];
  nats: NatGateway[];
  /** The stack's security groups in it that no other teardown claims (made under other names). */
  extraGroups: SecurityGroup[];
  /** Other asg-wizard stacks with resources in it. */
  otherStacks: string[];
  /** What no asg-wizard stack made that is in it. */
  foreign: string[];
}

export interface NetworkTeardownFound {
  vpcs: VpcFound[];
  /** The stack's Elastic IPs (a NAT gateway's). */
  addresses: Address[];
  /** The stack's internet gateways attached to nothing (a run that died between create and attach). */
  strayGateways: InternetGateway[];
  /** A VPC of the lab network's name that is not this stack's. */
  stranger?: Vpc;
}

export type NetworkTeardownChange =
  | { op: 'delete-sg'; groupId: string }
  | { op: 'delete-nat'; id: string }
  | { op: 'release'; allocationId: string }
  | { op: 'delete-rt'; id: string; associationIds: string[] }
  | { op: 'delete-igw'; id: string; vpcId?: string }
  | { op: 'delete-subnet'; id: string }
  | { op: 'delete-vpc'; id: string }
  | { op: 'handover'; vpcId: string; to: string; resourceIds: string[] };

const STEP = 'network';
const VPC = 'AWS::EC2::VPC';
const ORDER: NetworkTeardownChange['op'][] = ['handover', 'delete-sg', 'delete-nat', 'release', 'delete-rt', 'delete-igw', 'delete-subnet', 'delete-vpc'];
const LIVE = ['pending', 'running', 'stopping', 'stopped'];

async function detectVpc(ctx: StepContext, vpc: Vpc): Promise<VpcFound> {
  const { network, compute } = ctx.aws;
  const { config } = ctx;
  const inVpc = [{ Name: 'vpc-id', Values: [vpc.id] }];
  const routeTables = await network.routeTables(vpc.id);
  const [subnets, gateways, nats, groups, instances] = await Promise.all([
    network.listSubnets(vpc.id, routeTables), network.internetGateways(vpc.id),
    network.findNatGateways(inVpc), network.findSecurityGroups(inVpc),
    compute.findInstances([...inVpc, { Name: 'instance-state-name', Values: LIVE }]),
  ]);
  const others = new Set<string>();
  const foreign: string[] = [];
  const judge = (what: string, tags: Record<string, string>) => {
    const stack = tags[STACK_TAG];
    if (stack && stack !== config.stack) others.add(stack);
    else if (!stack) foreign.push(what);
  };
  for (const g of groups) if (g.name !== 'default') judge(`security group ${g.name} (${g.id})`, g.tags);
  for (const i of instances) judge(`instance ${i.id}`, i.tags);
  for (const s of subnets) judge(`subnet ${s.name ?? s.id}`, s.tags);
  for (const g of gateways) judge(`internet gateway ${g.id}`, g.tags);
  for (const t of routeTables) if (!t.main) judge(`route table ${t.tags.Name ?? t.id}`, t.tags);
  const claimed = new Set([config.alb.securityGroupName, config.instances.securityGroupName, bakeNames(config).securityGroup]);
  return {
    vpc, subnets, routeTables, gateways, nats: nats.filter((n) => n.state !== 'deleted'),
    extraGroups: groups.filter((g) => isOurs(g.tags, config) && !claimed.has(g.name)),
    otherStacks: [...others].sort(), foreign,
  };
}

function vpcRows(config: StackConfig, f: VpcFound, addresses: Address[]): PlanRow<NetworkTeardownChange>[] {
  const v = f.vpc;
  const name = v.name ?? v.id;
  const ours = <T extends { tags: Record<string, string> }>(xs: T[]) => xs.filter((x) => isOurs(x.tags, config));
  const natAddresses = new Set(f.nats.flatMap((n) => n.allocationIds ?? []));
  const heir = f.otherStacks[0];
  if (heir) {
    const resourceIds = [
      v.id, ...ours(f.subnets).map((s) => s.id), ...ours(f.routeTables).map((t) => t.id), ...ours(f.gateways).map((g) => g.id),
      ...ours(f.nats).map((n) => n.id), ...addresses.filter((a) => natAddresses.has(a.allocationId)).map((a) => a.allocationId),
    ];
    return [{
      key: `${STEP}/vpc:${v.id}`, step: STEP, action: 'update', type: VPC, name, id: v.id, detail: `${v.cidr}, with its subnets, gateways and route tables`,
      changes: [{ field: `Tag ${STACK_TAG}`, from: config.stack, to: heir }],
      reason: `kept: stack ${f.otherStacks.join(', ')} still use${f.otherStacks.length === 1 ? 's' : ''} it; handed over to ${heir}, whose destroy removes it`,
      change: { op: 'handover', vpcId: v.id, to: heir, resourceIds },
    }];
  }
  if (f.foreign.length) {
    const shown = f.foreign.slice(0, 3).join(', ') + (f.foreign.length > 3 ? `, and ${f.foreign.length - 3} more` : '');
    return [keptRow(STEP, `kept:${v.id}`, VPC, name, v.id, `kept: resources asg-wizard did not make are in it (${shown})`)];
  }
  const rows: PlanRow<NetworkTeardownChange>[] = [];
  for (const g of f.extraGroups) rows.push(deleteRow(STEP, `sg:${g.id}`, 'AWS::EC2::SecurityGroup', g.name, g.id, { op: 'delete-sg', groupId: g.id }));
  for (const n of ours(f.nats)) {
    rows.push(deleteRow(STEP, `nat:${n.id}`, 'AWS::EC2::NatGateway', n.tags.Name ?? n.id, n.id, { op: 'delete-nat', id: n.id }, `${n.state}; billed by the hour until deleted`));
  }
  for (const t of ours(f.routeTables).filter((x) => !x.main)) {
    rows.push(deleteRow(STEP, `rt:${t.id}`, 'AWS::EC2::RouteTable', t.tags.Name ?? t.id, t.id,
      { op: 'delete-rt', id: t.id, associationIds: (t.associations ?? []).map((a) => a.id) }, `${t.subnetIds.length} subnet association(s) removed first`));
  }
  for (const g of ours(f.gateways)) rows.push(deleteRow(STEP, `igw:${g.id}`, 'AWS::EC2::InternetGateway', g.tags.Name ?? g.id, g.id, { op: 'delete-igw', id: g.id, vpcId: v.id }, 'detached first'));
  for (const s of ours(f.subnets)) rows.push(deleteRow(STEP, `subnet:${s.id}`, 'AWS::EC2::Subnet', s.name ?? s.id, s.id, { op: 'delete-subnet', id: s.id }, `${s.az} ${s.cidr}`));
  rows.push(deleteRow(STEP, `vpc:${v.id}`, VPC, name, v.id, { op: 'delete-vpc', id: v.id }, `${v.cidr} (its main route table and default group go with it)`));
  return rows;
}

export const networkTeardown = defineTeardown<NetworkTeardownFound, NetworkTeardownChange>({
  id: STEP,
  title: 'Network',
  async detect(ctx) {
    const { network } = ctx.aws;
    const mine = [stackFilter(ctx.config)];
    const [vpcs, named, addresses, gateways] = await Promise.all([
      network.listVpcs(mine), network.listVpcs([{ Name: 'tag:Name', Values: [ctx.config.network.vpcName] }]),
      network.addresses(mine), network.findInternetGateways(mine),
    ]);
    const owned = vpcs.filter((v) => isOurs(v.tags, ctx.config));
    const stranger = named.find((v) => !isOurs(v.tags, ctx.config));
    return {
      vpcs: await Promise.all(owned.map((v) => detectVpc(ctx, v))),
      addresses: addresses.filter((a) => isOurs(a.tags, ctx.config)),
      strayGateways: gateways.filter((g) => g.vpcIds.length === 0 && isOurs(g.tags, ctx.config)),
      ...(stranger ? { stranger } : {}),
    };
  },
  plan(config, found) {
    const rows = found.vpcs.flatMap((f) => vpcRows(config, f, found.addresses));
    const handedOver = new Set(rows.flatMap((r) => (r.change?.op === 'handover' ? r.change.resourceIds : [])));
    const keptVpcs = found.vpcs.filter((f) => rows.some((r) => r.action === 'reuse' && r.id === f.vpc.id));
    const natInKept = new Set(keptVpcs.flatMap((f) => f.nats.flatMap((n) => n.allocationIds ?? [])));
    for (const a of found.addresses) {
      if (handedOver.has(a.allocationId) || natInKept.has(a.allocationId)) continue;
      rows.push(deleteRow(STEP, `eip:${a.allocationId}`, 'AWS::EC2::EIP', a.tags.Name ?? a.publicIp, a.allocationId, { op: 'release', allocationId: a.allocationId }, a.publicIp));
    }
    for (const g of found.strayGateways) rows.push(deleteRow(STEP, `igw:${g.id}`, 'AWS::EC2::InternetGateway', g.tags.Name ?? g.id, g.id, { op: 'delete-igw', id: g.id }, 'attached to nothing'));
    const s = found.stranger;
    if (s && !found.vpcs.some((f) => f.vpc.id === s.id)) rows.push(keptRow(STEP, `kept:${s.id}`, VPC, s.name ?? s.id, s.id, notOurs(config, s.tags)));
    return rows;
  },
  fingerprint: (f) => f.vpcs.map((v) => v.vpc.id),
  async apply(ctx, rows) {
    const net = ctx.aws.network;
    await applyInOrder(ctx, rows, ORDER, async (r, c) => {
      switch (c.op) {
        case 'handover':
          await net.tagResources(c.resourceIds, [{ Key: STACK_TAG, Value: c.to }]);
          break;
        case 'delete-sg':
          await deleteSecurityGroup(ctx, c.groupId);
          break;
        case 'delete-nat':
          ctx.progress.update(`deleting the NAT gateway ${c.id} (its address is free only once it is deleted)`);
          await unlessGone(['NatGatewayNotFound', 'InvalidNatGatewayID.NotFound'], () => net.deleteNatGateway(c.id, waitFor(ctx, 'nat-gateway-deleted')));
          break;
        case 'release':
          // AWS refuses it with AuthFailure while the NAT gateway holds it, and a little after it is deleted.
          await unlessGone(['InvalidAllocationID.NotFound'], () => retryWhile(ctx.aws.propagation, (e) => isAwsError(e, 'AuthFailure', 'InvalidIPAddress.InUse'), () => net.releaseAddress(c.allocationId)));
          break;
        case 'delete-rt':
          for (const a of c.associationIds) await unlessGone(['InvalidAssociationID.NotFound'], () => net.disassociateRouteTable(a));
          await unlessGone(['InvalidRouteTableID.NotFound'], () => net.deleteRouteTable(c.id));
          break;
        case 'delete-igw':
          if (c.vpcId) await unlessGone(['Gateway.NotAttached', 'InvalidInternetGatewayID.NotFound'], () => whenReleased(ctx, () => net.detachInternetGateway(c.id, c.vpcId!)));
          await unlessGone(['InvalidInternetGatewayID.NotFound'], () => net.deleteInternetGateway(c.id));
          break;
        case 'delete-subnet':
          await unlessGone(['InvalidSubnetID.NotFound'], () => whenReleased(ctx, () => net.deleteSubnet(c.id)));
          break;
        case 'delete-vpc':
          await unlessGone(['InvalidVpcID.NotFound'], () => whenReleased(ctx, () => net.deleteVpc(c.id)));
          break;
      }
    });
  },
});
