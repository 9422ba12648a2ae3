/**
 * The network: an existing VPC with ≥ 2 public and ≥ 2 private subnets in ≥ 2 AZs, or the lab
 * network `VPC-Lab` built for us (public subnets A and C routed to an internet gateway,
 * private subnets A and C, a NAT gateway only on request). A VPC we did not create is used as
 * it is and never changed.
 */
import { UsageError } from '../errors.js';
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { InternetGateway, NatGateway, RouteTable, Subnet, Vpc } from '../aws/ec2-network.js';
import type { PlanRow, Step, StepContext } from '../engine/types.js';
import type { WaitKind } from '../engine/waits.js';
import { isOurs, row, stackTags } from './common.js';

export interface NetworkFound {
  /** `existing`: a VPC we use but do not manage; `lab`: the lab network, ours to build. */
  mode: 'existing' | 'lab';
  vpc?: Vpc;
  subnets: Subnet[];
  igw?: InternetGateway;
  routeTables: RouteTable[];
  natGateways: NatGateway[];
  azs: string[];
}

export interface NetworkOut {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

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
  const empty: NetworkFound = { mode: 'lab', subnets: [], routeTables: [], natGateways: [], azs };
  if (!vpc) {
    if (azs.length < 2) throw new UsageError(`${ctx.region} has fewer than two Availability Zones: the lab needs two`);
    return empty;
  }
  const routeTables = await aws.network.routeTables(vpc.id);
  const [subnets, igws, natGateways] = await Promise.all([
    aws.network.listSubnets(vpc.id, routeTables),
    aws.network.internetGateways(vpc.id),
    aws.network.natGateways(vpc.id),
  ]);
  const mode = !config.network.vpcId && isOurs(vpc.tags, config) ? 'lab' : 'existing';
  const found: NetworkFound = { mode, vpc, subnets, routeTables, natGateways, azs, ...(igws[0] ? { igw: igws[0] } : {}) };
  if (mode === 'existing') validateExisting(config, found);
  return found;
}

function describeSubnet(s: Subnet): string {
  return `${s.az} ${s.cidr} ${s.public ? 'public' : 'private'}`;
}

function plan(config: StackConfig, found: NetworkFound): PlanRow[] {
  if (found.mode === 'existing') {
    const { pub, priv } = chooseSubnets(config, found);
    const v = found.vpc!;
    return [
      row('network', 'reuse', VPC, v.name ?? v.id, { id: v.id, detail: `${v.cidr} (existing, not managed)` }),
      ...[...pub, ...priv].map((s) => row('network', 'reuse', SUBNET, s.name ?? s.id, { id: s.id, detail: describeSubnet(s) })),
    ];
  }
  const n = names(config);
  const rows: PlanRow[] = [];
  const vpc = found.vpc;
  rows.push(vpc
    ? row('network', 'reuse', VPC, config.network.vpcName, { id: vpc.id, detail: vpc.cidr })
    : row('network', 'create', VPC, config.network.vpcName, { detail: config.network.vpcCidr }));
  const igw = found.igw;
  rows.push(igw
    ? row('network', 'reuse', IGW, n.igw, { id: igw.id })
    : row('network', 'create', IGW, n.igw, { detail: `attached to ${config.network.vpcName}` }));
  for (const l of labSubnets(config, found.azs)) {
    const s = found.subnets.find((x) => x.name === l.name);
    const detail = `${l.az} ${l.cidr} ${l.public ? 'public' : 'private'}`;
    if (!s) rows.push(row('network', 'create', SUBNET, l.name, { detail }));
    else if (l.public && !s.mapPublicIp) {
      rows.push(row('network', 'update', SUBNET, l.name, { id: s.id, detail, changes: [{ field: 'MapPublicIpOnLaunch', from: false, to: true }] }));
    } else rows.push(row('network', 'reuse', SUBNET, l.name, { id: s.id, detail }));
  }
  const nat = found.natGateways.find((g) => isOurs(g.tags, config));
  for (const [rtName, isPublic] of [[n.publicRt, true], [n.privateRt, false]] as const) {
    const t = found.routeTables.find((x) => x.tags.Name === rtName);
    const wantSubnets = labSubnets(config, found.azs).filter((l) => l.public === isPublic).map((l) => l.name);
    const target = isPublic ? 'internet gateway' : config.network.natGateway ? 'NAT gateway' : undefined;
    const detail = `${wantSubnets.join(', ')}${target ? `; 0.0.0.0/0 → ${target}` : ''}`;
    if (!t) {
      rows.push(row('network', 'create', RTB, rtName, { detail }));
      continue;
    }
    const changes = [];
    const assoc = wantSubnets.map((name) => found.subnets.find((s) => s.name === name)).filter((s) => !s || !t.subnetIds.includes(s.id));
    if (assoc.length) changes.push({ field: 'Associations', from: t.subnetIds.length, to: wantSubnets.length });
    if (isPublic && !t.igwRoute) changes.push({ field: 'Route 0.0.0.0/0', from: null, to: 'internet gateway' });
    if (!isPublic && config.network.natGateway && !t.natRoute) changes.push({ field: 'Route 0.0.0.0/0', from: null, to: 'NAT gateway' });
    rows.push(row('network', changes.length ? 'update' : 'reuse', RTB, rtName, { id: t.id, detail, changes }));
  }
  if (config.network.natGateway) {
    rows.push(nat
      ? row('network', 'reuse', NAT, n.nat, { id: nat.id })
      : row('network', 'create', NAT, n.nat, { detail: 'in the first public subnet', reason: NAT_COST }));
  }
  return rows;
}

function outputs(found: NetworkFound, config: StackConfig): Partial<NetworkOut> {
  if (!found.vpc) return {};
  const { pub, priv } = chooseSubnets(config, found);
  return { vpcId: found.vpc.id, publicSubnetIds: pub.map((s) => s.id), privateSubnetIds: priv.map((s) => s.id) };
}

/** Builds what the lab network lacks, in dependency order; each piece tagged at creation. */
async function apply(ctx: StepContext, found: NetworkFound): Promise<NetworkOut> {
  const { config, aws } = ctx;
  if (found.mode === 'existing') return outputs(found, config) as NetworkOut;
  const n = names(config);
  const tags = (name: string) => stackTags(config, name);
  const net = aws.network;
  ctx.progress.update(`VPC ${config.network.vpcName}`);
  const vpcId = found.vpc?.id ?? (await net.createVpc(config.network.vpcCidr, tags(config.network.vpcName)));
  let igwId = found.igw?.id;
  if (!igwId) {
    // A gateway created by a run that died before attaching it is ours and found by tag.
    const strays = (await net.findInternetGateways([{ Name: `tag:${STACK_TAG}`, Values: [config.stack] }])).filter((g) => g.vpcIds.length === 0);
    if (strays[0]) {
      igwId = strays[0].id;
      await net.attachInternetGateway(igwId, vpcId);
    } else igwId = await net.createInternetGateway(vpcId, tags(n.igw));
  }
  const subnetIds = new Map<string, string>();
  for (const l of labSubnets(config, found.azs)) {
    const s = found.subnets.find((x) => x.name === l.name);
    ctx.progress.update(`subnet ${l.name}`);
    if (!s) subnetIds.set(l.name, await net.createSubnet(vpcId, l.cidr, l.az, tags(l.name), l.public));
    else {
      subnetIds.set(l.name, s.id);
      if (l.public && !s.mapPublicIp) await net.setMapPublicIp(s.id);
    }
  }
  let natId = found.natGateways.find((g) => isOurs(g.tags, config))?.id;
  const layout = labSubnets(config, found.azs);
  for (const [rtName, isPublic] of [[n.publicRt, true], [n.privateRt, false]] as const) {
    ctx.progress.update(`route table ${rtName}`);
    const existing = found.routeTables.find((x) => x.tags.Name === rtName);
    const rtId = existing?.id ?? (await net.createRouteTable(vpcId, tags(rtName)));
    if (isPublic && !existing?.igwRoute) await net.createDefaultRoute(rtId, { gatewayId: igwId });
    if (!isPublic && config.network.natGateway && !existing?.natRoute) {
      if (!natId) {
        ctx.progress.update(`NAT gateway ${n.nat} (about 1–2 min)`);
        natId = await net.createNatGateway(subnetIds.get(layout[0]!.name)!, tags(n.nat), waitOpts(ctx, 'nat-gateway'));
      }
      await net.createDefaultRoute(rtId, { natGatewayId: natId });
    }
    for (const l of layout.filter((x) => x.public === isPublic)) {
      const sid = subnetIds.get(l.name)!;
      if (!existing?.subnetIds.includes(sid)) await net.associateRouteTable(rtId, sid);
    }
  }
  const ids = (pub: boolean) => layout.filter((l) => l.public === pub).map((l) => subnetIds.get(l.name)!);
  return { vpcId, publicSubnetIds: ids(true), privateSubnetIds: ids(false) };
}

/** Waiter options from the run's bounds. */
/** An SDK waiter's options for a wait of `kind` (its bound from AWS's typical time, see engine/waits.ts). */
export function waitOpts(ctx: StepContext, kind: WaitKind = 'other', extraTypicalSeconds = 0) {
  const b = ctx.waits.bound(kind, extraTypicalSeconds);
  return { maxWaitTime: b.maxWaitSeconds, minDelay: b.minDelay, maxDelay: b.maxDelay };
}

export const networkStep: Step<NetworkFound, NetworkOut> = {
  id: 'network',
  title: 'Network',
  needs: [],
  detect: (ctx) => detect(ctx),
  plan: (config, found) => plan(config, found),
  outputs: (config, found) => outputs(found, config),
  apply: (ctx, found) => apply(ctx, found),
};
