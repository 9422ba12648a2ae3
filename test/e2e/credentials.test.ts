/**
 * Against real AWS (no --sandbox) without credentials or a region, the built CLI says what is
 * wrong and how to fix it, exit 2. The environment is emptied so nothing is found, and the
 * instance-metadata provider is switched off so no request leaves the machine.
 */
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './tmux.js';

function run(args: string[], env: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'asgw-home-'));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('no credentials, no region', () => {
  it('no region: one line with the fix, exit 2', () => {
    const r = run(['plan'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no AWS region: none given and none in the profile$/m);
    expect(r.stderr).toMatch(/^hint: pass --region/m);
    // A newcomer without an account is offered the sandbox.
    expect(r.stderr).toMatch(/^hint: .*try it with no AWS account: add --sandbox$/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('no credentials: one line with the fix, exit 2, and no Node-version notice', () => {
    const r = run(['up', '--yes', '--region', 'ap-northeast-2'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no valid AWS credentials: /m);
    expect(r.stderr).toMatch(/aws sso login|aws configure/);
    expect(r.stderr).toMatch(/^hint: .*--sandbox/m);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|^\s+at /m);
  });
});

describe('a --sandbox value that cannot be an account never reaches AWS', () => {
  /**
   * Runs the built CLI with credentials, a region and every AWS endpoint pointed at a local
   * listener, so a request that falls through to "the real account" is seen, not sent.
   */
  async function withTrap(args: string[], env: Record<string, string> = {}) {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const home = mkdtempSync(join(tmpdir(), 'asgw-home-'));
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1',
          AWS_REGION: 'ap-northeast-2', AWS_ACCESS_KEY_ID: 'AKIDTRAP', AWS_SECRET_ACCESS_KEY: 'trap',
          AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    server.close();
    return { ...r, requests };
  }

  it('the trap sees a run that goes to AWS (so the checks below mean something)', async () => {
    const r = await withTrap(['plan']);
    expect(r.requests.length).toBeGreaterThan(0);
  }, 30_000);

  it.each([
    ["--sandbox ''", ['plan', '--sandbox', ''], {}, /^error: --sandbox "": an empty path is no account file$/m],
    ["ASG_WIZARD_SANDBOX_FILE='' with --sandbox", ['plan', '--sandbox'], { ASG_WIZARD_SANDBOX_FILE: '' }, /^error: ASG_WIZARD_SANDBOX_FILE="": an empty path is no account file$/m],
  ] as [string, string[], Record<string, string>, RegExp][])('%s: exit 2 naming it, and no request at all', async (_label, args, env, said) => {
    const r = await withTrap(args, env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(said);
    expect(r.requests).toEqual([]);
  }, 30_000);
});
