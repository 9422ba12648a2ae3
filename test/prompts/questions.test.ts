/**
 * `up`'s questions as a newcomer meets them, typed into the real inquirer prompts
 * (`@inquirer/testing` renders each one and types into it) against a sandbox: every answer is
 * checked at its own prompt and asked again with a reason in the question's words (min, then
 * max, then desired; an instance type the region does not offer; the same subnet in both tiers;
 * public subnets for the instances need a yes), and a re-run's defaults are the stack's values.
 */
import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile, type RunResult } from '../helpers/run.js';
import { InquirerPrompter } from '../../src/prompts/prompter.js';
import { TestIoHost } from '../../src/ui/test-host.js';
import type { World } from '../../src/sandbox/types.js';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the prompt on screen matches `re` (the run ending first is a failure). */
async function until(re: RegExp, run: Promise<RunResult>): Promise<string> {
  for (let i = 0; i < 40; i++) {
    if (re.test(screen.getScreen())) return screen.getScreen();
    const r = await Promise.race([screen.next().then(() => 'next'), run.then(() => 'done'), sleep(10_000).then(() => 'slow')]);
    if (r === 'done') {
      if (re.test(screen.getScreen())) return screen.getScreen();
      const end = await run;
      throw new Error(`the run ended before ${re}; screen:\n${screen.getScreen()}\nstderr:\n${end.stderr}`);
    }
    if (r === 'slow') break;
  }
  throw new Error(`never saw ${re}; screen:\n${screen.getScreen()}`);
}

/** Answers the question on screen: clears what was typed, types `text`, presses Enter ('' keeps the default). */
function answer(text: string): void {
  if (text) {
    for (let i = 0; i < 20; i++) screen.keypress('backspace');
    screen.type(text);
  }
  screen.keypress('enter');
}

/** An interactive `up` on `file`, asked through inquirer (the test drives the screen); `said` collects the lines written before each question. */
function interactiveUp(file: string, args: string[] = []) {
  const said = { text: '' };
  const output = new Writable({ write: (c: Buffer, _e, cb) => ((said.text += c.toString()), cb()) });
  const host = new TestIoHost(new InquirerPrompter({ output }));
  // TERM=dumb: plain progress lines rather than a spinner, questions still asked (a terminal).
  const run = runWizard(file, ['up', ...args], { isTTY: true, host, env: { TERM: 'dumb' } });
  return { host, run, said };
}

const world = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as World;

describe('each answer is checked where it is given', () => {
  it('sizes are asked min, max, desired, each checked against the ones before; an instance type the region lacks is asked again', async () => {
    const file = tmpSandboxFile();
    const { host, run, said } = interactiveUp(file);
    await until(/VPC for the stack/, run);
    // Before the first question: where the run goes and what it builds.
    expect(host.notes[0]).toMatchObject({ kind: 'context', context: { stack: 'Web', region: 'ap-northeast-2', account: '123456789012', target: { kind: 'sandbox', file } } });
    expect(host.notes[0]!.kind === 'context' && host.notes[0]!.context.builds).toMatch(/VPC-Lab.*Web-ALB.*Web-ASG/);
    screen.keypress('enter');
    await until(/NAT gateway/, run);
    answer('');
    await until(/Instance type/, run);
    answer('r5.24xlarge');
    expect(await until(/not offered/, run)).toMatch(/r5\.24xlarge is not offered in ap-northeast-2: choose another type/);
    answer('t3.micro');
    // The minimum first, against nothing asked yet: 5 is fine (it used to be checked against a default maximum of 4).
    await until(/Minimum instances/, run);
    answer('5');
    const max = await until(/Maximum instances/, run);
    expect(max).not.toMatch(/must be/);
    // The default maximum is at least the minimum just given.
    expect(max).toMatch(/Maximum instances \(5\)/);
    answer('3');
    expect(await until(/must be at least/, run)).toMatch(/the maximum must be at least the minimum, 5/);
    answer('6');
    await until(/Desired instances/, run);
    answer('9');
    const desired = await until(/must be between/, run);
    expect(desired).toMatch(/the desired capacity must be between the minimum, 5, and the maximum, 6/);
    // Errors speak of the question, never of a flag the person did not type.
    expect(desired).not.toMatch(/--|asg\./);
    answer('5');
    await until(/Target average CPU/, run);
    answer('0');
    expect(await until(/must be above 0/, run)).not.toMatch(/--cpu-target/);
    answer('40');
    await until(/Subscribe the Auto Scaling events topic/, run);
    screen.keypress('enter');
    await until(/Apply this plan/, run);
    answer('n');
    const r = await run;
    // A "no" is no error: said plainly, exit 130, nothing written.
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^plan not applied: nothing was changed$/m);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.writes).toEqual([]);
    const plan = host.notesOf('plan')[0]!;
    const group = plan.rows.find((x) => x.type === 'AWS::AutoScaling::AutoScalingGroup')!;
    expect(group.detail).toMatch(/min\/desired\/max 5\/5\/6/);
    expect(plan.rows.find((x) => x.type === 'AWS::EC2::LaunchTemplate')!.detail).toMatch(/t3\.micro/);
    // Each question said first, in one line, what it does in the lab.
    expect(said.text).toMatch(/^ {2}Only if the instances must reach the internet themselves .*billed by the hour/m);
    expect(said.text).toMatch(/^ {2}Scaling out stops here/m);
  }, 60_000);

  it('an existing VPC: the same subnet in both tiers is refused at the instance question, and public instance subnets need a yes', async () => {
    const file = tmpSandboxFile();
    await runWizard(file, ['plan']); // makes the account file
    const w = world(file);
    const vpc = w.ec2.vpcs.find((v) => v.isDefault)!;
    const subnets = w.ec2.subnets.filter((s) => s.vpcId === vpc.id);
    const { host, run } = interactiveUp(file);
    await until(/VPC for the stack/, run);
    screen.keypress('down');
    screen.keypress('enter');
    // A VPC of public subnets only (a default VPC): one per AZ in two AZs is preselected for the load balancer, leaving the others.
    const lb = await until(/Load balancer subnets/, run);
    expect(lb.match(/◉/g)).toHaveLength(2);
    screen.keypress('enter');
    await until(/Instance subnets/, run);
    const order = screen.getScreen().split('\n').filter((l) => /subnet-/.test(l)).map((l) => /subnet-[0-9a-f]+/.exec(l)![0]);
    const albIds = new Set(subnets.filter((s) => ['ap-northeast-2a', 'ap-northeast-2b'].includes(s.az)).map((s) => s.id));
    // Pick one of the load balancer's subnets: refused, with the reason.
    const albAt = order.findIndex((id) => albIds.has(id));
    for (let i = 0; i < albAt; i++) screen.keypress('down');
    screen.keypress('space');
    screen.keypress('enter');
    expect(await until(/load balancer's/, run)).toMatch(/subnet-[0-9a-f]+ is the load balancer's: choose subnets of their own for the instances/);
    screen.keypress('space');
    for (let i = 0; i < albAt; i++) screen.keypress('up');
    // Now the two others (public too, as every subnet of a default VPC is).
    order.forEach((id, i) => {
      if (i > 0) screen.keypress('down');
      if (!albIds.has(id)) screen.keypress('space');
    });
    screen.keypress('enter');
    expect(await until(/Use them anyway/, run)).toMatch(/All instance subnets are public/);
    // No: the tier is asked again.
    answer('n');
    await until(/Instance subnets/, run);
    order.forEach((id, i) => {
      if (i > 0) screen.keypress('down');
      if (!albIds.has(id)) screen.keypress('space');
    });
    screen.keypress('enter');
    await until(/Use them anyway/, run);
    answer('y');
    for (const q of [/Instance type/, /Minimum/, /Maximum/, /Desired/, /Target average CPU/]) {
      await until(q, run);
      answer('');
    }
    await until(/Subscribe/, run);
    screen.keypress('enter');
    await until(/Apply this plan/, run);
    answer('n');
    const r = await run;
    expect(r.code).toBe(130);
    const chosen = host.notesOf('plan')[0]!.rows.filter((x) => x.type === 'AWS::EC2::Subnet').map((x) => x.id).sort();
    expect(chosen).toEqual(subnets.map((s) => s.id).sort());
  }, 60_000);
});

describe("a re-run's defaults are the stack's current values", () => {
  it('a stack built with --max-size 6: Enter through every question changes nothing, and says so in one line', async () => {
    const file = tmpSandboxFile();
    const built = await runWizard(file, ['up', '--yes', '--max-size', '6', '--cpu-target', '45', '--instance-type', 't3.micro']);
    expect(built.code, built.stderr).toBe(0);
    const { host, run } = interactiveUp(file);
    await until(/VPC for the stack/, run);
    screen.keypress('enter');
    const seen: string[] = [];
    for (const q of [/Instance type/, /Minimum/, /Maximum/, /Desired/, /Target average CPU/]) {
      seen.push(await until(q, run));
      screen.keypress('enter');
    }
    expect(seen[0]).toMatch(/Instance type \(t3\.micro\)/);
    expect(seen[1]).toMatch(/Minimum instances \(2\)/);
    expect(seen[2]).toMatch(/Maximum instances \(6\)/);
    expect(seen[3]).toMatch(/Desired instances now \(2\)/);
    expect(seen[4]).toMatch(/Target average CPU % \(45\)/);
    await until(/Subscribe/, run);
    screen.keypress('enter');
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    expect(host.results.map((x) => x.kind)).toEqual(['up-to-date']);
    expect(host.notesOf('plan')).toEqual([]);
  }, 60_000);
});
