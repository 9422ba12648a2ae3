/**
 * The config contract: the lab's names as defaults, names derived from another stack, the
 * precedence of the sources, and error messages that name the flag, the value and the rule.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { StackInput, endpointProblem, withDefaultNames, NOTIFICATION_TYPES } from '../../src/config/schema.js';
import { formatIssues, mergeSources, validateConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';

function tmpYaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'asgw-schema-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

/** The UsageError validateConfig throws for `input`. */
function usageError(input: Record<string, unknown>): UsageError {
  try {
    validateConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('defaults', () => {
  it('stack Web gives exactly the lab names and values', () => {
    const c = validateConfig({});
    expect(c.stack).toBe('Web');
    expect(c.alb.name).toBe('Web-ALB');
    expect(c.alb.securityGroupName).toBe('Web-ALB-SG');
    expect(c.alb.targetGroupName).toBe('Web-TG');
    expect(c.alb.healthCheckPath).toBe('/');
    expect(c.instances.securityGroupName).toBe('ASG-Web-Inst-SG');
    expect(c.instances.instanceType).toBe('t2.micro');
    expect(c.launchTemplate.name).toBe('Web');
    expect(c.asg.name).toBe('Web-ASG');
    expect(c.image.name).toBe('Web Server v1');
    expect(c.asg.instanceName).toBe('ASG-Web-Instance');
    expect(c.notifications.topicName).toBe('Web-ASG-events');
    expect(c.network.vpcName).toBe('VPC-Lab');
    expect(c.network.vpcCidr).toBe('10.0.0.0/16');
    expect([c.asg.minSize, c.asg.desiredCapacity, c.asg.maxSize]).toEqual([2, 2, 4]);
    expect(c.asg.cpuTarget).toBe(30);
    expect(c.asg.healthCheckGracePeriod).toBe(300);
    expect(c.notifications.enabled).toBe(true);
    expect(c.notifications.types).toEqual([...NOTIFICATION_TYPES]);
    expect(c.adopt).toBe(false);
  });

  it('another stack derives every name from its own name', () => {
    const c = validateConfig({ stack: 'Shop' });
    expect({
      alb: c.alb.name, albSg: c.alb.securityGroupName, tg: c.alb.targetGroupName, instSg: c.instances.securityGroupName,
      lt: c.launchTemplate.name, asg: c.asg.name, image: c.image.name, instance: c.asg.instanceName, topic: c.notifications.topicName,
    }).toEqual({
      alb: 'Shop-ALB', albSg: 'Shop-ALB-SG', tg: 'Shop-TG', instSg: 'ASG-Shop-Inst-SG',
      lt: 'Shop', asg: 'Shop-ASG', image: 'Shop Server v1', instance: 'ASG-Shop-Instance', topic: 'Shop-ASG-events',
    });
  });

  it('a name given explicitly wins over the derived one; the others still derive', () => {
    const c = withDefaultNames(StackInput.parse({ stack: 'Shop', alb: { name: 'front' }, asg: { name: 'fleet' } }));
    expect(c.alb.name).toBe('front');
    expect(c.asg.name).toBe('fleet');
    expect(c.alb.targetGroupName).toBe('Shop-TG');
    expect(c.asg.instanceName).toBe('ASG-Shop-Instance');
  });
});

describe('mergeSources precedence: defaults < file < env < flags', () => {
  const file = tmpYaml(['stack: FromFile', 'alb:', '  name: file-alb', '  healthCheckPath: /health', 'asg:', '  maxSize: 6', '  minSize: 1', ''].join('\n'));

  it('the file overrides the defaults', () => {
    const c = validateConfig(mergeSources({ file }));
    expect(c.stack).toBe('FromFile');
    expect(c.alb.name).toBe('file-alb');
    expect(c.alb.targetGroupName).toBe('FromFile-TG');
    expect(c.alb.healthCheckPath).toBe('/health');
    expect([c.asg.minSize, c.asg.maxSize]).toEqual([1, 6]);
    expect(c.instances.instanceType).toBe('t2.micro');
  });

  it('the environment overrides the file', () => {
    const c = validateConfig(mergeSources({ file, env: { ASG_WIZARD_STACK: 'FromEnv' } }));
    expect(c.stack).toBe('FromEnv');
    expect(c.alb.targetGroupName).toBe('FromEnv-TG');
    expect(c.alb.name).toBe('file-alb');
  });

  it('flags override the environment and the file, field by field (a deep merge)', () => {
    const input = mergeSources({
      file,
      env: { ASG_WIZARD_STACK: 'FromEnv' },
      flags: { stack: 'FromFlag', albName: 'flag-alb', maxSize: 8, notifications: false, instanceType: undefined },
    });
    const c = validateConfig(input);
    expect(c.stack).toBe('FromFlag');
    expect(c.alb.name).toBe('flag-alb');
    expect(c.alb.healthCheckPath).toBe('/health'); // from the file: same section, other field
    expect([c.asg.minSize, c.asg.maxSize]).toEqual([1, 8]);
    expect(c.notifications.enabled).toBe(false);
    expect(c.instances.instanceType).toBe('t2.micro');
  });

  it('list flags replace the file\'s list rather than merging into it', () => {
    const f = tmpYaml('network:\n  publicSubnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1, subnet-0123456789abcdef2]\n');
    const input = mergeSources({ file: f, flags: { publicSubnets: ['subnet-0123456789abcdefa', 'subnet-0123456789abcdefb'] } });
    expect(validateConfig(input).network.publicSubnets).toEqual(['subnet-0123456789abcdefa', 'subnet-0123456789abcdefb']);
  });

  it('an empty file is no values at all', () => {
    expect(mergeSources({ file: tmpYaml('') })).toEqual({});
  });

  it('a file that is not a mapping is a UsageError', () => {
    expect(() => mergeSources({ file: tmpYaml('- a\n- b\n') })).toThrow(UsageError);
  });
});

describe('validation messages', () => {
  it('names the flag, the config key, the value and the rule', () => {
    const e = usageError({ asg: { cpuTarget: 150 } });
    expect(e.message).toBe('invalid input: --cpu-target (asg.cpuTarget) = 150: must be at most 100');
    expect(e.exitCode).toBe(2);
  });

  it('quotes string values', () => {
    const e = usageError({ alb: { name: 'bad_name' } });
    expect(e.message).toBe('invalid input: --alb-name (alb.name) = "bad_name": load balancer names may hold only letters, digits and hyphens');
  });

  it('gives one reason per field even when several checks fail', () => {
    const e = usageError({ alb: { name: `${'x'.repeat(33)}_` } });
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).toContain('--alb-name (alb.name)');
  });

  it('lists every bad field, one line each', () => {
    const e = usageError({ asg: { cpuTarget: 0 }, instances: { instanceType: 'banana' } });
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(2);
    expect(e.message).toContain('--cpu-target (asg.cpuTarget) = 0: must be above 0');
    expect(e.message).toContain('--instance-type (instances.instanceType) = "banana": must be an instance type such as t2.micro');
  });

  it('min above max is one issue, on --min-size', () => {
    const e = usageError({ asg: { minSize: 5, maxSize: 4 } });
    expect(e.message).toBe('invalid input: --min-size (asg.minSize) = 5: must be ≤ max size 4');
  });

  it('desired capacity outside min..max names --desired-capacity', () => {
    const e = usageError({ asg: { desiredCapacity: 9 } });
    expect(e.message).toBe('invalid input: --desired-capacity (asg.desiredCapacity) = 9: must be between min size 2 and max size 4');
  });

  it('an unknown key names its full path', () => {
    const e = usageError({ alb: { nmae: 'x' } });
    expect(e.message).toBe('invalid input: unknown config key alb.nmae');
  });

  it('a wrong type says what was expected', () => {
    const e = usageError({ asg: { minSize: 'two' } });
    expect(e.message).toBe('invalid input: --min-size (asg.minSize) = "two": expected number');
  });

  it('an enum lists the allowed values', () => {
    const e = usageError({ notifications: { protocol: 'pigeon', endpoint: 'x' } });
    expect(e.message).toContain('--subscription-protocol (notifications.protocol) = "pigeon": must be one of email, https, http, sqs, lambda');
  });

  it('a list element names the list\'s flag', () => {
    const e = usageError({ network: { privateSubnets: ['subnet-0123456789abcdef0', 'nope'] } });
    expect(e.message).toContain('--private-subnets (network.privateSubnets.1) = "nope": must look like subnet-0123456789abcdef0');
  });

  it('keys without a flag are named by key alone', () => {
    const r = StackInput.safeParse({ adopt: 'yes' });
    expect(r.success).toBe(false);
    expect(formatIssues((r as { error: ZodError }).error, { adopt: 'yes' })).toBe('--adopt (adopt) = "yes": expected boolean');
  });

  it('an endpoint without a protocol, and a protocol without an endpoint, are refused', () => {
    expect(usageError({ notifications: { endpoint: 'a@b.example' } }).message).toContain('--subscription-protocol (notifications.protocol) = (missing)');
    expect(usageError({ notifications: { protocol: 'email' } }).message).toContain('--subscription-endpoint (notifications.endpoint) = (missing): an email subscription needs an endpoint');
  });

  it('the same subnet as public and private is refused', () => {
    const s = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];
    expect(usageError({ network: { publicSubnets: s, privateSubnets: s } }).message).toContain('is given as both public and private');
  });
});

describe('endpointProblem', () => {
  it.each([
    ['email', 'ops@example.com', undefined],
    ['email', 'not-an-email', 'must be an e-mail address'],
    ['email', 'a b@example.com', 'must be an e-mail address'],
    ['https', 'https://hooks.example.com/x', undefined],
    ['https', 'http://x.example', 'must be an https:// URL'],
    ['https', 'not a url', 'must be an https:// URL'],
    ['http', 'http://x.example/path', undefined],
    ['http', 'https://x.example', 'must be an http:// URL'],
    ['sqs', 'arn:aws:sqs:ap-northeast-2:123456789012:events', undefined],
    ['sqs', 'arn:aws:sqs:ap-northeast-2:123456789012:events.fifo', undefined],
    ['sqs', 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/events', 'must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)'],
    ['lambda', 'arn:aws:lambda:ap-northeast-2:123456789012:function:notify', undefined],
    ['lambda', 'arn:aws:lambda:ap-northeast-2:123456789012:function:notify:live', undefined],
    ['lambda', 'arn:aws:sqs:ap-northeast-2:123456789012:notify', 'must be a Lambda function ARN'],
    ['sms', '+15555550100', 'unknown protocol sms'],
  ] as const)('%s %s → %s', (protocol, endpoint, problem) => {
    expect(endpointProblem(protocol, endpoint)).toBe(problem);
  });

  it('the schema applies it to the configured endpoint', () => {
    expect(usageError({ notifications: { protocol: 'https', endpoint: 'http://x.example' } }).message).toBe(
      'invalid input: --subscription-endpoint (notifications.endpoint) = "http://x.example": must be an https:// URL',
    );
    expect(validateConfig({ notifications: { protocol: 'email', endpoint: 'ops@example.com' } }).notifications.endpoint).toBe('ops@example.com');
  });
});

describe('desired capacity left out follows min and max', () => {
  it.each([
    [{}, 2],
    [{ asg: { minSize: 3, maxSize: 6 } }, 3],
    [{ asg: { minSize: 1, maxSize: 1 } }, 1],
    [{ asg: { minSize: 0, maxSize: 4 } }, 2],
  ])('%j → desired %i', async (input, desired) => {
    const { validateConfig } = await import('../../src/config/load.js');
    expect(validateConfig(input).asg.desiredCapacity).toBe(desired);
  });
});
