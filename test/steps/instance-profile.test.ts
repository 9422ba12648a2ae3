/**
 * Session Manager access (`--session-manager`) through the real program against the sandbox:
 * the role `<stack>-SSM-Role` trusted by EC2 with AmazonSSMManagedInstanceCore and the instance
 * profile holding it, tagged; nothing without the flag; a second run writes nothing; a role
 * made by hand is adopted only with consent; an interrupted run converges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import type { World } from '../../src/sandbox/types.js';

const world = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const iamOf = (w: World) => ({
  roles: w.iam.roles.map((r) => `${r.name} ${r.attachedPolicyArns.join(',')} ${r.tags.map((t) => `${t.Key}=${t.Value}`).sort().join(',')}`),
  profiles: w.iam.instanceProfiles.map((p) => `${p.name} [${p.roleNames.join(',')}] ${p.tags.map((t) => `${t.Key}=${t.Value}`).sort().join(',')}`),
});
const ARGS = ['up', '--yes', '--session-manager', '--no-notifications'];

describe('the Session Manager instance profile', () => {
  it('is not made without --session-manager', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['plan']);
    expect(r.stdout).not.toContain('AWS::IAM::');
  });

  it('is planned, made with its policy and tags, and left alone by a second run', async () => {
    const file = tmpSandboxFile();
    const plan = await runWizard(file, ['plan', '--session-manager', '--no-notifications']);
    expect(plan.stdout).toMatch(/\+ create +AWS::IAM::Role +Web-SSM-Role +trusted by EC2, with AmazonSSMManagedInstanceCore/);
    expect(plan.stdout).toMatch(/\+ create +AWS::IAM::InstanceProfile +Web-SSM-Role +holds Web-SSM-Role/);
    const up = await runWizard(file, ARGS);
    expect(up.code, up.stderr).toBe(0);
    const w = world(file);
    expect(iamOf(w)).toEqual({
      roles: [`Web-SSM-Role ${SSM_CORE} Name=Web-SSM-Role,asg-wizard:stack=Web`],
      profiles: ['Web-SSM-Role [Web-SSM-Role] Name=Web-SSM-Role,asg-wizard:stack=Web'],
    });
    const trust = JSON.parse(w.iam.roles[0]!.assumeRolePolicyDocument) as { Statement: { Principal: { Service: string } }[] };
    expect(trust.Statement[0]!.Principal.Service).toBe('ec2.amazonaws.com');
    const iamWrites = up.writes.filter((x) => x.startsWith('IAM '));
    expect(iamWrites).toEqual(['IAM CreateRole', 'IAM AttachRolePolicy', 'IAM CreateInstanceProfile', 'IAM AddRoleToInstanceProfile']);
    const again = await runWizard(file, ARGS);
    expect(again.code, again.stderr).toBe(0);
    expect(again.writes).toEqual([]);
  });

  it('takes over a hand-made role of the same name only with --adopt, adding the policy it lacks', async () => {
    const file = tmpSandboxFile();
    await runWizard(file, ['plan']);
    const w = world(file);
    w.iam.roles.push({
      name: 'Web-SSM-Role', arn: 'arn:aws:iam::123456789012:role/Web-SSM-Role', id: 'AROAHANDMADE0000000', path: '/',
      assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      attachedPolicyArns: [], createdAt: Date.now(), tags: [],
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify(w));
    const refused = await runWizard(file, ARGS);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: .*AWS::IAM::Role Web-SSM-Role .*not created by asg-wizard/m);
    expect(refused.writes).toEqual([]);
    const adopted = await runWizard(file, [...ARGS, '--adopt']);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.writes.filter((x) => x.startsWith('IAM '))).toEqual(['IAM TagRole', 'IAM AttachRolePolicy', 'IAM CreateInstanceProfile', 'IAM AddRoleToInstanceProfile']);
    expect(iamOf(world(file)).roles).toEqual([`Web-SSM-Role ${SSM_CORE} asg-wizard:stack=Web`]);
  });

  it('converges after a failure at each of its writes', async () => {
    const cleanFile = tmpSandboxFile();
    const clean = await runWizard(cleanFile, ARGS);
    expect(clean.code, clean.stderr).toBe(0);
    const want = iamOf(world(cleanFile));
    const problems: string[] = [];
    for (const [index, write] of clean.writes.entries()) {
      if (!write.startsWith('IAM ')) continue;
      for (const mode of ['before', 'after']) {
        const file = tmpSandboxFile();
        const failed = await runWizard(file, ARGS, { env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: String(index + 1), ASG_WIZARD_SANDBOX_FAIL_MODE: mode } });
        if (failed.code !== 1 || !/^error: instance-profile: .*InjectedFault/m.test(failed.stderr)) problems.push(`${write} ${mode}: failing run exited ${failed.code}: ${failed.stderr}`);
        const again = await runWizard(file, ARGS);
        if (again.code !== 0) problems.push(`${write} ${mode}: rerun exited ${again.code}`);
        if (JSON.stringify(iamOf(world(file))) !== JSON.stringify(want)) problems.push(`${write} ${mode}: ${JSON.stringify(iamOf(world(file)))}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
