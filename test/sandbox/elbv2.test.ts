import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  paginateDescribeTargetGroups,
  waitUntilLoadBalancerAvailable,
  waitUntilLoadBalancersDeleted,
  waitUntilTargetDeregistered,
  waitUntilTargetInService,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { makeContext, newId } from '../../src/sandbox/store.js';
import { launchInstance } from '../../src/sandbox/instance-model.js';
import { sandboxHttpGetWorld } from '../../src/sandbox/http.js';
import type { SecurityGroupRecord, SgRule, World } from '../../src/sandbox/types.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-elb-')), 'sandbox.json');
}

/** A sandbox with the seeded default VPC; `realistic` puts the world itself at latency scale 1. */
function setup(realistic = false) {
  const sandbox = new Sandbox({ file: tmpFile() });
  const w = sandbox.world;
  if (realistic) w.settings.latencyScale = 1;
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  const vpc = w.ec2.vpcs.find((v) => v.isDefault)!;
  const subnets = w.ec2.subnets.filter((s) => s.vpcId === vpc.id);
  return { sandbox, w, aws, vpc, subnets };
}

function addSg(w: World, vpcId: string, name: string, ingress: Omit<SgRule, 'ruleId'>[]): SecurityGroupRecord {
  const sg: SecurityGroupRecord = {
    id: newId(w, 'sg'), name, description: name, vpcId, tags: [],
    ingress: ingress.map((r) => ({ ...r, ruleId: newId(w, 'sgr') })),
    egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', ruleId: newId(w, 'sgr') }],
  };
  w.ec2.securityGroups.push(sg);
  return sg;
}

const USER_DATA = Buffer.from('#!/bin/bash\ndnf install -y httpd\nsystemctl enable --now httpd\n').toString('base64');

function launch(w: World, subnetId: string, sgIds: string[]) {
  return launchInstance(makeContext(w, 'RunInstances'), {
    imageId: w.ec2.images[0]!.id, instanceType: 't3.micro', subnetId, securityGroupIds: sgIds, userData: USER_DATA,
  });
}

async function nameOf(p: Promise<unknown>): Promise<string> {
  return p.then(() => 'no error', (e: Error) => e.name);
}

/** ALB + its SG (80 from anywhere), an instance SG admitting the ALB's, a target group, a listener 80 → group. */
async function stack(env: ReturnType<typeof setup>) {
  const { w, aws, vpc, subnets } = env;
  const albSg = addSg(w, vpc.id, 'Web-ALB-SG', [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '0.0.0.0/0' }]);
  const instSg = addSg(w, vpc.id, 'ASG-Web-Inst-SG', [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, referencedGroupId: albSg.id }]);
  const lb = (await aws.elbv2.send(new CreateLoadBalancerCommand({
    Name: 'Web-ALB', Subnets: [subnets[0]!.id, subnets[1]!.id], SecurityGroups: [albSg.id], Tags: [{ Key: 'stack', Value: 'lab' }],
  }))).LoadBalancers![0]!;
  const tg = (await aws.elbv2.send(new CreateTargetGroupCommand({
    Name: 'Web-TG', Protocol: 'HTTP', Port: 80, VpcId: vpc.id, HealthCheckPath: '/',
  }))).TargetGroups![0]!;
  const listener = (await aws.elbv2.send(new CreateListenerCommand({
    LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80,
    DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
  }))).Listeners![0]!;
  return { albSg, instSg, lb, tg, listener };
}

describe('sandbox Elastic Load Balancing v2: load balancers', () => {
  it('validates load balancer names as AWS does', async () => {
    const { aws, subnets } = setup();
    const subnetIds = [subnets[0]!.id, subnets[1]!.id];
    const cases: [string, RegExp][] = [
      ['a'.repeat(33), /cannot be longer than '32' characters/],
      ['web_alb', /alphanumeric characters or hyphens/],
      ['-web', /cannot begin or end with '-'/],
      ['web-', /cannot begin or end with '-'/],
      ['internal-web', /cannot begin with 'internal-'/],
    ];
    for (const [Name, message] of cases) {
      const err = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name, Subnets: subnetIds })).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('ValidationError');
      expect((err as Error).message).toMatch(message);
    }
    const ok = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'a'.repeat(32), Subnets: subnetIds }));
    expect(ok.LoadBalancers?.[0]?.LoadBalancerName).toBe('a'.repeat(32));
  });

  it('rejects one-AZ subnets, two subnets in one AZ, unknown subnets and a VPC without an internet gateway', async () => {
    const { w, aws, subnets } = setup();
    const one = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'one', Subnets: [subnets[0]!.id] })).catch((e: Error) => e);
    expect((one as Error).name).toBe('ValidationError');
    expect((one as Error).message).toBe('At least two subnets in two different Availability Zones must be specified');

    const sameAz = { ...subnets[0]!, id: newId(w, 'subnet'), cidr: '172.31.128.0/20', defaultForAz: false };
    w.ec2.subnets.push(sameAz);
    expect(await nameOf(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'two', Subnets: [subnets[0]!.id, sameAz.id] }))))
      .toBe('InvalidConfigurationRequestException');
    expect(await nameOf(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'ghost', Subnets: [subnets[0]!.id, 'subnet-0000000000000dead'] }))))
      .toBe('SubnetNotFoundException');

    const isolated = { id: newId(w, 'vpc'), cidr: '10.9.0.0/16', isDefault: false, tags: [], enableDnsHostnames: true, enableDnsSupport: true };
    w.ec2.vpcs.push(isolated);
    const priv = ['a', 'b'].map((l, i) => ({
      id: newId(w, 'subnet'), vpcId: isolated.id, cidr: `10.9.${i}.0/24`, az: `ap-northeast-2${l}`, azId: `apne2-az${i + 1}`,
      mapPublicIpOnLaunch: false, defaultForAz: false, tags: [],
    }));
    w.ec2.subnets.push(...priv);
    addSg(w, isolated.id, 'default', []);
    const noIgw = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'public', Subnets: priv.map((s) => s.id) })).catch((e: Error) => e);
    expect((noIgw as Error).name).toBe('InvalidSubnetException');
    expect((noIgw as Error).message).toBe(`VPC ${isolated.id} has no internet gateway`);
    const internal = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'inside', Scheme: 'internal', Subnets: priv.map((s) => s.id) }));
    expect(internal.LoadBalancers?.[0]?.DNSName).toMatch(/^internal-inside-\d{10}\.ap-northeast-2\.elb\.amazonaws\.com$/);

    const foreignSg = addSg(w, isolated.id, 'elsewhere', []);
    expect(await nameOf(aws.elbv2.send(new CreateLoadBalancerCommand({
      Name: 'sg', Subnets: [subnets[0]!.id, subnets[1]!.id], SecurityGroups: [foreignSg.id],
    })))).toBe('InvalidSecurityGroupException');
  });

  it('returns the existing load balancer for identical settings, DuplicateLoadBalancerName otherwise', async () => {
    const { w, aws, vpc, subnets } = setup();
    const sg = addSg(w, vpc.id, 'Web-ALB-SG', []);
    const input = { Name: 'Web-ALB', Subnets: [subnets[0]!.id, subnets[1]!.id], SecurityGroups: [sg.id] };
    const first = (await aws.elbv2.send(new CreateLoadBalancerCommand(input))).LoadBalancers![0]!;
    expect(first.LoadBalancerArn).toMatch(/^arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer\/app\/Web-ALB\/[0-9a-f]{16}$/);
    expect(first.DNSName).toMatch(/^web-alb-\d{10}\.ap-northeast-2\.elb\.amazonaws\.com$/);
    expect(first).toMatchObject({ Scheme: 'internet-facing', Type: 'application', VpcId: vpc.id, IpAddressType: 'ipv4', SecurityGroups: [sg.id] });
    expect(first.CreatedTime).toBeInstanceOf(Date);
    expect(first.AvailabilityZones?.map((a) => a.ZoneName)).toEqual([subnets[0]!.az, subnets[1]!.az]);

    const again = (await aws.elbv2.send(new CreateLoadBalancerCommand({ ...input, Subnets: [...input.Subnets].reverse() }))).LoadBalancers![0]!;
    expect(again.LoadBalancerArn).toBe(first.LoadBalancerArn);
    expect(w.elbv2.loadBalancers).toHaveLength(1);

    const other = await aws.elbv2.send(new CreateLoadBalancerCommand({ ...input, Subnets: [subnets[0]!.id, subnets[2]!.id] })).catch((e: Error) => e);
    expect((other as Error).name).toBe('DuplicateLoadBalancerNameException');
    expect((other as Error).message).toBe("A load balancer with the same name 'Web-ALB' exists, but with different settings");
  });

  it('is provisioning until its time has passed, then active; the waiters work', async () => {
    const realistic = setup(true);
    const lb = (await realistic.aws.elbv2.send(new CreateLoadBalancerCommand({
      Name: 'slow', Subnets: [realistic.subnets[0]!.id, realistic.subnets[1]!.id],
    }))).LoadBalancers![0]!;
    expect(lb.State?.Code).toBe('provisioning');
    realistic.w.clock.offsetMs += 60_000;
    const mid = await realistic.aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['slow'] }));
    expect(mid.LoadBalancers?.[0]?.State?.Code).toBe('provisioning');
    realistic.w.clock.offsetMs += 95_000;
    const later = await realistic.aws.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] }));
    expect(later.LoadBalancers?.[0]?.State?.Code).toBe('active');

    const { aws, subnets, w } = setup();
    const fast = (await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'fast', Subnets: [subnets[0]!.id, subnets[1]!.id] }))).LoadBalancers![0]!;
    const arn = fast.LoadBalancerArn!;
    const ready = await waitUntilLoadBalancerAvailable({ client: aws.elbv2, maxWaitTime: 10, minDelay: 1 }, { LoadBalancerArns: [arn] });
    expect(ready.state).toBe('SUCCESS');
    const attrs = await aws.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }));
    expect(attrs.Attributes).toEqual(expect.arrayContaining([
      { Key: 'deletion_protection.enabled', Value: 'false' }, { Key: 'idle_timeout.timeout_seconds', Value: '60' },
    ]));

    await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    const gone = await waitUntilLoadBalancersDeleted({ client: aws.elbv2, maxWaitTime: 10, minDelay: 1 }, { LoadBalancerArns: [arn] });
    expect(gone.state).toBe('SUCCESS');
    expect(w.elbv2.loadBalancers.find((l) => l.arn === arn)?.deletedAt).toBeTypeOf('number');
    expect((await aws.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers).toEqual([]);
    expect(await nameOf(aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['fast'] })))).toBe('LoadBalancerNotFoundException');
    // Deleting it again (or any unknown load balancer) succeeds, as on AWS.
    await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
  });
});

describe('sandbox Elastic Load Balancing v2: target groups and listeners', () => {
  it('creates target groups with AWS defaults, idempotently, and pages through them', async () => {
    const { aws, vpc } = setup();
    const input = { Name: 'Web-TG', Protocol: 'HTTP' as const, Port: 80, VpcId: vpc.id, Tags: [{ Key: 'stack', Value: 'lab' }] };
    const tg = (await aws.elbv2.send(new CreateTargetGroupCommand(input))).TargetGroups![0]!;
    expect(tg.TargetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup\/Web-TG\/[0-9a-f]{16}$/);
    expect(tg).toMatchObject({
      TargetType: 'instance', HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 30, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' }, LoadBalancerArns: [],
    });
    const again = (await aws.elbv2.send(new CreateTargetGroupCommand(input))).TargetGroups![0]!;
    expect(again.TargetGroupArn).toBe(tg.TargetGroupArn);
    const dup = await aws.elbv2.send(new CreateTargetGroupCommand({ ...input, Port: 8080 })).catch((e: Error) => e);
    expect((dup as Error).name).toBe('DuplicateTargetGroupNameException');
    expect(await nameOf(aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'Web_TG', Protocol: 'HTTP', Port: 80, VpcId: vpc.id })))).toBe('ValidationError');
    expect(await nameOf(aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'no-port', Protocol: 'HTTP', VpcId: vpc.id })))).toBe('ValidationError');
    expect(await nameOf(aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'no-vpc', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-0000000000000dead' })))).toBe('ValidationError');

    const attrs = await aws.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }));
    expect(attrs.Attributes).toEqual(expect.arrayContaining([
      { Key: 'deregistration_delay.timeout_seconds', Value: '300' }, { Key: 'stickiness.enabled', Value: 'false' },
    ]));
    const tags = await aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: [tg.TargetGroupArn!] }));
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'stack', Value: 'lab' }]);
    await aws.elbv2.send(new AddTagsCommand({ ResourceArns: [tg.TargetGroupArn!], Tags: [{ Key: 'Name', Value: 'Web-TG' }] }));
    await aws.elbv2.send(new RemoveTagsCommand({ ResourceArns: [tg.TargetGroupArn!], TagKeys: ['stack'] }));
    const after = await aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: [tg.TargetGroupArn!] }));
    expect(after.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'Name', Value: 'Web-TG' }]);
    const unknownArn = tg.TargetGroupArn!.replace(/[0-9a-f]{16}$/, '0000000000000000');
    expect(await nameOf(aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: [unknownArn] })))).toBe('TargetGroupNotFoundException');
    expect(await nameOf(aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['Web-TG', 'nope'] })))).toBe('TargetGroupNotFoundException');

    for (const n of ['tg-b', 'tg-c', 'tg-d']) await aws.elbv2.send(new CreateTargetGroupCommand({ ...input, Name: n }));
    const pages: number[] = [];
    // The SDK's paginator for this command has no page-size key: PageSize goes in the input.
    for await (const page of paginateDescribeTargetGroups({ client: aws.elbv2 }, { PageSize: 3 })) pages.push(page.TargetGroups!.length);
    expect(pages).toEqual([3, 1]);
  });

  it('creates listeners idempotently; another setting on the port is a DuplicateListener; a group serves one load balancer', async () => {
    const env = setup();
    const { aws, subnets } = env;
    const { lb, tg, listener } = await stack(env);
    expect(listener.ListenerArn).toBe(`${lb.LoadBalancerArn!.replace(':loadbalancer/', ':listener/')}/${listener.ListenerArn!.split('/').pop()}`);
    const same = await aws.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
    }));
    expect(same.Listeners?.[0]?.ListenerArn).toBe(listener.ListenerArn);
    const dup = await aws.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    })).catch((e: Error) => e);
    expect((dup as Error).name).toBe('DuplicateListenerException');
    expect(await nameOf(aws.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTPS', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
    })))).toBe('ValidationError');
    expect(await nameOf(aws.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: 'arn:aws:s3:::not-a-cert' }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
    })))).toBe('CertificateNotFoundException');

    const groups = await aws.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    expect(groups.TargetGroups?.map((g) => [g.TargetGroupName, g.LoadBalancerArns])).toEqual([['Web-TG', [lb.LoadBalancerArn]]]);
    const listeners = await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    expect(listeners.Listeners?.[0]?.DefaultActions?.[0]).toMatchObject({ Type: 'forward', TargetGroupArn: tg.TargetGroupArn });

    const other = (await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'Other-ALB', Subnets: [subnets[0]!.id, subnets[1]!.id] }))).LoadBalancers![0]!;
    expect(await nameOf(aws.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: other.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
    })))).toBe('TargetGroupAssociationLimitException');
    expect(await nameOf(aws.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: other.LoadBalancerArn, Protocol: 'HTTP', Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn!.replace(/[0-9a-f]{16}$/, '0000000000000000') }],
    })))).toBe('TargetGroupNotFoundException');
  });

  it('will not delete a target group a listener forwards to (ResourceInUse)', async () => {
    const env = setup();
    const { aws } = env;
    const { tg, listener } = await stack(env);
    const err = await aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn })).catch((e: Error) => e);
    expect((err as Error).name).toBe('ResourceInUseException');
    expect((err as Error).message).toBe(`The target group '${tg.TargetGroupArn}' is currently in use by a listener or a rule`);
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn }));
    expect(await nameOf(aws.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tg.TargetGroupArn!] })))).toBe('TargetGroupNotFoundException');
  });
});

describe('sandbox Elastic Load Balancing v2: targets', () => {
  it('a serving instance whose group admits the ALB goes initial → healthy; one that is not admitted times out', async () => {
    const env = setup(true);
    const { w, aws, vpc, subnets } = env;
    const { tg } = await stack(env);
    const closedSg = addSg(w, vpc.id, 'closed', []);
    const good = launch(w, subnets[0]!.id, [w.ec2.securityGroups.find((g) => g.name === 'ASG-Web-Inst-SG')!.id]);
    const blocked = launch(w, subnets[1]!.id, [closedSg.id]);

    expect(await nameOf(aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0000000000000dead' }] }))))
      .toBe('InvalidTargetException');
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: good.id }, { Id: blocked.id }] }));
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: good.id }] }));
    expect(w.elbv2.targetGroups[0]!.targets).toHaveLength(2);

    const health = async () => {
      const out = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }));
      return Object.fromEntries(out.TargetHealthDescriptions!.map((d) => [d.Target!.Id!, d]));
    };
    let h = await health();
    expect(h[good.id]?.Target).toEqual({ Id: good.id, Port: 80, AvailabilityZone: subnets[0]!.az });
    expect(h[good.id]?.HealthCheckPort).toBe('80');
    expect(h[good.id]?.TargetHealth?.State).toBe('unused'); // still pending

    w.clock.offsetMs += 200_000; // running, web server up, load balancer active since 150 s
    h = await health();
    expect(h[good.id]?.TargetHealth).toMatchObject({ State: 'initial', Reason: 'Elb.InitialHealthChecking' });
    expect(h[blocked.id]?.TargetHealth).toMatchObject({ State: 'initial' });

    w.clock.offsetMs += 120_000; // 5 checks × 30 s after the load balancer came up
    h = await health();
    expect(h[good.id]?.TargetHealth).toEqual({ State: 'healthy' });
    expect(h[blocked.id]?.TargetHealth).toMatchObject({ State: 'unhealthy', Reason: 'Target.Timeout' });
    const inService = await waitUntilTargetInService(
      { client: aws.elbv2, maxWaitTime: 10, minDelay: 1 }, { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: good.id }] },
    );
    expect(inService.state).toBe('SUCCESS');
  });

  it('drains a deregistered target for the deregistration delay, then removes it', async () => {
    const env = setup(true);
    const { w, aws, subnets } = env;
    const { tg, instSg } = await stack(env);
    const inst = launch(w, subnets[0]!.id, [instSg.id]);
    await aws.elbv2.send(new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }],
    }));
    expect(w.elbv2.targetGroups[0]!.deregistrationDelaySeconds).toBe(60);
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: inst.id }] }));
    w.clock.offsetMs += 400_000;
    await aws.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: inst.id }] }));
    const draining = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }));
    expect(draining.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: 'draining', Reason: 'Target.DeregistrationInProgress' });
    expect(await nameOf(aws.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: 'i-0000000000000dead' }] }))))
      .toBe('InvalidTargetException');

    w.clock.offsetMs += 61_000;
    const after = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }));
    expect(after.TargetHealthDescriptions).toEqual([]);
    const one = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: inst.id }] }));
    expect(one.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    const done = await waitUntilTargetDeregistered(
      { client: aws.elbv2, maxWaitTime: 10, minDelay: 1 }, { TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: inst.id }] },
    );
    expect(done.state).toBe('SUCCESS');
  });
});

describe('sandboxHttpGet', () => {
  it('round-robins over two healthy targets in two AZs and serves /load', async () => {
    const env = setup();
    const { w, aws, subnets } = env;
    const { lb, tg, instSg } = await stack(env);
    const url = `http://${lb.DNSName}/`;
    expect(sandboxHttpGetWorld(w, url)).toEqual({ status: 503, body: '503 Service Temporarily Unavailable' });
    expect(sandboxHttpGetWorld(w, 'http://nowhere.example/').status).toBe(0);
    expect(sandboxHttpGetWorld(w, `http://${lb.DNSName}:8080/`).body).toMatch(/Connection (refused|timed out)/);

    const a = launch(w, subnets[0]!.id, [instSg.id]);
    const b = launch(w, subnets[1]!.id, [instSg.id]);
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: a.id }, { Id: b.id }] }));
    await waitUntilTargetInService({ client: aws.elbv2, maxWaitTime: 10, minDelay: 1 }, { TargetGroupArn: tg.TargetGroupArn });

    const answers = [1, 2, 3, 4].map(() => sandboxHttpGetWorld(w, url));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(answers.map((r) => r.instanceId)).toEqual([a.id, b.id, a.id, b.id]);
    expect(new Set(answers.map((r) => r.az))).toEqual(new Set([subnets[0]!.az, subnets[1]!.az]));
    expect(answers[0]!.body).toContain(`<p>Instance: ${a.id}</p>`);
    expect(answers[0]!.body).toContain(`<p>Availability Zone: ${subnets[0]!.az}</p>`);

    const load = sandboxHttpGetWorld(w, `${url}load?seconds=120`);
    expect(load).toMatchObject({ status: 200, body: `burning CPU for 120 s on ${load.instanceId}\n` });
    const burning = w.ec2.instances.find((i) => i.id === load.instanceId)!;
    expect(burning.cpuBurnUntil).toBeGreaterThan(Date.now() + 100_000);
    // The lab's web server: its bounds on /load, and Apache's 404 for what it does not serve.
    const tooLong = sandboxHttpGetWorld(w, `${url}load?seconds=3601`);
    expect(tooLong).toMatchObject({ status: 400, body: 'seconds must be a whole number from 1 to 3600\n' });
    expect(w.ec2.instances.find((i) => i.id === tooLong.instanceId)!.cpuBurnUntil ?? 0).toBeLessThan(Date.now() + 3_000_000);
    expect(sandboxHttpGetWorld(w, `${url}no-such-page`)).toMatchObject({ status: 404 });
  });

  it('does not answer while the load balancer is provisioning', async () => {
    const env = setup(true);
    const { lb } = await stack(env);
    const res = sandboxHttpGetWorld(env.w, `http://${lb.DNSName}/`);
    expect(res.status).toBe(0);
    expect(res.body).toMatch(/provisioning/);
  });
});
