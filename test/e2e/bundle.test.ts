/**
 * The built CLI (dist/, bundled by `npm run build`): what a command loads, what the bundle holds,
 * and that it runs. Start-up speed rests on this structure, so an eager import or a dependency
 * that defeats tree-shaking fails here, not only in `npm run bench`. No timing: only what loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/asg-wizard.js');
const DIST = join(ROOT, 'dist');

interface Output {
  imports: { path: string; kind: string }[];
  inputs: Record<string, { bytesInOutput: number }>;
}
interface Meta {
  outputs: Record<string, Output>;
}

function meta(): Meta {
  const file = join(DIST, 'meta.json');
  if (!existsSync(file)) throw new Error('dist/meta.json is missing: run `npm run build` first');
  return JSON.parse(readFileSync(file, 'utf8')) as Meta;
}

/** The outputs loaded with `entry` before any of its code runs: it and its static imports. */
function staticClosure(m: Meta, entry = 'dist/cli.js'): Set<string> {
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of m.outputs[out]?.imports ?? []) if (i.kind === 'import-statement' && m.outputs[i.path]) visit(i.path);
  };
  visit(entry);
  return seen;
}

/** Source files (and dependency files) that put code into these outputs. */
function inputsOf(m: Meta, outputs: Iterable<string>): string[] {
  return [...outputs].flatMap((o) => Object.entries(m.outputs[o]?.inputs ?? {}).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k));
}

const SDK = /node_modules\/@(aws-sdk|smithy)\//;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function wizard(args: string[], extra: string[] = []): Run {
  const r = spawnSync(process.execPath, [...extra, BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'asgw-home-')), CI: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The files of dist/ that a run of the built CLI with `args` loads (an ESM loader hook logs
 * them), and the Node built-in modules loaded by its end.
 */
function loadedBy(args: string[]): { run: Run; files: string[]; builtins: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'asgw-load-'));
  const log = join(dir, 'loaded.txt');
  const builtinLog = join(dir, 'builtins.txt');
  const hook = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
  const register = `import { register } from 'node:module'; import { writeFileSync } from 'node:fs';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
process.on('exit', () => writeFileSync(${JSON.stringify(builtinLog)}, process.moduleLoadList.join('\\n')));`;
  const run = wizard(args, ['--import', `data:text/javascript,${encodeURIComponent(register)}`]);
  const urls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  const files = urls.map((u) => relative(ROOT, fileURLToPath(u)).split('\\').join('/')).filter((f) => f.startsWith('dist/'));
  const builtins = existsSync(builtinLog) ? readFileSync(builtinLog, 'utf8').split('\n').filter((l) => l.startsWith('NativeModule ')).map((l) => l.slice(13)) : [];
  return { run, files, builtins };
}

describe('the built CLI loads only what a command uses', () => {
  it('--help: the entry chunk and its static imports hold no AWS SDK, sandbox or adapter code', () => {
    const m = meta();
    const closure = staticClosure(m);
    expect(closure.has('dist/cli.js')).toBe(true);
    const inputs = inputsOf(m, closure);
    expect(inputs).toContain('src/cli.ts');
    expect(inputs.filter((i) => SDK.test(i) || i.startsWith('src/sandbox/') || i.startsWith('src/aws/'))).toEqual([]);
  });

  it('--help, run with a loader hook, loads only those chunks', () => {
    const m = meta();
    const closure = staticClosure(m);
    const { run, files, builtins } = loadedBy(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Usage: asg-wizard/);
    expect(files).toContain('dist/cli.js');
    expect(files.filter((f) => !closure.has(f))).toEqual([]);
    expect(inputsOf(m, files).filter((i) => SDK.test(i))).toEqual([]);
    // commander requires it as it loads, for subcommands run as executables (none here).
    expect(builtins).toContain('fs');
    expect(builtins).not.toContain('child_process');
  });

  it('plan loads the SDK once it runs: the hook sees it come in through a lazy chunk', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'asgw-')), 'sandbox.json');
    const m = meta();
    const { run, files } = loadedBy(['plan', '--sandbox', file]);
    expect(run.status).toBe(0);
    const sdk = inputsOf(m, files).filter((i) => SDK.test(i));
    expect(sdk.some((i) => i.includes('@aws-sdk/client-ec2/'))).toBe(true);
    // The prompts and the spinner are for a terminal; plan in CI shows neither.
    expect(inputsOf(m, files).filter((i) => /node_modules\/(@inquirer\/core|ora|string-width)\//.test(i))).toEqual([]);
  });
});

describe('the bundle holds only what the code uses', () => {
  const inputs = () => inputsOf(meta(), Object.keys(meta().outputs));
  const bundleText = () =>
    readdirSync(DIST, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(DIST, f), 'utf8'))
      .join('\n');

  it('the EC2 commands the code sends, not the hundreds it never does (the SDK ES build, schemas tree-shaken)', () => {
    const text = bundleText();
    expect(text).toContain('DescribeVpcs');
    // Shapes of commands nowhere in src/: their schemas would be there had tree-shaking failed.
    const unused = ['AcceptVpcPeeringConnection', 'CreateTransitGatewayRouteTable', 'DescribeSpotFleetRequestHistory'];
    expect(unused.filter((name) => text.includes(name))).toEqual([]);
    const ec2 = inputs().filter((i) => i.includes('@aws-sdk/client-ec2/'));
    expect(ec2.some((i) => i.includes('dist-cjs'))).toBe(false);
  });

  it('the prompts the wizard shows, not the editor prompt and its character-set tables', () => {
    const all = inputs();
    expect(all.some((i) => i.includes('@inquirer/select/'))).toBe(true);
    expect(all.filter((i) => /@inquirer\/editor\/|\/iconv-lite\/|\/chardet\//.test(i))).toEqual([]);
  });

  it('zod without its translations of error messages into other languages', () => {
    const all = inputs();
    expect(all.some((i) => i.includes('node_modules/zod/'))).toBe(true);
    expect(all.filter((i) => /node_modules\/zod\/.*locales\/(?!en\.js)/.test(i))).toEqual([]);
  });
});

describe('the bundle runs', () => {
  it('prints the package version, builds a fresh account from the shipped user data, and plans nothing after', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(wizard(['--version']).stdout.trim()).toBe(version);
    const file = join(mkdtempSync(join(tmpdir(), 'asgw-')), 'sandbox.json');
    const up = wizard(['up', '--yes', '--sandbox', file]);
    expect(up.stderr).not.toMatch(/^error:/m);
    expect(up.status).toBe(0);
    const plan = wizard(['plan', '--detailed-exitcode', '--sandbox', file]);
    expect(plan.status).toBe(0);
  });

  it('serves the library entry README.md documents: dist/notifications/classify.js', async () => {
    const { classifyNotification } = (await import(join(DIST, 'notifications/classify.js'))) as typeof import('../../src/notifications/classify.js');
    const body = JSON.stringify({
      Event: 'autoscaling:EC2_INSTANCE_TERMINATE', AutoScalingGroupName: 'Web-ASG', EC2InstanceId: 'i-0123456789abcdef0',
      Cause: 'At 2026-05-14T20:11:53Z an instance was taken out of service in response to an ELB system health check failure.',
    });
    expect(classifyNotification({ Type: 'Notification', Message: body })).toMatchObject({ kind: 'health-replacement', alarm: true, group: 'Web-ASG' });
  });

  it('--debug stack traces name the TypeScript sources (the bundle\'s source maps)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'asgw-')), 'sandbox.json');
    expect(wizard(['plan', '--sandbox', file]).status).toBe(0);
    const r = wizard(['plan', '--sandbox', file, '--region', 'eu-west-1', '--debug']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/at createRun \(.*src\/commands\/context\.ts:\d+:\d+\)/);
  });
});
