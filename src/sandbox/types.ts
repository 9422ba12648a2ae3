/**
 * The simulated AWS account's data model. Every service simulation (`ec2.ts`, `elbv2.ts`, …)
 * reads and writes one `World`, persisted as JSON between commands; cross-service effects (an
 * Auto Scaling group launching EC2 instances and registering them with a target group) go
 * through these shared records, so one service never reaches into another's private state.
 *
 * Times are epoch milliseconds on the sandbox clock (`SimContext.now`), which is the wall
 * clock plus `world.clock.offsetMs` (tests move it forward instead of sleeping). Lifecycle
 * states that AWS changes on its own (pending → running, provisioning → active) are stored as
 * "reached at" timestamps and derived on read, so a process that comes back later sees the
 * world as it would be by then.
 */

export type Tag = { Key: string; Value: string };

export interface VpcRecord {
  id: string;
  cidr: string;
  isDefault: boolean;
  tags: Tag[];
  enableDnsHostnames: boolean;
  enableDnsSupport: boolean;
}

export interface SubnetRecord {
  id: string;
  vpcId: string;
  cidr: string;
  az: string;
  azId: string;
  mapPublicIpOnLaunch: boolean;
  defaultForAz: boolean;
  tags: Tag[];
}

export interface RouteRecord {
  destinationCidr: string;
  gatewayId?: string; // igw-… or "local"
  natGatewayId?: string;
}

export interface RouteTableRecord {
  id: string;
  vpcId: string;
  main: boolean;
  routes: RouteRecord[];
  associations: { id: string; subnetId?: string; main: boolean }[];
  tags: Tag[];
}

export interface InternetGatewayRecord {
  id: string;
  attachments: { vpcId: string; state: 'available' }[];
  tags: Tag[];
}

export interface NatGatewayRecord {
  id: string;
  subnetId: string;
  vpcId: string;
  allocationId?: string;
  createdAt: number;
  deletedAt?: number;
  tags: Tag[];
}

export interface SgRule {
  ipProtocol: string; // "tcp", "-1", …
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  referencedGroupId?: string;
  description?: string;
  ruleId: string;
}

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  ingress: SgRule[];
  egress: SgRule[];
  tags: Tag[];
}

export interface InstanceRecord {
  id: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  vpcId: string;
  az: string;
  privateIp: string;
  publicIp?: string;
  securityGroupIds: string[];
  userData?: string; // base64, as given
  httpTokens: 'required' | 'optional';
  iamInstanceProfileArn?: string;
  launchTemplate?: { id: string; name: string; version: string };
  clientToken?: string;
  tags: Tag[];
  volumeTags: Tag[];
  volumeId: string;
  launchedAt: number;
  /** When the instance leaves `pending` for `running`. */
  runningAt: number;
  /** When both status checks pass (`ok`). */
  checksOkAt: number;
  /** When the web page answers (never, if nothing installs a web server). */
  serviceUpAt?: number;
  /** When the user data has run to its end (absent without user data). */
  userDataDoneAt?: number;
  /** Set by TerminateInstances (or by Auto Scaling): shutting-down until `terminatedAt`. */
  terminatingAt?: number;
  terminatedAt?: number;
  stateReason?: string;
  /** RunInstances' reservation (instances Auto Scaling launches get one derived from their id). */
  reservationId?: string;
  /** Position within its RunInstances call. */
  amiLaunchIndex?: number;
  /** Until when `/load?seconds=N` on its web page keeps the CPU busy (read by Auto Scaling's CPU metric). */
  cpuBurnUntil?: number;
  /** When the current CPU burn began (the CPU metric's datapoints read it). */
  cpuBurnFrom?: number;
}

export interface ImageRecord {
  id: string;
  name: string;
  description?: string;
  ownerId: string;
  sourceInstanceId?: string;
  architecture: 'x86_64' | 'arm64';
  rootDeviceName: string;
  snapshotIds: string[];
  createdAt: number;
  availableAt: number;
  deregisteredAt?: number;
  tags: Tag[];
  /** True for public images (Amazon Linux), which are not ours to deregister. */
  public: boolean;
  /** Whether instances launched from it serve the web page (baked with the lab's user data). */
  servesHttp: boolean;
  /** Whether its web server's `/load` asks for the stack's load token (baked with a load.php that does). */
  loadGuarded?: boolean;
}

export interface SnapshotRecord {
  id: string;
  volumeSize: number;
  createdAt: number;
  tags: Tag[];
  /** `Created by CreateImage(i-…) for ami-…`, as EC2 writes it. */
  description?: string;
  volumeId?: string;
  /** pending until then, completed after. */
  completedAt?: number;
}

export interface LaunchTemplateVersionRecord {
  number: number;
  description?: string;
  createdAt: number;
  data: Record<string, unknown>; // RequestLaunchTemplateData as given (SDK shape)
}

export interface LaunchTemplateRecord {
  id: string;
  name: string;
  defaultVersion: number;
  latestVersion: number;
  versions: LaunchTemplateVersionRecord[];
  clientToken?: string;
  createdAt: number;
  tags: Tag[];
}

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  dnsName: string;
  scheme: 'internet-facing' | 'internal';
  type: 'application' | 'network';
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  ipAddressType: string;
  createdAt: number;
  activeAt: number;
  tags: Tag[];
  /** After DeleteLoadBalancer its network interfaces linger; its groups stay in use until then. */
  deletedAt?: number;
  /** Attributes changed from AWS's defaults (ModifyLoadBalancerAttributes). */
  attributes?: Record<string, string>;
  /** Round-robin position of the sandbox's HTTP GET over healthy targets. */
  rrNext?: number;
}

export interface TargetRecord {
  id: string;
  port: number;
  az?: string;
  registeredAt: number;
  /** Set on deregistration: draining until `drainedAt`. */
  deregisteredAt?: number;
  drainedAt?: number;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: 'instance' | 'ip';
  healthCheck: {
    protocol: string;
    path: string;
    port: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    matcher: string;
  };
  deregistrationDelaySeconds: number;
  /** Attributes changed from AWS's defaults, other than the deregistration delay. */
  attributes?: Record<string, string>;
  targets: TargetRecord[];
  createdAt: number;
  tags: Tag[];
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  protocol: string;
  port: number;
  certificateArns: string[];
  defaultActions: { Type: string; TargetGroupArn?: string; [k: string]: unknown }[];
  tags: Tag[];
  /** HTTPS listeners' security policy. */
  sslPolicy?: string;
}

export interface ScalingActivityRecord {
  id: string;
  groupName: string;
  description: string;
  cause: string;
  startTime: number;
  endTime?: number;
  statusCode: 'Successful' | 'InProgress' | 'Failed' | 'Cancelled' | 'PreInService' | 'WaitingForELBConnectionDraining';
  statusMessage?: string;
  progress: number;
  details: Record<string, string>;
  instanceId?: string;
  event?: 'launch' | 'terminate';
}

export interface AsgInstanceRecord {
  instanceId: string;
  az: string;
  lifecycle: 'Pending' | 'InService' | 'Terminating' | 'Terminated' | 'Standby';
  health: 'Healthy' | 'Unhealthy';
  launchTemplate?: { id: string; name: string; version: string };
  instanceType: string;
  protectedFromScaleIn: boolean;
  launchedAt: number;
  /** Its launch activity, completed when the instance goes InService. */
  launchActivityId?: string;
  /** Its termination activity, completed when EC2 reports it terminated. */
  terminateActivityId?: string;
  /** Registered with the group's target groups (AddToLoadBalancer done). */
  registered?: boolean;
  inServiceAt?: number;
  /** Why it was marked Unhealthy: the cause of its replacement follows from it. */
  unhealthyReason?: 'ec2' | 'elb' | 'user';
  /** EC2 termination waits for the target groups' connection draining until then. */
  drainUntil?: number;
}

export interface ScalingPolicyRecord {
  arn: string;
  name: string;
  groupName: string;
  policyType: 'TargetTrackingScaling' | 'SimpleScaling' | 'StepScaling' | 'PredictiveScaling';
  targetTracking?: Record<string, unknown>; // TargetTrackingConfiguration, SDK shape
  estimatedInstanceWarmup?: number;
  enabled: boolean;
  alarms: { AlarmName: string; AlarmARN: string }[];
  /** Simple / step scaling settings as given (AdjustmentType, ScalingAdjustment, StepAdjustments, …). */
  adjustments?: Record<string, unknown>;
  /** Target tracking: since when the metric has been above / below the target. */
  highSince?: number;
  lowSince?: number;
  /** When the high / low alarm last triggered the policy (it triggers again each evaluation window while in ALARM). */
  highFiredAt?: number;
  lowFiredAt?: number;
  /** The policy's alarms' states as CloudWatch shows them (`DescribeAlarms`), by AlarmHigh / AlarmLow. */
  alarmStates?: Partial<Record<'high' | 'low', AlarmStateRecord>>;
}

/** A CloudWatch alarm's state, with when it was entered and why (AWS's words). */
export interface AlarmStateRecord {
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  since: number;
  reason: string;
}

export interface ScheduledActionRecord {
  arn: string;
  name: string;
  groupName: string;
  recurrence?: string;
  startTime?: number;
  endTime?: number;
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
  timeZone?: string;
  createdAt?: number;
  /** Last time the action ran (recurring actions run again at the next cron match). */
  lastRunAt?: number;
}

export interface InstanceRefreshRecord {
  id: string;
  groupName: string;
  status: 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelling' | 'Cancelled' | 'RollbackInProgress' | 'RollbackSuccessful';
  startTime: number;
  endTime?: number;
  preferences: Record<string, unknown>;
  desiredConfiguration?: Record<string, unknown>;
  percentageComplete: number;
  statusReason?: string;
  /** Instances still to replace (ids present when the refresh started). */
  toReplace?: string[];
  totalToReplace?: number;
  /** Launch template the refresh rolls out (a resolved spec). */
  target?: { id: string; name: string; version: string };
  /** What a rollback restores (the group's numbered version before the refresh). */
  rollbackTo?: { id: string; name: string; version: string };
  /** Last time an instance was replaced: a refresh stuck for too long fails. */
  lastProgressAt?: number;
}

export interface AutoScalingGroupRecord {
  name: string;
  arn: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  defaultInstanceWarmup?: number;
  subnetIds: string[];
  targetGroupArns: string[];
  healthCheckType: 'EC2' | 'ELB';
  healthCheckGracePeriod: number;
  instances: AsgInstanceRecord[];
  suspendedProcesses: string[];
  /** SuspensionReason per suspended process ("User suspended at …"). */
  suspensionReasons?: Record<string, string>;
  enabledMetrics: string[];
  tags: { Key: string; Value: string; PropagateAtLaunch: boolean }[];
  createdAt: number;
  /** Set by DeleteAutoScalingGroup: "Delete in progress" until its instances are gone. */
  deletingAt?: number;
  newInstancesProtectedFromScaleIn: boolean;
  /** Cause of the latest desired-capacity change; prefixes activity causes until capacity matches. */
  capacityCause?: string;
  /** Cause of launches that follow replacements (an instance refresh). */
  replaceCause?: string;
  /** Capacity is next reconciled then (reaction delay after a change, back-off after a failed launch). */
  capacityCheckAt?: number;
}

export interface NotificationConfigurationRecord {
  groupName: string;
  topicArn: string;
  types: string[];
}

export interface TopicRecord {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Tag[];
}

export interface SubscriptionRecord {
  arn: string; // "PendingConfirmation" is what AWS returns until confirmed; we keep the real one here
  topicArn: string;
  protocol: string;
  endpoint: string;
  confirmed: boolean;
  attributes: Record<string, string>;
}

/** A message SNS would have delivered: what a subscriber of the topic receives. */
export interface DeliveredMessage {
  id: string;
  topicArn: string;
  subject?: string;
  message: string; // the JSON body as AWS sends it
  at: number;
}

export interface SsmParameterRecord {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModified: number;
}

export interface RoleRecord {
  name: string;
  arn: string;
  id: string;
  path: string;
  assumeRolePolicyDocument: string;
  attachedPolicyArns: string[];
  createdAt: number;
  tags: Tag[];
  description?: string;
  /** Seconds (3600–43200); AWS's default is 3600. */
  maxSessionDuration?: number;
}

export interface InstanceProfileRecord {
  name: string;
  arn: string;
  id: string;
  path: string;
  roleNames: string[];
  createdAt: number;
  tags: Tag[];
}

/** One call the sandbox answered (or refused), for tests and `--sandbox` inspection. */
export interface CallRecord {
  seq: number;
  service: string;
  command: string;
  mutating: boolean;
  at: number;
  error?: string;
  injected?: boolean;
  /** Set when the error was one of AWS's lags (`lag.ts`): not yet visible, not yet propagated, still held. */
  lag?: LagKind;
}

/** The lags of AWS the sandbox simulates (`lag.ts`). */
export type LagKind = 'consistency' | 'iam-propagation' | 'eni-release';

/** One thing that still lags: since when, and (instant profile) how many more calls it answers as lagging. */
export interface LagEntry {
  at: number;
  left: number;
}

export interface FaultSettings {
  /** Fail the Nth mutating call of this process (1-based), once. */
  failWriteAt?: number;
  /** `before`: the write does not happen; `after`: it happens but the answer is lost. */
  failMode?: 'before' | 'after';
  /** Share (0–1) of calls answered with a throttling error that the SDK retries. */
  throttleRate?: number;
  /** Seed for the throttling draw, so a test run is repeatable. */
  seed?: number;
}

export interface SandboxSettings {
  /**
   * Multiplies every simulated duration: 0 = instant (a resource reaches its next state by the
   * next call), 1 = realistic (AWS's typical minutes), 0.01 = a hundred times faster.
   */
  latencyScale: number;
  /** Added to every answer, in ms (before scaling): simulated network round trip. */
  callLatencyMs: number;
}

export interface World {
  format: 1;
  /** Bumped by every write of the file: a process tells another's write from its own by it. */
  rev?: number;
  accountId: string;
  /** The region every resource lives in (the sandbox simulates one region). */
  region: string;
  azs: { name: string; id: string }[];
  seq: number;
  clock: { offsetMs: number };
  settings: SandboxSettings;
  faults: FaultSettings;
  /** The caller's public IP as a "what is my IP" service would see it. */
  callerIp: string;
  ec2: {
    vpcs: VpcRecord[];
    subnets: SubnetRecord[];
    routeTables: RouteTableRecord[];
    internetGateways: InternetGatewayRecord[];
    natGateways: NatGatewayRecord[];
    securityGroups: SecurityGroupRecord[];
    instances: InstanceRecord[];
    images: ImageRecord[];
    snapshots: SnapshotRecord[];
    launchTemplates: LaunchTemplateRecord[];
    /** Client tokens already used, with the result ids, for idempotent retries. */
    clientTokens: Record<string, string[]>;
    /** RunInstances tokens whose instances EC2 no longer lists: when they terminated (bound for a day after). */
    tokenReleasedAt?: Record<string, number>;
    offeredInstanceTypes: string[];
  };
  elbv2: {
    loadBalancers: LoadBalancerRecord[];
    targetGroups: TargetGroupRecord[];
    listeners: ListenerRecord[];
  };
  autoscaling: {
    groups: AutoScalingGroupRecord[];
    activities: ScalingActivityRecord[];
    policies: ScalingPolicyRecord[];
    scheduledActions: ScheduledActionRecord[];
    notificationConfigurations: NotificationConfigurationRecord[];
    instanceRefreshes: InstanceRefreshRecord[];
  };
  sns: {
    topics: TopicRecord[];
    subscriptions: SubscriptionRecord[];
    delivered: DeliveredMessage[];
  };
  ssm: { parameters: SsmParameterRecord[] };
  iam: { roles: RoleRecord[]; instanceProfiles: InstanceProfileRecord[] };
  /** ACM certificates (absent from account files made before ACM was simulated). */
  acm?: { certificates: CertificateRecord[] };
  /** The most recent calls (capped), newest last. */
  calls: CallRecord[];
  /** What still lags (`lag.ts`), by key: `sg-0a1…`, `lt-0a1…:v2`, `profile:arn:…`, `eni:i-0a1…`. Absent in older files. */
  lag?: Record<string, LagEntry>;
  /** Local and Wavelength Zones beside the AZs (`ec2-zones.ts`). Absent in older files: seeded on first use. */
  otherZones?: ZoneRecord[];
}

/** An ACM certificate: requested (pending validation until DNS or e-mail says so) or imported. */
export interface CertificateRecord {
  arn: string;
  domainName: string;
  subjectAlternativeNames: string[];
  type: 'AMAZON_ISSUED' | 'IMPORTED';
  createdAt: number;
  /** Imported: when it stops being valid (EXPIRED after). */
  notAfter?: number;
  notBefore?: number;
  /** Requested: the client's idempotency token, for a retried request. */
  idempotencyToken?: string;
  tags: Tag[];
}

/** A zone that is not an availability zone: a Local Zone or a Wavelength Zone. */
export interface ZoneRecord {
  name: string;
  id: string;
  type: 'local-zone' | 'wavelength-zone';
  optInStatus: 'opted-in' | 'not-opted-in';
  /** The zone group (`us-west-2-lax-1`, `us-east-1-wl1-bos-wlz-1`), the network border group and the AZ it hangs off. */
  groupName: string;
  borderGroup: string;
  parentZoneName: string;
}

/** What a service handler gets: the world, the sandbox clock and id/duration helpers. */
export interface SimContext {
  world: World;
  /** Sandbox clock, epoch ms. */
  now: number;
  /** A new id such as `vpc-0a1b2c3d4e5f60718` (17 hex digits, as EC2's are). */
  newId(prefix: string): string;
  /** A typical AWS duration in ms, scaled by the latency profile. */
  duration(realisticMs: number): number;
  /** This process's latency scale (0: instant, where a lag lasts a number of calls instead of a time). */
  scale: number;
  /** Name of the command being answered (e.g. `CreateVpc`). */
  command: string;
  /** False only when a test switched AWS's lags off (`SandboxOptions.consistency`). */
  lag?: boolean;
}

/** Answers one SDK command: returns the output shape (without `$metadata`) or throws. */
export type Handler = (ctx: SimContext, input: any) => unknown | Promise<unknown>;

/** One simulated service. `tick` advances what AWS does on its own (launches, health). */
export interface ServiceSim {
  /** The SDK client's `clientName` in the middleware context, e.g. `EC2Client`. */
  clientName: string;
  handlers: Record<string, Handler>;
  tick?(ctx: SimContext): void;
}
