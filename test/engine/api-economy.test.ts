/**
 * API economy, counted on the sandbox's call log (never timed): a plan of a built stack reads
 * each thing once and stays within 25 calls; a second `up` with nothing to change reads no
 * more than the plan and writes nothing.
 */
import { describe, it, expect } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';

/** A stack built ten minutes ago: AWS's read-after-create lags are over by now. */
async function builtStack(): Promise<string> {
  const file = tmpSandboxFile();
  const up = await runWizard(file, ['up', '--yes']);
  expect(up.code, up.stderr).toBe(0);
  await new Sandbox({ file }).transact((w) => {
    w.clock.offsetMs += 600_000;
  });
  return file;
}

const names = (calls: { service: string; command: string }[]) => calls.map((c) => `${c.service} ${c.command}`);

describe('API economy on a built stack', () => {
  it('plan makes at most 25 calls, and no call twice', async () => {
    const r = await runWizard(await builtStack(), ['plan']);
    expect(r.code, r.stderr).toBe(0);
    const calls = names(r.sandbox!.calls);
    expect(calls.length, calls.join('\n')).toBeLessThanOrEqual(25);
    expect(calls.filter((c, i) => calls.indexOf(c) !== i), 'read twice').toEqual([]);
    // What the economy is made of: one tag read for the load balancer and the target group, the
    // VPC's groups once for three steps, our topic by its ARN, no target health read for nobody.
    expect(calls.filter((c) => c === 'ElasticLoadBalancingV2 DescribeTags')).toHaveLength(1);
    expect(calls.filter((c) => c === 'EC2 DescribeSecurityGroups')).toHaveLength(1);
    expect(calls).not.toContain('SNS ListTopics');
    expect(calls).not.toContain('ElasticLoadBalancingV2 DescribeTargetHealth');
  });

  it('a second up with nothing to change reads what the plan reads, and writes nothing', async () => {
    const file = await builtStack();
    const plan = await runWizard(file, ['plan']);
    const again = await runWizard(file, ['up', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.writes).toEqual([]);
    expect(names(again.sandbox!.calls).sort()).toEqual(names(plan.sandbox!.calls).sort());
  });
});
