/**
 * What the bake can observe of a user data, as AWS lets it: the console output (live only on
 * Nitro types with `Latest`; on Xen types such as t2 a copy buffered at state changes, and
 * `Latest` refused), each instance's hypervisor, and HTTP to the instance's public IP (through
 * its security groups and the caller's IP only; the signal served by the instance's web server,
 * or by the signal itself when there is none).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateImageCommand,
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeInstancesCommand, GetConsoleOutputCommand,
  RunInstancesCommand, TerminateInstancesCommand, type _InstanceType,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { TIMES } from '../../src/sandbox/timings.js';
import { parseSignal, USER_DATA_DONE_MARKER, USER_DATA_DONE_PATH, wrapUserData } from '../../src/contract/user-data.js';
import { LOAD_CLOSED, LOAD_TOKEN, loadTokenUserData, newLoadToken } from '../../src/contract/web-server.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

function setup() {
  const sandbox = new Sandbox({ file: join(mkdtempSync(join(tmpdir(), 'asgw-con-')), 'sandbox.json'), latencyScale: 1, consistency: false });
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  const advance = (ms: number) => {
    sandbox.world.clock.offsetMs += ms;
  };
  return { sandbox, aws, advance };
}

async function launch(aws: AwsClients, type: string, userData: string, groupIds?: string[]) {
  const ami = (await aws.ssm.send(new GetParameterCommand({ Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }))).Parameter!.Value!;
  const out = await aws.ec2.send(new RunInstancesCommand({
    ImageId: ami, InstanceType: type as _InstanceType, MinCount: 1, MaxCount: 1, UserData: b64(userData), ...(groupIds ? { SecurityGroupIds: groupIds } : {}),
  }));
  return out.Instances![0]!.InstanceId!;
}

async function consoleOf(aws: AwsClients, id: string, latest = false) {
  const out = await aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: id, ...(latest ? { Latest: true } : {}) }));
  return Buffer.from(out.Output ?? '', 'base64').toString('utf8');
}

/** A group admitting the sandbox's caller (203.0.113.10) on port 80, as the bake's does. */
async function callerGroup(aws: AwsClients, sandbox: Sandbox, cidr = `${sandbox.world.callerIp}/32`) {
  const vpcId = sandbox.world.ec2.vpcs.find((v) => v.isDefault)!.id;
  const { GroupId } = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: `bake-${cidr}`, Description: 'bake', VpcId: vpcId }));
  await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: cidr }] }] }));
  return GroupId!;
}

const WEB = wrapUserData('#!/bin/bash\ndnf install -y httpd\nsystemctl enable --now httpd\n');
const NO_WEB = wrapUserData('#!/bin/bash\necho "nothing to serve"\n');

describe('console output', () => {
  it('on a Nitro type, Latest shows the signal once the user data has run; the buffered copy only after a state change', async () => {
    const { aws, advance } = setup();
    const id = await launch(aws, 't3.micro', WEB);
    expect((await aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output).toBeUndefined();
    advance(TIMES.instancePendingToRunning + 1000);
    expect(await consoleOf(aws, id, true)).toContain('cloud-init');
    expect(parseSignal(await consoleOf(aws, id, true))).toBeUndefined();
    advance(TIMES.userDataFromBoot);
    expect(parseSignal(await consoleOf(aws, id, true))).toEqual({ exit: 0 });
    const buffered = await consoleOf(aws, id);
    expect(buffered).toContain('cloud-init');
    expect(buffered).not.toContain(USER_DATA_DONE_MARKER);
    // Terminating posts a new copy, which holds the whole run.
    await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(parseSignal(await consoleOf(aws, id))).toEqual({ exit: 0 });
  });

  it('on a Xen type (t2.micro), Latest is refused and the buffered copy never shows the signal while it runs', async () => {
    const { aws, advance } = setup();
    const id = await launch(aws, 't2.micro', WEB);
    advance(TIMES.instancePendingToRunning + TIMES.userDataFromBoot + 60_000);
    const refused = await errorOf(consoleOf(aws, id, true));
    expect(refused?.name).toBe('UnsupportedOperation');
    expect(refused?.message).toMatch(/Nitro/);
    expect(await consoleOf(aws, id)).toContain('cloud-init');
    expect(await consoleOf(aws, id)).not.toContain(USER_DATA_DONE_MARKER);
  });

  it('a failed script is signalled with its exit status; user data without the signal shows none', async () => {
    const { aws, advance } = setup();
    const failed = await launch(aws, 't3.micro', wrapUserData('#!/bin/bash\necho broken\nexit 3\n'));
    const bare = await launch(aws, 't3.micro', '#!/bin/bash\necho ASG_WIZARD_USER_DATA_DONE > /dev/console\n');
    advance(TIMES.instancePendingToRunning + TIMES.userDataFromBoot + 1000);
    expect(parseSignal(await consoleOf(aws, failed, true))).toEqual({ exit: 3 });
    expect(parseSignal(await consoleOf(aws, bare, true))).toBeUndefined();
  });

  it('DescribeInstances reports each type\'s hypervisor', async () => {
    const { aws } = setup();
    const xen = await launch(aws, 't2.micro', NO_WEB);
    const nitro = await launch(aws, 't3.micro', NO_WEB);
    const out = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [xen, nitro] }));
    const hv = Object.fromEntries(out.Reservations!.flatMap((r) => r.Instances!).map((i) => [i.InstanceId, i.Hypervisor]));
    expect(hv).toEqual({ [xen]: 'xen', [nitro]: 'nitro' });
  });
});

describe('HTTP to an instance\'s public IP', () => {
  it('answers only through a group admitting the caller; the signal from the web server, the page too', async () => {
    const { aws, sandbox, advance } = setup();
    const open = await callerGroup(aws, sandbox);
    const other = await callerGroup(aws, sandbox, '198.51.100.0/24');
    const id = await launch(aws, 't2.micro', WEB, [open]);
    const shut = await launch(aws, 't2.micro', WEB, [other]);
    const ip = (i: string) => sandbox.world.ec2.instances.find((r) => r.id === i)!.publicIp!;
    expect((await sandbox.httpGet(`http://${ip(id)}${USER_DATA_DONE_PATH}`)).status).toBe(0);
    advance(TIMES.instancePendingToRunning + 1000);
    expect((await sandbox.httpGet(`http://${ip(id)}${USER_DATA_DONE_PATH}`)).body).toMatch(/^Connection refused/);
    advance(TIMES.userDataFromBoot);
    const done = await sandbox.httpGet(`http://${ip(id)}${USER_DATA_DONE_PATH}`);
    expect(done.status).toBe(200);
    expect(parseSignal(done.body)).toEqual({ exit: 0 });
    expect((await sandbox.httpGet(`http://${ip(id)}/`)).body).toContain(`Instance: ${id}`);
    // The same web server as behind the load balancer: /load works here too, other paths are 404.
    expect(await sandbox.httpGet(`http://${ip(id)}/load?seconds=30`)).toMatchObject({ status: 200, body: `burning CPU for 30 s on ${id}\n`, instanceId: id });
    expect(sandbox.world.ec2.instances.find((r) => r.id === id)!.cpuBurnUntil).toBeGreaterThan(Date.now());
    expect((await sandbox.httpGet(`http://${ip(id)}/no-such-page`)).status).toBe(404);
    const blocked = await sandbox.httpGet(`http://${ip(shut)}${USER_DATA_DONE_PATH}`);
    expect(blocked.status).toBe(0);
    expect(blocked.body).toMatch(/do not admit 203\.0\.113\.10 on TCP port 80/);
    expect((await sandbox.httpGet('http://192.0.2.1/')).status).toBe(0);
  });

  it('with no web server, the signal serves its own file once done, and nothing else', async () => {
    const { aws, sandbox, advance } = setup();
    const id = await launch(aws, 't2.micro', NO_WEB, [await callerGroup(aws, sandbox)]);
    const ip = sandbox.world.ec2.instances.find((r) => r.id === id)!.publicIp!;
    advance(TIMES.instancePendingToRunning + TIMES.userDataFromBoot + 1000);
    expect(parseSignal((await sandbox.httpGet(`http://${ip}${USER_DATA_DONE_PATH}`)).body)).toEqual({ exit: 0 });
    expect((await sandbox.httpGet(`http://${ip}/`)).status).toBe(404);
  });
});

describe("the web server's /load, closed without the stack's token", () => {
  it('answers 403 without the token the instance keeps, loads with it; an image baked from it asks for it too', async () => {
    const { aws, sandbox, advance } = setup();
    const open = await callerGroup(aws, sandbox);
    const token = newLoadToken();
    // What the instance runs: a web server whose load.php asks for the token, and the token written at boot.
    const guarded = wrapUserData(`#!/bin/bash\ndnf install -y httpd\n# load.php reads $_SERVER['${LOAD_TOKEN.phpKey}']\n${loadTokenUserData(token).replace('#!/bin/bash\n', '')}`);
    const id = await launch(aws, 't2.micro', guarded, [open]);
    advance(TIMES.instancePendingToRunning + TIMES.userDataFromBoot + 1000);
    const ip = sandbox.world.ec2.instances.find((r) => r.id === id)!.publicIp!;
    expect(await sandbox.httpGet(`http://${ip}/load?seconds=30`)).toMatchObject({ status: 403, body: LOAD_CLOSED });
    expect(await sandbox.httpGet(`http://${ip}/load?seconds=30`, { [LOAD_TOKEN.header]: newLoadToken() })).toMatchObject({ status: 403, body: LOAD_CLOSED });
    expect(sandbox.world.ec2.instances.find((r) => r.id === id)!.cpuBurnUntil).toBeUndefined();
    expect(await sandbox.httpGet(`http://${ip}/load?seconds=30`, { [LOAD_TOKEN.header.toLowerCase()]: token })).toMatchObject({ status: 200, body: `burning CPU for 30 s on ${id}\n` });
    const { ImageId } = await aws.ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'guarded' }));
    expect(sandbox.world.ec2.images.find((i) => i.id === ImageId)!.loadGuarded).toBe(true);
  });
});
