/** Destroy walks the lab's step graph backwards: each teardown waits for the teardowns of what needed its step. */
import { describe, expect, it } from 'vitest';
import { reverseGraph } from '../../src/engine/destroy.js';
import { topoSort } from '../../src/engine/graph.js';
import { ALL_STEPS } from '../../src/steps/index.js';
import { teardownSteps } from '../../src/steps/teardown/index.js';
import type { AnyStep, StepId } from '../../src/engine/types.js';

const needsOf = (steps: AnyStep[]) => Object.fromEntries(steps.map((s) => [s.id, [...s.needs].sort()]));

describe('reverseGraph', () => {
  it('makes each teardown need the teardowns of the steps that needed its step', () => {
    expect(needsOf(reverseGraph(ALL_STEPS, teardownSteps({ keepImage: false })))).toEqual({
      'auto-scaling': [],
      notifications: ['auto-scaling'],
      'launch-template': ['auto-scaling'],
      'instance-profile': ['launch-template'],
      bake: ['launch-template'],
      'instance-security': ['launch-template'],
      'load-balancer': ['auto-scaling', 'instance-security'],
      network: ['auto-scaling', 'bake', 'instance-security', 'load-balancer'],
    });
  });

  it('looks through a step without a teardown to the teardowns beyond it', () => {
    const step = (id: StepId, needs: StepId[]) => ({ id, needs }) as unknown as AnyStep;
    const lab = [step('network', []), step('bake', ['network']), step('bake-cleanup', ['bake']), step('verify', ['bake-cleanup'])];
    const torn = reverseGraph(lab, [step('network', []), step('verify', [])]);
    expect(needsOf(torn)).toEqual({ network: ['verify'], verify: [] });
  });

  it('orders the network last and the group first', () => {
    const order = topoSort(reverseGraph(ALL_STEPS, teardownSteps({ keepImage: false }))).map((s) => s.id);
    expect(order[0]).toBe('auto-scaling');
    expect(order.at(-1)).toBe('network');
    expect(order.indexOf('instance-security')).toBeLessThan(order.indexOf('load-balancer'));
  });
});
