/**
 * One flag per answer: the table that ties a config key (`asg.minSize`) to its flag
 * (`--min-size`, the AWS CLI's name where one exists), so commander's options, the error
 * messages ("--min-size (asg.minSize) …") and the prompts' skip-if-given rule share one source.
 */

export type FlagKind = 'string' | 'int' | 'number' | 'list' | 'bool';

/** The lab step a flag belongs to (its group in `--help`). */
export type FlagGroup = 'network' | 'image' | 'load-balancer' | 'instances' | 'auto-scaling' | 'notifications';

export interface FlagSpec {
  key: string;
  flag: string;
  kind: FlagKind;
  description: string;
}

/** The help group of a config key: its first part names the lab step. */
export function flagGroup(key: string): FlagGroup {
  const top = key.split('.')[0]!;
  if (top === 'alb') return 'load-balancer';
  if (top === 'asg') return 'auto-scaling';
  if (top === 'launchTemplate') return 'instances';
  return top as FlagGroup;
}

/** `--help` headings, in the lab's order. */
export const GROUP_HEADINGS: Record<FlagGroup, string> = {
  network: 'Network (VPC and subnets):',
  image: 'Image (the AMI bake):',
  'load-balancer': 'Load balancer:',
  instances: 'Instances (security group, type, launch template):',
  'auto-scaling': 'Auto Scaling group:',
  notifications: 'Notifications (SNS):',
};

export const PARAM_FLAGS: FlagSpec[] = [
  { key: 'network.vpcId', flag: '--vpc-id', kind: 'string', description: 'build in this existing VPC instead of the lab network' },
  { key: 'network.vpcName', flag: '--vpc-name', kind: 'string', description: 'Name of the lab VPC to find or create (default VPC-Lab)' },
  { key: 'network.vpcCidr', flag: '--vpc-cidr', kind: 'string', description: 'CIDR block of a VPC created for you (default 10.0.0.0/16)' },
  { key: 'network.publicSubnets', flag: '--public-subnets', kind: 'list', description: 'load balancer subnets, comma-separated ids (≥ 2 AZs, routed to an internet gateway)' },
  { key: 'network.privateSubnets', flag: '--private-subnets', kind: 'list', description: 'instance subnets, comma-separated ids (≥ 2 AZs)' },
  { key: 'network.natGateway', flag: '--nat-gateway', kind: 'bool', description: 'give a created lab network a NAT gateway (billed hourly, see README)' },
  { key: 'alb.name', flag: '--alb-name', kind: 'string', description: 'load balancer name (default <stack>-ALB)' },
  { key: 'alb.securityGroupName', flag: '--alb-security-group-name', kind: 'string', description: "load balancer's security group (default <stack>-ALB-SG)" },
  { key: 'alb.targetGroupName', flag: '--target-group-name', kind: 'string', description: 'target group name (default <stack>-TG)' },
  { key: 'alb.healthCheckPath', flag: '--health-check-path', kind: 'string', description: "target group's health check path (default /)" },
  { key: 'alb.certificateArn', flag: '--certificate-arn', kind: 'string', description: 'ACM certificate: adds an HTTPS listener on 443' },
  { key: 'instances.securityGroupName', flag: '--instance-security-group-name', kind: 'string', description: "instances' security group (default ASG-<stack>-Inst-SG)" },
  { key: 'instances.instanceType', flag: '--instance-type', kind: 'string', description: 'instance type (default t2.micro)' },
  { key: 'instances.sessionManager', flag: '--session-manager', kind: 'bool', description: 'Session Manager access: an instance profile with AmazonSSMManagedInstanceCore' },
  { key: 'image.id', flag: '--image-id', kind: 'string', description: 'use this AMI and skip the bake' },
  { key: 'image.name', flag: '--image-name', kind: 'string', description: 'name of the baked image (default "<stack> Server v1"); a new name bakes a new version' },
  { key: 'image.userDataFile', flag: '--user-data', kind: 'string', description: 'file to bake with instead of the shipped LAMP user data' },
  { key: 'image.myIp', flag: '--my-ip', kind: 'string', description: 'your public IPv4, admitted to the bake instance on port 80 (default: looked up)' },
  { key: 'image.monitoringCommand', flag: '--monitoring-command', kind: 'string', description: "a monitoring agent's install command, appended to the bake user data" },
  { key: 'launchTemplate.name', flag: '--launch-template-name', kind: 'string', description: 'launch template name (default <stack>)' },
  { key: 'asg.name', flag: '--asg-name', kind: 'string', description: 'Auto Scaling group name (default <stack>-ASG)' },
  { key: 'asg.minSize', flag: '--min-size', kind: 'int', description: 'minimum instances (default 2)' },
  { key: 'asg.desiredCapacity', flag: '--desired-capacity', kind: 'int', description: 'desired instances at creation (default 2)' },
  { key: 'asg.maxSize', flag: '--max-size', kind: 'int', description: 'maximum instances (default 4)' },
  { key: 'asg.healthCheckGracePeriod', flag: '--health-check-grace-period', kind: 'int', description: 'seconds before ELB health checks count (default 300)' },
  { key: 'asg.cpuTarget', flag: '--cpu-target', kind: 'number', description: 'target tracking: average CPU % (default 30)' },
  { key: 'asg.requestsPerTarget', flag: '--requests-per-target', kind: 'int', description: 'target tracking on ALB requests per target (per minute) instead of CPU' },
  { key: 'asg.disableScaleIn', flag: '--disable-scale-in', kind: 'bool', description: 'the scaling policy never removes instances' },
  { key: 'asg.instanceName', flag: '--instance-name', kind: 'string', description: 'Name tag the group gives its instances (default ASG-<stack>-Instance)' },
  { key: 'notifications.topicName', flag: '--topic-name', kind: 'string', description: 'SNS topic for Auto Scaling events (default <stack>-ASG-events)' },
  { key: 'notifications.topicArn', flag: '--topic-arn', kind: 'string', description: 'use this existing SNS topic (e.g. a monitoring vendor\'s)' },
  { key: 'notifications.protocol', flag: '--subscription-protocol', kind: 'string', description: 'subscribe the topic: email, https, http, sqs or lambda' },
  { key: 'notifications.endpoint', flag: '--subscription-endpoint', kind: 'string', description: 'the subscription endpoint (address, URL or ARN)' },
  { key: 'notifications.types', flag: '--notification-types', kind: 'list', description: 'comma-separated autoscaling:* event types (default: launch, terminate and their errors)' },
];

/** The config keys `status` finds the stack by (its only stack options). */
export const STATUS_KEYS = ['alb.name', 'alb.targetGroupName', 'asg.name', 'launchTemplate.name', 'image.name'];

const BY_KEY = new Map(PARAM_FLAGS.map((f) => [f.key, f]));
// `yes` is the id of the "apply?" confirmation, which an unattended run can only get from --yes.
const EXTRA: Record<string, string> = { stack: '--stack', region: '--region', adopt: '--adopt', yes: '--yes', 'notifications.enabled': '--no-notifications', verify: '--no-verify' };

/** The flag that sets a config key (for messages); the key itself if none does. */
export function flagFor(key: string): string {
  return BY_KEY.get(key)?.flag ?? EXTRA[key] ?? key;
}

/** commander's attribute name for a flag: `--min-size` → `minSize`. */
export function optionAttr(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
