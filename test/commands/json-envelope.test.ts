/**
 * One JSON envelope: every command's `--json` document is an object with `stack`, `region`,
 * `account`, what it did, and `writes` (the AWS writes the run made, which a script can check).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { runWizard, tmpSandboxFile, type RunOptions } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';

let built = '';
beforeAll(async () => {
  built = tmpSandboxFile();
  expect((await runWizard(built, ['up', '--yes'])).code).toBe(0);
  await new Sandbox({ file: built }).transact((w) => { w.clock.offsetMs += 20 * 60_000; });
}, 60_000);

function copy(): string {
  const file = tmpSandboxFile();
  copyFileSync(built, file);
  return file;
}

const CASES: [string, string[], RunOptions?][] = [
  ['up', ['up', '--yes']],
  ['plan', ['plan']],
  ['status', ['status']],
  ['notify', ['notify', '--all', '--yes']],
  ['bake', ['bake', '--yes']],
  ['scale', ['scale', '--desired-capacity', '2']],
  ['destroy', ['destroy', '--yes']],
  ['iam-policy', ['iam-policy']],
];

describe('every command\'s --json', () => {
  it.each(CASES)('%s: one object with stack, region, account and writes', async (_name, args, o) => {
    const file = copy();
    const r = await runWizard(file, [...args, '--json'], o);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012' });
    expect(doc.writes).toBe(r.log.length);
  }, 30_000);

  it('load: one object with stack, region, account, the timeline and writes', async () => {
    const file = copy();
    const r = await runWizard(file, ['load', '--minutes', '1', '--json'], {
      env: { ASG_WIZARD_SANDBOX_LATENCY: 'realistic' },
      sleep: async (ms) => { await new Sandbox({ file }).transact((w) => { w.clock.offsetMs += ms; }); },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', writes: 0, events: expect.any(Array) });
  }, 60_000);
});
