/**
 * The network: an existing VPC with ≥ 2 public and ≥ 2 private subnets in ≥ 2 AZs, or the lab
 * network `VPC-Lab` built for us (public subnets A and C routed to an internet gateway,
 * private subnets A and C, a NAT gateway only on request). A VPC we did not create is used as
 * it is and never changed.
 */
import { UsageError } from '../errors.js';
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { InternetGateway, NatGateway, RouteTable, SdkTags, Subnet, Vpc } from '../aws/ec2-network.js';
import type { PlanRow, StepContext } from '../engine/types.js';
import { estimate, type WaitKind } from '../engine/waits.js';
import { produce, ref, type Id } from '../engine/refs.js';
import { defineStep, isOurs, row, stackTags } from './common.js';
import type { NetworkOut } from './outputs.js';

export type { NetworkOut };

export interface NetworkFound {
  /** `existing`: a VPC we use but do not manage; `lab`: the lab network, ours to build. */
  mode: 'existing' | 'lab';
  vpc?: Vpc;
  subnets: Subnet[];
  igw?: InternetGateway;
  routeTables: RouteTable[];
  natGateways: NatGateway[];
  /** Internet gateways of this stack attached to no VPC (a run that died between create and attach). */
  strayGateways: InternetGateway[];
  azs: string[];
}

/** What each row of the lab network does (ids of what earlier rows make are refs). */
export type NetworkChange =
  | { op: 'create-vpc'; cidr: string; tags: SdkTags }
  | { op: 'create-igw'; vpcId: Id; tags: SdkTags }
  | { op: 'attach-igw'; igwId: string; vpcId: Id }
  | { op: 'create-subnet'; vpcId: Id; cidr: string; az: string; public: boolean; tags: SdkTags }
  | { op: 'map-public-ip'; subnetId: string }
  | { op: 'create-nat'; subnetId: Id; tags: SdkTags }
  | { op: 'route-table'; tableId?: string; create?: { vpcId: Id; tags: SdkTags }; route?: { gatewayId: Id } | { natGatewayId: Id }; associate: Id[] };

const VPC = 'AWS::EC2::VPC';
const SUBNET = 'AWS::EC2::Subnet';
const IGW = 'AWS::EC2::InternetGateway';
const RTB = 'AWS::EC2::RouteTable';
const NAT = 'AWS::EC2::NatGateway';

export const NAT_COST = 'a NAT gateway is billed by the hour (about US$0.045–0.059/h by region) plus per GB processed, until destroyed';

interface LabSubnet { name: string; cidr: string; az: string; public: boolean }

/** The lab's layout: public/private subnets A and C (the first and third AZ; first and second if fewer). */
export function labSubnets(config: StackConfig, azs: string[]): LabSubnet[] {
  const [a, b] = [azs[0]!, azs[2] ?? azs[1]!];
  const letter = (az: string) => az.slice(-1).toUpperCase();
  const [ip, bits] = config.network.vpcCidr.split('/') as [string, string];
  const o = ip.split('.').map(Number) as [number, number, number, number];
  let cidrs: string[];
  if (Number(bits) === 16) {
    // The network lab's own addresses.
    cidrs = [10, 20, 100, 200].map((n) => `${o[0]}.${o[1]}.${n}.0/24`);
  } else {
    const size = 2 ** (32 - Number(bits) - 2);
    const base = ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
    cidrs = [0, 1, 2, 3].map((i) => {
      const n = base + i * size;
      return `${n >>> 24}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}/${Number(bits) + 2}`;
    });
  }
  return [
    { name: `Public subnet ${letter(a)}`, cidr: cidrs[0]!, az: a, public: true },
    { name: `Public subnet ${letter(b)}`, cidr: cidrs[1]!, az: b, public: true },
    { name: `Private subnet ${letter(a)}`, cidr: cidrs[2]!, az: a, public: false },
    { name: `Private subnet ${letter(b)}`, cidr: cidrs[3]!, az: b, public: false },
  ];
}

const names = (c: StackConfig) => ({
  igw: `${c.network.vpcName}-igw`,
  publicRt: `${c.network.vpcName}-public-rt`,
  privateRt: `${c.network.vpcName}-private-rt`,
  nat: `${c.network.vpcName}-nat`,
});

/** The subnets the stack uses: given by flag, else found by route (public: routed to an IGW). */
export function chooseSubnets(config: StackConfig, found: NetworkFound): { pub: Subnet[]; priv: Subnet[] } {
  if (found.mode === 'lab') {
    const byName = (n: string) => found.subnets.find((s) => s.name === n);
    const layout = labSubnets(config, found.azs);
    return {
      pub: layout.filter((l) => l.public).map((l) => byName(l.name)).filter((s): s is Subnet => !!s),
      priv: layout.filter((l) => !l.public).map((l) => byName(l.name)).filter((s): s is Subnet => !!s),
    };
  }
  const pick = (ids: string[] | undefined, isPublic: boolean) =>
    ids ? ids.map((id) => found.subnets.find((s) => s.id === id)!).filter(Boolean) : found.subnets.filter((s) => s.public === isPublic);
  return { pub: pick(config.network.publicSubnets, true), priv: pick(config.network.privateSubnets, false) };
}

/** Checks an existing VPC's subnets against what the stack needs; a UsageError names the problem. */
export function validateExisting(config: StackConfig, found: NetworkFound): void {
  const vpcId = found.vpc!.id;
  for (const key of ['publicSubnets', 'privateSubnets'] as const) {
    for (const id of config.network[key] ?? []) {
      if (!found.subnets.some((s) => s.id === id)) {
        throw new UsageError(`--${key === 'publicSubnets' ? 'public' : 'private'}-subnets = ${id}: not a subnet of ${vpcId}`);
      }
    }
  }
  const { pub, priv } = chooseSubnets(config, found);
  const notPublic = pub.filter((s) => !s.public);
  if (notPublic.length) {
    throw new UsageError(`--public-subnets = ${notPublic.map((s) => s.id).join(',')}: no route to an internet gateway, so an internet-facing load balancer cannot use it`);
  }
  const azCount = (l: Subnet[]) => new Set(l.map((s) => s.az)).size;
  if (azCount(pub) < 2) {
    throw new UsageError(
      `VPC ${vpcId} has public subnets in ${azCount(pub)} Availability Zone(s): the load balancer needs two`,
      'give --public-subnets with subnets in two AZs, or leave out --vpc-id to build the lab network',
    );
  }
  if (azCount(priv) < 2) {
    throw new UsageError(
      `VPC ${vpcId} has private subnets in ${azCount(priv)} Availability Zone(s): the instances need two`,
      'give --private-subnets (subnets in two AZs; public ones work too), or leave out --vpc-id to build the lab network',
    );
  }
}

async function detect(ctx: StepContext): Promise<NetworkFound> {
  const { config, aws } = ctx;
  const azs = await aws.network.availabilityZones();
  let vpc: Vpc | undefined;
  if (config.network.vpcId) {
    [vpc] = await aws.network.listVpcs([{ Name: 'vpc-id', Values: [config.network.vpcId] }]);
    if (!vpc) throw new UsageError(`--vpc-id = ${config.network.vpcId}: no such VPC in ${ctx.region}`);
  } else {
    const named = await aws.network.listVpcs([{ Name: 'tag:Name', Values: [config.network.vpcName] }]);
    vpc = named.find((v) => isOurs(v.tags, config)) ?? named[0];
  }
  const empty: NetworkFound = { mode: 'lab', subnets: [], routeTables: [], natGateways: [], strayGateways: [], azs };
  if (!vpc) {
    if (azs.length < 2) throw new UsageError(`${ctx.region} has fewer than two Availability Zones: the lab needs two`);
    return { ...empty, strayGateways: await strays(ctx) };
  }
  const routeTables = await aws.network.routeTables(vpc.id);
  const [subnets, igws, natGateways] = await Promise.all([
    aws.network.listSubnets(vpc.id, routeTables),
    aws.network.internetGateways(vpc.id),
    aws.network.natGateways(vpc.id),
  ]);
  const mode = !config.network.vpcId && isOurs(vpc.tags, config) ? 'lab' : 'existing';
  const found: NetworkFound = {
    mode, vpc, subnets, routeTables, natGateways, azs, ...(igws[0] ? { igw: igws[0] } : {}),
    strayGateways: mode === 'lab' && !igws[0] ? await strays(ctx) : [],
  };
  if (mode === 'existing') validateExisting(config, found);
  return found;
}

/** This stack's internet gateways attached to nothing: one is attached instead of making another. */
async function strays(ctx: StepContext): Promise<InternetGateway[]> {
  return (await ctx.aws.network.findInternetGateways([{ Name: `tag:${STACK_TAG}`, Values: [ctx.config.stack] }])).filter((g) => g.vpcIds.length === 0);
}

function describeSubnet(s: Subnet): string {
  return `${s.az} ${s.cidr} ${s.public ? 'public' : 'private'}`;
}

const STEP = 'network';
const VPC_KEY = `${STEP}/vpc`;
const IGW_KEY = `${STEP}/igw`;
const NAT_KEY = `${STEP}/nat`;
const subnetKey = (name: string) => `${STEP}/subnet:${name}`;

/** The lab subnet's id: found, or a ref to the row that makes it. */
function labSubnetId(found: NetworkFound, name: string): Id {
  return found.subnets.find((s) => s.name === name)?.id ?? ref(subnetKey(name), 'id', name);
}

function plan(config: StackConfig, found: NetworkFound): PlanRow<NetworkChange>[] {
  if (found.mode === 'existing') {
    const { pub, priv } = chooseSubnets(config, found);
    const v = found.vpc!;
    return [
      row(STEP, 'vpc', 'reuse', VPC, v.name ?? v.id, { id: v.id, detail: `${v.cidr} (existing, not managed)` }),
      ...[...pub, ...priv].map((s) => row<NetworkChange>(STEP, `subnet:${s.id}`, 'reuse', SUBNET, s.name ?? s.id, { id: s.id, detail: describeSubnet(s) })),
    ];
  }
  const n = names(config);
  const rows: PlanRow<NetworkChange>[] = [];
  const vpc = found.vpc;
  const vpcId: Id = vpc?.id ?? ref(VPC_KEY, 'id', config.network.vpcName);
  rows.push(vpc
    ? row(STEP, 'vpc', 'reuse', VPC, config.network.vpcName, { id: vpc.id, detail: vpc.cidr })
    : row(STEP, 'vpc', 'create', VPC, config.network.vpcName, { detail: config.network.vpcCidr, change: { op: 'create-vpc', cidr: config.network.vpcCidr, tags: stackTags(config, config.network.vpcName) } }));
  const igw = found.igw;
  const stray = found.strayGateways[0];
  if (igw) rows.push(row(STEP, 'igw', 'reuse', IGW, n.igw, { id: igw.id }));
  else if (stray) {
    rows.push(row(STEP, 'igw', 'update', IGW, n.igw, {
      id: stray.id, detail: `attached to ${config.network.vpcName}`, changes: [{ field: 'Attachment', from: null, to: config.network.vpcName }],
      change: { op: 'attach-igw', igwId: stray.id, vpcId },
    }));
  } else rows.push(row(STEP, 'igw', 'create', IGW, n.igw, { detail: `attached to ${config.network.vpcName}`, change: { op: 'create-igw', vpcId, tags: stackTags(config, n.igw) } }));
  const igwId: Id = igw?.id ?? stray?.id ?? ref(IGW_KEY, 'id', n.igw);
  const layout = labSubnets(config, found.azs);
  for (const l of layout) {
    const s = found.subnets.find((x) => x.name === l.name);
    const detail = `${l.az} ${l.cidr} ${l.public ? 'public' : 'private'}`;
    const local = `subnet:${l.name}`;
    if (!s) rows.push(row(STEP, local, 'create', SUBNET, l.name, { detail, change: { op: 'create-subnet', vpcId, cidr: l.cidr, az: l.az, public: l.public, tags: stackTags(config, l.name) } }));
    else if (l.public && !s.mapPublicIp) {
      rows.push(row(STEP, local, 'update', SUBNET, l.name, { id: s.id, detail, changes: [{ field: 'MapPublicIpOnLaunch', from: false, to: true }], change: { op: 'map-public-ip', subnetId: s.id } }));
    } else rows.push(row(STEP, local, 'reuse', SUBNET, l.name, { id: s.id, detail }));
  }
  const nat = found.natGateways.find((g) => isOurs(g.tags, config));
  const natId: Id = nat?.id ?? ref(NAT_KEY, 'id', n.nat);
  for (const [rtName, isPublic] of [[n.publicRt, true], [n.privateRt, false]] as const) {
    const t = found.routeTables.find((x) => x.tags.Name === rtName);
    const want = layout.filter((l) => l.public === isPublic);
    const target = isPublic ? 'internet gateway' : config.network.natGateway ? 'NAT gateway' : undefined;
    const detail = `${want.map((l) => l.name).join(', ')}${target ? `; 0.0.0.0/0 → ${target}` : ''}`;
    const local = isPublic ? 'public-rt' : 'private-rt';
    const route = isPublic ? { gatewayId: igwId } : config.network.natGateway ? { natGatewayId: natId } : undefined;
    if (!t) {
      rows.push(row(STEP, local, 'create', RTB, rtName, {
        detail, change: { op: 'route-table', create: { vpcId, tags: stackTags(config, rtName) }, ...(route ? { route } : {}), associate: want.map((l) => labSubnetId(found, l.name)) },
      }));
      continue;
    }
    const associate = want.map((l) => labSubnetId(found, l.name)).filter((id) => typeof id !== 'string' || !t.subnetIds.includes(id));
    const missingRoute = isPublic ? !t.igwRoute : config.network.natGateway && !t.natRoute;
    const changes = [
      ...(associate.length ? [{ field: 'Associations', from: t.subnetIds.length, to: t.subnetIds.length + associate.length }] : []),
      ...(missingRoute ? [{ field: 'Route 0.0.0.0/0', from: null, to: target }] : []),
    ];
    rows.push(row(STEP, local, changes.length ? 'update' : 'reuse', RTB, rtName, {
      id: t.id, detail, changes, ...(changes.length ? { change: { op: 'route-table', tableId: t.id, ...(missingRoute && route ? { route } : {}), associate } } : {}),
    }));
  }
  if (config.network.natGateway) {
    rows.push(nat
      ? row(STEP, 'nat', 'reuse', NAT, n.nat, { id: nat.id })
      : row(STEP, 'nat', 'create', NAT, n.nat, { detail: 'in the first public subnet', reason: NAT_COST, change: { op: 'create-nat', subnetId: labSubnetId(found, layout[0]!.name), tags: stackTags(config, n.nat) } }));
  }
  return rows;
}

function outputs(config: StackConfig, found: NetworkFound): NetworkOut {
  if (found.mode === 'existing') {
    const { pub, priv } = chooseSubnets(config, found);
    return { vpcId: found.vpc!.id, publicSubnetIds: pub.map((s) => s.id), privateSubnetIds: priv.map((s) => s.id) };
  }
  const layout = labSubnets(config, found.azs);
  const ids = (pub: boolean) => layout.filter((l) => l.public === pub).map((l) => labSubnetId(found, l.name));
  return { vpcId: found.vpc?.id ?? ref(VPC_KEY, 'id', config.network.vpcName), publicSubnetIds: ids(true), privateSubnetIds: ids(false) };
}

/**
 * AWS's order, in waves: the VPC; then its gateway and subnets, which name only the VPC; a NAT
 * gateway (in a public subnet); then the route tables, which name the gateways and subnets. The
 * rows of a wave run together, so their read-after-create lags overlap (3 deep, not 6).
 */
const WAVES: NetworkChange['op'][][] = [['create-vpc'], ['create-igw', 'attach-igw', 'create-subnet', 'map-public-ip'], ['create-nat'], ['route-table']];

/** Builds what the lab network lacks, wave by wave; each piece tagged at creation. */
async function apply(ctx: StepContext, rows: PlanRow<NetworkChange>[], refs: Parameters<typeof produce>[0]): Promise<void> {
  const net = ctx.aws.network;
  const one = (r: PlanRow<NetworkChange>) => ctx.forRow(r, async () => {
    const c = refs.resolve(r.change!);
    ctx.progress.update(`${r.type.split('::').pop()} ${r.name}`);
    switch (c.op) {
      case 'create-vpc':
        produce(refs, r, 'id', await net.createVpc(c.cidr, c.tags));
        break;
      case 'create-igw':
        produce(refs, r, 'id', await net.createInternetGateway(c.vpcId, c.tags));
        break;
      case 'attach-igw':
        await net.attachInternetGateway(c.igwId, c.vpcId);
        break;
      case 'create-subnet':
        produce(refs, r, 'id', await net.createSubnet(c.vpcId, c.cidr, c.az, c.tags, c.public));
        break;
      case 'map-public-ip':
        await net.setMapPublicIp(c.subnetId);
        break;
      case 'create-nat':
        ctx.progress.update(`NAT gateway ${r.name} (${estimate('nat-gateway')})`);
        produce(refs, r, 'id', await net.createNatGateway(c.subnetId, c.tags, waitOpts(ctx, 'nat-gateway')));
        break;
      case 'route-table': {
        const id = c.tableId ?? (await net.createRouteTable(c.create!.vpcId, c.create!.tags));
        produce(refs, r, 'id', id);
        if (c.route) await net.createDefaultRoute(id, c.route);
        for (const subnetId of c.associate) await net.associateRouteTable(id, subnetId);
        break;
      }
    }
  });
  for (const wave of WAVES) {
    // Every row of the wave runs to its end (what it made is then recorded); the first failure is thrown after.
    const settled = await Promise.allSettled(rows.filter((r) => r.change && wave.includes(r.change.op)).map(one));
    const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** An SDK waiter's options for a wait of `kind` (its bound from AWS's typical time, see engine/waits.ts). */
export function waitOpts(ctx: StepContext, kind: WaitKind = 'other', extraTypicalSeconds = 0) {
  const b = ctx.waits.bound(kind, extraTypicalSeconds);
  return { maxWaitTime: b.maxWaitSeconds, minDelay: b.minDelay, maxDelay: b.maxDelay };
}

export const networkStep = defineStep<'network', never, NetworkFound, NetworkChange>({
  id: STEP,
  title: 'Network',
  needs: [],
  detect: (ctx) => detect(ctx),
  plan: (config, found) => plan(config, found),
  outputs: (config, found) => outputs(config, found),
  fingerprint: (f) => ({
    mode: f.mode,
    vpc: f.vpc ? { id: f.vpc.id, cidr: f.vpc.cidr, tags: f.vpc.tags } : null,
    subnets: f.subnets.map((s) => ({ id: s.id, name: s.name ?? null, az: s.az, cidr: s.cidr, mapPublicIp: s.mapPublicIp, public: s.public })),
    igw: f.igw ? { id: f.igw.id, vpcIds: f.igw.vpcIds } : null,
    strayGateways: f.strayGateways.map((g) => g.id),
    routeTables: f.routeTables.map((t) => ({ id: t.id, name: t.tags.Name ?? null, subnetIds: [...t.subnetIds].sort(), igwRoute: t.igwRoute ?? null, natRoute: t.natRoute ?? null })),
    natGateways: f.natGateways.map((g) => ({ id: g.id, state: g.state, ours: g.tags })),
    azs: f.azs,
  }),
  apply: (ctx, rows, _deps, refs) => apply(ctx, rows, refs),
});
