/**
 * IAM propagation: a new instance profile (or one whose role just changed) is not yet known to
 * EC2 and Auto Scaling. For ~10–40 s RunInstances answers `InvalidParameterValue` and
 * CreateAutoScalingGroup / UpdateAutoScalingGroup / StartInstanceRefresh answer
 * `ValidationError` "You must use a valid fully-formed launch template. Value (…) for parameter
 * iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN" (terraform-provider-aws
 * #4769, #24910 and PR #40088; eksctl #8039 saw 34 s between the profile and a working group).
 * In the instant profile the next one or two uses are refused.
 */
import { asLag, startLag, stillLags } from './lag.js';
import { TIMES } from './timings.js';
import type { InstanceProfileRecord, SimContext } from './types.js';

const key = (arn: string) => `profile:${arn}`;

/** After a successful IAM call: a profile created, or given its role, starts to propagate. */
export function noteProfileChange(ctx: SimContext, input: Record<string, unknown>, output: Record<string, unknown>): void {
  let arn: string | undefined;
  if (ctx.command === 'CreateInstanceProfile') arn = (output.InstanceProfile as { Arn?: string } | undefined)?.Arn;
  if (ctx.command === 'AddRoleToInstanceProfile') arn = ctx.world.iam.instanceProfiles.find((p) => p.name === input.InstanceProfileName)?.arn;
  if (arn) startLag(ctx, key(arn));
}

/** Whether EC2 / Auto Scaling still cannot see the profile (each refusal is one use, instant profile). */
export function profilePropagating(ctx: SimContext, profile: InstanceProfileRecord): boolean {
  return stillLags(ctx, key(profile.arn), TIMES.iamPropagationMin, TIMES.iamPropagationMax);
}

/** EC2's words for a profile it does not know: by ARN or by name, as the request gave it. */
export function invalidProfileMessage(spec: { Arn?: string; Name?: string }): string {
  return spec.Arn
    ? `Value (${spec.Arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`
    : `Value (${spec.Name ?? ''}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`;
}

/**
 * The profile a launch names, or the error to throw: `refuse` builds the service's error from
 * EC2's message (InvalidParameterValue for EC2, ValidationError for Auto Scaling).
 */
export function usableProfile(
  ctx: SimContext,
  spec: { Arn?: string; Name?: string },
  refuse: (message: string) => Error,
): InstanceProfileRecord {
  const profile = ctx.world.iam.instanceProfiles.find((p) => (spec.Arn ? p.arn === spec.Arn : p.name === spec.Name));
  if (!profile) throw refuse(invalidProfileMessage(spec));
  if (profilePropagating(ctx, profile)) throw asLag(refuse(invalidProfileMessage(spec)), 'iam-propagation');
  return profile;
}
