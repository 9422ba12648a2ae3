/**
 * Every command of the CLI run against the sandbox with every option and in the situations that
 * make it send its other calls (an adoption, drift to repair, a new image version, a stopped
 * group, a confirmed subscription, the load experiment, destroy of all that): what AWS calls each
 * command sent, as `Service Command` (every attempt counts: a refused call needed its permission
 * too). The IAM policy tests hold `iam-policy` to it.
 */
import { copyFileSync } from 'node:fs';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, ModifyListenerCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import { AttachLoadBalancerTargetGroupsCommand, DetachLoadBalancerTargetGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { runWizard, tmpSandboxFile, type RunOptions, type RunResult } from './run.js';
import { importCertificate } from './certificates.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { EC2_TRUST_POLICY } from '../../src/aws/iam.js';
import { confirmPendingSubscriptions } from '../../src/sandbox/sns-subscriptions.js';

export type Sent = Record<string, Set<string>>;

function outsider(file: string) {
  const sandbox = new Sandbox({ file, consistency: false });
  return { sandbox, aws: new AwsClients({ region: sandbox.world.region, sandbox }) };
}

/** Runs every command in its situations; the calls each sent. Throws when a run fails. */
export async function everyCommand(): Promise<Sent> {
  const sent: Sent = {};
  const run = async (command: string, file: string, args: string[], o: RunOptions = {}): Promise<RunResult> => {
    const r = await runWizard(file, [command, ...args], o);
    if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 800)}`);
    sent[command] ??= new Set();
    for (const c of r.sandbox?.calls ?? []) sent[command]!.add(`${c.service} ${c.command}`);
    return r;
  };
  const clock = (file: string) => async (ms: number) => {
    await new Sandbox({ file }).transact((w) => { w.clock.offsetMs += ms; });
  };

  // Adoption: same-named resources made by hand, taken over by up --adopt.
  const adopt = tmpSandboxFile();
  {
    const o = outsider(adopt);
    const vpc = o.sandbox.world.ec2.vpcs[0]!.id;
    await o.aws.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'Web-ALB-SG', Description: 'by hand' }));
    await o.aws.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'Web', LaunchTemplateData: { InstanceType: 't2.micro' } }));
    await o.aws.sns.send(new CreateTopicCommand({ Name: 'Web-ASG-events' }));
    await o.aws.iam.send(new CreateRoleCommand({ RoleName: 'Web-SSM-Role', AssumeRolePolicyDocument: EC2_TRUST_POLICY }));
    await o.aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'Web-SSM-Role' }));
    await o.aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'Web-TG', Protocol: 'HTTP', Port: 80, VpcId: vpc, TargetType: 'instance' }));
    o.aws.destroy();
    const subnets = o.sandbox.world.ec2.subnets.map((s) => s.id);
    await run('plan', adopt, ['--adopt', '--session-manager', '--vpc-id', vpc, '--public-subnets', subnets.slice(0, 2).join(','), '--private-subnets', subnets.slice(2, 4).join(',')]);
    await run('up', adopt, ['--yes', '--adopt', '--session-manager', '--vpc-id', vpc, '--public-subnets', subnets.slice(0, 2).join(','), '--private-subnets', subnets.slice(2, 4).join(',')]);
  }

  // Every option of up: the lab network with a NAT gateway, Session Manager, HTTPS, a subscription.
  const file = tmpSandboxFile();
  const cert = await importCertificate(file);
  const full = ['--session-manager', '--nat-gateway', '--certificate-arn', cert, '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'];
  await run('plan', file, full);
  await run('up', file, ['--yes', ...full]);
  // Drift made by hand, repaired: rules, health check path, listener, target groups.
  {
    const o = outsider(file);
    const w = o.sandbox.world;
    const alb = w.ec2.securityGroups.find((g) => g.name === 'Web-ALB-SG')!;
    const tg = w.elbv2.targetGroups.find((t) => t.name === 'Web-TG')!;
    const listener = w.elbv2.listeners.find((l) => l.port === 80)!;
    await o.aws.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: alb.id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await o.aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: alb.id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await o.aws.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.arn, HealthCheckPath: '/health' }));
    await o.aws.elbv2.send(new ModifyListenerCommand({ ListenerArn: listener.arn, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }] }));
    await o.aws.autoscaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'Web-ASG', TargetGroupARNs: [tg.arn] }));
    const other = await o.aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'Other-TG', Protocol: 'HTTP', Port: 80, VpcId: tg.vpcId, TargetType: 'instance' }));
    await o.aws.autoscaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'Web-ASG', TargetGroupARNs: [other.TargetGroups![0]!.TargetGroupArn!] }));
    o.aws.destroy();
    // A confirmed subscription: destroy unsubscribes it.
    await o.sandbox.transact((world) => confirmPendingSubscriptions(world));
  }
  await run('up', file, ['--yes', ...full]);
  // A new image version and the requests-per-target policy: a new template version, a refresh, another policy.
  await run('bake', file, ['--yes', '--image-name', 'Web Server v2']);
  await run('up', file, ['--yes', ...full, '--image-name', 'Web Server v2', '--requests-per-target', '100']);
  await run('up', file, ['--yes', ...full, '--image-name', 'Web Server v2']);
  await run('status', file, []);
  // The day-two commands.
  await run('scale', file, []);
  await run('scale', file, ['--desired-capacity', '3', '--min-size', '3']);
  await run('scale', file, ['--stop']);
  await run('up', file, ['--yes', ...full, '--image-name', 'Web Server v2', '--min-size', '2', '--max-size', '4']);
  await run('scale', file, ['--start']);
  await run('scale', file, ['--schedule', 'night', '--recurrence', '0 22 * * *', '--time-zone', 'Asia/Seoul', '--min-size', '0', '--desired-capacity', '0']);
  await run('scale', file, ['--list-schedules']);
  {
    let stop = () => undefined as void;
    await run('status', file, ['--watch', '--json'], { onSigint: (h) => ((stop = h), () => undefined), sleep: async () => stop() });
  }
  {
    const load = tmpSandboxFile();
    copyFileSync(file, load);
    await new Sandbox({ file: load }).transact((w) => { w.clock.offsetMs += 20 * 60_000; });
    await run('load', load, ['--minutes', '1'], { env: { ASG_WIZARD_SANDBOX_LATENCY: 'realistic' }, sleep: clock(load) });
  }
  // notify: wires any group to a topic (made here), then unwires it.
  await run('notify', file, ['--all', '--yes', '--topic-name', 'Ops-events']);
  await run('notify', file, ['--all', '--yes', '--topic-name', 'Ops-events', '--remove']);
  await run('scale', file, ['--delete-schedule', 'night']);
  // destroy: everything of both stacks (the first one's network handed over to the second).
  await run('up', file, ['--yes', '--stack', 'Shop']);
  await run('destroy', file, ['--dry-run']);
  await run('destroy', file, ['--yes']);
  await run('destroy', file, ['--yes', '--stack', 'Shop']);
  await run('destroy', adopt, ['--yes']);
  return sent;
}
