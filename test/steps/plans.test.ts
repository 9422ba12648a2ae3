/**
 * Each step's plan() as the pure function it is: (config, what was found, the outputs of the
 * steps it needs) → rows, each changing row with the typed change apply will carry out. Tables
 * of fakes, no AWS, no sandbox (as AWS Copilot tests its commands), beside the end-to-end tests.
 */
import { describe, it, expect } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { StackConfig } from '../../src/config/schema.js';
import { isRef, ref } from '../../src/engine/refs.js';
import type { PlanRow } from '../../src/engine/types.js';
import { networkStep, type NetworkFound } from '../../src/steps/network.js';
import { loadBalancerStep, type LoadBalancerFound } from '../../src/steps/load-balancer.js';
import { instanceSecurityStep } from '../../src/steps/instance-security.js';
import { instanceProfileStep } from '../../src/steps/instance-profile.js';
import { launchTemplateStep, type LaunchTemplateFound } from '../../src/steps/launch-template.js';
import { notificationsStep, type NotificationsFound } from '../../src/steps/notifications.js';
import { autoScalingStep, type AutoScalingFound } from '../../src/steps/auto-scaling.js';
import { bakeStep, type BakeFound } from '../../src/steps/bake.js';
import { bakeCleanupStep } from '../../src/steps/bake-cleanup.js';
import type { SecurityGroup, Subnet } from '../../src/aws/ec2-network.js';
import type { AutoScalingGroup } from '../../src/aws/autoscaling.js';
import type { StepOutputs } from '../../src/steps/outputs.js';

const OURS = { 'asg-wizard:stack': 'Web' };
const cfg = (input: Record<string, unknown> = {}): StackConfig => validateConfig(input);
/** What a reviewer reads of a row. */
const brief = (r: PlanRow) => `${r.action} ${r.type.split('::').pop()} ${r.name}${r.changes.length ? ` [${r.changes.map((c) => c.field).join(',')}]` : ''}`;
const ops = (rows: PlanRow[]) => rows.map((r) => (r.change as { op?: string } | undefined)?.op ?? '-');

const AZS = ['ap-northeast-2a', 'ap-northeast-2b', 'ap-northeast-2c', 'ap-northeast-2d'];
const subnet = (id: string, name: string, az: string, pub: boolean, mapPublicIp = pub): Subnet => ({ id, vpcId: 'vpc-1', az, cidr: '10.0.10.0/24', name, mapPublicIp, public: pub, tags: { ...OURS, Name: name } });
const labSubnets = [
  subnet('subnet-pa', 'Public subnet A', AZS[0]!, true), subnet('subnet-pc', 'Public subnet C', AZS[2]!, true),
  subnet('subnet-qa', 'Private subnet A', AZS[0]!, false), subnet('subnet-qc', 'Private subnet C', AZS[2]!, false),
];

describe('network.plan', () => {
  const none: NetworkFound = { mode: 'lab', subnets: [], routeTables: [], natGateways: [], strayGateways: [], azs: AZS };
  const built: NetworkFound = {
    mode: 'lab', vpc: { id: 'vpc-1', cidr: '10.0.0.0/16', isDefault: false, name: 'VPC-Lab', tags: OURS }, subnets: labSubnets,
    igw: { id: 'igw-1', vpcIds: ['vpc-1'], tags: OURS }, natGateways: [], strayGateways: [], azs: AZS,
    routeTables: [
      { id: 'rtb-pub', vpcId: 'vpc-1', main: false, subnetIds: ['subnet-pa', 'subnet-pc'], igwRoute: 'igw-1', tags: { Name: 'VPC-Lab-public-rt' } },
      { id: 'rtb-priv', vpcId: 'vpc-1', main: false, subnetIds: ['subnet-qa', 'subnet-qc'], tags: { Name: 'VPC-Lab-private-rt' } },
    ],
  };
  it.each<[string, StackConfig, NetworkFound, string[], string[]]>([
    ['nothing there: the lab network in AWS\'s order of need', cfg(), none,
      ['create VPC VPC-Lab', 'create InternetGateway VPC-Lab-igw', 'create Subnet Public subnet A', 'create Subnet Public subnet C', 'create Subnet Private subnet A', 'create Subnet Private subnet C', 'create RouteTable VPC-Lab-public-rt', 'create RouteTable VPC-Lab-private-rt'],
      ['create-vpc', 'create-igw', 'create-subnet', 'create-subnet', 'create-subnet', 'create-subnet', 'route-table', 'route-table']],
    ['built: all reuse, nothing to carry out', cfg(), built,
      ['reuse VPC VPC-Lab', 'reuse InternetGateway VPC-Lab-igw', 'reuse Subnet Public subnet A', 'reuse Subnet Public subnet C', 'reuse Subnet Private subnet A', 'reuse Subnet Private subnet C', 'reuse RouteTable VPC-Lab-public-rt', 'reuse RouteTable VPC-Lab-private-rt'],
      ['-', '-', '-', '-', '-', '-', '-', '-']],
    ['a public subnet without public IPs, and a NAT gateway asked for', cfg({ network: { natGateway: true } }), { ...built, subnets: [subnet('subnet-pa', 'Public subnet A', AZS[0]!, true, false), ...labSubnets.slice(1)] },
      ['reuse VPC VPC-Lab', 'reuse InternetGateway VPC-Lab-igw', 'update Subnet Public subnet A [MapPublicIpOnLaunch]', 'reuse Subnet Public subnet C', 'reuse Subnet Private subnet A', 'reuse Subnet Private subnet C', 'reuse RouteTable VPC-Lab-public-rt', 'update RouteTable VPC-Lab-private-rt [Route 0.0.0.0/0]', 'create NatGateway VPC-Lab-nat'],
      ['-', '-', 'map-public-ip', '-', '-', '-', '-', 'route-table', 'create-nat']],
    ['a gateway left unattached by a run that died: attached, not made again', cfg(), { ...none, strayGateways: [{ id: 'igw-stray', vpcIds: [], tags: OURS }] },
      ['create VPC VPC-Lab', 'update InternetGateway VPC-Lab-igw [Attachment]', 'create Subnet Public subnet A', 'create Subnet Public subnet C', 'create Subnet Private subnet A', 'create Subnet Private subnet C', 'create RouteTable VPC-Lab-public-rt', 'create RouteTable VPC-Lab-private-rt'],
      ['create-vpc', 'attach-igw', 'create-subnet', 'create-subnet', 'create-subnet', 'create-subnet', 'route-table', 'route-table']],
  ])('%s', (_what, config, found, rows, changeOps) => {
    const planned = networkStep.plan(config, found, {});
    expect(planned.map(brief)).toEqual(rows);
    expect(ops(planned)).toEqual(changeOps);
  });

  it('refers to what it still has to make by ref: a new subnet names the new VPC', () => {
    const [vpc, , sub] = networkStep.plan(cfg(), none, {});
    expect((sub!.change as { vpcId: unknown }).vpcId).toEqual(ref(vpc!.key, 'id', 'VPC-Lab'));
    const out = networkStep.outputs(cfg(), none, {});
    expect(isRef(out.vpcId) && out.publicSubnetIds.every(isRef)).toBe(true);
    expect(networkStep.outputs(cfg(), built, {})).toEqual({ vpcId: 'vpc-1', publicSubnetIds: ['subnet-pa', 'subnet-pc'], privateSubnetIds: ['subnet-qa', 'subnet-qc'] });
  });
});

const NET: StepOutputs['network'] = { vpcId: 'vpc-1', publicSubnetIds: ['subnet-pa', 'subnet-pc'], privateSubnetIds: ['subnet-qa', 'subnet-qc'] };
const sg = (id: string, name: string, ingress: SecurityGroup['ingress'], tags: Record<string, string> = OURS): SecurityGroup => ({ id, name, description: '', vpcId: 'vpc-1', ingress, tags });
const HTTP_ANY = { protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '0.0.0.0/0' };

describe('load-balancer.plan', () => {
  const none: LoadBalancerFound = { listeners: [] };
  const lb = { arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/Web-ALB/1', name: 'Web-ALB', dnsName: 'web.elb', scheme: 'internet-facing', type: 'application', vpcId: 'vpc-1', state: 'active', subnetIds: [], azs: [], securityGroupIds: ['sg-alb'], tags: OURS };
  const tg = { arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/Web-TG/2', name: 'Web-TG', protocol: 'HTTP', port: 80, vpcId: 'vpc-1', targetType: 'instance', healthCheckPath: '/', loadBalancerArns: [], tags: OURS };
  const listener = { arn: 'arn:listener/80', loadBalancerArn: lb.arn, protocol: 'HTTP', port: 80, targetGroupArn: tg.arn, certificateArns: [] };
  const built: LoadBalancerFound = { sg: sg('sg-alb', 'Web-ALB-SG', [HTTP_ANY]), lb, tg, listeners: [listener] };
  it.each<[string, StackConfig, LoadBalancerFound, string[], string[]]>([
    ['nothing there', cfg(), none, ['create SecurityGroup Web-ALB-SG', 'create LoadBalancer Web-ALB', 'create TargetGroup Web-TG', 'create Listener Web-ALB:80'], ['create', 'create-lb', 'create-tg', 'create-listener']],
    ['built', cfg(), built, ['reuse SecurityGroup Web-ALB-SG', 'reuse LoadBalancer Web-ALB', 'reuse TargetGroup Web-TG', 'reuse Listener Web-ALB:80'], ['-', '-', '-', '-']],
    ['a new health check path, and HTTPS asked for', cfg({ alb: { healthCheckPath: '/health', certificateArn: 'arn:aws:acm:ap-northeast-2:123456789012:certificate/0f4e1b2c-3d4e-5f60-7a8b-9c0d1e2f3a4b' } }), built,
      ['update SecurityGroup Web-ALB-SG [Ingress]', 'reuse LoadBalancer Web-ALB', 'update TargetGroup Web-TG [HealthCheckPath]', 'reuse Listener Web-ALB:80', 'create Listener Web-ALB:443'], ['update', '-', 'update-tg', '-', 'create-listener']],
    ['an internal load balancer of that name: a conflict, never replaced', cfg(), { ...built, lb: { ...lb, scheme: 'internal' } },
      ['reuse SecurityGroup Web-ALB-SG', 'conflict LoadBalancer Web-ALB', 'reuse TargetGroup Web-TG', 'reuse Listener Web-ALB:80'], ['-', '-', '-', '-']],
    ['same names, not ours: adopted (tagged) only', cfg(), { ...built, lb: { ...lb, tags: {} }, tg: { ...tg, tags: {} } },
      ['reuse SecurityGroup Web-ALB-SG', 'adopt LoadBalancer Web-ALB', 'adopt TargetGroup Web-TG', 'reuse Listener Web-ALB:80'], ['-', 'tag-lb', 'update-tg', '-']],
  ])('%s', (_what, config, found, rows, changeOps) => {
    const planned = loadBalancerStep.plan(config, found, { network: NET });
    expect(planned.map(brief)).toEqual(rows);
    expect(ops(planned)).toEqual(changeOps);
  });
});

describe('instance-security.plan', () => {
  const LB: StepOutputs['load-balancer'] = { albSecurityGroupId: 'sg-alb', loadBalancerArn: 'arn:lb', dnsName: 'x', url: 'http://x', targetGroupArn: 'arn:tg', resourceLabel: 'x' };
  const FROM_ALB = { protocol: 'tcp', fromPort: 80, toPort: 80, sourceGroupId: 'sg-alb' };
  it.each<[string, SecurityGroup | undefined, StepOutputs['load-balancer'], string, Record<string, unknown> | undefined]>([
    ['nothing there: HTTP from the load balancer group still to be made (a ref)', undefined, { ...LB, albSecurityGroupId: ref('load-balancer/alb-sg', 'id', 'Web-ALB-SG') }, 'create SecurityGroup ASG-Web-Inst-SG',
      { op: 'create', authorize: [{ protocol: 'tcp', fromPort: 80, toPort: 80, sourceGroupId: ref('load-balancer/alb-sg', 'id', 'Web-ALB-SG'), description: 'HTTP from the load balancer' }] }],
    ['as wanted', sg('sg-inst', 'ASG-Web-Inst-SG', [FROM_ALB]), LB, 'reuse SecurityGroup ASG-Web-Inst-SG', undefined],
    ['SSH from anywhere added by hand: revoked', sg('sg-inst', 'ASG-Web-Inst-SG', [FROM_ALB, { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' }]), LB, 'update SecurityGroup ASG-Web-Inst-SG [Ingress]',
      { op: 'update', groupId: 'sg-inst', revoke: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' }], authorize: [] }],
    ['a stranger of that name: adopted, its own rules left, ours added', sg('sg-inst', 'ASG-Web-Inst-SG', [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '10.0.0.0/8' }], {}), LB, 'adopt SecurityGroup ASG-Web-Inst-SG [Ingress]',
      { op: 'update', groupId: 'sg-inst', tag: [{ Key: 'asg-wizard:stack', Value: 'Web' }], revoke: [] }],
  ])('%s', (_what, found, lbOut, row, change) => {
    const [r] = instanceSecurityStep.plan(cfg(), found ? { sg: found } : {}, { network: NET, 'load-balancer': lbOut });
    expect(brief(r!)).toBe(row);
    if (change) expect(r!.change).toMatchObject(change);
    else expect(r!.change).toBeUndefined();
  });
});

describe('instance-profile.plan', () => {
  const trust = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = { name: 'Web-SSM-Role', arn: 'arn:aws:iam::123456789012:role/Web-SSM-Role', trustPolicy: trust, tags: OURS };
  const profile = { name: 'Web-SSM-Role', arn: 'arn:aws:iam::123456789012:instance-profile/Web-SSM-Role', roleNames: ['Web-SSM-Role'], tags: OURS };
  it.each<[string, Parameters<typeof instanceProfileStep.plan>[1], string[]]>([
    ['nothing there', { policyArns: [] }, ['create Role Web-SSM-Role', 'create InstanceProfile Web-SSM-Role']],
    ['as wanted', { role, profile, policyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'] }, ['reuse Role Web-SSM-Role', 'reuse InstanceProfile Web-SSM-Role']],
    ['the managed policy detached by hand', { role, profile, policyArns: [] }, ['update Role Web-SSM-Role [ManagedPolicy]', 'reuse InstanceProfile Web-SSM-Role']],
    ['a role EC2 may not assume', { role: { ...role, trustPolicy: '{}' }, profile, policyArns: [] }, ['conflict Role Web-SSM-Role', 'reuse InstanceProfile Web-SSM-Role']],
  ])('%s', (_what, found, rows) => {
    expect(instanceProfileStep.plan(cfg({ instances: { sessionManager: true } }), found, {}).map(brief)).toEqual(rows);
  });
});

describe('launch-template.plan', () => {
  const def = { number: 1, imageId: 'ami-1', instanceType: 't2.micro', securityGroupIds: ['sg-inst'], httpTokens: 'required', hasLoadToken: true };
  const lt = { id: 'lt-1', name: 'Web', defaultVersion: 1, latestVersion: 1, tags: OURS };
  const deps = (imageId: unknown) => ({ bake: { imageId, imageName: 'Web Server v1' }, 'instance-security': { securityGroupId: 'sg-inst' } }) as Parameters<typeof launchTemplateStep.plan>[2];
  it.each<[string, LaunchTemplateFound, unknown, string, string]>([
    ['nothing there (the image still to be baked)', {}, ref('bake/image', 'id', 'Web Server v1'), 'create LaunchTemplate Web', 'create'],
    ['as wanted', { lt, def }, 'ami-1', 'reuse LaunchTemplate Web', '-'],
    ['a new image: a new version made the default', { lt, def }, 'ami-2', 'update LaunchTemplate Web [ImageId,DefaultVersion]', 'update'],
    ['the latest version already holds it (a run stopped before moving the default): that one', { lt: { ...lt, latestVersion: 2 }, def, latest: { ...def, number: 2, imageId: 'ami-2' } }, 'ami-2', 'update LaunchTemplate Web [ImageId,DefaultVersion]', 'update'],
    ['a version without the load token (made before load was closed): a new version with one', { lt, def: { ...def, hasLoadToken: false } }, 'ami-1', 'update LaunchTemplate Web [LoadToken,DefaultVersion]', 'update'],
  ])('%s', (_what, found, imageId, row, op) => {
    const [r] = launchTemplateStep.plan(cfg(), found, deps(imageId));
    expect(brief(r!)).toBe(row);
    expect(ops([r!])).toEqual([op]);
  });

  it('moves to a version it names, new (a ref: known after apply) or reused (a number)', () => {
    const fresh = launchTemplateStep.outputs(cfg(), { lt, def }, deps('ami-2'));
    expect(fresh).toMatchObject({ launchTemplateId: 'lt-1', versionChanged: true, defaultVersion: ref('launch-template/template', 'version', '2') });
    const reused = launchTemplateStep.outputs(cfg(), { lt: { ...lt, latestVersion: 2 }, def, latest: { ...def, number: 2, imageId: 'ami-2' } }, deps('ami-2'));
    expect(reused).toMatchObject({ defaultVersion: 2, versionChanged: true });
    expect((launchTemplateStep.plan(cfg(), { lt: { ...lt, latestVersion: 2 }, def, latest: { ...def, number: 2, imageId: 'ami-2' } }, deps('ami-2'))[0]!.change as { version?: number; spec?: unknown })).toEqual({ op: 'update', templateId: 'lt-1', version: 2 });
  });

  it('plans the load token by where it comes from, never the token: carried over from the version that has it, else drawn at apply', () => {
    const carried = launchTemplateStep.plan(cfg(), { lt, def }, deps('ami-2'))[0]!.change as { spec: { loadToken: unknown } };
    expect(carried.spec.loadToken).toEqual({ fromVersion: 1 });
    const drawn = launchTemplateStep.plan(cfg(), {}, deps('ami-1'))[0]!.change as { spec: { loadToken: unknown } };
    expect(drawn.spec.loadToken).toBe('new');
    expect(JSON.stringify(carried)).not.toMatch(/[0-9a-f]{48}/);
  });
});

describe('notifications.plan', () => {
  const topic = { arn: 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events', name: 'Web-ASG-events', attributes: {}, tags: OURS };
  it.each<[string, Record<string, unknown>, NotificationsFound, string[]]>([
    ['nothing there, no subscription', {}, { given: false }, ['create Topic Web-ASG-events']],
    ['a subscription asked for, on a topic still to be made', { notifications: { protocol: 'email', endpoint: 'ops@example.com' } }, { given: false }, ['create Topic Web-ASG-events', 'create Subscription email ops@example.com']],
    ['a vendor\'s topic given by ARN: used as it is', { notifications: { topicArn: 'arn:aws:sns:ap-northeast-2:123456789012:whatap' } }, { given: true, topic: { ...topic, name: 'whatap', tags: {} } }, ['reuse Topic whatap']],
    ['our topic untagged (made by hand): adopted', {}, { given: false, topic: { ...topic, tags: {} } }, ['adopt Topic Web-ASG-events']],
  ])('%s', (_what, input, found, rows) => {
    expect(notificationsStep.plan(cfg(input), found, {}).map(brief)).toEqual(rows);
  });
});

describe('auto-scaling.plan', () => {
  const LT: StepOutputs['launch-template'] = { launchTemplateId: 'lt-1', launchTemplateName: 'Web', defaultVersion: 1, versionChanged: false };
  const LB: StepOutputs['load-balancer'] = { albSecurityGroupId: 'sg-alb', loadBalancerArn: 'arn:lb', dnsName: 'x', url: 'http://x', targetGroupArn: 'arn:aws:elasticloadbalancing:r:1:targetgroup/Web-TG/2', resourceLabel: 'x' };
  const NOTE: StepOutputs['notifications'] = { topicArn: 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events', types: ['autoscaling:EC2_INSTANCE_LAUNCH'] };
  const group: AutoScalingGroup = {
    name: 'Web-ASG', arn: 'arn:asg', min: 2, max: 4, desired: 2, launchTemplate: { id: 'lt-1', name: 'Web', version: '1' }, subnetIds: ['subnet-qa', 'subnet-qc'],
    targetGroupArns: [LB.targetGroupArn as string], healthCheckType: 'ELB', healthCheckGracePeriod: 300, defaultInstanceWarmup: 300, enabledMetrics: ['GroupInServiceInstances'],
    instances: [{ id: 'i-1', az: AZS[0]!, lifecycle: 'InService', health: 'Healthy', launchTemplateId: 'lt-1', launchTemplateVersion: '1' }],
    tags: { Name: 'ASG-Web-Instance', ...OURS }, propagated: { Name: true, 'asg-wizard:stack': true },
  };
  const policy = { name: 'Target Tracking Policy', arn: 'arn:policy', type: 'TargetTrackingScaling', metric: 'ASGAverageCPUUtilization', targetValue: 30, disableScaleIn: false, enabled: true };
  const built: AutoScalingFound = { group, policies: [policy], notifications: [{ groupName: 'Web-ASG', topicArn: NOTE.topicArn as string, types: ['autoscaling:EC2_INSTANCE_LAUNCH'] }] };
  const deps = (lt = LT) => ({ network: NET, 'load-balancer': LB, 'launch-template': lt, notifications: NOTE });
  it.each<[string, Record<string, unknown>, AutoScalingFound, StepOutputs['launch-template'], string[]]>([
    ['nothing there: held empty until its notifications are set', {}, { policies: [], notifications: [] }, LT, ['create AutoScalingGroup Web-ASG', 'create ScalingPolicy Target Tracking Policy', 'create NotificationConfiguration Web-ASG → Web-ASG-events']],
    ['built', {}, built, LT, ['reuse AutoScalingGroup Web-ASG', 'reuse ScalingPolicy Target Tracking Policy', 'reuse NotificationConfiguration Web-ASG → Web-ASG-events']],
    ['--max-size 6 and a new CPU target', { asg: { maxSize: 6, cpuTarget: 50 } }, built, LT, ['update AutoScalingGroup Web-ASG [MaxSize]', 'update ScalingPolicy Target Tracking Policy [TargetValue]', 'reuse NotificationConfiguration Web-ASG → Web-ASG-events']],
    ['a new template version: rolled out by an instance refresh', {}, built, { ...LT, defaultVersion: ref('launch-template/template', 'version', '2'), versionChanged: true },
      ['update AutoScalingGroup Web-ASG [LaunchTemplate,Instances]', 'reuse ScalingPolicy Target Tracking Policy', 'reuse NotificationConfiguration Web-ASG → Web-ASG-events']],
    ['a group being deleted: a conflict, nothing else planned', {}, { ...built, group: { ...group, status: 'Delete in progress' } }, LT, ['conflict AutoScalingGroup Web-ASG']],
  ])('%s', (_what, input, found, lt, rows) => {
    expect(autoScalingStep.plan(cfg(input), found, deps(lt)).map(brief)).toEqual(rows);
  });

  it('a new group is created at 0/0 and raised once its notifications are in place; without them, at its sizes', () => {
    const [g] = autoScalingStep.plan(cfg(), { policies: [], notifications: [] }, deps());
    expect(g!.change).toMatchObject({ op: 'create-group', settings: { min: 0, desired: 0, max: 4, launchTemplate: { id: 'lt-1', version: '1' } }, raiseTo: { min: 2, desired: 2 } });
    const [h] = autoScalingStep.plan(cfg({ notifications: { enabled: false } }), { policies: [], notifications: [] }, { network: NET, 'load-balancer': LB, 'launch-template': LT });
    expect(h!.change).toMatchObject({ op: 'create-group', settings: { min: 2, desired: 2 } });
    expect((h!.change as { raiseTo?: unknown }).raiseTo).toBeUndefined();
  });

  it('a refresh names the version still to be made by ref, and its words say the predicted number', () => {
    const [g] = autoScalingStep.plan(cfg(), built, deps({ ...LT, defaultVersion: ref('launch-template/template', 'version', '2'), versionChanged: true }));
    expect(g!.changes[0]).toEqual({ field: 'LaunchTemplate', from: 'Web:1', to: 'Web:2 (instance refresh, auto rollback)' });
    expect(g!.change).toMatchObject({ op: 'update-group', refresh: { start: { launchTemplateId: 'lt-1', version: ref('launch-template/template', 'version', '2'), rollback: true, minHealthyPercentage: 50 } } });
  });
});

describe('bake.plan and bake-cleanup.plan', () => {
  const base: BakeFound = { arch: 'x86_64', latestConsole: false, leftovers: [], terminating: [], callerIp: '203.0.113.7', baseImageId: 'ami-al2023', subnetId: 'subnet-pa', userData: '#!/bin/bash\necho hi\n' };
  const image = { id: 'ami-web', name: 'Web Server v1', state: 'available', ownerId: '123456789012', public: false, architecture: 'x86_64', snapshotIds: ['snap-1'], tags: OURS };
  const leftover = { id: 'i-old', state: 'running', instanceType: 't2.micro', imageId: 'ami-al2023', securityGroupIds: [], tags: OURS };
  it.each<[string, Record<string, unknown>, BakeFound, string[], string[]]>([
    ['a bake: group, instance, image; then the clean-up', {}, base,
      ['create SecurityGroup Web-Bake-SG', 'create Instance Web server for custom AMI', 'create Image Web Server v1'],
      ['delete Instance Web server for custom AMI', 'delete SecurityGroup Web-Bake-SG']],
    ['the image is there: nothing baked, leftovers of an interrupted bake removed', {}, { ...base, image, leftovers: [leftover], sg: sg('sg-bake', 'Web-Bake-SG', []) },
      ['reuse Image Web Server v1'], ['delete Instance Web server for custom AMI', 'delete SecurityGroup Web-Bake-SG']],
    ['an image still pending: waited for, never a second', {}, { ...base, image: { ...image, state: 'pending' } }, ['create Image Web Server v1'], []],
    ['a failed image: a conflict naming the fix', {}, { ...base, image: { ...image, state: 'failed' } }, ['conflict Image Web Server v1'], []],
  ])('%s', (_what, input, found, rows, cleanup) => {
    const config = cfg(input);
    const planned = bakeStep.plan(config, found, { network: NET });
    expect(planned.map(brief)).toEqual(rows);
    const out = bakeStep.outputs(config, found, { network: NET });
    expect(bakeCleanupStep.plan(config, {}, { bake: out }).map(brief)).toEqual(cleanup);
  });

  it('the image waits on the instance it is baked from (a ref), and the plan holds the user data\'s digest, not the user data', () => {
    const planned = bakeStep.plan(cfg(), base, { network: NET });
    const launch = planned[1]!.change as { userDataDigest: string };
    expect(launch.userDataDigest).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(planned)).not.toContain('echo hi');
    expect((planned[2]!.change as { instanceId: unknown }).instanceId).toEqual(ref('bake/instance', 'id', 'Web server for custom AMI'));
  });
});
