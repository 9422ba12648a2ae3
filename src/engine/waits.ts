/**
 * How long each wait may take. A bound is AWS's typical time for the thing waited on, times a
 * margin, so a slow but healthy AWS never trips it (one global 120 s did: status checks alone
 * take 2–4 minutes). Against the sandbox the typical times shrink with its latency scale (the
 * one this run uses, given by the environment or kept in the account file), never below a
 * floor that leaves room for the SDK's own polling.
 */

/** What a step waits for. */
export type WaitKind =
  | 'instance-running'
  | 'status-checks'
  | 'user-data'
  | 'image-available'
  | 'load-balancer-active'
  | 'group-in-service'
  | 'instance-refresh'
  | 'targets-healthy'
  | 'nat-gateway'
  | 'instance-terminated'
  | 'security-group-released'
  | 'group-deleted'
  | 'load-balancer-deleted'
  | 'nat-gateway-deleted'
  | 'other';

/**
 * AWS's typical upper time for each, in seconds (src/sandbox/BEHAVIOUR.md, "Lifecycles"). Group
 * waits add the group's own health check grace period and size (see `groupInServiceSeconds`).
 */
export const AWS_TYPICAL_SECONDS: Record<WaitKind, number> = {
  'instance-running': 60,
  'status-checks': 240,
  // The lab's user data (dnf install, dnf update, the SDK for PHP) on a t2.micro.
  'user-data': 300,
  'image-available': 600,
  'load-balancer-active': 240,
  // One instance launched, running, registered and healthy (5 checks × 30 s) before its grace period is added.
  'group-in-service': 240,
  'instance-refresh': 240,
  'targets-healthy': 180,
  'nat-gateway': 300,
  'instance-terminated': 120,
  // A terminated instance's or deleted load balancer's network interfaces are released "minutes" later.
  'security-group-released': 600,
  // Its instances drain from the target group (300 s deregistration delay by default), then terminate.
  'group-deleted': 420,
  'load-balancer-deleted': 120,
  'nat-gateway-deleted': 300,
  other: 300,
};

/**
 * AWS's typical lower time for each, in seconds: with the upper one, the range a progress line
 * states ("AWS: 3–10 min") so a person knows a wait is normal.
 */
export const AWS_TYPICAL_LOW_SECONDS: Record<WaitKind, number> = {
  'instance-running': 20,
  'status-checks': 120,
  'user-data': 180,
  'image-available': 180,
  'load-balancer-active': 120,
  'group-in-service': 90,
  'instance-refresh': 120,
  'targets-healthy': 60,
  'nat-gateway': 60,
  'instance-terminated': 30,
  'security-group-released': 60,
  'group-deleted': 60,
  'load-balancer-deleted': 30,
  'nat-gateway-deleted': 60,
  other: 30,
};

/** "AWS: 3–10 min": how long AWS typically takes for a wait of `kind` (plus `extraSeconds` on both ends). */
export function estimate(kind: WaitKind, extraSeconds = 0): string {
  const min = (s: number) => Math.max(1, Math.round(s / 60));
  const [lo, hi] = [min(AWS_TYPICAL_LOW_SECONDS[kind] + extraSeconds), min(AWS_TYPICAL_SECONDS[kind] + extraSeconds)];
  return `AWS: ${lo === hi ? `about ${hi}` : `${lo}–${hi}`} min`;
}

/** A bound is this many times AWS's typical time. */
export const MARGIN = 3;
/** No bound below this, in seconds: room for a few polls even when the sandbox is instant. */
export const FLOOR_SECONDS = 120;

/**
 * Poll delays against AWS, in seconds. A wait's last poll comes up to one delay after what it
 * waits for, and the waits on the way to a working stack add up (instance running, user data,
 * image, launches, targets healthy), so the longest delay is the SDK waiters' own first delay
 * (15 s: their later ones grow to 120 s); the shortest keeps one wait at a poll every 5 s.
 */
export const AWS_POLL_DELAYS = { minDelay: 5, maxDelay: 15 } as const;
/**
 * The least poll delays, in seconds: the instant sandbox (scale 0) reaches a state by the next
 * call, so a wait there polls a few times a second, never in a tight loop.
 */
export const MIN_POLL_DELAYS = { minDelay: 0.02, maxDelay: 0.1 } as const;

/**
 * A wait's poll delays at latency `scale`: AWS's, scaled as the durations waited for are (a
 * sandbox at 1/100 polled every few seconds would overshoot each wait by minutes of its time).
 */
export function pollDelays(scale: number): { minDelay: number; maxDelay: number } {
  return {
    minDelay: Math.max(MIN_POLL_DELAYS.minDelay, AWS_POLL_DELAYS.minDelay * scale),
    maxDelay: Math.max(MIN_POLL_DELAYS.maxDelay, AWS_POLL_DELAYS.maxDelay * scale),
  };
}

/** Waiter bounds for a run, as tests give them (`maxWaitSeconds` then bounds every wait). */
export interface WaitOverride { maxWaitSeconds: number; minDelay: number; maxDelay: number }

/** One wait's bound and poll delays, in seconds. */
export interface WaitBound { maxWaitSeconds: number; minDelay: number; maxDelay: number }

/** The bounds of one run. */
export interface WaitPolicy {
  /**
   * The bound for `kind`: (AWS's typical time + `extraTypicalSeconds`, for waits that depend on
   * the group) × the latency scale × the margin, at least the floor; or the test's override.
   */
  bound(kind: WaitKind, extraTypicalSeconds?: number): WaitBound;
  /** The latency scale the bounds follow (1 for AWS). */
  readonly scale: number;
}

/**
 * The bounds for a run against AWS (`scale` 1) or a sandbox at `scale`; `override` (tests)
 * replaces every bound and delay.
 */
export function waitPolicy(scale: number, override?: WaitOverride): WaitPolicy {
  const delays = pollDelays(scale);
  return {
    scale,
    bound(kind, extra = 0) {
      if (override) return { ...override };
      const typical = (AWS_TYPICAL_SECONDS[kind] + extra) * scale;
      return { maxWaitSeconds: Math.max(FLOOR_SECONDS, Math.ceil(typical * MARGIN)), ...delays };
    },
  };
}

/**
 * What a group's wait for its desired capacity adds to the typical launch: its health check
 * grace period (ELB health counts only after it; instances stay Pending until then).
 */
export function groupInServiceExtra(healthCheckGracePeriod: number): number {
  return healthCheckGracePeriod;
}

/**
 * What an instance refresh adds: it replaces `instances` in batches that keep
 * `minHealthyPercentage` in service, each batch a launch plus its warm-up; with auto rollback a
 * failed refresh then replaces them all again.
 */
export function instanceRefreshExtra(instances: number, minHealthyPercentage: number, warmupSeconds: number, rollback: boolean): number {
  const n = Math.max(1, instances);
  const perBatch = Math.max(1, n - Math.ceil((n * minHealthyPercentage) / 100));
  const batches = Math.ceil(n / perBatch);
  const oneWay = batches * (AWS_TYPICAL_SECONDS['instance-refresh'] + warmupSeconds);
  return (rollback ? 2 * oneWay : oneWay) - AWS_TYPICAL_SECONDS['instance-refresh'];
}
