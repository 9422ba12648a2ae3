import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

function tmpFile() {
  return join(mkdtempSync(join(tmpdir(), 'asgw-')), 'sandbox.json');
}

describe('sandbox middleware', () => {
  it('answers SDK commands without the network and logs the call', async () => {
    const sandbox = new Sandbox({ file: tmpFile() });
    const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
    const id = await aws.sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('123456789012');
    expect(sandbox.calls.map((c) => c.command)).toEqual(['GetCallerIdentity']);
    expect(aws.writes).toHaveLength(0);
  });

  it('throws the modeled exception class for modeled errors', async () => {
    const sandbox = new Sandbox({ file: tmpFile() });
    const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
    const err = await aws.ssm.send(new GetParameterCommand({ Name: '/nope' })).catch((e) => e);
    expect(err).toBeInstanceOf(ParameterNotFound);
    expect(err.name).toBe('ParameterNotFound');
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('injected throttling is retried by the SDK retry strategy', async () => {
    const sandbox = new Sandbox({ file: tmpFile(), faults: { throttleRate: 0.5, seed: 7 } });
    const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
    for (let i = 0; i < 6; i++) {
      const out = await aws.ssm.send(new GetParameterCommand({ Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }));
      expect(out.Parameter?.Value).toMatch(/^ami-/);
    }
    const throttled = sandbox.calls.filter((c) => c.injected);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0]!.error).toBe('Throttling');
  });
});
