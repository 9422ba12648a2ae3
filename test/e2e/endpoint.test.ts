/**
 * The built CLI against a real HTTP endpoint that is not AWS: a local server answering every
 * call with an HTML 404 page, as an emulator does for operations it lacks. Reads become "nothing
 * there" with one warning each (never the SDK's "XML parse error … $response"); a preflight
 * that names no account stops the run with one line. Nothing leaves 127.0.0.1.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './tmux.js';

const PAGE = '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n';
let server: Server;
let endpoint: string;
const actions: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      actions.push(new URLSearchParams(body).get('Action') ?? '?');
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'asgw-home-'));
  const child = spawn(process.execPath, [BIN, ...args, '--region', 'ap-northeast-2', '--endpoint-url', endpoint], {
    env: { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('an endpoint that answers HTML 404 pages', () => {
  it('status: every read is "nothing there" with one warning line naming the endpoint and the operation', async () => {
    const r = await run(['status']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Stack Web does not exist in ap-northeast-2/);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    // Who the account is (for the --json envelope) is asked too; an endpoint without STS leaves it unknown.
    expect(warnings.sort()).toEqual(['AutoScaling DescribeAutoScalingGroups', 'EC2 DescribeLaunchTemplates', 'ElasticLoadBalancingV2 DescribeLoadBalancers', 'ElasticLoadBalancingV2 DescribeTargetGroups', 'STS GetCallerIdentity']
      .map((op) => `warning: the endpoint ${endpoint} does not implement ${op} (HTTP 404, an HTML page, not an AWS answer): taken as none`));
    expect(r.stderr).not.toMatch(/XML parse error|\$response/);
    expect(actions).toEqual(expect.arrayContaining(['DescribeAutoScalingGroups', 'DescribeLaunchTemplates']));
  });

  it('up: a preflight that names no account stops the run with one line, before anything else', async () => {
    const r = await run(['up', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      `error: preflight: GetCallerIdentity named no account: the endpoint ${endpoint} does not answer as AWS does`,
    ]);
  });
});
