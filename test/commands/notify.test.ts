/**
 * `asg-wizard notify` through the real program against the sandbox: groups made by "someone
 * else" (the SDK on the same sandbox file), wired, re-run, partly wired, scaled in.
 */
import { describe, it, expect } from 'vitest';
import { CreateAutoScalingGroupCommand, SetDesiredCapacityCommand, type CreateAutoScalingGroupCommandInput } from '@aws-sdk/client-auto-scaling';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { FakePrompter } from '../helpers/fake-prompter.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { deliveredTo } from '../../src/sandbox/sns.js';
import { AwsClients } from '../../src/aws/clients.js';
import { forgetWorld } from '../../src/sandbox/store.js';
import { classifyNotification } from '../../src/notifications/classify.js';
import type { World } from '../../src/sandbox/types.js';

const LT_ID = 'lt-0a1b2c3d4e5f60718';
const TG_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/web-tg/0123456789abcdef';
const LB_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web-alb/0123456789abcdef';
const OUR_TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events';
const ALL_TYPES = [
  'autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
];

/** The sandbox account as another tool (the console, a script) sees it: SDK clients on the same file. */
function outsider(file: string) {
  forgetWorld(file);
  const sandbox = new Sandbox({ file });
  const clients = new AwsClients({ region: sandbox.world.region, sandbox });
  return { sandbox, w: sandbox.world, asg: clients.autoscaling, sns: clients.sns };
}

/** A launch template, and a target group behind an active load balancer, pushed straight into the world. */
function lab(w: World): void {
  const now = Date.now() + w.clock.offsetMs;
  const sg = w.ec2.securityGroups[0]!;
  const image = w.ec2.images.find((i) => i.architecture === 'x86_64')!;
  w.ec2.launchTemplates.push({
    id: LT_ID, name: 'web-lt', defaultVersion: 1, latestVersion: 1, createdAt: now, tags: [],
    versions: [{ number: 1, createdAt: now, data: { ImageId: image.id, InstanceType: 't3.micro', SecurityGroupIds: [sg.id], MetadataOptions: { HttpTokens: 'required' } } }],
  });
  w.elbv2.loadBalancers.push({
    arn: LB_ARN, name: 'web-alb', dnsName: 'web-alb-1.ap-northeast-2.elb.amazonaws.com', scheme: 'internet-facing', type: 'application',
    vpcId: w.ec2.vpcs[0]!.id, subnetIds: w.ec2.subnets.slice(0, 2).map((s) => s.id), securityGroupIds: [sg.id], ipAddressType: 'ipv4',
    createdAt: now - 600_000, activeAt: now - 300_000, tags: [],
  });
  w.elbv2.targetGroups.push({
    arn: TG_ARN, name: 'web-tg', protocol: 'HTTP', port: 80, vpcId: w.ec2.vpcs[0]!.id, targetType: 'instance',
    healthCheck: { protocol: 'HTTP', path: '/', port: 'traffic-port', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200' },
    deregistrationDelaySeconds: 300, targets: [], createdAt: now - 600_000, tags: [],
  });
  w.elbv2.listeners.push({
    arn: `${LB_ARN.replace(':loadbalancer/', ':listener/')}/abcdef0123456789`, loadBalancerArn: LB_ARN, protocol: 'HTTP', port: 80,
    certificateArns: [], defaultActions: [{ Type: 'forward', TargetGroupArn: TG_ARN }], tags: [],
  });
}

/** A sandbox file with the lab's pieces and these groups (empty unless `over` says otherwise). */
async function account(names: string[], over: (name: string) => Partial<CreateAutoScalingGroupCommandInput> = () => ({})) {
  const file = tmpSandboxFile();
  const o = outsider(file);
  lab(o.w);
  o.sandbox.persist();
  const subnets = o.w.ec2.subnets.slice(0, 2).map((s) => s.id).join(',');
  for (const name of names) {
    await o.asg.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name, LaunchTemplate: { LaunchTemplateId: LT_ID, Version: '$Default' },
      MinSize: 0, MaxSize: 4, DesiredCapacity: 0, VPCZoneIdentifier: subnets, ...over(name),
    }));
  }
  return file;
}

describe('scratch', () => {
  it('health', async () => {
    const file = await account(['hc'], () => ({ MinSize: 1, DesiredCapacity: 1, HealthCheckType: 'ELB', HealthCheckGracePeriod: 0, TargetGroupARNs: [TG_ARN] }));
    const r = await runWizard(file, ['notify', '--group', 'hc', '--yes']);
    console.log(r.code, r.stdout, r.stderr, r.writes);
    const o = outsider(file);
    for (let i = 0; i < 10; i++) { o.w.clock.offsetMs += 30_000; await o.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'hc', DesiredCapacity: 1 })).catch(() => {}); }
    console.log(deliveredTo(o.w, OUR_TOPIC).map((d) => classifyNotification(d.message)));
  });
});
