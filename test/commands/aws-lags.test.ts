/**
 * The program against AWS's lags, which the sandbox simulates by default: a new id not yet
 * visible, a new instance profile not yet usable, a terminated instance's interface holding its
 * group, a client token bound after its instance ended, Local Zones in the zone list. Each test
 * fails when the product's handling of its lag is removed.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { runWizard, tmpSandboxFile, type RunResult } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import type { CallRecord, World } from '../../src/sandbox/types.js';

function world(file: string): World {
  return new Sandbox({ file }).world;
}

const lagged = (r: RunResult, lag: CallRecord['lag']) => r.sandbox!.calls.filter((c) => c.lag === lag).map((c) => `${c.command} ${c.error}`);
const errorLines = (r: RunResult) => r.stderr.split('\n').filter((l) => /^(error|hint):/.test(l)).join('\n');

describe('up --sandbox --yes on a fresh account', () => {
  const file = tmpSandboxFile();
  let first: RunResult;
  beforeAll(async () => {
    first = await runWizard(file, ['up', '--yes']);
  });

  it('meets resources not yet visible after their create, retries them, and finishes', () => {
    expect(errorLines(first)).toBe('');
    expect(first.code).toBe(0);
    const notYet = lagged(first, 'consistency');
    expect(notYet.length).toBeGreaterThan(0);
    // Among them the modify-right-after-create calls of the issue.
    expect(notYet).toEqual(expect.arrayContaining([
      'ModifyVpcAttribute InvalidVpcID.NotFound',
      'AttachInternetGateway InvalidInternetGatewayID.NotFound',
      'AuthorizeSecurityGroupIngress InvalidGroup.NotFound',
      'DescribeInstances InvalidInstanceID.NotFound',
    ]));
  });

  it('meets the bake instance\'s interface still holding the bake group, and deletes the group once it is free', () => {
    expect(lagged(first, 'eni-release')).toEqual(expect.arrayContaining(['DeleteSecurityGroup DependencyViolation']));
    expect(world(file).ec2.securityGroups.map((g) => g.name)).not.toContain('Web-Bake-SG');
  });

  it('puts the lab subnets in availability zones, not in the Local or Wavelength Zone listed before them', () => {
    const w = world(file);
    const azs = w.azs.map((a) => a.name);
    const lab = w.ec2.subnets.filter((s) => s.tags.some((t) => t.Key === 'asg-wizard:stack'));
    expect(lab).toHaveLength(4);
    expect(lab.map((s) => s.az).every((az) => azs.includes(az))).toBe(true);
    expect([...new Set(lab.map((s) => s.az))].sort()).toEqual(['ap-northeast-2a', 'ap-northeast-2c']);
  });

  it('a rerun writes nothing', async () => {
    const again = await runWizard(file, ['up', '--yes']);
    expect(again.code).toBe(0);
    expect(again.writes).toEqual([]);
  });
});

describe('up --session-manager', () => {
  it('meets the new instance profile refused by Auto Scaling, retries until IAM has propagated it, and a rerun writes nothing', async () => {
    const file = tmpSandboxFile();
    const run = await runWizard(file, ['up', '--yes', '--session-manager']);
    expect(errorLines(run)).toBe('');
    expect(run.code).toBe(0);
    expect(lagged(run, 'iam-propagation')).toEqual(expect.arrayContaining(['CreateAutoScalingGroup ValidationError']));
    expect(lagged(run, 'consistency').length).toBeGreaterThan(0);
    const group = world(file).autoscaling.groups.find((g) => g.name === 'Web-ASG')!;
    expect(group.instances.filter((i) => i.lifecycle === 'InService')).toHaveLength(2);
    const again = await runWizard(file, ['up', '--yes', '--session-manager']);
    expect(again.code).toBe(0);
    expect(again.writes).toEqual([]);
  });

  it('turned on for a running stack: the instance refresh to the template with the new profile waits for IAM', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const run = await runWizard(file, ['up', '--yes', '--session-manager']);
    expect(errorLines(run)).toBe('');
    expect(run.code).toBe(0);
    expect(lagged(run, 'iam-propagation')).toEqual(expect.arrayContaining(['StartInstanceRefresh ValidationError']));
    const w = world(file);
    const lt = w.ec2.launchTemplates.find((t) => t.name === 'Web')!;
    expect(lt.versions.find((v) => v.number === lt.defaultVersion)!.data.IamInstanceProfile).toBeDefined();
  });

  it('turned on for an empty group: the group moved to the new version in place waits for IAM too', async () => {
    const file = tmpSandboxFile();
    const sizes = ['--min-size', '0', '--desired-capacity', '0'];
    expect((await runWizard(file, ['up', '--yes', ...sizes])).code).toBe(0);
    const run = await runWizard(file, ['up', '--yes', ...sizes, '--session-manager']);
    expect(errorLines(run)).toBe('');
    expect(run.code).toBe(0);
    expect(lagged(run, 'iam-propagation')).toEqual(expect.arrayContaining(['UpdateAutoScalingGroup ValidationError']));
  });
});

describe('a bake whose instance was terminated by hand', () => {
  it('goes on with a new client token (EC2 keeps the old one bound for a day)', async () => {
    // Where the bake's CreateImage falls among its writes, from a clean bake.
    const clean = await runWizard(tmpSandboxFile(), ['bake', '--yes']);
    const k = clean.writes.indexOf('EC2 CreateImage') + 1;
    expect(k).toBeGreaterThan(0);
    const file = tmpSandboxFile();
    const failed = await runWizard(file, ['bake', '--yes'], { env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: String(k) } });
    expect(failed.code).toBe(1);
    const bake = world(file).ec2.instances.find((i) => i.tags.some((t) => t.Key === 'asg-wizard:role'))!;
    expect(bake.clientToken).toMatch(/-1$/);
    // Someone ends it in the console before the next run.
    const sandbox = new Sandbox({ file });
    await new AwsClients({ region: sandbox.world.region, sandbox }).ec2.send(new TerminateInstancesCommand({ InstanceIds: [bake.id] }));

    const again = await runWizard(file, ['bake', '--yes']);
    expect(errorLines(again)).toBe('');
    expect(again.code).toBe(0);
    const launches = again.sandbox!.calls.filter((c) => c.command === 'RunInstances');
    expect(launches.map((c) => c.error ?? 'ok')).toEqual(['IdempotentInstanceTerminated', 'ok']);
    const w = world(file);
    const second = w.ec2.instances.filter((i) => i.tags.some((t) => t.Key === 'asg-wizard:role') && i.id !== bake.id);
    expect(second.map((i) => i.clientToken?.slice(-2))).toEqual(['-2']);
    expect(w.ec2.images.filter((i) => i.name === 'Web Server v1')).toHaveLength(1);
  });
});
