/**
 * For every mutating call k of a full `up`, a run that fails at call k (the write refused, or
 * made with its answer lost) followed by a clean `up` must end with exactly the resources of an
 * uninterrupted run: no duplicate, no orphan.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { runWizard, tmpSandboxFile } from './helpers/run.js';
import { inventory } from './helpers/inventory.js';

const ARGS = ['up', '--yes', '--subscription-protocol', 'email', '--subscription-endpoint', 'ops@example.com'];

describe('an interrupted up converges on the next run', () => {
  let clean: Record<string, unknown>;
  let writes = 0;

  beforeAll(async () => {
    const file = tmpSandboxFile();
    const run = await runWizard(file, ARGS);
    expect(run.stderr).not.toMatch(/^error:/m);
    writes = run.writes.length;
    clean = inventory(file);
  }, 120_000);

  for (const mode of ['before', 'after'] as const) {
    it(`failing at each write (${mode} it happens), then running again, ends as an uninterrupted run`, async () => {
      expect(writes).toBeGreaterThan(10);
      const problems: string[] = [];
      for (let k = 1; k <= writes; k++) {
        const file = tmpSandboxFile();
        const failed = await runWizard(file, ARGS, { env: { ASG_WIZARD_SANDBOX_FAIL_WRITE: String(k), ASG_WIZARD_SANDBOX_FAIL_MODE: mode } });
        if (failed.code !== 1 || !/^error: .*InjectedFault/m.test(failed.stderr)) {
          problems.push(`k=${k}: the failing run exited ${failed.code}: ${failed.stderr.split('\n').find((l) => l.startsWith('error:'))}`);
          continue;
        }
        const again = await runWizard(file, ARGS);
        if (again.code !== 0) {
          problems.push(`k=${k}: the rerun exited ${again.code}: ${again.stderr.split('\n').filter((l) => /^(error|hint):/.test(l)).join(' / ')}`);
          continue;
        }
        const inv = inventory(file);
        for (const key of Object.keys(clean)) {
          if (JSON.stringify(inv[key]) !== JSON.stringify(clean[key])) {
            problems.push(`k=${k} (${failed.writes[k - 1]}): ${key} ${JSON.stringify(inv[key])} ≠ ${JSON.stringify(clean[key])}`);
          }
        }
        const third = await runWizard(file, ARGS);
        if (third.writes.length) problems.push(`k=${k}: a third run still wrote ${third.writes.join(', ')}`);
      }
      expect(problems).toEqual([]);
    }, 900_000);
  }
});
