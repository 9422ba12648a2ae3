/**
 * The plan is the contract: every AWS write an apply makes is accounted for by a row of the plan
 * it showed (the engine records which row each write was made for), and every row that says it
 * changes something (create, update, adopt, delete) made its writes. Checked for every step, on a
 * full `up`, a re-run with drift, a new image version, an adoption, and the optional parts.
 */
import { describe, it, expect } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeletePolicyCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { runWizard, tmpSandboxFile, type RunResult } from '../helpers/run.js';
import { importCertificate } from '../helpers/certificates.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

interface DocRow { key: string; step: string; action: string; type: string; name: string }

const CHANGING = new Set(['create', 'update', 'adopt', 'delete']);

/** The writes matched to the rows: what was written without a row, and which changing rows wrote nothing. */
function accounting(r: RunResult): { unaccounted: string[]; silent: string[]; steps: Set<string> } {
  expect(r.code, r.stderr).toBe(0);
  const rows = (JSON.parse(r.stdout) as { rows: DocRow[] }).rows;
  const changing = new Map(rows.filter((x) => CHANGING.has(x.action)).map((x) => [x.key, x]));
  const unaccounted = r.log.filter((w) => !w.row || !changing.has(w.row)).map((w) => `${w.service} ${w.command} (row ${w.row ?? 'none'})`);
  const wrote = new Set(r.log.map((w) => w.row));
  const silent = [...changing.values()].filter((x) => !wrote.has(x.key)).map((x) => `${x.action} ${x.type} ${x.name}`);
  return { unaccounted, silent, steps: new Set([...changing.values()].map((x) => x.step)) };
}

/** SDK clients on the sandbox file, as another tool (the console, a script) would be. */
function outsider(file: string) {
  const sandbox = new Sandbox({ file, consistency: false });
  return { sandbox, aws: new AwsClients({ region: sandbox.world.region, sandbox }) };
}

describe('every write of an apply is accounted for by a row, and every changing row writes', () => {
  it('a full up (every step of the lab), then a re-run with zero writes', async () => {
    const file = tmpSandboxFile();
    const a = accounting(await runWizard(file, ['up', '--yes', '--json', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com']));
    expect(a.unaccounted).toEqual([]);
    expect(a.silent).toEqual([]);
    expect([...a.steps].sort()).toEqual(['auto-scaling', 'bake', 'bake-cleanup', 'instance-security', 'launch-template', 'load-balancer', 'network', 'notifications']);
    const again = await runWizard(file, ['up', '--yes', '--json']);
    expect(again.log).toEqual([]);
  });

  it('the optional parts: Session Manager profile, NAT gateway, HTTPS listener, requests-per-target policy', async () => {
    const file = tmpSandboxFile();
    const cert = await importCertificate(file);
    const a = accounting(await runWizard(file, [
      'up', '--yes', '--json', '--session-manager', '--nat-gateway', '--certificate-arn', cert, '--requests-per-target', '100',
    ]));
    expect(a.unaccounted).toEqual([]);
    expect(a.silent).toEqual([]);
    expect(a.steps.has('instance-profile')).toBe(true);
  });

  it('a re-run after drift made by hand repairs it, each write on its row', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const o = outsider(file);
    const w = o.sandbox.world;
    const alb = w.ec2.securityGroups.find((g) => g.name === 'Web-ALB-SG')!;
    const inst = w.ec2.securityGroups.find((g) => g.name === 'ASG-Web-Inst-SG')!;
    const tg = w.elbv2.targetGroups.find((t) => t.name === 'Web-TG')!;
    await o.aws.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: alb.id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await o.aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: inst.id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await o.aws.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.arn, HealthCheckPath: '/health' }));
    await o.aws.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'Web-ASG', MaxSize: 6 }));
    await o.aws.autoscaling.send(new DeletePolicyCommand({ AutoScalingGroupName: 'Web-ASG', PolicyName: 'Target Tracking Policy' }));
    const r = await runWizard(file, ['up', '--yes', '--json']);
    const a = accounting(r);
    expect(a.unaccounted).toEqual([]);
    expect(a.silent).toEqual([]);
    expect([...a.steps].sort()).toEqual(['auto-scaling', 'instance-security', 'load-balancer']);
  });

  it('a new image version: bake, clean-up, a new template version and the instance refresh', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const a = accounting(await runWizard(file, ['up', '--yes', '--json', '--image-name', 'Web Server v2']));
    expect(a.unaccounted).toEqual([]);
    expect(a.silent).toEqual([]);
    expect([...a.steps].sort()).toEqual(['auto-scaling', 'bake', 'bake-cleanup', 'launch-template']);
  });

  it('an adoption: the tag is the row\'s write', async () => {
    const file = tmpSandboxFile();
    const o = outsider(file);
    await o.aws.ec2.send(new CreateSecurityGroupCommand({ VpcId: o.sandbox.world.ec2.vpcs[0]!.id, GroupName: 'Web-ALB-SG', Description: 'made by hand' }));
    const subnets = o.sandbox.world.ec2.subnets.map((x) => x.id);
    const r = await runWizard(file, [
      'up', '--yes', '--json', '--adopt', '--vpc-id', o.sandbox.world.ec2.vpcs[0]!.id,
      '--public-subnets', subnets.slice(0, 2).join(','), '--private-subnets', subnets.slice(2, 4).join(','),
    ]);
    const a = accounting(r);
    expect(a.unaccounted).toEqual([]);
    expect(a.silent).toEqual([]);
    expect((JSON.parse(r.stdout) as { rows: DocRow[] }).rows.find((x) => x.name === 'Web-ALB-SG')!.action).toBe('adopt');
  });

  it('destroy: every deletion (and a network handed over) is made for its row, and every delete row deletes', async () => {
    const file = tmpSandboxFile();
    const cert = await importCertificate(file);
    expect((await runWizard(file, ['up', '--yes', '--session-manager', '--nat-gateway', '--certificate-arn', cert, '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'])).code).toBe(0);
    expect((await runWizard(file, ['up', '--yes', '--stack', 'Shop'])).code).toBe(0);
    const a = accounting(await runWizard(file, ['destroy', '--yes', '--json']));
    expect(a.unaccounted).toEqual([]);
    expect(a.silent).toEqual([]);
    expect([...a.steps].sort()).toEqual(['auto-scaling', 'bake', 'instance-profile', 'instance-security', 'launch-template', 'load-balancer', 'network', 'notifications']);
    const b = accounting(await runWizard(file, ['destroy', '--yes', '--json', '--stack', 'Shop']));
    expect(b.unaccounted).toEqual([]);
    expect(b.silent).toEqual([]);
    expect(b.steps.has('network')).toBe(true);
  });
});
