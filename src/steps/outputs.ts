/**
 * The outputs each step hands to the steps that need it: the contract between step files. In
 * a plan, the ids of resources still to be made are refs to the rows that make them (`Id`); the
 * engine resolves them before a step that needs them applies, so apply sees plain strings.
 */
import type { Id, Ref } from '../engine/refs.js';
import type { StepId } from '../engine/types.js';

/** network: the VPC and the two tiers of subnets. */
export interface NetworkOut { vpcId: Id; publicSubnetIds: Id[]; privateSubnetIds: Id[] }

/**
 * bake: the image the launch template uses (baked, reused by name, or given by --image-id), and
 * what its clean-up removes once the image is there (absent with --image-id).
 */
export interface BakeOut {
  imageId: Id;
  imageName: string;
  cleanup?: { instances: { id: Id; leftover: boolean }[]; terminating: string[]; securityGroupId?: Id };
}

/** bake-cleanup: nothing another step reads. */
export type BakeCleanupOut = Record<string, never>;

/** load-balancer: its security group, the load balancer, its URL, and the target group. */
export interface LoadBalancerOut {
  albSecurityGroupId: Id;
  loadBalancerArn: Id;
  dnsName: string | Ref<string>;
  url: string | Ref<string>;
  targetGroupArn: Id;
  /** `app/<alb>/<id>/targetgroup/<tg>/<id>`: what a policy on requests per target names. */
  resourceLabel: string | Ref<string>;
}

/** instance-security: the instances' group. */
export interface InstanceSecurityOut { securityGroupId: Id }

/** instance-profile (Session Manager, optional): the profile the instances get. */
export interface InstanceProfileOut { instanceProfileArn: Id; instanceProfileName: string }

/** launch-template: the template and its default version; `versionChanged` when this run makes a new default. */
export interface LaunchTemplateOut { launchTemplateId: Id; launchTemplateName: string; defaultVersion: number | Ref<number>; versionChanged: boolean }

/** notifications: the topic (ours or given by --topic-arn) the group's events go to. */
export interface NotificationsOut { topicArn: Id; types: string[] }

/** auto-scaling: the group. */
export interface AutoScalingOut { groupName: string; groupArn: Id }

/** verify: which instance and AZ answered each GET of the load balancer's URL. */
export interface VerifyOut { url: string | Ref<string>; answers: { status: number; instanceId?: string; az?: string }[] }

/** Every step's outputs, by step id. */
export interface StepOutputs {
  network: NetworkOut;
  bake: BakeOut;
  'bake-cleanup': BakeCleanupOut;
  'load-balancer': LoadBalancerOut;
  'instance-security': InstanceSecurityOut;
  'instance-profile': InstanceProfileOut;
  'launch-template': LaunchTemplateOut;
  notifications: NotificationsOut;
  'auto-scaling': AutoScalingOut;
  verify: VerifyOut;
}

/**
 * What a step that needs `N` reads: their outputs, each absent when that step is off in this run
 * (notifications off, Session Manager not asked for). Nothing else is readable.
 */
export type DepsOf<N extends StepId> = { [K in N]?: StepOutputs[K] };
