import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createProgram } from '../src/cli.js';
import { EXIT } from '../src/errors.js';
import { Writable } from 'node:stream';

const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
const sink = new Writable({ write: (_c, _e, cb) => cb() });

describe('README', () => {
  it('starts with the two commands a fresh clone must make true', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toMatch(/^npm install && npx asg-wizard up --sandbox --yes/m);
    expect(firstBlock).toMatch(/^npm install && npm test/m);
  });

  it('documents every command and every option the program has', () => {
    const program = createProgram({ stdout: sink, stderr: sink as unknown as NodeJS.WriteStream, env: {}, isTTY: false });
    const missing: string[] = [];
    for (const o of program.options) if (!readme.includes(`\`${o.long}`) && !readme.includes(`${o.long} `)) missing.push(o.long!);
    for (const cmd of program.commands) {
      if (!readme.includes(`\`${cmd.name()}\``)) missing.push(`command ${cmd.name()}`);
      for (const o of cmd.options) if (!readme.includes(o.long!)) missing.push(`${cmd.name()} ${o.long}`);
    }
    expect(missing).toEqual([]);
  });

  it('documents every exit code', () => {
    for (const code of Object.values(EXIT).map(String)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
