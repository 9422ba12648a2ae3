/**
 * `destroy` through the real program against the sandbox: it deletes every live resource tagged
 * with the stack and nothing else (a same-named resource without the tag stays, shown as kept),
 * asks for the stack name, writes nothing the second time, keeps the image when asked, and hands a
 * shared lab network over to the stack that still uses it, so the last one to go removes it.
 */
import { describe, expect, it } from 'vitest';
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { PutScheduledUpdateGroupActionCommand } from '@aws-sdk/client-auto-scaling';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { liveTagged, readWorld, untaggedFingerprint } from '../helpers/tagged.js';
import { importCertificate } from '../helpers/certificates.js';
import { FakePrompter } from '../helpers/fake-prompter.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { EC2_TRUST_POLICY } from '../../src/aws/iam.js';

interface DocRow { key: string; step: string; action: string; type: string; name: string; id: string | null; detail?: string; reason?: string }
interface Doc { stack: string; region: string; account: string; rows: DocRow[]; exists: boolean; writes: number; totals: Record<string, number> }

/** SDK clients on the sandbox file, as another tool (the console, a script) would be. */
function outsider(file: string) {
  const sandbox = new Sandbox({ file, consistency: false });
  return { sandbox, aws: new AwsClients({ region: sandbox.world.region, sandbox }) };
}

/** Security groups of the stack's names in the default VPC, and the Session Manager role's name, made by hand (untagged). */
async function strangers(file: string): Promise<void> {
  const o = outsider(file);
  const vpcId = o.sandbox.world.ec2.vpcs[0]!.id;
  for (const name of ['Web-ALB-SG', 'ASG-Web-Inst-SG', 'Web-Bake-SG']) {
    await o.aws.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: 'made by hand' }));
  }
  await o.aws.iam.send(new CreateRoleCommand({ RoleName: 'Web-SSM-Role', AssumeRolePolicyDocument: EC2_TRUST_POLICY }));
  o.aws.destroy();
}

const UP = ['up', '--yes', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'];

describe('destroy', () => {
  it('up then destroy --yes: nothing tagged with the stack is left, nothing else changed; plan finds nothing to reuse; again writes 0', async () => {
    const file = tmpSandboxFile();
    await strangers(file);
    const before = untaggedFingerprint(file, 'Web');
    expect((await runWizard(file, UP)).code).toBe(0);
    expect(liveTagged(file, 'Web').length).toBeGreaterThan(15);

    const r = await runWizard(file, ['destroy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Destroyed: \d+ deleted, 4 kept\. \d+ AWS writes\.$/m);
    // The plan was shown first, on stderr: deletions and the strangers kept.
    expect(r.stderr).toMatch(/^Destroy plan for stack Web in ap-northeast-2 \(account 123456789012\)$/m);
    expect(r.stderr).toMatch(/^ {2}- delete +AWS::AutoScaling::AutoScalingGroup +Web-ASG /m);
    expect(r.stderr).toMatch(/^ {2}= reuse +AWS::EC2::SecurityGroup +Web-ALB-SG +sg-\S+ +kept: not tagged asg-wizard:stack=Web/m);
    expect(r.stderr).toMatch(/^ {2}= reuse +AWS::IAM::Role +Web-SSM-Role .*kept: not tagged/m);
    expect(liveTagged(file, 'Web')).toEqual([]);
    expect(untaggedFingerprint(file, 'Web')).toEqual(before);

    const plan = await runWizard(file, ['plan', '--json']);
    const rows = (JSON.parse(plan.stdout) as Doc).rows;
    expect(rows.filter((x) => x.action === 'reuse' || x.action === 'adopt')).toEqual([]);

    const again = await runWizard(file, ['destroy', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.writes).toEqual([]);
    expect(again.stdout).toMatch(/^Stack Web has nothing to destroy in ap-northeast-2 \(account 123456789012\)/m);
  }, 60_000);

  it('a stack that does not exist: says so, exit 0, no writes; --json says exists: false', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['destroy', '--yes', '--stack', 'Ghost']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Stack Ghost has nothing to destroy');
    expect(r.writes).toEqual([]);
    const j = await runWizard(file, ['destroy', '--yes', '--json', '--stack', 'Ghost']);
    const doc = JSON.parse(j.stdout) as Doc;
    expect(doc).toMatchObject({ stack: 'Ghost', region: 'ap-northeast-2', account: '123456789012', exists: false, writes: 0, rows: [] });
  });

  it('--dry-run shows the deletions in reverse dependency order and writes nothing; --json is the plan document', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, UP)).code).toBe(0);
    const r = await runWizard(file, ['destroy', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    const lines = r.stdout.trimEnd().split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/AutoScalingGroup +Web-ASG/)).toBeLessThan(at(/LaunchTemplate +Web/));
    expect(at(/LaunchTemplate +Web/)).toBeLessThan(at(/SecurityGroup +ASG-Web-Inst-SG/));
    expect(at(/SecurityGroup +ASG-Web-Inst-SG/)).toBeLessThan(at(/SecurityGroup +Web-ALB-SG/));
    expect(at(/LoadBalancer +Web-ALB/)).toBeLessThan(at(/VPC +VPC-Lab/));
    expect(lines.at(-1)).toMatch(/^Plan: \d+ to delete, 0 unchanged\.$/);

    const j = await runWizard(file, ['destroy', '--dry-run', '--json']);
    const doc = JSON.parse(j.stdout) as Doc;
    expect(doc).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', exists: true, writes: 0 });
    expect(doc.rows.every((x) => x.action === 'delete')).toBe(true);
    expect(doc.totals.delete).toBe(doc.rows.length);
    expect(liveTagged(file, 'Web').length).toBeGreaterThan(15);
  }, 30_000);

  it('asks for the stack name: a wrong one is refused and nothing is deleted; the right one destroys', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    let asked = '';
    const wrong = await runWizard(file, ['destroy'], { isTTY: true, prompter: new FakePrompter({ yes: (q: { message: string }) => ((asked = q.message), 'web') }) });
    expect(asked).toMatch(/^Type the stack name \(Web\) to delete these resources/);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/"web" is not the stack's name: type Web to destroy it/);
    expect(wrong.writes).toEqual([]);
    const right = await runWizard(file, ['destroy'], { isTTY: true, prompter: new FakePrompter({ yes: 'Web' }) });
    expect(right.code, right.stderr).toBe(0);
    expect(liveTagged(file, 'Web')).toEqual([]);
  }, 30_000);

  it('--keep-image keeps the image and its snapshot; up afterwards reuses them instead of baking', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const r = await runWizard(file, ['destroy', '--yes', '--keep-image']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/= reuse +AWS::EC2::Image +Web Server v1 .*kept \(--keep-image\)/);
    expect(liveTagged(file, 'Web').map((x) => x.split(' ')[0])).toEqual(['image', 'snapshot']);
    const up = await runWizard(file, ['plan', '--json']);
    const image = (JSON.parse(up.stdout) as Doc).rows.find((x) => x.type === 'AWS::EC2::Image')!;
    expect(image.action).toBe('reuse');
  }, 30_000);

  it('the optional parts go too: the Session Manager role and profile, the NAT gateway and its address, the HTTPS listener, a scheduled action', async () => {
    const file = tmpSandboxFile();
    const cert = await importCertificate(file);
    expect((await runWizard(file, ['up', '--yes', '--session-manager', '--nat-gateway', '--certificate-arn', cert])).code).toBe(0);
    const o = outsider(file);
    await o.aws.autoscaling.send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'Web-ASG', ScheduledActionName: 'nightly', Recurrence: '0 22 * * *', MinSize: 0, MaxSize: 4, DesiredCapacity: 0 }));
    o.aws.destroy();
    const r = await runWizard(file, ['destroy', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const types = doc.rows.filter((x) => x.action === 'delete').map((x) => x.type);
    for (const t of ['AWS::IAM::Role', 'AWS::IAM::InstanceProfile', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::AutoScaling::ScheduledAction']) expect(types).toContain(t);
    expect(doc.rows.filter((x) => x.type === 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(2);
    expect(doc.writes).toBe(r.log.length);
    expect(liveTagged(file, 'Web')).toEqual([]);
    // The certificate was the user's: it stays.
    expect(readWorld(file).acm?.certificates.map((c) => c.arn)).toEqual([cert]);
  }, 60_000);
});

describe('two stacks sharing the lab network', () => {
  for (const first of ['Web', 'Shop'] as const) {
    it(`destroying ${first === 'Web' ? 'the stack that built it' : 'the other'} first keeps the network; destroying the second removes it`, async () => {
      const file = tmpSandboxFile();
      expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
      const shop = await runWizard(file, ['up', '--yes', '--stack', 'Shop']);
      expect(shop.code, shop.stderr).toBe(0);
      const vpcs = () => readWorld(file).ec2.vpcs.filter((v) => v.tags.some((t) => t.Key === 'Name' && t.Value === 'VPC-Lab'));
      expect(vpcs()).toHaveLength(1);
      const second = first === 'Web' ? 'Shop' : 'Web';

      const a = await runWizard(file, ['destroy', '--yes', '--stack', first]);
      expect(a.code, a.stderr).toBe(0);
      expect(vpcs()).toHaveLength(1);
      if (first === 'Web') {
        // The builder hands the network to the stack that still uses it, and says so in one line.
        expect(a.stderr).toMatch(/^VPC-Lab: kept: stack Shop still uses it; handed over to Shop, whose destroy removes it$/m);
        expect(liveTagged(file, 'Web')).toEqual([]);
      } else {
        expect(a.stderr).toMatch(/= reuse +AWS::EC2::VPC +VPC-Lab +vpc-\S+ +kept: it belongs to stack Web/);
        expect(liveTagged(file, 'Shop')).toEqual([]);
      }
      // The survivor still works: its plan changes nothing.
      const still = await runWizard(file, ['plan', '--detailed-exitcode', '--stack', second]);
      expect(still.code, still.stdout + still.stderr).toBe(0);

      const b = await runWizard(file, ['destroy', '--yes', '--stack', second]);
      expect(b.code, b.stderr).toBe(0);
      expect(vpcs()).toEqual([]);
      expect([...liveTagged(file, 'Web'), ...liveTagged(file, 'Shop')]).toEqual([]);
    }, 60_000);
  }
});
