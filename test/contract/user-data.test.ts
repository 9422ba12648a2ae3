/**
 * The completion signal the product adds to any user data: a shell script is wrapped and its
 * exit status signalled (checked by running the wrapper with bash, its system paths moved into a
 * temporary directory); other formats become a MIME multipart with the signal last; the sandbox
 * reads back exactly what was wrapped.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseSignal, signalLine, unwrapUserData, userDataFormat, USER_DATA_DONE_PATH, wrapUserData,
} from '../../src/contract/user-data.js';

/** Runs a wrapped script with bash, its root paths under a temporary directory. */
function runWrapped(wrapped: string) {
  const root = mkdtempSync(join(tmpdir(), 'asgw-wrap-'));
  mkdirSync(join(root, 'www'));
  const script = wrapped
    .replaceAll('/var/lib/asg-wizard', join(root, 'lib'))
    .replaceAll('/dev/console', join(root, 'console'))
    .replaceAll('/var/www/html /usr/share/nginx/html', join(root, 'www'))
    .replaceAll('/run/asg-wizard', join(root, 'run'))
    .replaceAll('http://127.0.0.1', 'http://127.0.0.1:9')
    .replace(/nohup python3 .*$/m, `echo serving > ${join(root, 'self-served')}`);
  const file = join(root, 'user-data');
  writeFileSync(file, script);
  const r = spawnSync('bash', [file], { encoding: 'utf8', cwd: root });
  const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : undefined);
  return { code: r.status, stdout: r.stdout, console: read('console'), served: read(`www${USER_DATA_DONE_PATH}`), selfServed: read('self-served'), read };
}

describe('the completion signal', () => {
  it('parses the last signal line, and nothing else', () => {
    expect(parseSignal(`boot\n[ 91.2] cloud-init[1780]: ${signalLine(0)}\n`)).toEqual({ exit: 0 });
    expect(parseSignal(`${signalLine(1)}\n${signalLine(7)}`)).toEqual({ exit: 7 });
    expect(parseSignal(signalLine('-'))).toEqual({ exit: undefined });
    expect(parseSignal('ASG_WIZARD_USER_DATA_DONE\n')).toBeUndefined();
    expect(parseSignal('local line="ASG_WIZARD_USER_DATA_DONE exit=$1"')).toBeUndefined();
  });

  it('a wrapped script runs unchanged, and its exit status reaches the console and the web root', () => {
    const ok = runWrapped(wrapUserData('#!/bin/bash\necho "hello from the user"\n'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('hello from the user');
    expect(parseSignal(ok.console!)).toEqual({ exit: 0 });
    expect(ok.served?.trim()).toBe(signalLine(0));
    // Nothing on port 80 served it here: the signal starts its own server.
    expect(ok.selfServed).toBe('serving\n');

    const failed = runWrapped(wrapUserData('#!/bin/bash\nset -e\nfalse\necho never\n'));
    expect(failed.code).toBe(1);
    expect(failed.stdout).not.toContain('never');
    expect(parseSignal(failed.console!)).toEqual({ exit: 1 });
  });

  it('keeps the script\'s own interpreter and text byte for byte, even a line like the delimiter', () => {
    const script = '#!/usr/bin/env python3\nimport sys\nprint("py", "$HOME", \'`x`\')\nsys.exit(4)\n';
    const r = runWrapped(wrapUserData(script));
    expect(r.read('lib/user-data')).toBe(script);
    if (spawnSync('python3', ['--version']).status === 0) {
      expect(r.stdout).toContain('py $HOME `x`');
      expect(parseSignal(r.console!)).toEqual({ exit: 4 });
    }
    const tricky = '#!/bin/bash\ncat <<X\nASG_WIZARD_USER_DATA_0123\nX\n';
    const wrapped = wrapUserData(tricky);
    expect(unwrapUserData(wrapped)?.parts[0]?.body).toBe(tricky);
    expect(runWrapped(wrapped).read('lib/user-data')).toBe(tricky);
  });

  it('runs the monitoring command only after a user data that succeeded, and signals its failure', () => {
    const ok = runWrapped(wrapUserData('#!/bin/bash\ntrue\n', 'echo "agent installed" > agent.txt'));
    expect(ok.read('agent.txt')).toBe('agent installed\n');
    expect(parseSignal(ok.console!)).toEqual({ exit: 0 });
    const skipped = runWrapped(wrapUserData('#!/bin/bash\nexit 2\n', 'echo "agent installed" > agent.txt'));
    expect(skipped.read('agent.txt')).toBeUndefined();
    expect(parseSignal(skipped.console!)).toEqual({ exit: 2 });
    const agentFails = runWrapped(wrapUserData('#!/bin/bash\ntrue\n', 'exit 5'));
    expect(parseSignal(agentFails.console!)).toEqual({ exit: 5 });
  });

  it('cloud-config becomes a MIME multipart with the signal as the last part', () => {
    const cc = '#cloud-config\npackages: [httpd]\nruncmd:\n  - systemctl enable --now httpd\n';
    const wrapped = wrapUserData(cc, 'install-agent');
    expect(userDataFormat(wrapped).kind).toBe('mime');
    expect(wrapped).toMatch(/Content-Type: text\/cloud-config/);
    // cloud-init runs scripts (runcmd among them) in name order: ours sorts after runcmd.
    expect(wrapped.indexOf('text/cloud-config')).toBeLessThan(wrapped.indexOf('filename="zz-asg-wizard-done.sh"'));
    expect('zz-asg-wizard-done.sh' > 'runcmd').toBe(true);
    expect(unwrapUserData(wrapped)).toEqual({ parts: [{ contentType: 'text/cloud-config', body: cc }], exitStatus: undefined, monitoringCommand: 'install-agent' });
  });

  it('a MIME multipart gets the signal part added before its closing boundary', () => {
    const mime = 'Content-Type: multipart/mixed; boundary="XYZ"\nMIME-Version: 1.0\n\n--XYZ\nContent-Type: text/x-shellscript\n\n#!/bin/bash\necho one\n\n--XYZ--\n';
    const wrapped = wrapUserData(mime);
    expect(wrapped.endsWith('--XYZ--\n')).toBe(true);
    expect(wrapped.match(/^--XYZ$/gm)).toHaveLength(2);
    expect(unwrapUserData(wrapped)?.parts.map((p) => p.contentType)).toEqual(['text/x-shellscript']);
  });

  it('refuses what cloud-init would not run, and unwraps nothing it did not wrap', () => {
    expect(() => wrapUserData('dnf install -y httpd\n')).toThrow(/cloud-init runs neither it nor any part of it/);
    expect(unwrapUserData('#!/bin/bash\necho ASG_WIZARD_USER_DATA_DONE\n')).toBeUndefined();
    expect(unwrapUserData(wrapUserData('#!/bin/bash\necho hi\nexit 3\n'))?.exitStatus).toBe(3);
  });
});
