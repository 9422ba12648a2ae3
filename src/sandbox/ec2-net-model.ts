/**
 * What the EC2 network simulation files share: CIDR arithmetic, lookups that fail with EC2's own
 * `…NotFound` codes, the states EC2 derives from time (NAT gateways, a deleted load balancer's
 * network interfaces), and the few records the World model does not carry yet (Elastic IPs,
 * tags on security group rules, a NAT gateway's failure).
 */
import { ec2Error } from './errors.js';
import { instanceState } from './instance-model.js';
import { TIMES } from './timings.js';
import type {
  LoadBalancerRecord, NatGatewayRecord, SgRule, SimContext, SubnetRecord, Tag, VpcRecord, World,
} from './types.js';

/** An Elastic IP address (`AllocateAddress`), kept in `world.ec2.addresses`. */
export interface AddressRecord {
  allocationId: string;
  publicIp: string;
  tags: Tag[];
}

/** A security group rule may carry tags (`TagSpecifications` of type `security-group-rule`). */
export type TaggedSgRule = SgRule & { tags?: Tag[] };

/** A NAT gateway created where it cannot work fails after `pending`, as AWS's does. */
export type NatGatewayX = NatGatewayRecord & { failureCode?: string; failureMessage?: string };

/** The account's Elastic IPs (an optional list the World model does not declare). */
export function addresses(world: World): AddressRecord[] {
  const ec2 = world.ec2 as World['ec2'] & { addresses?: AddressRecord[] };
  ec2.addresses ??= [];
  return ec2.addresses;
}

// ---------------------------------------------------------------- CIDR

export interface Cidr {
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; `undefined` when malformed or when host bits are set (EC2 rejects both). */
export function parseCidr(text: string | undefined, { strict = true } = {}): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text ?? '');
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (strict && base % size !== 0) return undefined;
  return { base: base - (base % size), prefix };
}

export const cidrSize = (c: Cidr) => 2 ** (32 - c.prefix);

/** Whether `inner` lies wholly inside `outer`. */
export const cidrContains = (outer: Cidr, inner: Cidr) =>
  inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + cidrSize(inner) <= outer.base + cidrSize(outer);

export const cidrOverlaps = (a: Cidr, b: Cidr) => a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);

/** The dotted address `offset` addresses into `cidr`. */
export function addressAt(cidr: Cidr, offset: number): string {
  const n = cidr.base + offset;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function invalidCidr(value: string | undefined, parameter = 'cidrBlock'): Error {
  return ec2Error('InvalidParameterValue', `Value (${value ?? ''}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`);
}

// ---------------------------------------------------------------- lookups

const NOT_FOUND: [prefix: string, code: string, message: (id: string) => string][] = [
  ['vpc', 'InvalidVpcID.NotFound', (id) => `The vpc ID '${id}' does not exist`],
  ['subnet', 'InvalidSubnetID.NotFound', (id) => `The subnet ID '${id}' does not exist`],
  ['rtb', 'InvalidRouteTableID.NotFound', (id) => `The routeTable ID '${id}' does not exist`],
  ['igw', 'InvalidInternetGatewayID.NotFound', (id) => `The internetGateway ID '${id}' does not exist`],
  ['nat', 'InvalidNatGatewayID.NotFound', (id) => `The natGateway ID '${id}' does not exist`],
  ['sg', 'InvalidGroup.NotFound', (id) => `The security group '${id}' does not exist`],
  ['sgr', 'InvalidSecurityGroupRuleId.NotFound', (id) => `The security group rule ID '${id}' does not exist`],
  ['i', 'InvalidInstanceID.NotFound', (id) => `The instance ID '${id}' does not exist`],
  ['ami', 'InvalidAMIID.NotFound', (id) => `The image id '[${id}]' does not exist`],
  ['snap', 'InvalidSnapshot.NotFound', (id) => `The snapshot '${id}' does not exist.`],
  ['lt', 'InvalidLaunchTemplateId.NotFound', (id) => `The specified launch template, with template ID ${id}, does not exist.`],
  ['vol', 'InvalidVolume.NotFound', (id) => `The volume '${id}' does not exist.`],
  ['eipalloc', 'InvalidAllocationID.NotFound', (id) => `The allocation ID '${id}' does not exist`],
  ['rtbassoc', 'InvalidAssociationID.NotFound', (id) => `The association ID '${id}' does not exist`],
];

/** EC2's not-found error for an id, chosen by its prefix (`vpc-…` → `InvalidVpcID.NotFound`). */
export function notFound(id: string): Error {
  const prefix = id.includes('-') ? id.slice(0, id.lastIndexOf('-')) : '';
  const hit = NOT_FOUND.find(([p]) => p === prefix);
  if (!hit) return ec2Error('InvalidID', `The ID '${id}' is not valid`);
  return ec2Error(hit[1], hit[2](id));
}

/** The records named by `ids` (all of them when `ids` is empty); any unknown id fails the call. */
export function pickByIds<T extends { id: string }>(items: T[], ids: string[] | undefined): T[] {
  if (!ids?.length) return items;
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !items.some((r) => r.id === id));
  if (missing.length) throw notFound(missing[0]!);
  return items.filter((r) => wanted.includes(r.id));
}

/** `items.find(id)` or EC2's not-found error for the id. */
export function mustFind<T extends { id: string }>(items: T[], id: string | undefined, what: string): T {
  if (!id) throw ec2Error('MissingParameter', `The request must contain the parameter ${what}`);
  const rec = items.find((r) => r.id === id);
  if (!rec) throw notFound(id);
  return rec;
}

export const findVpc = (w: World, id: string | undefined): VpcRecord => mustFind(w.ec2.vpcs, id, 'vpcId');
export const findSubnet = (w: World, id: string | undefined): SubnetRecord => mustFind(w.ec2.subnets, id, 'subnetId');

export function dependencyViolation(kind: string, id: string): Error {
  return ec2Error('DependencyViolation', `The ${kind} '${id}' has dependencies and cannot be deleted.`);
}

export const arn = (w: World, type: string, id: string) => `arn:aws:ec2:${w.region}:${w.accountId}:${type}/${id}`;

/** Tags in the SDK's shape, omitted when there are none (EC2 sends no `tagSet` for an untagged resource). */
export const tagsOut = (tags: Tag[] | undefined) =>
  tags?.length ? { Tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {};

/** A `ClientToken` seen before answers with the resource it created then (EC2's idempotent creates). */
export function rememberedToken(w: World, command: string, token: string | undefined): string | undefined {
  return token ? w.ec2.clientTokens[`${command}:${token}`]?.[0] : undefined;
}

export function rememberToken(w: World, command: string, token: string | undefined, id: string): void {
  if (token) w.ec2.clientTokens[`${command}:${token}`] = [id];
}

// ---------------------------------------------------------------- derived states

export type NatState = 'pending' | 'available' | 'failed' | 'deleting' | 'deleted';

export function natState(ctx: SimContext, nat: NatGatewayX): NatState {
  if (nat.deletedAt !== undefined) {
    return ctx.now >= nat.deletedAt + ctx.duration(TIMES.natGatewayDeleting) ? 'deleted' : 'deleting';
  }
  if (ctx.now < nat.createdAt + ctx.duration(TIMES.natGatewayPendingToAvailable)) return 'pending';
  return nat.failureCode ? 'failed' : 'available';
}

/** Whether the NAT gateway still holds its network interface (and its Elastic IP). */
export const natHoldsEni = (ctx: SimContext, nat: NatGatewayX) => !['deleted', 'failed'].includes(natState(ctx, nat));

/** A load balancer's network interfaces stay some minutes after DeleteLoadBalancer. */
export function loadBalancerHoldsEnis(ctx: SimContext, lb: LoadBalancerRecord): boolean {
  return lb.deletedAt === undefined || ctx.now < lb.deletedAt + ctx.duration(TIMES.loadBalancerEniRelease);
}

export const instanceAlive = (ctx: SimContext, w: World) =>
  w.ec2.instances.filter((i) => instanceState(ctx, i) !== 'terminated');

/** The address a NAT gateway's interface takes in its subnet (stable for the gateway's id). */
export function natPrivateIp(w: World, nat: NatGatewayRecord): string {
  const subnet = w.ec2.subnets.find((s) => s.id === nat.subnetId);
  const cidr = parseCidr(subnet?.cidr) ?? { base: 10 * 2 ** 24, prefix: 24 };
  const usable = Math.max(1, cidrSize(cidr) - 5);
  return addressAt(cidr, 4 + (parseInt(nat.id.slice(-6), 16) % usable));
}

/** The network interface id EC2 would show for a NAT gateway's interface. */
export const natEniId = (nat: NatGatewayRecord) => `eni-${nat.id.slice(4)}`;
