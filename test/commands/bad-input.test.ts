/**
 * Bad input is exit 2 with a short message naming the flag and the value, never a stack trace,
 * and nothing written to the account: every case below runs the real program against a fresh
 * sandbox and checks the sandbox saw no mutating call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile, type RunResult } from '../helpers/run.js';

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
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length, r.stderr).toBeGreaterThanOrEqual(1);
  expect(lines[0]).toMatch(/^error: /);
  for (const m of mustMention) expect(lines[0]).toContain(m);
  // At most one hint after the error line.
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
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
