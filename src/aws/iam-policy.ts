/**
 * The least-privilege IAM policy for the commands asked, built from the one list of calls
 * (`iam-actions.ts`): each action once, in statements by service and by how AWS lets it be
 * narrowed — creates only when the new resource carries the stack's tag (`aws:RequestTag`),
 * changes and deletions only on what carries it (`aws:ResourceTag`), the role, topic, alarms
 * and parameter by their ARNs, reads (which AWS does not narrow) on `*`. Pure.
 */
import { STACK_TAG } from '../config/schema.js';
import { SSM_CORE_POLICY_ARN } from './iam.js';
import { AWS_CALLS, actionsOf, type Grant, type PolicyCommand } from './iam-actions.js';

/** What the ARNs are built from. */
export interface PolicyScope {
  stack: string;
  region: string;
  /** The account id, or `*` when it is not known. */
  account: string;
  asgName: string;
  topicName: string;
  /** A topic given by --topic-arn (someone else's), used beside the stack's. */
  topicArn?: string;
  certificateArn?: string;
  roleName: string;
}

export interface PolicyStatement { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }
export interface PolicyDocument { Version: '2012-10-17'; Statement: PolicyStatement[] }

type OnGrant = Extract<Grant, { on: unknown }>;

function arns(res: OnGrant['on'][number], s: PolicyScope): string[] {
  const { region: r, account: a } = s;
  const [service, type] = res.split(':') as [string, string];
  switch (service) {
    case 'ec2':
      return type === 'image' || type === 'snapshot' ? [`arn:aws:ec2:${r}::${type}/*`] : [`arn:aws:ec2:${r}:${a}:${type}/*`];
    case 'elb':
      return [`arn:aws:elasticloadbalancing:${r}:${a}:${type === 'targetgroup' ? 'targetgroup/*' : `${type}/app/*`}`];
    case 'asg':
      return [`arn:aws:autoscaling:${r}:${a}:autoScalingGroup:*:autoScalingGroupName/*`];
    case 'sns': {
      const topics = [`arn:aws:sns:${r}:${a}:${s.topicName}`, ...(s.topicArn ? [s.topicArn] : [])];
      return type === 'subscription' ? topics.map((t) => `${t}:*`) : topics;
    }
    case 'iam':
      if (type === 'service-linked-roles') {
        return ['elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing', 'autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling']
          .map((x) => `arn:aws:iam::${a}:role/aws-service-role/${x}`);
      }
      return [`arn:aws:iam::${a}:${type}/${s.roleName}`];
    case 'ssm':
      return [`arn:aws:ssm:${r}::parameter/aws/service/ami-amazon-linux-latest/*`];
    case 'acm':
      return [s.certificateArn ?? `arn:aws:acm:${r}:${a}:certificate/*`];
    case 'cw':
      return [`arn:aws:cloudwatch:${r}:${a}:alarm:TargetTracking-${s.asgName}-*`];
    default:
      throw new Error(`internal error: no ARN for ${res}`);
  }
}

const SERVICE_NAMES: Record<string, string> = {
  ec2: 'Ec2', elasticloadbalancing: 'LoadBalancing', autoscaling: 'AutoScaling', sns: 'Sns', iam: 'Iam', ssm: 'Ssm', acm: 'Acm', cloudwatch: 'CloudWatch', sts: 'Sts',
};
const WHEN_NAMES = { creating: 'CreateTagged', ours: 'OnTagged', named: 'Named', existing: 'InUse' } as const;

/** The calls `commands` make. */
export function callsOf(commands: readonly PolicyCommand[]): string[] {
  return Object.entries(AWS_CALLS).filter(([, spec]) => spec.commands.some((c) => commands.includes(c))).map(([call]) => call).sort();
}

/** The policy for `commands`. */
export function iamPolicy(commands: readonly PolicyCommand[], scope: PolicyScope): PolicyDocument {
  interface Draft { actions: Set<string>; resources: Set<string>; condition?: PolicyStatement['Condition'] }
  const drafts = new Map<string, Draft>();
  const ec2Creates = new Set<string>();
  const add = (sid: string, action: string, resources: string[], condition?: PolicyStatement['Condition']) => {
    const d = drafts.get(sid) ?? { actions: new Set(), resources: new Set(), ...(condition ? { condition } : {}) };
    d.actions.add(action);
    for (const r of resources) d.resources.add(r);
    drafts.set(sid, d);
  };
  for (const call of callsOf(commands)) {
    for (const { action, grants } of actionsOf(call)) {
      const service = action.split(':')[0]!;
      for (const g of grants) {
        if ('any' in g) add('Read', action, ['*']);
        else if ('tagOnCreate' in g) ec2Creates.add(call.split(' ')[1]!);
        // What IAM narrows by its own conditions: passing the role to EC2 only, attaching only the SSM policy, the service-linked roles.
        else if (action === 'iam:PassRole') add('PassRoleToEc2', action, arns('iam:role', scope), { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
        else if (action === 'iam:AttachRolePolicy' || action === 'iam:DetachRolePolicy') add('SsmCorePolicy', action, arns('iam:role', scope), { ArnEquals: { 'iam:PolicyARN': SSM_CORE_POLICY_ARN } });
        else if (action === 'iam:CreateServiceLinkedRole') {
          add('ServiceLinkedRoles', action, arns('iam:service-linked-roles', scope), { StringEquals: { 'iam:AWSServiceName': ['elasticloadbalancing.amazonaws.com', 'autoscaling.amazonaws.com'] } });
        } else {
          const resources = g.on.flatMap((r) => arns(r, scope));
          const key = g.when === 'creating' ? `aws:RequestTag/${STACK_TAG}` : g.when === 'ours' ? `aws:ResourceTag/${STACK_TAG}` : undefined;
          const condition: PolicyStatement['Condition'] = key ? { StringEquals: { [key]: scope.stack } } : undefined;
          add(`${SERVICE_NAMES[service] ?? service}${WHEN_NAMES[g.when]}`, action, resources, condition);
        }
      }
    }
  }
  if (ec2Creates.size) {
    add('Ec2TagOnCreate', 'ec2:CreateTags', [`arn:aws:ec2:${scope.region}:${scope.account}:*/*`, `arn:aws:ec2:${scope.region}::image/*`, `arn:aws:ec2:${scope.region}::snapshot/*`],
      { StringEquals: { 'ec2:CreateAction': [...ec2Creates].sort() } });
  }
  const Statement = [...drafts.entries()].sort(([a], [b]) => (a === 'Read' ? -1 : b === 'Read' ? 1 : a.localeCompare(b))).map(([Sid, d]): PolicyStatement => {
    const resources = [...d.resources].sort();
    return { Sid, Effect: 'Allow', Action: [...d.actions].sort(), Resource: resources.length === 1 ? resources[0]! : resources, ...(d.condition ? { Condition: d.condition } : {}) };
  });
  return { Version: '2012-10-17', Statement };
}

/** Every action a policy grants. */
export function policyActions(doc: PolicyDocument): Set<string> {
  return new Set(doc.Statement.flatMap((s) => s.Action));
}
