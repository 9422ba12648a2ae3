/**
 * Against real AWS (no --sandbox) without credentials or a region, the built CLI says what is
 * wrong and how to fix it, exit 2. The environment is emptied so nothing is found, and the
 * instance-metadata provider is switched off so no request leaves the machine.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
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
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('no credentials: one line with the fix, exit 2, and no Node-version notice', () => {
    const r = run(['up', '--yes', '--region', 'ap-northeast-2'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no valid AWS credentials: /m);
    expect(r.stderr).toMatch(/aws sso login|aws configure/);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|^\s+at /m);
  });
});
