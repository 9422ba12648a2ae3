/**
 * Wait bounds: each wait's bound is AWS's typical time for it with a margin, at the latency the
 * run really uses (the environment's, not only the account file's); the environment's latency
 * is never saved into the file; a whole `up` at `fast` latency finishes within the product's own
 * bounds; and every step that fails says why, even when another step's error is the one printed.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { createRun, stepContext, type Deps } from '../../src/commands/context.js';
import { validateConfig } from '../../src/config/load.js';
import { AWS_POLL_DELAYS, AWS_TYPICAL_SECONDS, instanceRefreshExtra, waitPolicy, type WaitKind } from '../../src/engine/waits.js';
import type { World } from '../../src/sandbox/types.js';

const KINDS = Object.keys(AWS_TYPICAL_SECONDS) as WaitKind[];
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
const world = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;

describe('wait bounds', () => {
  it.each(KINDS)('%s: against AWS the bound is at least twice AWS\'s typical time, and it scales with the sandbox', (kind) => {
    const aws = waitPolicy(1).bound(kind);
    expect(aws.maxWaitSeconds).toBeGreaterThanOrEqual(2 * AWS_TYPICAL_SECONDS[kind]);
    expect(aws.minDelay).toBeGreaterThanOrEqual(5);
    // A fast sandbox still leaves room for the SDK's first polls; a test's override wins everywhere.
    expect(waitPolicy(0.01).bound(kind).maxWaitSeconds).toBeGreaterThanOrEqual(60);
    expect(waitPolicy(1, { maxWaitSeconds: 3, minDelay: 1, maxDelay: 1 }).bound(kind).maxWaitSeconds).toBe(3);
  });

  it('polls as often as the latency makes AWS\'s clock go: every 5–15 s against AWS, that times the scale against a sandbox, never in a tight loop', () => {
    expect(waitPolicy(1).bound('image-available')).toMatchObject(AWS_POLL_DELAYS);
    // No delay longer than the SDK waiters' own first one (15 s).
    expect(AWS_POLL_DELAYS.maxDelay).toBeLessThanOrEqual(15);
    const fast = waitPolicy(0.01).bound('image-available');
    expect(fast.minDelay).toBeCloseTo(0.05);
    expect(fast.maxDelay).toBeCloseTo(0.15);
    const tenth = waitPolicy(0.1).bound('targets-healthy');
    expect([tenth.minDelay, tenth.maxDelay]).toEqual([0.5, 1.5]);
    const instant = waitPolicy(0).bound('instance-running');
    expect(instant.minDelay).toBeGreaterThan(0);
    expect(instant.maxDelay).toBeGreaterThanOrEqual(instant.minDelay);
  });

  it('a group wait adds its grace period; a refresh its batches, and twice that with rollback', () => {
    const p = waitPolicy(1);
    expect(p.bound('group-in-service', 300).maxWaitSeconds).toBeGreaterThanOrEqual(2 * (240 + 300));
    const plain = instanceRefreshExtra(4, 90, 300, false);
    expect(instanceRefreshExtra(4, 90, 300, true)).toBeGreaterThan(plain);
    // Four instances at 90 % healthy go one at a time: four launches and warm-ups.
    expect(plain + AWS_TYPICAL_SECONDS['instance-refresh']).toBe(4 * (240 + 300));
  });

  it('ASG_WIZARD_SANDBOX_LATENCY=realistic on a fresh account gets realistic bounds (not the instant profile\'s)', async () => {
    const file = tmpSandboxFile();
    const deps: Deps = { stdout: sink(), stderr: sink() as unknown as NodeJS.WriteStream, env: { ASG_WIZARD_SANDBOX_LATENCY: 'realistic' }, isTTY: false };
    const run = await createRun({ sandbox: file }, deps);
    const ctx = stepContext(run, validateConfig({}), '123456789012');
    expect(run.sandbox!.world.settings.latencyScale).toBe(0);
    expect(ctx.waits.scale).toBe(1);
    // Status checks take AWS 2–4 minutes: the bound is well past that.
    expect(ctx.waits.bound('status-checks').maxWaitSeconds).toBeGreaterThanOrEqual(600);
    expect(ctx.waits.bound('load-balancer-active').maxWaitSeconds).toBeGreaterThanOrEqual(480);
    run.clients.destroy();
  });

  it('the environment\'s latency is never written into the account file', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['plan'], { env: { ASG_WIZARD_SANDBOX_LATENCY: 'realistic' } });
    expect(r.code, r.stderr).toBe(0);
    expect(world(file).settings.latencyScale).toBe(0);
  });

  it('at fast latency a whole up finishes within the product\'s own bounds, and the file keeps its latency', async () => {
    const file = tmpSandboxFile();
    const r = await runWizard(file, ['up', '--yes'], { env: { ASG_WIZARD_SANDBOX_LATENCY: 'fast' }, waits: null });
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/GET 1 → i-[0-9a-f]+ \(ap-northeast-2[a-z]\)/);
    expect(world(file).settings.latencyScale).toBe(0);
  }, 120_000);

  it('each failed step prints its reason, not only the one the final error names', async () => {
    // At 1/10 of AWS's times the load balancer provisions for 15 s and the bake instance starts in 3 s.
    const r = await runWizard(tmpSandboxFile(), ['up', '--yes'], { env: { ASG_WIZARD_SANDBOX_LATENCY: '0.1' }, waits: { maxWaitSeconds: 1, minDelay: 1, maxDelay: 1 } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\d\d:\d\d:\d\d Load balancer: failed: timed out after \d+ s waiting for load balancer Web-ALB to become active: now provisioning$/m);
    expect(r.stderr).toMatch(/^\d\d:\d\d:\d\d Bake \(AMI\): failed: bake: timed out after \d+ s waiting for instance i-[0-9a-f]+ to run: now i-[0-9a-f]+ pending/m);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
  });
});
