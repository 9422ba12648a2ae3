/**
 * `asg-wizard bake` through the real program against the sandbox: one image, tagged on image
 * and snapshot, no bake instance or group left; a second run writes nothing; a new image name
 * bakes a new image; --image-id skips the bake; every interrupted bake converges; and the bake
 * waits for the user data's own "done" line, timing out with what was pending.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { inventory } from '../helpers/inventory.js';
import type { World } from '../../src/sandbox/types.js';
import { makeContext } from '../../src/sandbox/store.js';
import { instanceState } from '../../src/sandbox/instance-model.js';
import { AL2023_ARM_PARAM, AL2023_X86_PARAM } from '../../src/sandbox/seed.js';
import { shippedUserData, USER_DATA_DONE_MARKER } from '../../src/steps/user-data.js';
import { unwrapUserData } from '../../src/contract/user-data.js';

const world = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;
const tag = (tags: { Key: string; Value: string }[], key: string) => tags.find((t) => t.Key === key)?.Value;
const ourImages = (w: World, name: string) => w.ec2.images.filter((i) => !i.public && i.deregisteredAt === undefined && i.name === name);
const liveInstances = (w: World) => {
  const ctx = makeContext(w, 'test');
  return w.ec2.instances.filter((i) => instanceState(ctx, i) !== 'terminated');
};
const BAKE_WRITES = ['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'RunInstances', 'CreateImage', 'TerminateInstances', 'DeleteSecurityGroup'];
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';

describe('bake in a fresh account', () => {
  const file = tmpSandboxFile();
  let first: Awaited<ReturnType<typeof runWizard>>;

  beforeAll(async () => {
    first = await runWizard(file, ['bake', '--yes']);
  });

  it('bakes exactly one available image "Web Server v1", tagged on image and snapshot', () => {
    expect(first.code, first.stderr).toBe(0);
    const w = world(file);
    const images = ourImages(w, 'Web Server v1');
    expect(images).toHaveLength(1);
    const img = images[0]!;
    expect(first.stdout.trim()).toBe(`${img.id}\tWeb Server v1`);
    expect(makeContext(w, 'test').now).toBeGreaterThanOrEqual(img.availableAt);
    expect(tag(img.tags, 'asg-wizard:stack')).toBe('Web');
    expect(tag(img.tags, 'Name')).toBe('Web Server v1');
    // Baked from an instance whose web page answered: the user data had really finished.
    expect(img.servesHttp).toBe(true);
    const snap = w.ec2.snapshots.find((s) => s.id === img.snapshotIds[0]);
    expect(snap && tag(snap.tags, 'asg-wizard:stack')).toBe('Web');
  });

  it('launched the bake instance as the lab does, and left neither it nor its group behind', () => {
    const w = world(file);
    const bake = w.ec2.instances.filter((i) => tag(i.tags, 'asg-wizard:role') === 'bake');
    expect(bake).toHaveLength(1);
    const i = bake[0]!;
    expect(tag(i.tags, 'Name')).toBe('Web server for custom AMI');
    expect(tag(i.tags, 'asg-wizard:stack')).toBe('Web');
    expect(i.instanceType).toBe('t2.micro');
    expect(i.httpTokens).toBe('required');
    expect(i.publicIp).toBeDefined();
    expect(i.imageId).toBe(w.ssm.parameters.find((p) => p.name === AL2023_X86_PARAM)!.value);
    expect(w.ec2.subnets.find((s) => s.id === i.subnetId)?.tags.find((t) => t.Key === 'Name')?.Value).toBe('Public subnet A');
    expect(i.clientToken).toMatch(/^asgw-bake-[0-9a-f]{40}-1$/);
    // The shipped script, unchanged, inside the product's completion signal.
    const userData = Buffer.from(i.userData!, 'base64').toString('utf8');
    expect(unwrapUserData(userData)?.parts).toEqual([{ contentType: 'text/x-shellscript', body: shippedUserData() }]);
    expect(shippedUserData()).toContain('dnf install -y httpd');
    expect(shippedUserData()).not.toContain(USER_DATA_DONE_MARKER);
    expect(liveInstances(w)).toEqual([]);
    expect(w.ec2.securityGroups.map((g) => g.name)).not.toContain('Web-Bake-SG');
    // The plan showed the group admitting the caller only.
    expect(first.stderr).toContain('Web-Bake-SG');
    expect(first.stderr).toContain('80/tcp from 203.0.113.10/32');
    // Each write once, besides the answers of AWS's lags (a new group not yet visible, a terminated
    // instance's interface still holding the group), which were tried again.
    const calls = first.sandbox!.calls.filter((c) => c.mutating && BAKE_WRITES.includes(c.command));
    expect(calls.filter((c) => !c.lag).map((c) => `EC2 ${c.command}`)).toEqual(BAKE_WRITES.map((c) => `EC2 ${c}`));
    expect(calls.filter((c) => c.lag === 'eni-release').map((c) => `${c.command} ${c.error}`)).toEqual(
      expect.arrayContaining(['DeleteSecurityGroup DependencyViolation']),
    );
  });

  it('a second run makes no write and prints the same image', async () => {
    const again = await runWizard(file, ['bake', '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.writes).toEqual([]);
    const doc = JSON.parse(again.stdout) as { imageId: string; imageName: string; writes: number };
    expect(doc).toEqual({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', imageId: ourImages(world(file), 'Web Server v1')[0]!.id, imageName: 'Web Server v1', writes: 0 });
  });

  it('a new --image-name bakes a second image and keeps the first', async () => {
    const v2 = await runWizard(file, ['bake', '--yes', '--image-name', 'Web Server v2']);
    expect(v2.code, v2.stderr).toBe(0);
    const w = world(file);
    expect(ourImages(w, 'Web Server v1')).toHaveLength(1);
    expect(ourImages(w, 'Web Server v2')).toHaveLength(1);
    expect(v2.stdout.trim()).toBe(`${ourImages(w, 'Web Server v2')[0]!.id}\tWeb Server v2`);
    expect(v2.writes.filter((x) => x === 'EC2 RunInstances' || x === 'EC2 CreateImage')).toEqual(['EC2 RunInstances', 'EC2 CreateImage']);
    expect(liveInstances(w)).toEqual([]);
    expect(w.ec2.securityGroups.map((g) => g.name)).not.toContain('Web-Bake-SG');
  });
});

describe('bake inputs', () => {
  it('--image-id of the public Amazon Linux 2023 image skips the bake', async () => {
    const file = tmpSandboxFile();
    await runWizard(file, ['bake', '--dry-run']);
    const al2023 = world(file).ssm.parameters.find((p) => p.name === AL2023_X86_PARAM)!.value;
    const r = await runWizard(file, ['bake', '--yes', '--image-id', al2023]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`= reuse\\s+AWS::EC2::Image\\s+al2023-\\S+\\s+${al2023}`));
    expect(r.writes.filter((w) => BAKE_WRITES.includes(w.split(' ')[1]!))).toEqual([]);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${al2023}\\tal2023-`));
    expect(world(file).ec2.images.filter((i) => !i.public)).toEqual([]);
  });

  it('an --image-id that does not exist is exit 2 naming the flag, nothing written', async () => {
    const r = await runWizard(tmpSandboxFile(), ['bake', '--yes', '--image-id', 'ami-0123456789abcdef0']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error: --image-id .*ami-0123456789abcdef0: no such image/);
    expect(r.writes).toEqual([]);
  });

  it('an instance type the region does not offer is exit 2 naming --instance-type, nothing written', async () => {
    const r = await runWizard(tmpSandboxFile(), ['bake', '--yes', '--instance-type', 'r5.24xlarge']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error: --instance-type .*r5\.24xlarge: not offered in ap-northeast-2/);
    expect(r.writes).toEqual([]);
  });

  it('an unreadable --user-data file is exit 2 naming the flag, nothing written', async () => {
    const r = await runWizard(tmpSandboxFile(), ['bake', '--yes', '--user-data', '/nonexistent/user-data.sh']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error: --user-data .*cannot read it: ENOENT/);
    expect(r.writes).toEqual([]);
  });

  it('a Graviton type bakes from the arm64 Amazon Linux 2023 image', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['bake', '--yes', '--instance-type', 't4g.micro']);
    expect(r.code, r.stderr).toBe(0);
    const w = world(file);
    const bake = w.ec2.instances.find((i) => tag(i.tags, 'asg-wizard:role') === 'bake')!;
    expect(bake.imageId).toBe(w.ssm.parameters.find((p) => p.name === AL2023_ARM_PARAM)!.value);
    expect(ourImages(w, 'Web Server v1')[0]!.architecture).toBe('arm64');
  });

  it('--monitoring-command runs after the user data, before the completion signal', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['bake', '--yes', '--monitoring-command', 'curl -fsS https://agent.example.com/install.sh | sh']);
    expect(r.code, r.stderr).toBe(0);
    const bake = world(file).ec2.instances.find((i) => tag(i.tags, 'asg-wizard:role') === 'bake')!;
    const unwrapped = unwrapUserData(Buffer.from(bake.userData!, 'base64').toString('utf8'));
    expect(unwrapped?.monitoringCommand).toBe('curl -fsS https://agent.example.com/install.sh | sh');
    expect(unwrapped?.parts[0]?.body).toBe(shippedUserData());
    expect(shippedUserData()).toMatch(/^#!\/bin\/bash/);
  });

  it('a --user-data file cloud-init would not run is exit 2 naming the flag, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asgw-ud-'));
    const script = join(dir, 'user-data.txt');
    writeFileSync(script, 'dnf install -y httpd\n');
    const r = await runWizard(tmpSandboxFile(), ['bake', '--yes', '--user-data', script]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error: --user-data .*: cloud-init runs neither it nor any part of it/);
    expect(r.writes).toEqual([]);
  });
});

describe('the bake waits for the user data to finish', () => {
  const userDataFile = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'asgw-ud-')), 'user-data');
    writeFileSync(file, text);
    return file;
  };

  it('a custom user data that writes nothing special completes on t2.micro, through the public-IP check', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['bake', '--yes', '--user-data', userDataFile('#!/bin/bash\necho "no web server here"\n')]);
    expect(r.code, r.stderr).toBe(0);
    const w = world(file);
    expect(ourImages(w, 'Web Server v1')).toHaveLength(1);
    // t2 is Xen: the console is only posted at state changes, and the bake never asked for the live one.
    const bake = w.ec2.instances.find((i) => tag(i.tags, 'asg-wizard:role') === 'bake')!;
    expect(bake.instanceType).toBe('t2.micro');
    expect(r.sandbox!.calls.filter((c) => c.command === 'GetConsoleOutput' && c.error)).toEqual([]);
  });

  it('times out saying what was pending when the caller cannot reach port 80 (another --my-ip) on a Xen type', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['bake', '--yes', '--my-ip', '198.51.100.7'], { waits: { maxWaitSeconds: 3, minDelay: 1, maxDelay: 1 } });
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(new RegExp(
      `^error: bake: timed out after \\d+ s waiting for the user data of bake instance i-[0-9a-f]+ to finish: no ${USER_DATA_DONE_MARKER} signal in the console output \\(posted at state changes only on this type\\) of i-[0-9a-f]+ yet .*nor at http://[\\d.]+/asg-wizard-done.txt \\(no answer: Connection timed out: the security groups of i-[0-9a-f]+ do not admit 203\\.0\\.113\\.10 on TCP port 80\\)`,
    ));
    expect(r.stderr).toMatch(/^hint: the instance is left running: .*port 80 of [\d.]+ must be reachable from here \(behind a proxy, give --my-ip\)/m);
    expect(r.writes).not.toContain('EC2 CreateImage');
    expect(liveInstances(world(file)).map((i) => tag(i.tags, 'asg-wizard:role'))).toEqual(['bake']);

    // With the right IP the bake group's rule is corrected and the same instance goes on to bake.
    const fixed = await runWizard(file, ['bake', '--yes']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.writes).not.toContain('EC2 RunInstances');
    expect(fixed.writes).toContain('EC2 AuthorizeSecurityGroupIngress');
    expect(ourImages(world(file), 'Web Server v1')).toHaveLength(1);
    expect(liveInstances(world(file))).toEqual([]);
  });

  it('a user data that fails ends the bake at once with its exit status; no image; a fixed one then bakes', async () => {
    const file = tmpSandboxFile();
    const bad = userDataFile('#!/bin/bash\necho "installing…"\nexit 3\n');
    const r = await runWizard(file, ['bake', '--yes', '--user-data', bad], { waits: { maxWaitSeconds: 600, minDelay: 1, maxDelay: 1 } });
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error: bake: the user data of bake instance i-[0-9a-f]+ failed with exit status 3: no image was made$/);
    expect(r.stderr).toMatch(/^hint: the instance is terminated; its console output, posted at termination, shows/m);
    expect(r.writes).not.toContain('EC2 CreateImage');
    expect(r.writes).toContain('EC2 TerminateInstances');
    expect(liveInstances(world(file)).filter((i) => instanceState(makeContext(world(file), 't'), i) !== 'shutting-down')).toEqual([]);

    const good = await runWizard(file, ['bake', '--yes', '--user-data', userDataFile('#!/bin/bash\ndnf install -y httpd\nsystemctl enable --now httpd\n')]);
    expect(good.code, good.stderr).toBe(0);
    expect(ourImages(world(file), 'Web Server v1')[0]!.servesHttp).toBe(true);
  });

  it('cloud-config user data bakes too (the signal runs as its last part)', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['bake', '--yes', '--user-data', userDataFile('#cloud-config\npackages: [httpd]\nruncmd:\n  - systemctl enable --now httpd\n')]);
    expect(r.code, r.stderr).toBe(0);
    expect(ourImages(world(file), 'Web Server v1')[0]!.servesHttp).toBe(true);
  });
});

describe('an interrupted bake converges on the next run', () => {
  const subset = (inv: Record<string, unknown>) => ({ ...inv });
  let clean: Record<string, unknown>;
  let writes: string[] = [];

  beforeAll(async () => {
    const file = tmpSandboxFile();
    const run = await runWizard(file, ['bake', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    writes = run.writes;
    clean = subset(inventory(file));
  });

  for (const mode of ['before', 'after'] as const) {
    it(`failing at each write (${mode} it happens), then a clean bake, ends as an uninterrupted bake`, async () => {
      expect(writes.length).toBeGreaterThan(6);
      const problems: string[] = [];
      for (let k = 1; k <= writes.length; k++) {
        const file = tmpSandboxFile();
        const failed = await runWizard(file, ['bake', '--yes'], { env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: String(k), ASG_WIZARD_SANDBOX_FAIL_MODE: mode } });
        if (failed.code !== 1 || !/^error: (network|bake|bake-cleanup): .*InjectedFault/.test(errorLine(failed.stderr))) {
          problems.push(`k=${k} (${writes[k - 1]}): the failing run exited ${failed.code}: ${errorLine(failed.stderr)}`);
          continue;
        }
        const again = await runWizard(file, ['bake', '--yes']);
        if (again.code !== 0) {
          problems.push(`k=${k} (${writes[k - 1]}): the rerun exited ${again.code}: ${errorLine(again.stderr)}`);
          continue;
        }
        const inv = subset(inventory(file));
        for (const key of Object.keys(clean)) {
          if (JSON.stringify(inv[key]) !== JSON.stringify(clean[key])) problems.push(`k=${k} (${writes[k - 1]}): ${key} ${JSON.stringify(inv[key])} ≠ ${JSON.stringify(clean[key])}`);
        }
        const w = world(file);
        if (ourImages(w, 'Web Server v1').length !== 1) problems.push(`k=${k}: ${ourImages(w, 'Web Server v1').length} images`);
        if (liveInstances(w).length) problems.push(`k=${k}: instances still alive: ${liveInstances(w).map((i) => i.id).join(', ')}`);
        const third = await runWizard(file, ['bake', '--yes']);
        if (third.writes.length) problems.push(`k=${k}: a third run still wrote ${third.writes.join(', ')}`);
      }
      expect(problems).toEqual([]);
    }, 600_000);
  }
});
