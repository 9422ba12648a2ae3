/**
 * `load`, the lab's experiment, through the real program against the sandbox at AWS's own
 * timings (the realistic profile) while the test moves the sandbox clock instead of sleeping:
 * the instances' CPU rises, the scale-out alarm goes off after its three one-minute datapoints,
 * the group grows and its new targets turn healthy; after the load the scale-in alarm waits its
 * fifteen, and the group shrinks back, each launch and termination told by its cause. `/load`
 * itself is closed to anyone without the stack's load token, which never leaves AWS and the run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { readWorld } from '../helpers/tagged.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { LOAD_CLOSED, LOAD_TOKEN, parseLoadToken } from '../../src/contract/web-server.js';
import { renderLoadEvent, type LoadDocument, type LoadEvent } from '../../src/ui/render-load.js';

let built = '';
beforeAll(async () => {
  built = tmpSandboxFile();
  const up = await runWizard(built, ['up', '--yes']);
  expect(up.code, up.stderr).toBe(0);
}, 60_000);

/** A copy of the built stack, its clock 15 minutes on: at AWS's own timings its targets have been healthy a while. */
async function stack(): Promise<string> {
  const file = tmpSandboxFile();
  copyFileSync(built, file);
  await new Sandbox({ file }).transact((w) => { w.clock.offsetMs += 15 * 60_000; });
  return file;
}

/** The stack's load token, as the launch template gives it to the instances. */
function tokenOf(file: string): string {
  const w = readWorld(file);
  const lt = w.ec2.launchTemplates.find((t) => t.name === 'Web')!;
  const data = lt.versions.find((v) => v.number === lt.defaultVersion)!.data as { UserData?: string };
  return parseLoadToken(Buffer.from(data.UserData ?? '', 'base64').toString('utf8'))!;
}

/** Each wait moves the sandbox clock by it instead. */
function clocked(file: string) {
  let waits = 0;
  return {
    get waits() { return waits; },
    sleep: async (ms: number) => {
      waits += 1;
      await new Sandbox({ file }).transact((w) => { w.clock.offsetMs += ms; });
    },
  };
}

const REALISTIC = { ASG_WIZARD_SANDBOX_LATENCY: 'realistic' };

describe('load', () => {
  it('loads the instances, then shows the scale-out alarm, the group growing, new targets healthy, and after the load the scale-in, each with its cause', async () => {
    const file = await stack();
    const c = clocked(file);
    const r = await runWizard(file, ['load', '--minutes', '5', '--json'], { env: REALISTIC, sleep: c.sleep });
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    const doc = JSON.parse(r.stdout) as LoadDocument;
    // The human timeline is the same events, one line each.
    expect(doc.events.map((e) => renderLoadEvent(e, doc.started))[0]).toMatch(/^\+00:00 {2}load /);
    expect(doc).toMatchObject({ stack: 'Web', region: 'ap-northeast-2', account: '123456789012', group: 'Web-ASG', minutes: 5, settled: true, writes: 0 });
    const ev = doc.events;
    const t = (e: LoadEvent) => (Date.parse(e.at) - Date.parse(doc.started)) / 1000;
    const first = <K extends LoadEvent['kind']>(kind: K, pred: (e: Extract<LoadEvent, { kind: K }>) => boolean = () => true) =>
      ev.find((e): e is Extract<LoadEvent, { kind: K }> => e.kind === kind && pred(e as Extract<LoadEvent, { kind: K }>));

    const started = first('load-started')!;
    expect(started.instances).toHaveLength(2);
    expect(started.seconds).toBe(300);
    expect(first('cpu', (e) => e.average > 80)).toBeDefined();
    // The scale-out alarm: three one-minute datapoints above the target, not sooner.
    const high = first('alarm', (e) => e.alarm === 'scale-out' && e.to === 'ALARM')!;
    expect(t(high)).toBeGreaterThanOrEqual(180);
    expect(t(high)).toBeLessThan(240);
    const out = first('desired', (e) => e.to > e.from)!;
    expect(out).toMatchObject({ from: 2, to: 4 });
    expect(out.cause).toMatch(/a monitor alarm TargetTracking-Web-ASG-AlarmHigh-\S+ in state ALARM triggered policy Target Tracking Policy changing the desired capacity from 2 to 4/);
    const launches = ev.filter((e) => e.kind === 'launch') as Extract<LoadEvent, { kind: 'launch' | 'terminate' }>[];
    expect(launches).toHaveLength(2);
    for (const l of launches) expect(l.meaning).toBe('scale-out');
    const newIds = launches.map((l) => l.instanceId);
    for (const id of newIds) expect(first('target', (e) => e.instanceId === id && e.to === 'healthy')).toBeDefined();
    const ended = first('load-ended')!;
    expect(t(ended)).toBe(300);
    // The scale-in alarm: fifteen datapoints below, after the load ended.
    const low = first('alarm', (e) => e.alarm === 'scale-in' && e.to === 'ALARM')!;
    expect(t(low) - t(ended)).toBeGreaterThanOrEqual(900);
    const back = first('desired', (e) => e.to < e.from)!;
    expect(back).toMatchObject({ from: 4, to: 2 });
    const terminations = ev.filter((e) => e.kind === 'terminate') as Extract<LoadEvent, { kind: 'launch' | 'terminate' }>[];
    expect(terminations).toHaveLength(2);
    for (const x of terminations) expect(x.meaning).toBe('scale-in: planned');
    expect(first('settled')).toMatchObject({ desired: 2 });
    // In order of time.
    expect([...ev].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((e) => e.kind).indexOf('settled')).toBe(ev.length - 1);
    expect(c.waits).toBeGreaterThan(60);
  }, 120_000);

  it('prints the timeline as it happens, one line per event; Ctrl-C stops watching with exit 0', async () => {
    const file = await stack();
    const handlers = new Set<() => void>();
    let looks = 0;
    const r = await runWizard(file, ['load', '--minutes', '1', '--interval', '30'], {
      env: REALISTIC,
      onSigint: (h) => { handlers.add(h); return () => handlers.delete(h); },
      sleep: async (ms) => {
        await new Sandbox({ file }).transact((w) => { w.clock.offsetMs += ms; });
        if (++looks === 4) for (const h of [...handlers]) h();
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\+00:00 {2}load {7}2 instances busy for 60 s: i-\S+, i-\S+$/m);
    expect(r.stdout).toMatch(/^\+\d\d:\d\d {2}stopped {4}Ctrl-C: stopped watching/m);
    expect(r.stderr).toMatch(/^Loading Web-ASG through http:\/\/\S+ for 1 min/m);
  }, 60_000);

  it('/load is closed to anyone without the stack\'s token; the token is in no plan file and no output', async () => {
    const file = await stack();
    const token = tokenOf(file);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const sandbox = new Sandbox({ file });
    const url = `http://${readWorld(file).elbv2.loadBalancers.find((l) => l.name === 'Web-ALB')!.dnsName}/load?seconds=60`;
    expect(await sandbox.httpGet(url)).toMatchObject({ status: 403, body: LOAD_CLOSED });
    expect(await sandbox.httpGet(url, { [LOAD_TOKEN.header]: '0'.repeat(48) })).toMatchObject({ status: 403 });
    expect((await sandbox.httpGet(url, { [LOAD_TOKEN.header]: token })).status).toBe(200);

    const out = join(dirname(file), 'plan.json');
    const plan = await runWizard(file, ['plan', '--out', out, '--image-name', 'Web Server v2']);
    expect(plan.code, plan.stderr).toBe(0);
    const saved = readFileSync(out, 'utf8');
    expect(saved).toContain('"loadToken"');
    expect(saved).not.toContain(token);
    const run = await runWizard(file, ['load', '--minutes', '1'], { env: REALISTIC, sleep: clocked(file).sleep });
    expect(run.stdout + run.stderr).not.toContain(token);
  }, 60_000);

  it('a new template version carries the token over, so the instances a refresh brings keep it', async () => {
    const file = await stack();
    const token = tokenOf(file);
    const up = await runWizard(file, ['up', '--yes', '--image-name', 'Web Server v2']);
    expect(up.code, up.stderr).toBe(0);
    const lt = readWorld(file).ec2.launchTemplates.find((t) => t.name === 'Web')!;
    expect(lt.defaultVersion).toBe(2);
    expect(tokenOf(file)).toBe(token);
  }, 60_000);

  it('a stack whose template gives no token: exit 2, nothing sent', async () => {
    const file = await stack();
    await new Sandbox({ file }).transact((w) => {
      const lt = w.ec2.launchTemplates.find((t) => t.name === 'Web')!;
      for (const v of lt.versions) delete (v.data as { UserData?: string }).UserData;
    });
    const r = await runWizard(file, ['load']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: load: the launch template Web gives the instances no load token/m);
    expect(r.stderr).toMatch(/^hint: run asg-wizard up --sandbox \S+sandbox\.json --yes: it adds the token/m);
  });
});
