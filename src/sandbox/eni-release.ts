/**
 * A terminated instance's network interface is released some time after the instance is
 * `terminated`, and until then its security groups and its subnet are still in use: deleting
 * them answers `DependencyViolation` (AWS: "Network interfaces of terminated instances …";
 * terraform-provider-aws retries DependencyViolation on security group deletion for this).
 * In the instant profile the next one or two delete attempts that meet it are refused.
 */
import { hasLag, lagsOn, startLag, stillLags } from './lag.js';
import { TIMES } from './timings.js';
import type { InstanceRecord, LoadBalancerRecord, NatGatewayRecord, SimContext } from './types.js';

/** Whether the terminated instance's interface still holds what it was attached to (one meeting used). */
export function eniStillHeld(ctx: SimContext, rec: InstanceRecord): boolean {
  if (!lagsOn(ctx) || rec.terminatedAt === undefined || ctx.now < rec.terminatedAt) return false;
  const key = `eni:${rec.id}`;
  // Started lazily, as of the termination: a process that comes back later sees the same window.
  if (!hasLag(ctx.world, key)) startLag(ctx, key, rec.terminatedAt);
  return stillLags(ctx, key, TIMES.instanceEniReleaseMin, TIMES.instanceEniReleaseMax);
}

/**
 * Whether a deleted load balancer's network interfaces still hold its security groups, its
 * subnets and the VPC's public addresses (a delete or a detach meeting them is refused). The
 * same lag as an instance's: the next one or two attempts in the instant profile, else AWS's
 * "some minutes", scaled.
 */
export function loadBalancerEniStillHeld(ctx: SimContext, lb: LoadBalancerRecord): boolean {
  if (lb.deletedAt === undefined || ctx.now < lb.deletedAt) return false;
  if (!lagsOn(ctx)) return ctx.now < lb.deletedAt + ctx.duration(TIMES.loadBalancerEniRelease);
  const key = `eni:${lb.arn}`;
  if (!hasLag(ctx.world, key)) startLag(ctx, key, lb.deletedAt);
  return stillLags(ctx, key, TIMES.loadBalancerEniRelease, TIMES.loadBalancerEniRelease);
}

/** How long after a NAT gateway is `deleted` its Elastic IP still cannot be released (AWS: "a small pause"). */
const NAT_ADDRESS_RELEASE_MIN = 5_000;
const NAT_ADDRESS_RELEASE_MAX = 20_000;

/**
 * Whether the Elastic IP of a NAT gateway that is `deleted` is still held: ReleaseAddress is
 * refused for a short while even after DescribeNatGateways says `deleted`.
 */
export function natAddressStillHeld(ctx: SimContext, nat: NatGatewayRecord, deletedAt: number): boolean {
  if (!lagsOn(ctx) || !nat.allocationId || ctx.now < deletedAt) return false;
  const key = `eip:${nat.allocationId}`;
  if (!hasLag(ctx.world, key)) startLag(ctx, key, deletedAt);
  return stillLags(ctx, key, NAT_ADDRESS_RELEASE_MIN, NAT_ADDRESS_RELEASE_MAX);
}
