/**
 * The lab network is built in waves (steps/network.ts): the VPC; then its internet gateway and
 * its four subnets together, so their read-after-create lags overlap instead of adding up; then
 * the route tables. The sandbox's call log shows the order AWS saw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import type { World } from '../../src/sandbox/types.js';

describe('the lab network', () => {
  it('asks for its gateway and its four subnets before it changes any of them, and the route tables after', async () => {
    const file = tmpSandboxFile();
    const up = await runWizard(file, ['up', '--yes', '--no-notifications']);
    expect(up.code, up.stderr).toBe(0);
    const calls = (JSON.parse(readFileSync(file, 'utf8')) as World).calls.filter((c) => c.service === 'EC2');
    const first = (command: string) => calls.findIndex((c) => c.command === command);
    const all = (command: string) => calls.flatMap((c, i) => (c.command === command ? [i] : []));
    const subnets = all('CreateSubnet').filter((i) => !calls[i]!.error);
    expect(subnets).toHaveLength(4);
    const firstChange = Math.min(first('AttachInternetGateway'), first('ModifySubnetAttribute'));
    expect(firstChange).toBeGreaterThan(first('CreateVpc'));
    // Every subnet and the gateway were asked for (first attempt) before the first change to any of them.
    for (const command of ['CreateSubnet', 'CreateInternetGateway']) {
      const attempts = all(command);
      expect(attempts.length, command).toBeGreaterThan(0);
      expect(attempts.slice(0, command === 'CreateSubnet' ? 4 : 1).every((i) => i < firstChange), `${command} before ${calls[firstChange]!.command}`).toBe(true);
    }
    // The route tables name the gateway and the subnets: made after both.
    expect(first('CreateRouteTable')).toBeGreaterThan(Math.max(...subnets, first('AttachInternetGateway')));
  });
});
