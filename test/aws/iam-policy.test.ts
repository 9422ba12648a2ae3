/**
 * The IAM policy `iam-policy` prints, held to what the code really sends: every command is run in
 * the sandbox with every option and in the situations that make it send its other calls
 * (helpers/every-command.ts); a call a command sends that its policy lacks fails the first test,
 * an action the policy grants that nothing sends fails the second. Then the policy's shape: the
 * stack's tag on creates and on what they act on, its names in the ARNs, `*` only for reads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { everyCommand, type Sent } from '../helpers/every-command.js';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { AWS_CALLS, POLICY_COMMANDS, actionsOf } from '../../src/aws/iam-actions.js';
import { iamPolicy, policyActions, type PolicyDocument } from '../../src/aws/iam-policy.js';

const SCOPE = { stack: 'Web', region: 'ap-northeast-2', account: '123456789012', asgName: 'Web-ASG', topicName: 'Web-ASG-events', roleName: 'Web-SSM-Role' };

let sent: Sent = {};
beforeAll(async () => {
  sent = await everyCommand();
}, 300_000);

describe('the policy covers what the code sends', () => {
  it.each(POLICY_COMMANDS.map((c) => [c]))('%s: every call it sent is granted by its policy', (command) => {
    expect(sent[command]?.size ?? 0, `${command} was not run`).toBeGreaterThan(0);
    const granted = policyActions(iamPolicy([command], SCOPE));
    const missing = [...sent[command]!].filter((call) => !AWS_CALLS[call]?.commands.includes(command) || actionsOf(call).some((a) => !granted.has(a.action)));
    expect(missing).toEqual([]);
  });

  it('grants no action that nothing sends', () => {
    const needed = new Set([...Object.values(sent)].flatMap((calls) => [...calls].flatMap((c) => actionsOf(c).map((a) => a.action))));
    const granted = policyActions(iamPolicy(POLICY_COMMANDS, SCOPE));
    expect([...granted].filter((a) => !needed.has(a)).sort()).toEqual([]);
    // And the list has no call nothing makes.
    const made = new Set([...Object.values(sent)].flatMap((calls) => [...calls]));
    expect(Object.keys(AWS_CALLS).filter((c) => !made.has(c)).sort()).toEqual([]);
  });
});

describe('the policy document', () => {
  const doc: PolicyDocument = iamPolicy(POLICY_COMMANDS, SCOPE);
  const statement = (sid: string) => doc.Statement.find((s) => s.Sid === sid)!;

  it('puts `*` only on reads and on what AWS does not narrow', () => {
    for (const s of doc.Statement.filter((x) => x.Resource === '*' || (Array.isArray(x.Resource) && x.Resource.includes('*')))) {
      expect(s.Sid).toBe('Read');
      for (const a of s.Action) expect(a).toMatch(/^(ec2:Describe|elasticloadbalancing:Describe|autoscaling:Describe|sts:GetCallerIdentity$|cloudwatch:GetMetricStatistics$)/);
    }
  });

  it('allows creates only with the stack\'s tag in the request, and changes only on what carries it', () => {
    expect(statement('Ec2CreateTagged').Condition).toEqual({ StringEquals: { 'aws:RequestTag/asg-wizard:stack': 'Web' } });
    expect(statement('Ec2CreateTagged').Action).toEqual(expect.arrayContaining(['ec2:CreateVpc', 'ec2:CreateSecurityGroup', 'ec2:RunInstances']));
    expect(statement('Ec2OnTagged').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/asg-wizard:stack': 'Web' } });
    expect(statement('Ec2OnTagged').Action).toEqual(expect.arrayContaining(['ec2:DeleteVpc', 'ec2:TerminateInstances', 'ec2:DeleteSecurityGroup']));
    expect(statement('Ec2OnTagged').Action).not.toContain('ec2:CreateVpc');
    expect(statement('AutoScalingOnTagged').Action).toEqual(expect.arrayContaining(['autoscaling:DeleteAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup']));
    expect(statement('Ec2TagOnCreate').Condition!.StringEquals!['ec2:CreateAction']).toEqual(expect.arrayContaining(['CreateVpc', 'RunInstances', 'CreateImage']));
  });

  it('names the stack\'s role, topic and alarms in their ARNs, in this region and account', () => {
    expect(statement('IamNamed').Resource).toEqual(expect.arrayContaining(['arn:aws:iam::123456789012:role/Web-SSM-Role', 'arn:aws:iam::123456789012:instance-profile/Web-SSM-Role']));
    expect(statement('PassRoleToEc2')).toMatchObject({ Action: ['iam:PassRole'], Resource: 'arn:aws:iam::123456789012:role/Web-SSM-Role', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } });
    expect(statement('SnsNamed').Resource).toEqual(expect.arrayContaining(['arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events']));
    expect(statement('CloudWatchNamed').Resource).toBe('arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:TargetTracking-Web-ASG-*');
  });

  it('for read-only commands, grants no write', () => {
    const actions = [...policyActions(iamPolicy(['plan', 'status'], SCOPE))];
    expect(actions.filter((a) => !/:(Describe|List|Get)/.test(a))).toEqual([]);
  });
});

describe('asg-wizard iam-policy', () => {
  it('prints the policy for the commands asked, with the account of the credentials; --json wraps it in the envelope', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['iam-policy', '--commands', 'up,destroy', '--stack', 'Shop']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as PolicyDocument;
    expect(doc.Version).toBe('2012-10-17');
    expect(JSON.stringify(doc)).toContain('"aws:ResourceTag/asg-wizard:stack":"Shop"');
    expect(JSON.stringify(doc)).toContain('arn:aws:iam::123456789012:role/Shop-SSM-Role');
    expect(r.writes).toEqual([]);
    const j = await runWizard(file, ['iam-policy', '--json', '--commands', 'status', '--account-id', '210987654321']);
    expect(JSON.parse(j.stdout)).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '210987654321', commands: ['status'], writes: 0, policy: { Version: '2012-10-17' } });
  });

  it('an unknown command is exit 2', async () => {
    const r = await runWizard(tmpSandboxFile(), ['iam-policy', '--commands', 'up,frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --commands up,frobnicate: no command frobnicate$/m);
    expect(r.stderr).toMatch(/^hint: choose from up, plan, status, notify, bake, scale, destroy, load$/m);
  });
});
