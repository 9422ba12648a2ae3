/**
 * The AWS SDK prints an eight-line Node-version notice on Node 20 for every run that builds a
 * client, unless AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is exactly `true`. The built
 * CLI, run against a real (closed, local) endpoint with dummy credentials, must never show it:
 * with the variable unset, set empty, and through the module entry instead of the bin.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BIN } from './tmux.js';

const CLI_MODULE = resolve(import.meta.dirname, '../../dist/cli.js');
const NOTICE = /NodeVersion|end of support|will require node|upgrade to node/i;

function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'asgw-home-'));
  const child = spawn(process.execPath, [entry, 'status', '--region', 'ap-northeast-2', '--endpoint-url', 'http://127.0.0.1:9'], {
    // No inherited AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED (vitest's config sets it for itself).
    env: {
      PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })));
}

describe("the SDK's Node-version notice", () => {
  it('never reaches stderr, whichever way the CLI is started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asgw-entry-'));
    const moduleEntry = join(dir, 'entry.mjs');
    writeFileSync(moduleEntry, `const { main } = await import(${JSON.stringify(CLI_MODULE)});\nawait main(process.argv);\n`);
    const runs = await Promise.all([
      run(BIN, {}),
      run(BIN, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' }),
      run(moduleEntry, {}),
    ]);
    for (const r of runs) {
      // The run really reached the SDK (it tried the endpoint) and failed on the closed port, exit 1.
      expect(r.stderr).toMatch(/^error: status: .*ECONNREFUSED 127\.0\.0\.1:9/m);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(NOTICE);
    }
  });
});
