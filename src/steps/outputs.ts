/**
 * The outputs each step hands to the steps that need it: the contract between step files.
 * In a plan, fields of resources still to be created are absent (hence `Partial` on read).
 */
export type { NetworkOut } from './network.js';
export type { LoadBalancerOut } from './load-balancer.js';
export type { InstanceSecurityOut } from './instance-security.js';

/** bake: the image the launch template uses (baked, reused by name, or given by --image-id). */
export interface BakeOut { imageId: string; imageName: string }

/** instance-profile (Session Manager, optional): the profile the instances get. */
export interface InstanceProfileOut { instanceProfileArn: string; instanceProfileName: string }

/** launch-template: the template and its default version; `versionChanged` when this run made a new default. */
export interface LaunchTemplateOut { launchTemplateId: string; launchTemplateName: string; defaultVersion: number; versionChanged: boolean }

/** notifications: the topic (ours or given by --topic-arn) the group's events go to. */
export interface NotificationsOut { topicArn: string; types: string[] }

/** auto-scaling: the group. */
export interface AutoScalingOut { groupName: string; groupArn: string }

/** verify: which instance and AZ answered each GET of the load balancer's URL. */
export interface VerifyOut { url: string; answers: { status: number; instanceId?: string; az?: string }[] }
