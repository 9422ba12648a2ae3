import { describe, it, expect, beforeAll } from 'vitest';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { TestIoHost } from '../../src/ui/test-host.js';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { importCertificate } from '../helpers/certificates.js';

/** SDK clients on the sandbox file, as another tool (the console, a script) would be. */
function outsider(file: string) {
  const sandbox = new Sandbox({ file });
  return { sandbox, aws: new AwsClients({ region: sandbox.world.region, sandbox }) };
}

describe('up against the sandbox', () => {
  const file = tmpSandboxFile();
  let first: Awaited<ReturnType<typeof runWizard>>;

  beforeAll(async () => {
    first = await runWizard(file, ['up', '--yes']);
  });

  it('builds the stack and prints the load balancer URL', () => {
    expect(first.stderr).not.toMatch(/^error:/m);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^URL: http:\/\/Web-ALB-\d+\.ap-northeast-2\.elb\.amazonaws\.com$/im);
    expect(first.writes.length).toBeGreaterThan(10);
    expect(first.writes).toContain('ElasticLoadBalancingV2 CreateLoadBalancer');
    // Tagged at creation: no create is followed by a separate tag call.
    expect(first.writes.filter((w) => /CreateTags|AddTags/.test(w))).toEqual([]);
  });

  it('a second up makes zero mutating calls and says so in one line, not row by row', async () => {
    const second = await runWizard(file, ['up', '--yes']);
    expect(second.code).toBe(0);
    expect(second.writes).toEqual([]);
    expect(second.stdout).toMatch(/^No changes: stack Web is up to date \(19 resources, 0 writes\)\.$/m);
    // Not the 19 `=` rows and their "No changes" total before it.
    expect(second.stderr).not.toMatch(/= reuse|^Plan for stack|No changes: 19 unchanged/m);
    const host = new TestIoHost();
    expect((await runWizard(file, ['up', '--yes'], { host })).code).toBe(0);
    expect(host.notesOf('plan')).toEqual([]);
    expect(host.results.map((r) => r.kind)).toEqual(['up-to-date']);
  });

  it('--verbose shows the whole plan of a stack that is up to date', async () => {
    const host = new TestIoHost();
    expect((await runWizard(file, ['up', '--yes', '--verbose'], { host })).code).toBe(0);
    expect(host.notesOf('plan')[0]!.rows.every((r) => r.action === 'reuse')).toBe(true);
    expect(host.results.map((r) => r.kind)).toEqual(['up-to-date']);
  });

  it('plan after up is all reuse, and --detailed-exitcode gives 0', async () => {
    const plan = await runWizard(file, ['plan', '--json', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    const doc = JSON.parse(plan.stdout);
    expect(doc).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012' });
    expect(doc.rows.length).toBeGreaterThan(10);
    expect(doc.rows.every((r: { action: string }) => r.action === 'reuse')).toBe(true);
    expect(doc.totals.create).toBe(0);
    expect(plan.writes).toEqual([]);
  });

  it('up --json prints the document with url and writes', async () => {
    const again = await runWizard(file, ['up', '--yes', '--json']);
    const doc = JSON.parse(again.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['stack', 'region', 'account', 'rows', 'totals', 'url', 'writes']));
    expect(doc.writes).toBe(0);
    expect(doc.url).toMatch(/^http:\/\/Web-ALB-/i);
    // Progress went to stderr as JSON lines only; stdout is the one document.
    for (const line of again.stderr.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('plan on a fresh account', () => {
  it('shows creates, writes nothing, and --detailed-exitcode gives 2', async () => {
    const file = tmpSandboxFile();
    const plan = await runWizard(file, ['plan', '--detailed-exitcode', '--no-color']);
    expect(plan.code).toBe(2);
    expect(plan.writes).toEqual([]);
    expect(plan.stdout).toMatch(/^Plan for stack Web in ap-northeast-2 \(account 123456789012\)$/m);
    expect(plan.stdout).toMatch(/^ {2}\+ create +AWS::EC2::SecurityGroup +Web-ALB-SG +80\/tcp from 0\.0\.0\.0\/0$/m);
    // The bake's passing instance and group show as deletes too.
    expect(plan.stdout).toMatch(/^Plan: \d+ to create, 0 to update, 2 to delete, 0 unchanged\.$/m);
  });

  it('up --dry-run is the same plan', async () => {
    const file = tmpSandboxFile();
    const a = await runWizard(file, ['plan', '--json']);
    const b = await runWizard(file, ['up', '--dry-run', '--json', '--yes']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).rows).toEqual(JSON.parse(a.stdout).rows);
    expect(b.writes).toEqual([]);
  });
});

describe('a same-named resource that is not ours', () => {
  it('is an adopt row, left alone without --adopt (exit 2, zero writes), taken over with it', async () => {
    const file = tmpSandboxFile();
    const { sandbox, aws } = outsider(file);
    const vpc = sandbox.world.ec2.vpcs.find((v) => v.isDefault)!;
    const subnets = sandbox.world.ec2.subnets.filter((s) => s.vpcId === vpc.id).map((s) => s.id);
    const made = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'Web-ALB-SG', Description: 'made by hand', VpcId: vpc.id }));
    const net = ['--vpc-id', vpc.id, '--public-subnets', subnets.slice(0, 2).join(','), '--private-subnets', subnets.slice(2, 4).join(',')];

    const plan = await runWizard(file, ['plan', '--no-color', ...net]);
    expect(plan.stdout).toMatch(new RegExp(`\\? adopt +AWS::EC2::SecurityGroup +Web-ALB-SG +${made.GroupId}`));

    const refused = await runWizard(file, ['up', '--yes', ...net]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: AWS::EC2::SecurityGroup Web-ALB-SG exists but was not created by asg-wizard: left alone$/m);
    expect(refused.stderr).toMatch(/--adopt/);
    expect(refused.writes).toEqual([]);

    const adopted = await runWizard(file, ['up', '--yes', '--adopt', ...net]);
    expect(adopted.stderr).not.toMatch(/^error:/m);
    expect(adopted.code).toBe(0);
    const { aws: aws2 } = outsider(file);
    const sg = await aws2.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [made.GroupId!] }));
    expect(sg.SecurityGroups![0]!.Tags).toContainEqual({ Key: 'asg-wizard:stack', Value: 'Web' });
    // The same group was reused, not a second one made.
    const again = await runWizard(file, ['up', '--yes', ...net]);
    expect(again.writes).toEqual([]);
  });
});

describe('throttling', () => {
  it('injected throttling is retried by the SDK and the run still succeeds', async () => {
    const file = tmpSandboxFile();
    const run = await runWizard(file, ['up', '--yes'], { env: { ASG_WIZARD_SANDBOX_THROTTLE: '0.15' } });
    expect(run.stderr).not.toMatch(/^error:/m);
    expect(run.code).toBe(0);
    const throttled = run.sandbox!.calls.filter((c) => c.injected && /RequestLimitExceeded|Throttling/.test(c.error ?? ''));
    expect(throttled.length).toBeGreaterThan(0);
    const clean = await runWizard(file, ['up', '--yes']);
    expect(clean.writes).toEqual([]);
  }, 300_000);
});

describe('--save-config', () => {
  it('writes the answers to a YAML file that --config replays to the same stack', async () => {
    const file = tmpSandboxFile();
    const saved = file.replace(/sandbox\.json$/, 'answers.yaml');
    const first = await runWizard(file, ['up', '--yes', '--stack', 'Shop', '--max-size', '5', '--cpu-target', '45', '--save-config', saved]);
    expect(first.stderr).not.toMatch(/^error:/m);
    const { readFileSync } = await import('node:fs');
    const yaml = readFileSync(saved, 'utf8');
    expect(yaml).toMatch(/^stack: Shop$/m);
    expect(yaml).toMatch(/^ {2}maxSize: 5$/m);
    expect(yaml).toMatch(/^ {2}cpuTarget: 45$/m);
    const replay = await runWizard(file, ['plan', '--config', saved, '--detailed-exitcode']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/Plan for stack Shop/);
    const again = await runWizard(file, ['up', '--yes', '--config', saved]);
    expect(again.writes).toEqual([]);
  }, 120_000);
});

describe('a new target group name', () => {
  it('moves the listener and the group to the new target group in place, then converges', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const moved = await runWizard(file, ['up', '--yes', '--target-group-name', 'Web-TG2']);
    expect(moved.stderr).not.toMatch(/^error:/m);
    expect(moved.code).toBe(0);
    expect(moved.writes).toEqual(expect.arrayContaining(['AutoScaling AttachLoadBalancerTargetGroups', 'AutoScaling DetachLoadBalancerTargetGroups', 'ElasticLoadBalancingV2 ModifyListener']));
    const w = moved.sandbox!.world;
    const tg2 = w.elbv2.targetGroups.find((t) => t.name === 'Web-TG2')!;
    const group = w.autoscaling.groups.find((g) => g.name === 'Web-ASG')!;
    expect(group.targetGroupArns).toEqual([tg2.arn]);
    expect(tg2.targets.filter((t) => t.deregisteredAt === undefined).map((t) => t.id).sort()).toEqual(group.instances.map((i) => i.instanceId).sort());
    const again = await runWizard(file, ['up', '--yes', '--target-group-name', 'Web-TG2']);
    expect(again.writes).toEqual([]);
  }, 120_000);
});

describe('optional parts of the network and the load balancer', () => {
  it('--certificate-arn adds an HTTPS listener on 443 and opens 443 on the load balancer group', async () => {
    const file = tmpSandboxFile();
    const cert = await importCertificate(file);
    const run = await runWizard(file, ['up', '--yes', '--certificate-arn', cert]);
    expect(run.stderr).not.toMatch(/^error:/m);
    const w = run.sandbox!.world;
    const https = w.elbv2.listeners.find((l) => l.port === 443)!;
    expect(https).toMatchObject({ protocol: 'HTTPS', certificateArns: [cert] });
    expect(w.ec2.securityGroups.find((g) => g.name === 'Web-ALB-SG')!.ingress.map((r) => r.fromPort).sort()).toEqual([443, 80]);
    expect((await runWizard(file, ['up', '--yes', '--certificate-arn', cert])).writes).toEqual([]);
  }, 120_000);

  it('--nat-gateway gives the private subnets a route through a NAT gateway, and its cost is stated', async () => {
    const file = tmpSandboxFile();
    const plan = await runWizard(file, ['plan', '--nat-gateway', '--no-color']);
    expect(plan.stdout).toMatch(/\+ create +AWS::EC2::NatGateway +VPC-Lab-nat/);
    expect(plan.stdout).toMatch(/billed by the hour/);
    const run = await runWizard(file, ['up', '--yes', '--nat-gateway']);
    expect(run.stderr).not.toMatch(/^error:/m);
    const w = run.sandbox!.world;
    const nat = w.ec2.natGateways.find((n) => n.tags.some((t) => t.Key === 'Name' && t.Value === 'VPC-Lab-nat'))!;
    const privateRt = w.ec2.routeTables.find((t) => t.tags.some((x) => x.Value === 'VPC-Lab-private-rt'))!;
    expect(privateRt.routes).toContainEqual(expect.objectContaining({ destinationCidr: '0.0.0.0/0', natGatewayId: nat.id }));
    expect((await runWizard(file, ['up', '--yes', '--nat-gateway'])).writes).toEqual([]);
  }, 120_000);
});
