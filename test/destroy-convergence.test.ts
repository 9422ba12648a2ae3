/**
 * For every mutating call k of a full `destroy`, a run that fails at call k (the write refused, or
 * made with its answer lost) followed by another `destroy` must end as an uninterrupted one does:
 * nothing tagged with the stack left, everything else as it was, and a third run writes nothing.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync } from 'node:fs';
import { runWizard, tmpSandboxFile } from './helpers/run.js';
import { liveTagged, untaggedFingerprint } from './helpers/tagged.js';

const UP = ['up', '--yes', '--session-manager', '--nat-gateway', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'];

describe('an interrupted destroy finishes on the next run', () => {
  let built = '';
  let writes = 0;
  let untagged: string[] = [];

  beforeAll(async () => {
    built = tmpSandboxFile();
    const up = await runWizard(built, UP);
    expect(up.code, up.stderr).toBe(0);
    const probe = tmpSandboxFile();
    copyFileSync(built, probe);
    const clean = await runWizard(probe, ['destroy', '--yes']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(liveTagged(probe, 'Web')).toEqual([]);
    // What is not the stack's, as an uninterrupted destroy leaves it (the lab VPC's own default group and main table went with it).
    untagged = untaggedFingerprint(probe, 'Web');
    writes = clean.writes.length;
  }, 120_000);

  for (const mode of ['before', 'after'] as const) {
    it(`failing at each deletion (${mode} it happens), then running destroy again, leaves nothing of the stack`, async () => {
      expect(writes).toBeGreaterThan(20);
      const problems: string[] = [];
      for (let k = 1; k <= writes; k++) {
        const file = tmpSandboxFile();
        copyFileSync(built, file);
        const failed = await runWizard(file, ['destroy', '--yes'], { env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: String(k), ASG_WIZARD_SANDBOX_FAIL_MODE: mode } });
        if (failed.code !== 1 || !/^error: .*InjectedFault/m.test(failed.stderr)) {
          problems.push(`k=${k}: the failing run exited ${failed.code}: ${failed.stderr.split('\n').find((l) => l.startsWith('error:'))}`);
          continue;
        }
        const again = await runWizard(file, ['destroy', '--yes']);
        if (again.code !== 0) {
          problems.push(`k=${k} (${failed.writes[k - 1]}): the rerun exited ${again.code}: ${again.stderr.split('\n').filter((l) => /^(error|hint):/.test(l)).join(' / ')}`);
          continue;
        }
        const left = liveTagged(file, 'Web');
        if (left.length) problems.push(`k=${k} (${failed.writes[k - 1]}): left ${left.join(', ')}`);
        const other = untaggedFingerprint(file, 'Web');
        if (JSON.stringify(other) !== JSON.stringify(untagged)) problems.push(`k=${k}: something not of the stack changed`);
        const third = await runWizard(file, ['destroy', '--yes']);
        if (third.writes.length) problems.push(`k=${k}: a third run still wrote ${third.writes.join(', ')}`);
      }
      expect(problems).toEqual([]);
    }, 900_000);
  }
});
