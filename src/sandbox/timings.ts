/**
 * How long AWS typically takes, in ms, before the latency profile scales it (0 = instant,
 * 1 = realistic). Every simulated wait reads its figure here, so the benchmark's sense of time
 * has one source.
 */
export const TIMES = {
  instancePendingToRunning: 30_000,
  instanceRunningToChecksOk: 150_000,
  /** The lab's user data (dnf install httpd php mysql…) after boot. */
  userDataFromBoot: 90_000,
  /** httpd starting on an image that already has it. */
  serviceFromBootBaked: 20_000,
  instanceShuttingDown: 45_000,
  imagePendingToAvailable: 240_000,
  loadBalancerProvisioning: 150_000,
  /** A deleted load balancer's network interfaces linger; its security groups stay in use. */
  loadBalancerEniRelease: 120_000,
  natGatewayPendingToAvailable: 90_000,
  natGatewayDeleting: 60_000,
  /** Auto Scaling notices a desired-capacity change and starts activities. */
  autoScalingReaction: 5_000,
  /** A new EC2 id (or launch template version) answers NotFound for a seeded share of this range. */
  readAfterCreateMin: 1_000,
  readAfterCreateMax: 5_000,
  /** A new instance profile is refused by EC2 and Auto Scaling for this long (eksctl#8039 saw 34 s). */
  iamPropagationMin: 10_000,
  iamPropagationMax: 40_000,
  /** A terminated instance's network interface holds its security groups this long. */
  instanceEniReleaseMin: 60_000,
  instanceEniReleaseMax: 180_000,
} as const;
