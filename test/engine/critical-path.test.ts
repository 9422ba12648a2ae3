/**
 * The step graph keeps provisioning at its critical path (structurally, never timed): the bake's
 * clean-up is needed by nothing the stack needs, the order AWS and the lab require holds
 * (notifications before the group's first launch, the image before the template), and the
 * bench's model (bench/model.ts), read from the real steps, finds the path through the waits
 * AWS cannot skip.
 */
import { describe, it, expect } from 'vitest';
import { ALL_STEPS } from '../../src/steps/index.js';
import type { StepId } from '../../src/engine/types.js';
import { criticalPath, currentGraph, graphOf772547e, sequentialSum } from '../../bench/model.js';

/** Every step `id` waits for, directly or through others. */
function upstream(id: StepId): Set<StepId> {
  const out = new Set<StepId>();
  const visit = (s: StepId) => {
    for (const n of ALL_STEPS.find((x) => x.id === s)?.needs ?? []) {
      if (!out.has(n)) {
        out.add(n);
        visit(n);
      }
    }
  };
  visit(id);
  return out;
}

describe('the step graph', () => {
  it.each(['launch-template', 'auto-scaling', 'verify'] as StepId[])('%s does not wait for the bake\'s clean-up', (id) => {
    expect(upstream(id).has('bake-cleanup')).toBe(false);
    expect(upstream(id).has('bake')).toBe(true);
  });

  it('keeps the order AWS and the lab need: notifications and the template before the group, the group before verify', () => {
    for (const n of ['notifications', 'launch-template', 'load-balancer', 'network'] as StepId[]) expect(upstream('auto-scaling').has(n)).toBe(true);
    expect(upstream('verify').has('auto-scaling')).toBe(true);
    expect(upstream('bake-cleanup')).toEqual(new Set(['bake', 'network']));
  });
});

describe('the bench\'s model of the critical path', () => {
  it('runs through the waits AWS cannot skip, and the clean-up is off it', () => {
    const now = criticalPath(currentGraph());
    expect(now.path).toEqual(['network', 'bake', 'launch-template', 'auto-scaling', 'verify']);
    expect(currentGraph().map((n) => n.id)).toContain('bake-cleanup');
  });

  it('is shorter than the graph of 772547e (status checks and the clean-up in the bake), and than the steps one after another', () => {
    const now = criticalPath(currentGraph()).seconds;
    const before = criticalPath(graphOf772547e()).seconds;
    // Status checks (150 s after running) instead of the user data's signal (90 s), and the
    // clean-up (45 s to terminate, 60–180 s for its interface to let go of the group).
    expect(before - now).toBe(150 - 90 + 45 + 120);
    expect(sequentialSum(currentGraph())).toBeGreaterThan(now);
  });
});
