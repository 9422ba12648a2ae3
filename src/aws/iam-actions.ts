/**
 * The one list of the AWS calls the code makes, with the IAM actions each needs and where IAM
 * lets them be narrowed: the resources (by type, or by the stack's names) and the stack's tag
 * (`aws:RequestTag` on a create that tags in its call, `aws:ResourceTag` on what the stack
 * made). `iam-policy` builds its least-privilege policy from it; a test runs every command in
 * the sandbox and holds the list to what they really send, both ways.
 */

/** The commands a policy can be asked for. */
export const POLICY_COMMANDS = ['up', 'plan', 'status', 'notify', 'bake', 'scale', 'destroy', 'load'] as const;
export type PolicyCommand = (typeof POLICY_COMMANDS)[number];

/** A resource type, as its ARN pattern is built (`ec2:vpc` → `arn:aws:ec2:REGION:ACCOUNT:vpc/*`). */
type Res =
  | 'ec2:vpc' | 'ec2:subnet' | 'ec2:route-table' | 'ec2:internet-gateway' | 'ec2:natgateway' | 'ec2:elastic-ip' | 'ec2:security-group'
  | 'ec2:instance' | 'ec2:volume' | 'ec2:network-interface' | 'ec2:image' | 'ec2:snapshot' | 'ec2:launch-template'
  | 'elb:loadbalancer' | 'elb:targetgroup' | 'elb:listener' | 'asg:group'
  | 'sns:topic' | 'sns:subscription' | 'iam:role' | 'iam:instance-profile' | 'iam:service-linked-roles' | 'ssm:al2023' | 'acm:certificate' | 'cw:alarm';

/**
 * Where an action may act: `any` ('*': AWS has no narrower resource for it, e.g. Describe*);
 * `creating` (the new resource is tagged with the stack in the call); `ours` (tagged with the
 * stack); `named` (the stack's own names: its role, topic, alarms, the public AMI parameter);
 * `existing` (what the stack uses but may not have made: an image, a subnet of a VPC you chose).
 */
export type Grant = { any: true } | { on: Res[]; when: 'creating' | 'ours' | 'named' | 'existing' } | { tagOnCreate: true };

interface CallSpec {
  commands: readonly PolicyCommand[];
  grants: Grant[];
  /** IAM actions the call needs besides its own (tagging in a create; passing the role), with their grants. */
  also?: { action: string; grants: Grant[] }[];
}

const ANY: Grant[] = [{ any: true }];
const PLAN: PolicyCommand[] = ['plan', 'up'];
const ALL: PolicyCommand[] = [...POLICY_COMMANDS];
const creating = (...on: Res[]): Grant => ({ on, when: 'creating' });
const ours = (...on: Res[]): Grant => ({ on, when: 'ours' });
const existing = (...on: Res[]): Grant => ({ on, when: 'existing' });
const named = (...on: Res[]): Grant => ({ on, when: 'named' });

/** EC2 tags in the create call only with ec2:CreateTags, allowed for exactly those creates (`ec2:CreateAction`). */
const EC2_TAG_ON_CREATE = { action: 'ec2:CreateTags', grants: [{ tagOnCreate: true } as Grant] };
const tagOnCreate = (service: 'elasticloadbalancing:AddTags' | 'autoscaling:CreateOrUpdateTags' | 'sns:TagResource' | 'iam:TagRole' | 'iam:TagInstanceProfile', on: Res[]) =>
  ({ action: service, grants: [{ on, when: 'creating' as const }] });

const EC2_NETWORK: Res[] = ['ec2:vpc', 'ec2:subnet', 'ec2:route-table', 'ec2:internet-gateway', 'ec2:natgateway', 'ec2:elastic-ip', 'ec2:security-group', 'ec2:launch-template', 'ec2:image', 'ec2:snapshot'];

/** Every AWS call the code makes (`Service Command`, as the SDK names it). */
export const AWS_CALLS: Record<string, CallSpec> = {
  'STS GetCallerIdentity': { commands: ALL, grants: ANY },
  'SSM GetParameter': { commands: ['plan', 'up', 'bake'], grants: [named('ssm:al2023')] },
  'ACM DescribeCertificate': { commands: PLAN, grants: [existing('acm:certificate')] },
  'CloudWatch DescribeAlarms': { commands: ['load'], grants: [named('cw:alarm')] },
  'CloudWatch GetMetricStatistics': { commands: ['load'], grants: ANY },

  // EC2: reads.
  ...Object.fromEntries([
    ['DescribeAvailabilityZones', ['plan', 'up', 'bake']], ['DescribeVpcs', ['plan', 'up', 'bake', 'destroy']], ['DescribeSubnets', ['plan', 'up', 'bake', 'destroy']],
    ['DescribeRouteTables', ['plan', 'up', 'bake', 'destroy']], ['DescribeInternetGateways', ['plan', 'up', 'bake', 'destroy']], ['DescribeNatGateways', ['plan', 'up', 'bake', 'destroy']],
    ['DescribeAddresses', ['destroy']], ['DescribeSecurityGroups', ['plan', 'up', 'bake', 'destroy']], ['DescribeInstances', ['plan', 'up', 'bake', 'destroy']],
    ['DescribeInstanceTypes', ['plan', 'up', 'bake']], ['DescribeInstanceTypeOfferings', ['plan', 'up', 'bake']], ['DescribeImages', ['plan', 'up', 'bake', 'status', 'destroy']],
    ['DescribeSnapshots', ['destroy']], ['DescribeLaunchTemplates', ['plan', 'up', 'status', 'load', 'destroy']], ['DescribeLaunchTemplateVersions', ['plan', 'up', 'status', 'load']],
  ].map(([c, commands]) => [`EC2 ${c as string}`, { commands: commands as PolicyCommand[], grants: ANY }])),
  'EC2 GetConsoleOutput': { commands: ['up', 'bake'], grants: [ours('ec2:instance')] },

  // EC2: the network.
  'EC2 CreateVpc': { commands: ['up'], grants: [creating('ec2:vpc')], also: [EC2_TAG_ON_CREATE] },
  'EC2 ModifyVpcAttribute': { commands: ['up'], grants: [ours('ec2:vpc')] },
  'EC2 CreateSubnet': { commands: ['up'], grants: [creating('ec2:subnet'), ours('ec2:vpc')], also: [EC2_TAG_ON_CREATE] },
  'EC2 ModifySubnetAttribute': { commands: ['up'], grants: [ours('ec2:subnet')] },
  'EC2 CreateInternetGateway': { commands: ['up'], grants: [creating('ec2:internet-gateway')], also: [EC2_TAG_ON_CREATE] },
  'EC2 AttachInternetGateway': { commands: ['up'], grants: [ours('ec2:internet-gateway', 'ec2:vpc')] },
  'EC2 CreateRouteTable': { commands: ['up'], grants: [creating('ec2:route-table'), ours('ec2:vpc')], also: [EC2_TAG_ON_CREATE] },
  'EC2 CreateRoute': { commands: ['up'], grants: [ours('ec2:route-table')] },
  'EC2 AssociateRouteTable': { commands: ['up'], grants: [ours('ec2:route-table', 'ec2:subnet')] },
  'EC2 AllocateAddress': { commands: ['up'], grants: [creating('ec2:elastic-ip')], also: [EC2_TAG_ON_CREATE] },
  'EC2 CreateNatGateway': { commands: ['up'], grants: [creating('ec2:natgateway'), ours('ec2:subnet', 'ec2:elastic-ip')], also: [EC2_TAG_ON_CREATE] },
  'EC2 DeleteNatGateway': { commands: ['destroy'], grants: [ours('ec2:natgateway')] },
  'EC2 ReleaseAddress': { commands: ['destroy'], grants: [ours('ec2:elastic-ip')] },
  'EC2 DisassociateRouteTable': { commands: ['destroy'], grants: [ours('ec2:route-table', 'ec2:subnet')] },
  'EC2 DeleteRouteTable': { commands: ['destroy'], grants: [ours('ec2:route-table')] },
  'EC2 DetachInternetGateway': { commands: ['destroy'], grants: [ours('ec2:internet-gateway', 'ec2:vpc')] },
  'EC2 DeleteInternetGateway': { commands: ['destroy'], grants: [ours('ec2:internet-gateway')] },
  'EC2 DeleteSubnet': { commands: ['destroy'], grants: [ours('ec2:subnet')] },
  'EC2 DeleteVpc': { commands: ['destroy'], grants: [ours('ec2:vpc')] },
  // Adoption tags a stranger with the stack's tag; handing the network over retags the stack's own.
  'EC2 CreateTags': { commands: ['up', 'bake', 'destroy'], grants: [creating(...EC2_NETWORK), ours(...EC2_NETWORK)] },

  // EC2: security groups, instances, images, launch templates.
  'EC2 CreateSecurityGroup': { commands: ['up', 'bake'], grants: [creating('ec2:security-group'), existing('ec2:vpc')], also: [EC2_TAG_ON_CREATE] },
  'EC2 AuthorizeSecurityGroupIngress': { commands: ['up', 'bake'], grants: [ours('ec2:security-group')] },
  'EC2 RevokeSecurityGroupIngress': { commands: ['up', 'bake'], grants: [ours('ec2:security-group')] },
  'EC2 DeleteSecurityGroup': { commands: ['up', 'bake', 'destroy'], grants: [ours('ec2:security-group')] },
  'EC2 RunInstances': {
    commands: ['up', 'bake'],
    grants: [creating('ec2:instance', 'ec2:volume'), existing('ec2:image', 'ec2:subnet', 'ec2:network-interface'), ours('ec2:security-group', 'ec2:launch-template')],
    also: [EC2_TAG_ON_CREATE],
  },
  'EC2 TerminateInstances': { commands: ['up', 'bake', 'destroy'], grants: [ours('ec2:instance')] },
  'EC2 CreateImage': { commands: ['up', 'bake'], grants: [creating('ec2:image', 'ec2:snapshot'), ours('ec2:instance')], also: [EC2_TAG_ON_CREATE] },
  'EC2 DeregisterImage': { commands: ['destroy'], grants: [ours('ec2:image')] },
  'EC2 DeleteSnapshot': { commands: ['destroy'], grants: [ours('ec2:snapshot')] },
  'EC2 CreateLaunchTemplate': { commands: ['up'], grants: [creating('ec2:launch-template')], also: [EC2_TAG_ON_CREATE] },
  'EC2 CreateLaunchTemplateVersion': { commands: ['up'], grants: [ours('ec2:launch-template')] },
  'EC2 ModifyLaunchTemplate': { commands: ['up'], grants: [ours('ec2:launch-template')] },
  'EC2 DeleteLaunchTemplate': { commands: ['destroy'], grants: [ours('ec2:launch-template')] },

  // Elastic Load Balancing.
  ...Object.fromEntries([
    ['DescribeLoadBalancers', ['plan', 'up', 'status', 'load', 'destroy']], ['DescribeTargetGroups', ['plan', 'up', 'status', 'load', 'destroy']],
    ['DescribeListeners', ['plan', 'up', 'destroy']], ['DescribeTags', ['plan', 'up', 'status', 'load', 'destroy']], ['DescribeTargetHealth', ['plan', 'up', 'status', 'load']],
  ].map(([c, commands]) => [`ElasticLoadBalancingV2 ${c as string}`, { commands: commands as PolicyCommand[], grants: ANY }])),
  'ElasticLoadBalancingV2 CreateLoadBalancer': {
    commands: ['up'], grants: [creating('elb:loadbalancer')],
    also: [tagOnCreate('elasticloadbalancing:AddTags', ['elb:loadbalancer']), { action: 'iam:CreateServiceLinkedRole', grants: [named('iam:service-linked-roles')] }],
  },
  'ElasticLoadBalancingV2 CreateTargetGroup': { commands: ['up'], grants: [creating('elb:targetgroup')], also: [tagOnCreate('elasticloadbalancing:AddTags', ['elb:targetgroup'])] },
  'ElasticLoadBalancingV2 CreateListener': { commands: ['up'], grants: [creating('elb:listener'), ours('elb:loadbalancer')], also: [tagOnCreate('elasticloadbalancing:AddTags', ['elb:listener'])] },
  'ElasticLoadBalancingV2 ModifyListener': { commands: ['up'], grants: [ours('elb:listener')] },
  'ElasticLoadBalancingV2 ModifyTargetGroup': { commands: ['up'], grants: [ours('elb:targetgroup')] },
  // Adoption: a stranger gets the stack's tag.
  'ElasticLoadBalancingV2 AddTags': { commands: ['up'], grants: [creating('elb:loadbalancer', 'elb:targetgroup')] },
  'ElasticLoadBalancingV2 DeleteListener': { commands: ['destroy'], grants: [ours('elb:listener')] },
  'ElasticLoadBalancingV2 DeleteLoadBalancer': { commands: ['destroy'], grants: [ours('elb:loadbalancer')] },
  'ElasticLoadBalancingV2 DeleteTargetGroup': { commands: ['destroy'], grants: [ours('elb:targetgroup')] },

  // Auto Scaling.
  ...Object.fromEntries([
    ['DescribeAutoScalingGroups', ['plan', 'up', 'status', 'notify', 'scale', 'load', 'destroy']], ['DescribePolicies', ['plan', 'up', 'status', 'load', 'destroy']],
    ['DescribeNotificationConfigurations', ['plan', 'up', 'status', 'notify', 'destroy']], ['DescribeInstanceRefreshes', ['plan', 'up', 'status']],
    ['DescribeScalingActivities', ['status', 'load']], ['DescribeScheduledActions', ['scale', 'destroy']],
  ].map(([c, commands]) => [`AutoScaling ${c as string}`, { commands: commands as PolicyCommand[], grants: ANY }])),
  'AutoScaling CreateAutoScalingGroup': {
    commands: ['up'], grants: [creating('asg:group')],
    also: [
      tagOnCreate('autoscaling:CreateOrUpdateTags', ['asg:group']),
      // A group launches from the template with the caller's leave: its instances, and the Session Manager role.
      { action: 'ec2:RunInstances', grants: [ours('ec2:launch-template')] },
      { action: 'iam:PassRole', grants: [named('iam:role')] },
      { action: 'iam:CreateServiceLinkedRole', grants: [named('iam:service-linked-roles')] },
    ],
  },
  'AutoScaling UpdateAutoScalingGroup': { commands: ['up', 'scale'], grants: [ours('asg:group')], also: [{ action: 'iam:PassRole', grants: [named('iam:role')] }, { action: 'ec2:RunInstances', grants: [ours('ec2:launch-template')] }] },
  'AutoScaling StartInstanceRefresh': { commands: ['up'], grants: [ours('asg:group')], also: [{ action: 'iam:PassRole', grants: [named('iam:role')] }, { action: 'ec2:RunInstances', grants: [ours('ec2:launch-template')] }] },
  'AutoScaling EnableMetricsCollection': { commands: ['up'], grants: [ours('asg:group')] },
  'AutoScaling PutScalingPolicy': { commands: ['up'], grants: [ours('asg:group')] },
  'AutoScaling AttachLoadBalancerTargetGroups': { commands: ['up'], grants: [ours('asg:group')] },
  'AutoScaling DetachLoadBalancerTargetGroups': { commands: ['up'], grants: [ours('asg:group')] },
  // `notify` wires any group of the region (that is its job), the stack's or not.
  'AutoScaling PutNotificationConfiguration': { commands: ['up', 'notify'], grants: [existing('asg:group')] },
  'AutoScaling DeleteNotificationConfiguration': { commands: ['notify', 'destroy'], grants: [existing('asg:group')] },
  'AutoScaling CreateOrUpdateTags': { commands: ['up', 'scale'], grants: [ours('asg:group'), creating('asg:group')] },
  'AutoScaling DeleteTags': { commands: ['up', 'scale'], grants: [ours('asg:group')] },
  'AutoScaling PutScheduledUpdateGroupAction': { commands: ['scale'], grants: [ours('asg:group')] },
  'AutoScaling DeleteScheduledAction': { commands: ['scale', 'destroy'], grants: [ours('asg:group')] },
  'AutoScaling DeletePolicy': { commands: ['destroy'], grants: [ours('asg:group')] },
  'AutoScaling DeleteAutoScalingGroup': { commands: ['destroy'], grants: [ours('asg:group')] },

  // SNS: the stack's topic (or the one --topic-arn names).
  'SNS GetTopicAttributes': { commands: ['plan', 'up', 'notify', 'destroy'], grants: [named('sns:topic')] },
  'SNS ListTagsForResource': { commands: ['plan', 'up', 'notify', 'destroy'], grants: [named('sns:topic')] },
  'SNS ListSubscriptionsByTopic': { commands: ['plan', 'up', 'status', 'notify', 'destroy'], grants: [named('sns:topic')] },
  'SNS CreateTopic': { commands: ['up', 'notify'], grants: [named('sns:topic')], also: [tagOnCreate('sns:TagResource', ['sns:topic'])] },
  'SNS TagResource': { commands: ['up', 'notify'], grants: [named('sns:topic')] },
  'SNS Subscribe': { commands: ['up', 'notify'], grants: [named('sns:topic')] },
  'SNS GetSubscriptionAttributes': { commands: ['up', 'notify'], grants: [named('sns:subscription')] },
  'SNS Unsubscribe': { commands: ['destroy'], grants: [named('sns:subscription')] },
  'SNS DeleteTopic': { commands: ['destroy'], grants: [named('sns:topic')] },

  // IAM: the Session Manager role and instance profile, by their names.
  'IAM GetRole': { commands: ['plan', 'up', 'destroy'], grants: [named('iam:role')] },
  'IAM GetInstanceProfile': { commands: ['plan', 'up', 'destroy'], grants: [named('iam:instance-profile')] },
  'IAM ListAttachedRolePolicies': { commands: ['plan', 'up', 'destroy'], grants: [named('iam:role')] },
  'IAM CreateRole': { commands: ['up'], grants: [named('iam:role')], also: [tagOnCreate('iam:TagRole', ['iam:role'])] },
  'IAM TagRole': { commands: ['up'], grants: [named('iam:role')] },
  'IAM AttachRolePolicy': { commands: ['up'], grants: [named('iam:role')] },
  'IAM CreateInstanceProfile': { commands: ['up'], grants: [named('iam:instance-profile')], also: [tagOnCreate('iam:TagInstanceProfile', ['iam:instance-profile'])] },
  'IAM TagInstanceProfile': { commands: ['up'], grants: [named('iam:instance-profile')] },
  'IAM AddRoleToInstanceProfile': { commands: ['up'], grants: [named('iam:instance-profile')] },
  'IAM RemoveRoleFromInstanceProfile': { commands: ['destroy'], grants: [named('iam:instance-profile')] },
  'IAM DeleteInstanceProfile': { commands: ['destroy'], grants: [named('iam:instance-profile')] },
  'IAM DetachRolePolicy': { commands: ['destroy'], grants: [named('iam:role')] },
  'IAM DeleteRole': { commands: ['destroy'], grants: [named('iam:role')] },
};

/** The IAM service prefix of each SDK service. */
const PREFIX: Record<string, string> = {
  EC2: 'ec2', ElasticLoadBalancingV2: 'elasticloadbalancing', AutoScaling: 'autoscaling', SNS: 'sns', SSM: 'ssm', STS: 'sts', IAM: 'iam',
  ACM: 'acm', CloudWatch: 'cloudwatch',
};

/** The IAM action a call is (`EC2 CreateVpc` → `ec2:CreateVpc`). */
export function iamActionOf(call: string): string {
  const [service, command] = call.split(' ') as [string, string];
  const prefix = PREFIX[service];
  if (!prefix) throw new Error(`internal error: no IAM prefix for ${service}`);
  return `${prefix}:${command}`;
}

/** Every IAM action `call` needs, with its grants. */
export function actionsOf(call: string): { action: string; grants: Grant[] }[] {
  const spec = AWS_CALLS[call];
  if (!spec) return [];
  return [{ action: iamActionOf(call), grants: spec.grants }, ...(spec.also ?? [])];
}
