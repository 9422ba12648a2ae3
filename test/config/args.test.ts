/**
 * Answers back into flags, for suggested commands: every answer given (lists joined, booleans
 * as bare flags), never a secret, never an option the suggested command lacks; and `--yes`
 * only where the run could not have asked.
 */
import { describe, expect, it } from 'vitest';
import { argsOf, holdsSecret, STATUS_KEYS } from '../../src/config/args.js';
import { suggest } from '../../src/commands/context.js';
import type { Deps } from '../../src/commands/context.js';

describe('argsOf', () => {
  it('gives each answer as its flag, in flag order; one that is the default anyway is left out', () => {
    const input = { asg: { maxSize: 6, minSize: 3, desiredCapacity: 3 }, network: { publicSubnets: ['subnet-a', 'subnet-b'], natGateway: true }, instances: { sessionManager: false, instanceType: 't2.micro' } };
    expect(argsOf(input)).toEqual(['--public-subnets', 'subnet-a,subnet-b', '--nat-gateway', '--min-size', '3', '--desired-capacity', '3', '--max-size', '6']);
    expect(argsOf({ stack: 'Shop', alb: { name: 'Shop-ALB' }, asg: { minSize: 2, maxSize: 4, desiredCapacity: 2, cpuTarget: 30 } })).toEqual([]);
  });

  it('leaves secrets out (and says the input holds one), and never --no-verify (up alone has it)', () => {
    const input = { image: { monitoringCommand: 'install --license=SECRET' }, verify: false, notifications: { enabled: false } };
    expect(argsOf(input)).toEqual(['--no-notifications']);
    expect(holdsSecret(input)).toBe(true);
    expect(holdsSecret({ notifications: { protocol: 'email', endpoint: 'ops@example.com' } })).toBe(false);
  });

  it('limited to the names status finds the stack by', () => {
    expect(argsOf({ alb: { name: 'Front' }, asg: { maxSize: 6 } }, STATUS_KEYS)).toEqual(['--alb-name', 'Front']);
  });
});

describe('suggest', () => {
  const deps = (isTTY: boolean) => ({ env: {}, isTTY, launcher: 'npx asg-wizard' }) as unknown as Deps;
  it('carries the account and stack; --yes only for a command that applies, in a run that could not ask', () => {
    expect(suggest({ sandbox: '/tmp/a b.json' }, deps(false), 'up', ['--max-size', '6'], { stack: 'Shop', applies: true }))
      .toBe("npx asg-wizard up --sandbox '/tmp/a b.json' --stack Shop --max-size 6 --yes");
    expect(suggest({ sandbox: true }, deps(true), 'up', [], { stack: 'Web', applies: true })).toBe('npx asg-wizard up --sandbox');
    expect(suggest({ sandbox: true, yes: true }, deps(true), 'status', [], {})).toBe('npx asg-wizard status --sandbox');
  });
});
