/**
 * `StackConfig`: the one contract. Flags, the YAML file and the prompts all fill this object;
 * its defaults (the lab's values, names derived from the stack name) live here and only here.
 * Each field's config key (`alb.name`) is also its prompt id and maps to one flag (flags.ts).
 */
// A namespace import: with `import { z }` the bundle carries every zod locale and method (450 KB
// against 100 KB; t3-oss/t3-env#394).
import * as z from 'zod';

export const NOTIFICATION_TYPES = [
  'autoscaling:EC2_INSTANCE_LAUNCH',
  'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'autoscaling:EC2_INSTANCE_TERMINATE',
  'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
] as const;

export const SUBSCRIPTION_PROTOCOLS = ['email', 'https', 'http', 'sqs', 'lambda'] as const;

const elbName = (what: string) =>
  z
    .string()
    .min(1, `${what} must be 1–32 characters`)
    .max(32, `${what} must be at most 32 characters (letters, digits, hyphens)`)
    .regex(/^[A-Za-z0-9-]+$/, `${what} may hold only letters, digits and hyphens`)
    .refine((s) => !s.startsWith('-') && !s.endsWith('-'), `${what} must not begin or end with a hyphen`);

const sgName = z
  .string()
  .min(1)
  .max(255, 'security group names are at most 255 characters')
  .refine((s) => !/^sg-/i.test(s), 'security group names may not begin with "sg-"')
  .refine((s) => s !== 'default', '"default" is reserved for the VPC\'s own group')
  .regex(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, 'security group names allow letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*');

const awsId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`), `must look like ${prefix}-0123456789abcdef0`);

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const subnetList = z.array(awsId('subnet')).min(2, 'give at least two subnets, in two Availability Zones');

const stackName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,19}$/, 'a stack name is 1–20 letters, digits or hyphens, starting with a letter (names such as <stack>-ALB-SG are built from it)');

/** What a user may give (every field optional: the defaults fill the rest). */
export const StackInput = z
  .strictObject({
    stack: stackName.default('Web'),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region code such as ap-northeast-2').optional(),
    adopt: z.boolean().default(false),
    /** `up` ends by checking the URL answers (off for an emulator, whose load balancers have no address). */
    verify: z.boolean().default(true),
    network: z.strictObject({
        vpcId: awsId('vpc').optional(),
        vpcName: z.string().min(1).max(255).default('VPC-Lab'),
        vpcCidr: z.string().regex(CIDR, 'must be an IPv4 CIDR such as 10.0.0.0/16')
          .refine((c) => { const n = Number(c.split('/')[1]); return n >= 16 && n <= 24; }, 'a lab VPC needs a /16 to /24 block (four subnets are carved from it)')
          .default('10.0.0.0/16'),
        publicSubnets: subnetList.optional(),
        privateSubnets: subnetList.optional(),
        natGateway: z.boolean().default(false),
      })
      .prefault({}),
    alb: z.strictObject({
        name: elbName('load balancer names').refine((s) => !s.startsWith('internal-'), 'load balancer names may not begin with "internal-"').optional(),
        securityGroupName: sgName.optional(),
        targetGroupName: elbName('target group names').optional(),
        healthCheckPath: z.string().regex(/^\/[\x21-\x7e]{0,1023}$/, 'must be a path beginning with /').default('/'),
        certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'must be an ACM certificate ARN').optional(),
      })
      .prefault({}),
    instances: z.strictObject({
        securityGroupName: sgName.optional(),
        instanceType: z.string().regex(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, 'must be an instance type such as t2.micro').default('t2.micro'),
        sessionManager: z.boolean().default(false),
      })
      .prefault({}),
    image: z.strictObject({
        id: awsId('ami').optional(),
        name: z.string().min(3).max(128).regex(/^[A-Za-z0-9()[\] ./\-'@_]+$/, "image names are 3–128 of letters, digits, spaces and ()[]./-'@_").optional(),
        userDataFile: z.string().min(1).optional(),
        myIp: z.string().regex(IPV4, 'must be an IPv4 address such as 203.0.113.7').optional(),
        monitoringCommand: z.string().min(1).max(4096).optional(),
      })
      .prefault({}),
    launchTemplate: z.strictObject({
        name: z.string().min(3).max(128).regex(/^[A-Za-z0-9().\-/_]+$/, 'launch template names are 3–128 of letters, digits and ().-/_').optional(),
      })
      .prefault({}),
    asg: z.strictObject({
        name: z.string().min(1).max(255).regex(/^[^:]+$/, 'Auto Scaling group names may not contain ":"').optional(),
        minSize: z.number().int().min(0).max(1000).default(2),
        desiredCapacity: z.number().int().min(0).max(1000).optional(),
        maxSize: z.number().int().min(1).max(1000).default(4),
        healthCheckGracePeriod: z.number().int().min(0).max(7200).default(300),
        cpuTarget: z.number().gt(0, 'must be above 0').max(100, 'must be at most 100').default(30),
        disableScaleIn: z.boolean().default(false),
        requestsPerTarget: z.number().int().min(1).max(1_000_000).optional(),
        instanceName: z.string().min(1).max(255).optional(),
      })
      .prefault({}),
    notifications: z.strictObject({
        enabled: z.boolean().default(true),
        topicName: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'topic names are 1–256 letters, digits, hyphens and underscores').optional(),
        topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN').optional(),
        protocol: z.enum(SUBSCRIPTION_PROTOCOLS).optional(),
        endpoint: z.string().min(1).optional(),
        types: z.array(z.enum(NOTIFICATION_TYPES)).min(1).default([...NOTIFICATION_TYPES]),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const { minSize, desiredCapacity, maxSize } = c.asg;
    if (minSize > maxSize) ctx.addIssue({ code: 'custom', path: ['asg', 'minSize'], message: `must be ≤ max size ${maxSize}`, input: minSize });
    // Only a desired capacity that was given is checked: left out, it follows min and max.
    if (desiredCapacity !== undefined && minSize <= maxSize && (desiredCapacity < minSize || desiredCapacity > maxSize)) {
      ctx.addIssue({ code: 'custom', path: ['asg', 'desiredCapacity'], message: `must be between min size ${minSize} and max size ${maxSize}`, input: desiredCapacity });
    }
    const n = c.notifications;
    if (n.endpoint && !n.protocol) ctx.addIssue({ code: 'custom', path: ['notifications', 'protocol'], message: 'a subscription endpoint needs its protocol (email, https, http, sqs, lambda)', input: undefined });
    if (n.protocol && !n.endpoint) ctx.addIssue({ code: 'custom', path: ['notifications', 'endpoint'], message: `${/^[aeiou]/.test(n.protocol) ? 'an' : 'a'} ${n.protocol} subscription needs an endpoint`, input: undefined });
    if (n.protocol && n.endpoint) {
      const problem = endpointProblem(n.protocol, n.endpoint);
      if (problem) ctx.addIssue({ code: 'custom', path: ['notifications', 'endpoint'], message: problem, input: n.endpoint });
    }
    const pub = c.network.publicSubnets ?? [];
    const shared = (c.network.privateSubnets ?? []).filter((s) => pub.includes(s));
    if (shared.length) ctx.addIssue({ code: 'custom', path: ['network', 'privateSubnets'], message: `${shared.join(', ')} is given as both public and private`, input: shared });
  });

/** Why `endpoint` is not a valid `protocol` endpoint, or undefined if it is. */
export function endpointProblem(protocol: string, endpoint: string): string | undefined {
  switch (protocol) {
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(endpoint) ? undefined : 'must be an e-mail address';
    case 'http':
    case 'https': {
      try {
        const u = new URL(endpoint);
        return u.protocol === `${protocol}:` && u.hostname ? undefined : `must be an ${protocol}:// URL`;
      } catch {
        return `must be an ${protocol}:// URL`;
      }
    }
    case 'sqs':
      return /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(endpoint) ? undefined : 'must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)';
    case 'lambda':
      return /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/.test(endpoint) ? undefined : 'must be a Lambda function ARN';
    default:
      return `unknown protocol ${protocol}`;
  }
}

export type StackInputT = z.input<typeof StackInput>;
type Parsed = z.output<typeof StackInput>;

/** The config with every name filled in from the stack name, as the steps use it. */
export type StackConfig = Parsed & {
  alb: Required<Pick<Parsed['alb'], 'name' | 'securityGroupName' | 'targetGroupName'>> & Parsed['alb'];
  instances: Required<Pick<Parsed['instances'], 'securityGroupName'>> & Parsed['instances'];
  image: Required<Pick<Parsed['image'], 'name'>> & Parsed['image'];
  launchTemplate: { name: string };
  /**
   * `…Given`: the size came from a flag, the file or an answer (not the default), so `up` sets it
   * on an existing group and records it as the stack's (steps/group-sizes.ts).
   */
  asg: Required<Pick<Parsed['asg'], 'name' | 'instanceName' | 'desiredCapacity'>> & Parsed['asg'] & { desiredCapacityGiven?: boolean; minSizeGiven?: boolean; maxSizeGiven?: boolean };
  notifications: Required<Pick<Parsed['notifications'], 'topicName'>> & Parsed['notifications'];
};

/** The lab's desired capacity. */
const LAB_DESIRED = 2;

/** The lab's names for a stack: `Web` gives exactly the lab's (Web-ALB, ASG-Web-Inst-SG, …). */
export function defaultNames(stack: string) {
  return {
    'alb.name': `${stack}-ALB`,
    'alb.securityGroupName': `${stack}-ALB-SG`,
    'alb.targetGroupName': `${stack}-TG`,
    'instances.securityGroupName': `ASG-${stack}-Inst-SG`,
    'image.name': `${stack} Server v1`,
    'launchTemplate.name': stack,
    'asg.name': `${stack}-ASG`,
    'asg.instanceName': `ASG-${stack}-Instance`,
    'notifications.topicName': `${stack}-ASG-events`,
  } as const;
}

/** Fills the names the user left out from the stack name. */
export function withDefaultNames(c: Parsed): StackConfig {
  const d = defaultNames(c.stack);
  return {
    ...c,
    alb: { ...c.alb, name: c.alb.name ?? d['alb.name'], securityGroupName: c.alb.securityGroupName ?? d['alb.securityGroupName'], targetGroupName: c.alb.targetGroupName ?? d['alb.targetGroupName'] },
    instances: { ...c.instances, securityGroupName: c.instances.securityGroupName ?? d['instances.securityGroupName'] },
    image: { ...c.image, name: c.image.name ?? d['image.name'] },
    launchTemplate: { name: c.launchTemplate.name ?? d['launchTemplate.name'] },
    asg: {
      ...c.asg, name: c.asg.name ?? d['asg.name'], instanceName: c.asg.instanceName ?? d['asg.instanceName'],
      // The lab's 2, kept within min..max (AWS itself defaults desired to min).
      desiredCapacity: c.asg.desiredCapacity ?? Math.min(Math.max(LAB_DESIRED, c.asg.minSize), c.asg.maxSize),
    },
    notifications: { ...c.notifications, topicName: c.notifications.topicName ?? d['notifications.topicName'] },
  };
}

/** The name of the tag that marks what a stack owns. */
export const STACK_TAG = 'asg-wizard:stack';
