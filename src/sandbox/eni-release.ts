/**
 * A terminated instance's network interface is released some time after the instance is
 * `terminated`, and until then its security groups and its subnet are still in use: deleting
 * them answers `DependencyViolation` (AWS: "Network interfaces of terminated instances …";
 * terraform-provider-aws retries DependencyViolation on security group deletion for this).
 * In the instant profile the next one or two delete attempts that meet it are refused.
 */
import { hasLag, lagsOn, startLag, stillLags } from './lag.js';
import { TIMES } from './timings.js';
import type { InstanceRecord, SimContext } from './types.js';

/** Whether the terminated instance's interface still holds what it was attached to (one meeting used). */
export function eniStillHeld(ctx: SimContext, rec: InstanceRecord): boolean {
  if (!lagsOn(ctx) || rec.terminatedAt === undefined || ctx.now < rec.terminatedAt) return false;
  const key = `eni:${rec.id}`;
  // Started lazily, as of the termination: a process that comes back later sees the same window.
  if (!hasLag(ctx.world, key)) startLag(ctx, key, rec.terminatedAt);
  return stillLags(ctx, key, TIMES.instanceEniReleaseMin, TIMES.instanceEniReleaseMax);
}
