/**
 * First contact, through the test host (messages, not stderr text): before the first question
 * one line says where the run goes and what it builds; every question explains itself in one
 * line; the menu's "Bake a new image" asks the new image's name (the next version by default);
 * `--json` gives the same notes as JSON events on stderr.
 */
import { describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { ScriptedPrompter, TestIoHost } from '../../src/ui/test-host.js';

describe('an interactive up', () => {
  it('says where it goes before the first question, and each question says what it is for', async () => {
    const file = tmpSandboxFile();
    let notesAtFirstQuestion = -1;
    const host: TestIoHost = new TestIoHost({
      'network.vpcId': () => {
        notesAtFirstQuestion = host.notes.length;
        return undefined;
      },
      'network.natGateway': false, 'instances.instanceType': undefined, 'asg.minSize': undefined, 'asg.maxSize': undefined,
      'asg.desiredCapacity': undefined, 'asg.cpuTarget': undefined, 'notifications.protocol': undefined, yes: false,
    });
    const r = await runWizard(file, ['up'], { isTTY: true, host });
    expect(r.code).toBe(130);
    expect(notesAtFirstQuestion).toBe(1);
    expect(host.notes[0]).toMatchObject({ kind: 'context', context: { stack: 'Web', account: '123456789012', target: { kind: 'sandbox', file } } });
    const asked = (host.prompter as ScriptedPrompter).questions;
    expect(asked.map((q) => q.id)).toEqual(['network.vpcId', 'network.natGateway', 'instances.instanceType', 'asg.minSize', 'asg.maxSize', 'asg.desiredCapacity', 'asg.cpuTarget', 'notifications.protocol', 'yes']);
    for (const q of asked.filter((x) => x.id !== 'yes')) expect(q.help, q.id).toMatch(/^\S.{20,200}$/);
  });
});

describe("the menu's Bake a new image", () => {
  it('asks the new image\'s name, the next version by default, and bakes it', async () => {
    const file = tmpSandboxFile();
    expect((await runWizard(file, ['up', '--yes'])).code).toBe(0);
    const host = new TestIoHost({ command: 'bake', 'network.vpcId': undefined, 'image.name': undefined, yes: true });
    const r = await runWizard(file, [], { isTTY: true, host });
    expect(r.code, host.transcript()).toBe(0);
    const asked = (host.prompter as ScriptedPrompter).questions;
    expect(asked.map((q) => q.id)).toEqual(['command', 'network.vpcId', 'image.name', 'yes']);
    expect(asked.find((q) => q.id === 'image.name')).toMatchObject({ message: 'Name of the new image', default: 'Web Server v2' });
    expect(host.resultsOf('image')[0]).toMatchObject({ imageName: 'Web Server v2' });
    // And what to run next rolls out that image, not v1.
    expect(host.notesOf('next').at(-1)!.commands[0]!.command).toBe(`asg-wizard up --sandbox ${file} --image-name 'Web Server v2'`);
  });
});

describe('--json', () => {
  it('the notes are JSON events on stderr; stdout is the document alone', async () => {
    const r = await runWizard(tmpSandboxFile(), ['up', '--yes', '--json']);
    expect(r.code).toBe(0);
    const events = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; kind?: string; commands?: { command: string }[] });
    const next = events.find((e) => e.event === 'note' && e.kind === 'next')!;
    expect(next.commands!.map((c) => c.command)[0]).toMatch(/^asg-wizard status --sandbox /);
    expect(JSON.parse(r.stdout)).toMatchObject({ stack: 'Web', writes: expect.any(Number), seconds: expect.any(Number) });
  });
});
