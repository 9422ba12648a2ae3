/**
 * Surviving AWS's lags, in one helper. EC2 is eventually consistent: an id just created can
 * answer its `…NotFound` code to the next calls for a few seconds ("Eventual consistency in the
 * Amazon EC2 API"), and a new instance profile is refused by EC2 and Auto Scaling for ~10–40 s.
 * The SDK retries neither. Like terraform-provider-aws, every call that may name something just
 * created is wrapped in a bounded retry on exactly those errors, with exponential backoff and
 * full jitter; past the bound the last error goes on as it is, naming AWS's code.
 */
import { isAwsError } from '../errors.js';
import { pollDelayMs } from './poll.js';

/** How long to keep retrying, and how often. */
export interface PropagationPolicy {
  minDelayMs: number;
  maxDelayMs: number;
  /**
   * The bound: the most time spent waiting between tries. (Not the time since the first try: a
   * try the SDK itself retried for throttling must not use up the bound.)
   */
  maxWaitMs: number;
}

/** Real AWS: from a second up to ten, for two minutes (terraform-provider-aws's propagation timeout). */
export const AWS_PROPAGATION: PropagationPolicy = { minDelayMs: 1_000, maxDelayMs: 10_000, maxWaitMs: 120_000 };

/**
 * Against the sandbox, AWS's figures times its latency scale, with a floor: the instant profile
 * (scale 0) lags for a call or two, so a few milliseconds apart is enough and keeps the suite fast.
 */
export function scaledPropagation(scale: number): PropagationPolicy {
  return {
    minDelayMs: Math.max(2, AWS_PROPAGATION.minDelayMs * scale),
    maxDelayMs: Math.max(20, AWS_PROPAGATION.maxDelayMs * scale),
    maxWaitMs: Math.max(2_000, AWS_PROPAGATION.maxWaitMs * scale),
  };
}

/** The `…NotFound` code of each kind of EC2 id while it propagates. */
export const NOT_YET = {
  vpc: 'InvalidVpcID.NotFound',
  subnet: 'InvalidSubnetID.NotFound',
  routeTable: 'InvalidRouteTableID.NotFound',
  internetGateway: 'InvalidInternetGatewayID.NotFound',
  allocation: 'InvalidAllocationID.NotFound',
  securityGroup: 'InvalidGroup.NotFound',
  instance: 'InvalidInstanceID.NotFound',
  launchTemplateVersion: 'InvalidLaunchTemplateId.VersionNotFound',
} as const;

/** Runs `fn`, retrying while it fails with an error `transient` accepts, within the policy's bound. */
export async function retryWhile<T>(policy: PropagationPolicy, transient: (err: unknown) => boolean, fn: () => Promise<T>): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!transient(err)) throw err;
      const delay = pollDelayMs(attempt, policy.minDelayMs / 1000, policy.maxDelayMs / 1000);
      if (waited + delay > policy.maxWaitMs) throw err;
      waited += delay;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Runs `fn`, retrying while AWS answers one of `codes` (something it names is not visible yet). */
export function untilVisible<T>(policy: PropagationPolicy, codes: readonly string[], fn: () => Promise<T>): Promise<T> {
  return retryWhile(policy, (err) => isAwsError(err, ...codes), fn);
}

/**
 * A new instance profile not yet known to EC2: Auto Scaling's `ValidationError` "… Value (…) for
 * parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN", EC2's
 * `InvalidParameterValue` with the same words, or the older "Invalid IamInstanceProfile".
 */
export function isIamPropagation(err: unknown): boolean {
  if (!isAwsError(err, 'ValidationError', 'InvalidParameterValue')) return false;
  return /iamInstanceProfile\.(arn|name) is invalid|Invalid IamInstanceProfile/i.test((err as Error).message ?? '');
}
