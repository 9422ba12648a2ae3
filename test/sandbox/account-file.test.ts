/**
 * The account file as a shared resource: every call is a locked transaction that reloads what
 * another process wrote, a process does not re-read its own writes, a lock left by a killed
 * process is taken over once stale, and a file that is not an account is refused untouched.
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync, rmdirSync } from 'node:fs';
import { tmpSandboxFile } from '../helpers/run.js';
import { AccountFile, AccountFileError } from '../../src/sandbox/account-file.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { World } from '../../src/sandbox/types.js';

afterEach(() => vi.restoreAllMocks());

const onDisk = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;

describe('AccountFile', () => {
  it('creates the file on the first transaction, with the revision first in the JSON', async () => {
    const file = tmpSandboxFile();
    const account = new AccountFile(file);
    expect(existsSync(file)).toBe(false);
    await account.transact((w) => (w.callerIp = '198.51.100.1'));
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('{"format":1,"rev":1,')).toBe(true);
    expect(onDisk(file).callerIp).toBe('198.51.100.1');
  });

  it("two handles on one file see each other's writes, and interleaved transactions lose none", async () => {
    const file = tmpSandboxFile();
    const a = new AccountFile(file);
    const b = new AccountFile(file);
    await a.transact(() => undefined);
    const bump = (acc: AccountFile) => acc.transact(async (w) => {
      const seen = w.seq;
      await new Promise((r) => setTimeout(r, 1));
      w.seq = seen + 1;
    });
    const before = onDisk(file).seq;
    await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? a : b)));
    expect(onDisk(file).seq).toBe(before + 20);
    expect(a.world.seq).toBe(before + 20);
    expect(b.world.seq).toBe(before + 20);
  });

  it('does not re-parse its own writes, and re-reads the file once another process wrote it', async () => {
    const file = tmpSandboxFile();
    const a = new AccountFile(file);
    await a.transact(() => undefined);
    const parse = vi.spyOn(JSON, 'parse');
    // Other JSON (the lock's retry settings) is parsed too: count the account's.
    const accountParses = () => parse.mock.calls.filter(([text]) => String(text).startsWith('{"format":')).length;
    for (let i = 0; i < 5; i++) await a.transact((w) => (w.seq += 1));
    void a.world;
    expect(accountParses()).toBe(0);
    // Another writer: a different process as far as the file can tell.
    const w = onDisk(file);
    w.callerIp = '198.51.100.9';
    writeFileSync(file, JSON.stringify(w));
    parse.mockClear();
    expect(a.world.callerIp).toBe('198.51.100.9');
    expect(accountParses()).toBe(1);
  });

  it('waits for a lock another process holds, and goes on once it is released', async () => {
    const file = tmpSandboxFile();
    const a = new AccountFile(file);
    await a.transact(() => undefined);
    mkdirSync(`${file}.lock`);
    let done = false;
    const t = a.transact((w) => (w.seq += 1)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    rmdirSync(`${file}.lock`);
    await t;
    expect(done).toBe(true);
  });

  it('takes over a lock whose holder stopped refreshing it (a killed process) once it is stale', async () => {
    const file = tmpSandboxFile();
    const a = new AccountFile(file);
    await a.transact(() => undefined);
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const started = Date.now();
    await a.transact((w) => (w.seq += 1));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it.each([
    ['an empty object', '{}', /format missing/],
    ['another format', '{"format":2}', /format 2/],
    ['format 1 without the account', '{"format":1,"region":"ap-northeast-2"}', /not an asg-wizard sandbox account \(accountId/],
    ['an array', '[1,2]', /not a JSON object/],
    ['not JSON', 'hello', /not JSON/],
  ])('refuses %s as an account and leaves the file as it was', (_label, text, message) => {
    const file = tmpSandboxFile();
    mkdirSync(file.replace(/\/[^/]+$/, ''), { recursive: true });
    writeFileSync(file, text);
    expect(() => new AccountFile(file)).toThrow(AccountFileError);
    expect(() => new AccountFile(file)).toThrow(message);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('Sandbox on a shared file', () => {
  it("an SDK call through one handle sees a resource another handle's call made", async () => {
    const file = tmpSandboxFile();
    const one = new Sandbox({ file });
    const two = new Sandbox({ file });
    const c1 = new AwsClients({ region: 'ap-northeast-2', sandbox: one });
    const c2 = new AwsClients({ region: 'ap-northeast-2', sandbox: two });
    const vpcId = one.world.ec2.vpcs[0]!.id;
    await c1.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'from-one', Description: 'x', VpcId: vpcId }));
    await c2.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'from-two', Description: 'x', VpcId: vpcId }));
    const seen = await c1.ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(seen.SecurityGroups!.map((g) => g.GroupName).sort()).toEqual(['default', 'from-one', 'from-two']);
    expect(onDisk(file).ec2.securityGroups.map((g) => g.name).sort()).toEqual(['default', 'from-one', 'from-two']);
  });

  it('transactions queued together run as one batch: one write, each answered once its change is on disk', async () => {
    const file = tmpSandboxFile();
    const a = new AccountFile(file);
    await a.transact(() => undefined);
    const rev = onDisk(file).rev!;
    const seq = onDisk(file).seq;
    const answered: number[] = [];
    const jobs = Array.from({ length: 10 }, (_, i) => a.transact((w) => {
      w.seq += 1;
      if (i === 3) throw new Error('this one fails');
      return i;
    }).then((v) => {
      // Answered only once what it changed is in the file.
      answered.push(onDisk(file).seq);
      return v;
    }));
    const results = await Promise.allSettled(jobs);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 1, 2, 'this one fails', 4, 5, 6, 7, 8, 9]);
    // Queued together: one reload, ten changes in turn (the failed one's too), one write.
    expect(onDisk(file).rev! - rev).toBe(1);
    expect(onDisk(file).seq).toBe(seq + 10);
    expect(answered).toEqual(Array(9).fill(seq + 10));
  });

  it('transact is how a fixture changes the account; the change is on disk at once', async () => {
    const file = tmpSandboxFile();
    const sandbox = new Sandbox({ file });
    await sandbox.transact((w) => (w.clock.offsetMs += 5000));
    expect(onDisk(file).clock.offsetMs).toBe(5000);
    expect(sandbox.world.clock.offsetMs).toBe(5000);
  });
});
