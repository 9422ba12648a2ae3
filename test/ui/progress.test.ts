/**
 * Progress as a person reads it: one line per running step with one timer each (not the
 * step's own seconds and the spinner's), cut to the terminal; an AWS estimate and AWS's states
 * in words on the long waits (the group's instances, the targets' health); and a detect that
 * fails says why even when another fails beside it.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Options as OraOptions, Ora } from 'ora';
import { Progress } from '../../src/ui/progress.js';
import { waitForInService } from '../../src/steps/auto-scaling-waits.js';
import { verifyStep } from '../../src/steps/verify.js';
import { waitPolicy } from '../../src/engine/waits.js';
import type { StepContext } from '../../src/engine/types.js';

/** Rows moved up (and erased) in what was written. */
const upsIn = (text: string) => text.split('\u001b[1A').length - 1;

/** A terminal-like stream that records what is written. */
function fakeTerminal(columns: number) {
  const s = Object.assign(new EventEmitter(), { isTTY: true, columns, text: '', write: (c: string) => ((s.text += c), true), moveCursor: () => true, clearLine: () => true });
  return s as typeof s & NodeJS.WriteStream;
}

/** A spinner that keeps its text (what ora would draw after its frame). */
function fakeSpinner() {
  const drawn: string[] = [];
  const make = (o: OraOptions) => {
    drawn.push(o.text as string);
    const sp = {
      set text(v: string) {
        drawn.push(v);
      },
      start: () => sp, stop: () => sp, clear: () => sp, render: () => sp, frame: () => '',
    };
    return sp as unknown as Ora;
  };
  return { make, drawn };
}

describe('the spinner', () => {
  it('draws one line per running step, each with one timer, cut to the width', () => {
    const stream = fakeTerminal(60);
    const spin = fakeSpinner();
    let now = 0;
    const p = new Progress('spinner', stream, { now: () => now }, spin.make);
    p.stepStarted('bake', 'Bake (AMI)');
    p.stepStarted('load-balancer', 'Load balancer');
    now = 65_000;
    p.stepUpdated('bake', 'image pending… ami-0123456789abcdef0 (AWS: 3–10 min)');
    const lines = spin.drawn.at(-1)!.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Bake \(AMI\): image pending… ami-0123456789abcdef0 \(AWS: 3…$/);
    expect(lines[1]).toBe('  Load balancer (1m05s)');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60 - 1 - 2);
    p.stop();
  });
});

/**
 * A spinner that draws as ora does: its text is set at once but drawn on its own tick (`render`,
 * which clears first), and its clear removes the rows it counted when it last drew (here: none
 * beyond the ones the test counts, the re-wrapped rows).
 */
function tickingSpinner(stream: NodeJS.WriteStream) {
  const make = (o: OraOptions) => {
    let text = o.text as string;
    const sp = {
      get text() { return text; },
      set text(v: string) { text = v; },
      frame: () => `⠋ ${text}`,
      clear: () => sp,
      render: () => (sp.clear(), stream.write(sp.frame()), sp),
      start: () => sp.render(),
      stop: () => sp.clear(),
    };
    return sp as unknown as Ora;
  };
  return { make };
}

/** A 120-column terminal whose size can change before Node is told (its live size, an ioctl). */
function resizable() {
  let columns = 120;
  const stream = fakeTerminal(120);
  Object.assign(stream, { getWindowSize: () => [columns, 40] });
  const p = new Progress('spinner', stream, { now: () => 0 }, tickingSpinner(stream).make);
  return { stream, p, narrowTo: (c: number) => { columns = c; } };
}

describe('a resize', () => {
  it('clears the rows the frame on screen re-wraps into, not those of a frame set but not drawn yet', () => {
    const { stream, p, narrowTo } = resizable();
    // One long line drawn at 120 columns (one row there)…
    p.stepStarted('bake', 'Bake (AMI)');
    p.stepUpdated('bake', `waiting for the bake instance i-0123456789abcdef0 to run, ${'x'.repeat(60)}`);
    // …its new text drawn (ora's tick), then a second step set but not yet drawn.
    (p as unknown as { spinner: Ora }).spinner.render();
    p.stepStarted('load-balancer', `Load balancer ${'y'.repeat(100)}`);
    // The terminal narrows to 60: the one line on screen now takes 2 rows (ora clears 1 of them).
    narrowTo(60);
    stream.columns = 60;
    stream.emit('resize');
    expect(upsIn(stream.text)).toBe(1);
    p.stop();
  });

  it('is seen before the next draw even when Node has not signalled it yet', () => {
    const { stream, p, narrowTo } = resizable();
    p.stepStarted('bake', `Bake (AMI) ${'x'.repeat(100)}`);
    narrowTo(50);
    // ora's tick comes first: the reflowed frame is cleared (3 rows at 50 for 1 at 120) and drawn at 50.
    (p as unknown as { spinner: Ora }).spinner.render();
    expect(upsIn(stream.text)).toBe(2);
    expect(stream.columns).toBe(50);
    const last = stream.text.split('⠋ ').at(-1)!;
    expect([...last].length).toBeLessThan(50);
    p.stop();
  });
});

describe('a line printed right after a resize', () => {
  it('clears the re-wrapped frame whole before the line, so no stale spinner row stays above it', () => {
    const { stream, p, narrowTo } = resizable();
    p.stepStarted('bake', `Bake (AMI) ${'x'.repeat(100)}`);
    narrowTo(50);
    // A step finishes before ora's next tick and before Node has seen the resize: its line is printed.
    p.stepStarted('network', 'Network');
    p.stepFinished('network', '8 created');
    // The one row ora counted (at 120) and the two the re-wrap added (at 50): cleared before the line.
    expect(upsIn(stream.text)).toBe(2);
    // …before the line, not after it (which would erase the line and leave the rows).
    expect(stream.text).toMatch(/(\u001b\[1A\u001b\[2K){2}✔ Network: 8 created \(0s\)\n⠋ Bake/);
    p.stop();
  });
});

describe('a failed detect', () => {
  it('alone is the run\'s error line (printed once, by the CLI); side by side, each prints its reason', () => {
    const stream = fakeTerminal(80);
    const p = new Progress('plain', stream, { now: () => 0 });
    const one = p.planning();
    one.stepStarted('network', 'Network: looking');
    one.stepFailed('network', new Error('--vpc-id = vpc-1: no such VPC'));
    expect(stream.text).toBe('');
    const two = p.planning();
    two.stepStarted('network', 'Network: looking');
    two.stepStarted('load-balancer', 'Load balancer: looking');
    two.stepFailed('network', new Error('no such VPC'));
    two.stepFailed('load-balancer', new Error('AccessDenied'));
    expect(stream.text.split('\n').filter(Boolean).map((l) => l.slice(9))).toEqual(['Network: looking: failed: no such VPC', 'Load balancer: looking: failed: AccessDenied']);
  });
});

/** A step context whose AWS answers from `aws`, recording the progress texts. */
function context(aws: Record<string, unknown>, texts: string[]): StepContext {
  return {
    aws, config: { asg: { healthCheckGracePeriod: 300, name: 'Web-ASG', desiredCapacity: 2 } }, progress: { update: (t: string) => texts.push(t) },
    waits: waitPolicy(1, { maxWaitSeconds: 5, minDelay: 0, maxDelay: 0 }), cli: (c: string) => `asg-wizard ${c}`,
    web: { get: async () => ({ status: 200, body: '' }) },
  } as unknown as StepContext;
}

describe('long waits', () => {
  it("the group's instances: AWS's estimate (the grace period in it), no seconds of its own", async () => {
    const texts: string[] = [];
    const states = [['Pending', 'Healthy'], ['InService', 'Healthy']];
    let n = 0;
    const group = () => {
      const [lifecycle, health] = states[Math.min(n++, 1)]!;
      return { name: 'Web-ASG', desired: 2, instances: ['i-1', 'i-2'].map((id) => ({ id, az: 'a', lifecycle, health })) };
    };
    await waitForInService(context({ autoscaling: { findGroup: async () => group(), activities: async () => [] } }, texts), 'Web-ASG');
    expect(texts).toEqual(['Web-ASG: 0 of 2 instances in service and healthy, 2 launching (AWS: 7–9 min, grace period included)']);
  });

  it("the targets' health: AWS's estimate, and its states in words", async () => {
    const texts: string[] = [];
    let n = 0;
    const targets = async () => (n++ === 0
      ? [{ id: 'i-1', port: 80, state: 'initial', reason: 'Elb.InitialHealthChecking' }, { id: 'i-2', port: 80, state: 'initial', reason: 'Elb.RegistrationInProgress' }]
      : [{ id: 'i-1', port: 80, state: 'healthy' }, { id: 'i-2', port: 80, state: 'healthy' }]);
    const ctx = context({
      autoscaling: { findGroup: async () => ({ name: 'Web-ASG', desired: 2, instances: [{ id: 'i-1', az: 'a', lifecycle: 'InService' }, { id: 'i-2', az: 'c', lifecycle: 'InService' }] }) },
      elbv2: { targetHealth: targets },
    }, texts);
    await verifyStep.check!(ctx, { 'load-balancer': { url: 'http://x', targetGroupArn: 'arn:tg' }, 'auto-scaling': { groupName: 'Web-ASG' } } as never);
    expect(texts[0]).toBe('healthy in 0 of 2 AZs: i-1 initial health checks, i-2 registering with the load balancer (AWS: 1–3 min)');
    for (const t of texts) expect(t).not.toMatch(/\(\d+ s\)/);
  });
});
