/**
 * Bad input is exit 2 with a short message naming the flag and the value, never a stack trace,
 * and nothing written to the account: every case below runs the real program against a fresh
 * sandbox and checks the sandbox saw no mutating call.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { runWizard, tmpSandboxFile, type RunResult, type RunOptions } from '../helpers/run.js';
import { seedWorld } from '../../src/sandbox/seed.js';

function tmpConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'asgw-cfg-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const unknownKeyFile = tmpConfig('alb:\n  nmae: x\n');
const badYamlFile = tmpConfig('alb:\n  name: [unclosed\n  other: : :\n');
const missingFile = join(mkdtempSync(join(tmpdir(), 'asgw-cfg-')), 'does-not-exist.yaml');

/** The error contract every case shares. */
function expectUsageError(r: RunResult, mustMention: string[]): void {
  expect(r.code, `stderr: ${r.stderr.slice(0, 2000)}`).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length, r.stderr.slice(0, 2000)).toBeGreaterThanOrEqual(1);
  expect(lines[0]).toMatch(/^error: /);
  // A huge value is named by its start, never echoed whole.
  for (const l of lines) expect(l.length, l.slice(0, 300)).toBeLessThan(400);
  for (const m of mustMention) expect(lines[0]).toContain(m);
  // At most one hint after the error line.
  expect(lines.length, r.stderr.slice(0, 2000)).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^hint: /);
  for (const l of r.stderr.split('\n')) expect(l).not.toMatch(/^\s+at /);
  expect(r.stderr).not.toMatch(/rerun with --debug/);
  expect(r.writes).toEqual([]);
  expect(r.stdout).toBe('');
}

type Case = [label: string, args: string[], mentions: string[]];

const CASES: Case[] = [
  ['min above max', ['--min-size', '5', '--max-size', '4'], ['--min-size', '5', 'max size 4']],
  ['desired above max', ['--desired-capacity', '9'], ['--desired-capacity', '9']],
  ['cpu target 0', ['--cpu-target', '0'], ['--cpu-target', '0', 'above 0']],
  ['cpu target 150', ['--cpu-target', '150'], ['--cpu-target', '150', 'at most 100']],
  ['alb name of 33 chars', ['--alb-name', 'a'.repeat(33)], ['--alb-name', 'a'.repeat(33), '32']],
  ['alb name with underscore', ['--alb-name', 'bad_name'], ['--alb-name', 'bad_name']],
  ['target group name with leading hyphen', ['--target-group-name', '-tg'], ['--target-group-name', '-tg', 'hyphen']],
  ['alb name internal-*', ['--alb-name', 'internal-web'], ['--alb-name', 'internal-web', '"internal-"']],
  ['malformed vpc id', ['--vpc-id', 'vpc-123'], ['--vpc-id', 'vpc-123']],
  ['absent vpc id', ['--vpc-id', 'vpc-0123456789abcdef0'], ['--vpc-id', 'vpc-0123456789abcdef0', 'no such VPC']],
  ['one public subnet', ['--public-subnets', 'subnet-0123456789abcdef0'], ['--public-subnets', 'subnet-0123456789abcdef0', 'two']],
  ['instance type banana', ['--instance-type', 'banana'], ['--instance-type', 'banana']],
  ['email endpoint not an address', ['--subscription-protocol', 'email', '--subscription-endpoint', 'not-an-email'], ['--subscription-endpoint', 'not-an-email', 'e-mail']],
  ['https endpoint with http URL', ['--subscription-protocol', 'https', '--subscription-endpoint', 'http://x.example'], ['--subscription-endpoint', 'http://x.example', 'https://']],
  ['cidr /33', ['--vpc-cidr', '10.0.0.0/33'], ['--vpc-cidr', '10.0.0.0/33']],
  ['min size not a number', ['--min-size', 'abc'], ['--min-size', 'abc', 'whole number']],
  ['stack starting with a digit', ['--stack', '9bad'], ['--stack', '9bad']],
  ['region mars', ['--region', 'mars'], ['--region', 'mars']],
  ['unknown flag', ['--frobnicate'], ['--frobnicate']],
  ['config with an unknown key', ['--config', unknownKeyFile], ['alb.nmae', 'unknown config key']],
  ['config that is not YAML', ['--config', badYamlFile], [badYamlFile, 'not valid YAML']],
  ['config file missing', ['--config', missingFile], [missingFile, 'ENOENT']],
];

describe('up with bad input', () => {
  it.each(CASES)('%s → exit 2, one line, nothing written', async (_label, args, mentions) => {
    const r = await runWizard(tmpSandboxFile(), ['up', '--yes', ...args]);
    expectUsageError(r, mentions);
  });

  it('without --yes in a run that may not prompt, names --yes and writes nothing', async () => {
    const r = await runWizard(tmpSandboxFile(), ['up'], { isTTY: false });
    expect(r.code, r.stderr).toBe(2);
    const errorLine = r.stderr.split('\n').find((l) => l.startsWith('error: '));
    expect(errorLine, r.stderr).toBeDefined();
    expect(errorLine).toMatch(/missing input/);
    expect(errorLine).toContain('--yes');
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.writes).toEqual([]);
  });

  it('a valid run in the same shape writes (so the zero-writes checks above mean something)', async () => {
    const r = await runWizard(tmpSandboxFile(), ['up', '--yes', '--min-size', '1', '--max-size', '3', '--desired-capacity', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes.length).toBeGreaterThan(0);
  });
});

describe('plan --detailed-exitcode with bad input', () => {
  it.each([
    ['bad flag value', ['--cpu-target', '150'], ['--cpu-target', '150']],
    ['unparsable flag', ['--max-size', 'four'], ['--max-size', 'four']],
  ] as Case[])('%s → exit 2 and no plan on stdout', async (_label, args, mentions) => {
    const r = await runWizard(tmpSandboxFile(), ['plan', '--detailed-exitcode', ...args]);
    expectUsageError(r, mentions);
  });
});

/** A fresh folder; `name` inside it. */
function tmpPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'asgw-bad-')), name);
}

/** An existing sandbox account (ap-northeast-2) on disk, as an earlier run leaves it. */
function existingAccount(): string {
  const file = tmpSandboxFile();
  writeFileSync(file, JSON.stringify(seedWorld('ap-northeast-2')));
  return file;
}

function readOnlyAccount(): string {
  const file = existingAccount();
  chmodSync(file, 0o444);
  return file;
}

function accountInReadOnlyFolder(): string {
  const file = tmpPath('sandbox.json');
  chmodSync(join(file, '..'), 0o555);
  return file;
}

const notAnAccount = tmpPath('not-account.json');
writeFileSync(notAnAccount, JSON.stringify({ hello: 'world' }));
const accountWithoutRegion = tmpPath('no-region.json');
{
  const { region: _region, ...w } = seedWorld('ap-northeast-2');
  writeFileSync(accountWithoutRegion, JSON.stringify(w));
}
const aDirectory = mkdtempSync(join(tmpdir(), 'asgw-dir-'));
const missingFolderFile = join(tmpPath('gone'), 'sandbox.json');
const HUGE = 'a'.repeat(100_000);
const HUGE_SHOWN = `${'a'.repeat(60)}…`;

interface HostileCase {
  label: string;
  args: string[];
  mentions: string[];
  /** The sandbox file (made on demand); none: the run's own --sandbox is in `args` or absent. */
  sandbox?: () => string;
  env?: Record<string, string>;
}

const HOSTILE: HostileCase[] = [
  { label: '--endpoint-url that is not a URL', args: ['--endpoint-url', 'not a url'], mentions: ['--endpoint-url', 'not a url', 'not an http'] },
  { label: '--endpoint-url with another scheme', args: ['--endpoint-url', 'ftp://127.0.0.1:21'], mentions: ['--endpoint-url', 'ftp://127.0.0.1:21'] },
  { label: '--endpoint-url with --sandbox', args: ['--endpoint-url', 'http://127.0.0.1:4566'], sandbox: tmpSandboxFile, mentions: ['--endpoint-url', '--sandbox', 'choose one'] },
  { label: 'config region other than the sandbox account\'s', args: ['--config', tmpConfig('region: us-east-1\n')], sandbox: existingAccount, mentions: ['region', 'us-east-1', 'ap-northeast-2'] },
  { label: '--save-config that is a directory', args: ['--save-config', aDirectory], sandbox: tmpSandboxFile, mentions: ['--save-config', aDirectory, 'is a directory'] },
  { label: '--save-config in a missing folder', args: ['--save-config', missingFolderFile], sandbox: tmpSandboxFile, mentions: ['--save-config', 'does not exist'] },
  { label: 'config key __proto__', args: ['--config', tmpConfig('__proto__:\n  stack: Evil\n')], sandbox: tmpSandboxFile, mentions: ['__proto__', 'not allowed'] },
  { label: 'config key constructor inside a section', args: ['--config', tmpConfig('alb:\n  constructor: x\n')], sandbox: tmpSandboxFile, mentions: ['alb.constructor', 'not allowed'] },
  { label: 'config YAML the parser warns about (unknown tag)', args: ['--config', tmpConfig('alb:\n  name: !frob web\n')], sandbox: tmpSandboxFile, mentions: ['not valid YAML', 'Unresolved tag'] },
  { label: 'huge flag value', args: ['--alb-name', HUGE], sandbox: tmpSandboxFile, mentions: ['--alb-name', HUGE_SHOWN] },
  { label: 'huge unparsable flag value', args: ['--min-size', `x${HUGE}`], sandbox: tmpSandboxFile, mentions: ['--min-size', 'whole number'] },
  { label: 'huge config value', args: ['--config', tmpConfig(`alb:\n  name: ${HUGE}\n`)], sandbox: tmpSandboxFile, mentions: ['--alb-name', HUGE_SHOWN] },
  { label: '--sandbox \'\' (must not fall through to the real account)', args: ['--sandbox', ''], mentions: ['--sandbox', 'empty path'] },
  { label: '--sandbox that is a directory', args: ['--sandbox', aDirectory], mentions: ['--sandbox', aDirectory, 'is a directory'] },
  { label: '--sandbox in a missing folder', args: ['--sandbox', missingFolderFile], mentions: ['--sandbox', 'does not exist'] },
  { label: '--sandbox that is JSON but not an account', args: ['--sandbox', notAnAccount], mentions: ['--sandbox', 'not an asg-wizard sandbox account'] },
  { label: '--sandbox account without a region', args: ['--sandbox', accountWithoutRegion], mentions: ['--sandbox', 'not an asg-wizard sandbox account', 'region'] },
  { label: '--sandbox file that is read-only', args: [], sandbox: readOnlyAccount, mentions: ['--sandbox', 'read-only'] },
  { label: '--sandbox in a read-only folder', args: [], sandbox: accountInReadOnlyFolder, mentions: ['--sandbox', 'read-only'] },
  { label: 'ASG_WIZARD_SANDBOX_FILE=\'\' with a bare --sandbox', args: ['--sandbox'], env: { ASG_WIZARD_SANDBOX_FILE: '' }, mentions: ['ASG_WIZARD_SANDBOX_FILE', 'empty path'] },
  { label: 'ASG_WIZARD_SANDBOX_LATENCY that is no profile', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_LATENCY: 'warp' }, mentions: ['ASG_WIZARD_SANDBOX_LATENCY', 'warp', 'instant'] },
  { label: 'ASG_WIZARD_SANDBOX_LATENCY below 0', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_LATENCY: '-1' }, mentions: ['ASG_WIZARD_SANDBOX_LATENCY', '-1'] },
  { label: 'ASG_WIZARD_SANDBOX_THROTTLE above 1', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_THROTTLE: '2' }, mentions: ['ASG_WIZARD_SANDBOX_THROTTLE', '2', 'from 0 to 1'] },
  { label: 'ASG_WIZARD_SANDBOX_THROTTLE not a number', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_THROTTLE: 'lots' }, mentions: ['ASG_WIZARD_SANDBOX_THROTTLE', 'lots'] },
  { label: 'ASG_WIZARD_SANDBOX_FAIL_WRITE not a whole number', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: 'abc' }, mentions: ['ASG_WIZARD_SANDBOX_FAIL_WRITE', 'abc', 'whole number'] },
  { label: 'ASG_WIZARD_SANDBOX_FAIL_WRITE 0', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: '0' }, mentions: ['ASG_WIZARD_SANDBOX_FAIL_WRITE', '0'] },
  { label: 'ASG_WIZARD_SANDBOX_FAIL_MODE that is no mode', args: [], sandbox: tmpSandboxFile, env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: '3', ASG_WIZARD_SANDBOX_FAIL_MODE: 'sideways' }, mentions: ['ASG_WIZARD_SANDBOX_FAIL_MODE', 'sideways', 'before or after'] },
];

describe('hostile input: flags, config files, the sandbox file and its environment', () => {
  it.each(HOSTILE.map((c) => [c.label, c] as const))('%s → exit 2, one line naming it, nothing written', async (_label, c) => {
    const file = c.sandbox?.();
    const before = file ? contents(file) : undefined;
    const o: RunOptions = { noSandbox: true, ...(c.env ? { env: c.env } : {}) };
    const r = await runWizard(file ?? '', ['up', '--yes', ...c.args, ...(file ? ['--sandbox', file] : [])], o);
    expectUsageError(r, c.mentions);
    // The account file is as it was (absent stays absent).
    if (file) expect(contents(file)).toBe(before);
  });
});

function contents(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A built stack (the lab's defaults: 2/2/4), copied for each case. */
let built = '';
function builtStack(): string {
  const file = tmpSandboxFile();
  copyFileSync(built, file);
  return file;
}

const DAY_TWO: HostileCase[] = [
  { label: 'scale --min-size 3 --max-size 2', args: ['scale', '--min-size', '3', '--max-size', '2'], sandbox: builtStack, mentions: ['--min-size 3', '--max-size 2'] },
  { label: 'scale --desired-capacity above the group\'s max', args: ['scale', '--desired-capacity', '9'], sandbox: builtStack, mentions: ['--desired-capacity 9', 'max size 4', 'Web-ASG'] },
  { label: 'scale --desired-capacity below the group\'s min', args: ['scale', '--desired-capacity', '1'], sandbox: builtStack, mentions: ['--desired-capacity 1', 'min size 2'] },
  { label: 'scale --min-size above the group\'s max', args: ['scale', '--min-size', '5'], sandbox: builtStack, mentions: ['--min-size 5', 'max size 4'] },
  { label: 'scale --min-size -1', args: ['scale', '--min-size', '-1'], sandbox: builtStack, mentions: ['--min-size', '-1', '0 or more'] },
  { label: 'a recurrence that is not cron', args: ['scale', '--schedule', 'night', '--recurrence', 'every day', '--min-size', '0'], sandbox: builtStack, mentions: ['--recurrence', 'every day', 'not a cron expression'] },
  { label: 'a cron field out of range', args: ['scale', '--schedule', 'night', '--recurrence', '61 22 * * *', '--min-size', '0'], sandbox: builtStack, mentions: ['--recurrence', '61 22 * * *', 'out of range'] },
  { label: 'a time zone that is none', args: ['scale', '--schedule', 'night', '--recurrence', '0 22 * * *', '--time-zone', 'Mars/Olympus', '--min-size', '0'], sandbox: builtStack, mentions: ['--time-zone', 'Mars/Olympus'] },
  { label: 'a schedule without sizes', args: ['scale', '--schedule', 'night', '--recurrence', '0 22 * * *'], sandbox: builtStack, mentions: ['--schedule night', 'sizes'] },
  { label: 'a one-time schedule in the past', args: ['scale', '--schedule', 'once', '--start-time', '2001-01-01T00:00:00Z', '--min-size', '0'], sandbox: builtStack, mentions: ['--start-time', 'in the past'] },
  { label: 'scale --stop with sizes', args: ['scale', '--stop', '--min-size', '1'], sandbox: builtStack, mentions: ['--stop', 'no sizes'] },
  { label: 'scale --stop --start', args: ['scale', '--stop', '--start'], sandbox: builtStack, mentions: ['--stop and --start', 'one at a time'] },
  { label: 'scale of a group that does not exist', args: ['scale', '--desired-capacity', '2'], sandbox: tmpSandboxFile, mentions: ['Web-ASG', 'does not exist'] },
  { label: 'destroy of a stack name with bad characters', args: ['destroy', '--yes', '--stack', 'bad_name!'], sandbox: builtStack, mentions: ['--stack', 'bad_name!'] },
  { label: 'destroy without --yes and no terminal', args: ['destroy'], sandbox: builtStack, mentions: ['missing input', '--yes'] },
  { label: 'load --minutes 0', args: ['load', '--minutes', '0'], sandbox: builtStack, mentions: ['--minutes', '0', 'from 1 to 60'] },
  { label: 'load of a stack that does not exist', args: ['load'], sandbox: tmpSandboxFile, mentions: ['load', 'Web-ASG'] },
  { label: 'iam-policy for a command that is none', args: ['iam-policy', '--commands', 'up,frobnicate'], sandbox: builtStack, mentions: ['--commands', 'frobnicate'] },
  { label: 'status --watch --interval 0', args: ['status', '--watch', '--interval', '0'], sandbox: builtStack, mentions: ['--interval', '0'] },
];

describe('the day-two commands with bad input', () => {
  beforeAll(async () => {
    built = tmpSandboxFile();
    const up = await runWizard(built, ['up', '--yes']);
    expect(up.code, up.stderr).toBe(0);
  }, 60_000);

  it.each(DAY_TWO.map((c) => [c.label, c] as const))('%s → exit 2, one line naming it, nothing written', async (_label, c) => {
    const file = c.sandbox!();
    const r = await runWizard(file, c.args);
    expectUsageError(r, c.mentions);
  });
});
