/**
 * Suggested commands run as printed: the launcher is the one the user typed, every value is
 * quoted for a POSIX shell, and the account and stack come along.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { carriedArgs, commandLine, launcherOf, shellQuote } from '../../src/ui/command-line.js';

describe('launcherOf', () => {
  const cwd = '/home/me/lab';
  it.each([
    ['npx (npm names the event npx)', '/home/me/lab/node_modules/.bin/asg-wizard', { npm_lifecycle_event: 'npx', npm_command: 'exec' }, 'npx asg-wizard'],
    ["npx from npm's cache", '/home/me/.npm/_npx/1a2b/node_modules/.bin/asg-wizard', {}, 'npx asg-wizard'],
    ['a project\'s local bin, outside npm', '/home/me/lab/node_modules/.bin/asg-wizard', { PATH: '/usr/bin' }, 'npx asg-wizard'],
    ['an npm script', '/home/me/lab/bin/asg-wizard.js', { npm_command: 'run-script', npm_lifecycle_event: 'wizard' }, 'npm run wizard --'],
    ['a global install on the PATH', '/usr/local/bin/asg-wizard', { PATH: '/usr/bin:/usr/local/bin' }, 'asg-wizard'],
    ['node and a path inside the working directory', '/home/me/lab/bin/asg-wizard.js', { PATH: '/usr/bin' }, 'node bin/asg-wizard.js'],
    ['node and a path elsewhere', '/opt/asg wizard/bin/asg-wizard.js', { PATH: '/usr/bin' }, "node '/opt/asg wizard/bin/asg-wizard.js'"],
    ['a bare name (in-process tests)', 'asg-wizard', {}, 'asg-wizard'],
  ] as [string, string, Record<string, string>, string][])('%s', (_label, argv1, env, want) => {
    expect(launcherOf(argv1, env, cwd)).toBe(want);
  });
});

describe('shellQuote and commandLine', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('--stack')).toBe('--stack');
    expect(shellQuote('/tmp/a/sandbox.json')).toBe('/tmp/a/sandbox.json');
    expect(shellQuote('Web Server v2')).toBe("'Web Server v2'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
  });

  it('a shell reads the command back as the same words', () => {
    const args = ['--sandbox', "/tmp/my lab's/sandbox.json", '--image-name', 'Web Server v2', '--x', '$HOME `id` "q" \\ ;|&'];
    const line = commandLine("printf '%s\\n'", 'up', args);
    const r = spawnSync('bash', ['-c', line], { encoding: 'utf8' });
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(['up', ...args]);
  });

  it('carries the account and the stack, as given', () => {
    expect(carriedArgs({ sandbox: true, stack: 'Shop' })).toEqual(['--sandbox', '--stack', 'Shop']);
    expect(carriedArgs({ sandbox: '/tmp/s.json', profile: 'lab', region: 'eu-west-1', config: 'a.yaml' })).toEqual(['--sandbox', '/tmp/s.json', '--profile', 'lab', '--region', 'eu-west-1', '--config', 'a.yaml']);
    expect(carriedArgs({ sandbox: true, stack: 'Shop' }, ['stack'])).toEqual(['--sandbox']);
    expect(carriedArgs({})).toEqual([]);
  });
});
