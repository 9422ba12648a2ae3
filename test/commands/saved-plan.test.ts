/**
 * Saved plans, as Terraform's `plan -out` / `apply FILE`: `plan --out FILE` writes plain JSON
 * with no secrets; `up --plan FILE` applies exactly its rows (each write on a planned row) and
 * refuses, with zero writes, once AWS changed since the plan was made.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TestIoHost } from '../../src/ui/test-host.js';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { inventory } from '../helpers/inventory.js';

const planFile = () => join(mkdtempSync(join(tmpdir(), 'asgw-plan-')), 'plan.json');
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';

const LICENCE = 'curl -fsS https://agent.example.com/install.sh | sh -s -- --license=SECRET-LICENCE-KEY-123';
const WEBHOOK = 'https://monitor.example.com/aws-sns?token=SECRET-WEBHOOK-TOKEN';

describe('plan --out FILE, then up --plan FILE', () => {
  it('writes the plan as plain JSON (answers, typed rows, fingerprint) and applies exactly its rows', async () => {
    const file = tmpSandboxFile();
    const out = planFile();
    const host = new TestIoHost();
    const plan = await runWizard(file, ['plan', '--out', out, '--max-size', '5'], { host });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.writes).toEqual([]);
    // What to run next names the plan file, the same account, and --yes (this run could not have asked).
    expect(host.notesOf('saved')).toEqual([{ kind: 'saved', what: 'plan', file: out, next: { command: `asg-wizard up --sandbox ${file} --plan ${out} --yes`, does: 'applies exactly this plan' } }]);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { format: string; version: number; input: { asg: { maxSize: number } }; steps: { id: string; rows: { key: string; action: string; change?: unknown }[]; fingerprint: unknown }[] };
    expect(saved).toMatchObject({ format: 'asg-wizard-plan', version: 1, stack: 'Web', region: 'ap-northeast-2', account: '123456789012', input: { asg: { maxSize: 5 } } });
    const rows = saved.steps.flatMap((s) => s.rows);
    // Every changing row carries the typed change apply will carry out.
    expect(rows.filter((r) => r.action !== 'reuse' && r.action !== 'conflict').every((r) => r.change !== undefined)).toBe(true);

    const up = await runWizard(file, ['up', '--plan', out, '--yes', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const planned = new Map(rows.map((r) => [r.key, r.action]));
    // Exactly the planned writes: each on a row the file holds as changing, and each such row written.
    expect(up.log.filter((w) => !w.row || !['create', 'update', 'delete', 'adopt'].includes(planned.get(w.row) ?? ''))).toEqual([]);
    const written = new Set(up.log.map((w) => w.row));
    expect(rows.filter((r) => ['create', 'update', 'delete'].includes(r.action) && !written.has(r.key)).map((r) => r.key)).toEqual([]);
    expect(JSON.parse(up.stdout).rows.find((r: { type: string }) => r.type === 'AWS::AutoScaling::AutoScalingGroup').action).toBe('create');
    const g = (inventory(file).groups as string[])[0];
    expect(g).toMatch(/^Web-ASG 2\/2\/5 /);
    // And it is done: a plain plan now has nothing to do.
    expect((await runWizard(file, ['plan', '--detailed-exitcode', '--max-size', '5'])).code).toBe(0);
  });

  it('refuses a stale plan (another up changed the stack since) with one line naming what changed, exit 1, zero writes', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const out = planFile();
    expect((await runWizard(file, ['plan', '--out', out, '--cpu-target', '40'])).code).toBe(0);
    expect((await runWizard(file, ['up', '--yes', '--max-size', '6'])).code).toBe(0);
    const before = inventory(file);
    const stale = await runWizard(file, ['up', '--plan', out, '--yes']);
    expect(stale.code).toBe(1);
    expect(errorLine(stale.stderr)).toMatch(/^error: the plan is stale: auto-scaling: group\.max: 4 then, 6 now \(since it was made [^)]+\): run plan again$/);
    // The hint makes the plan again as it was made: the same account, region and answers.
    expect(stale.stderr).toMatch(new RegExp(`^hint: asg-wizard plan --sandbox ${file} --region ap-northeast-2 --cpu-target 40 --out ${out}$`, 'm'));
    expect(stale.writes).toEqual([]);
    expect(inventory(file)).toEqual(before);
  });

  it('a plan of creates is stale once someone else built the stack: the network is named first', async () => {
    const file = tmpSandboxFile();
    const out = planFile();
    expect((await runWizard(file, ['plan', '--out', out])).code).toBe(0);
    // Someone builds the stack meanwhile: the plan's creates would now be duplicates.
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const stale = await runWizard(file, ['up', '--plan', out, '--yes']);
    expect(stale.code).toBe(1);
    expect(errorLine(stale.stderr)).toMatch(/^error: the plan is stale: network: vpc: null then, \{"id":"vpc-.*\u2026 now \(since/);
    expect(stale.writes).toEqual([]);
  });

  it('holds no secrets: the licence key and the webhook token are left out, and must be given again, the same', async () => {
    const file = tmpSandboxFile();
    const out = planFile();
    const made = await runWizard(file, ['plan', '--out', out, '--monitoring-command', LICENCE, '--subscription-protocol', 'https', '--subscription-endpoint', WEBHOOK]);
    expect(made.code, made.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('SECRET-LICENCE-KEY');
    expect(text).not.toContain('SECRET-WEBHOOK-TOKEN');
    expect(text).toContain('"$secret": "image.monitoringCommand"');
    expect(text).toContain('"$secret": "notifications.endpoint"');

    const without = await runWizard(file, ['up', '--plan', out, '--yes']);
    expect(without.code).toBe(2);
    expect(errorLine(without.stderr)).toMatch(/^error: the saved plan needs --monitoring-command \(image\.monitoringCommand\), which a plan file never holds$/);
    const other = await runWizard(file, ['up', '--plan', out, '--yes', '--monitoring-command', 'echo other', '--subscription-endpoint', WEBHOOK]);
    expect(other.code).toBe(2);
    expect(errorLine(other.stderr)).toBe('error: --monitoring-command (image.monitoringCommand) is not the value the plan was made with');
    expect(other.writes).toEqual([]);
    const ok = await runWizard(file, ['up', '--plan', out, '--yes', '--monitoring-command', LICENCE, '--subscription-endpoint', WEBHOOK]);
    expect(ok.code, ok.stderr).toBe(0);
    // The subscription was made with the real endpoint, given again.
    expect(inventory(file).subscriptions).toEqual([`https ${WEBHOOK}`]);
  });

  it('nothing else may be given with a saved plan, and it must be a plan file', async () => {
    const file = tmpSandboxFile();
    const out = planFile();
    expect((await runWizard(file, ['plan', '--out', out])).code).toBe(0);
    const extra = await runWizard(file, ['up', '--plan', out, '--yes', '--min-size', '3']);
    expect(extra.code).toBe(2);
    expect(errorLine(extra.stderr)).toBe(`error: --plan ${out}: --min-size cannot be given with a saved plan: it is applied exactly as it was made`);
    const region = await runWizard(file, ['up', '--plan', out, '--yes', '--region', 'us-east-1']);
    expect(region.code).toBe(2);
    const notPlan = await runWizard(file, ['up', '--plan', file, '--yes']);
    expect(notPlan.code).toBe(2);
    expect(errorLine(notPlan.stderr)).toBe(`error: --plan ${file}: not an asg-wizard plan file`);
    expect([extra, region, notPlan].flatMap((r) => r.writes)).toEqual([]);
  });
});
