/**
 * Results and notes as the hosts print them: a plan and a status fitted to 80 and 120 columns
 * with no word broken, "Next:" lines a shell runs as printed (even when cut to fit), the
 * applied result's total time, and the JSON documents' keys.
 */
import { spawnSync } from 'node:child_process';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { PlanRow } from '../../src/engine/types.js';
import { renderPlan } from '../../src/ui/render-plan.js';
import { renderStatus, type StackStatus } from '../../src/ui/render-status.js';
import { duration, renderNext, renderNote, renderResult, resultDocument } from '../../src/ui/render-result.js';
import { displayWidth } from '../../src/ui/fit.js';
import { interruptReport } from '../../src/ui/interrupt.js';

const plain = new Chalk({ level: 0 });
const header = { stack: 'Web', region: 'ap-northeast-2', account: '123456789012' };

const ROWS: PlanRow[] = [
  { key: 'a', step: 'network', action: 'reuse', type: 'AWS::EC2::Subnet', name: 'Public subnet A', id: 'subnet-0123456789abcdef0', detail: 'ap-northeast-2a 10.0.10.0/24 public', changes: [] },
  {
    key: 'b', step: 'auto-scaling', action: 'update', type: 'AWS::AutoScaling::AutoScalingGroup', name: 'Web-ASG', id: 'arn:aws:autoscaling:ap-northeast-2:123456789012:autoScalingGroup:0f1e2d3c-1111-2222-3333-444455556666:autoScalingGroupName/Web-ASG',
    detail: 'min/desired/max 2/2/6, 2 instance subnets, Web-TG, ELB health checks (grace 300 s), metrics on', changes: [{ field: 'MaxSize', from: 4, to: 6 }],
  },
  { key: 'c', step: 'auto-scaling', action: 'create', type: 'AWS::AutoScaling::ScalingPolicy', name: 'Target Tracking Policy', detail: 'ASGAverageCPUUtilization target 30 %', changes: [] },
  { key: 'd', step: 'notifications', action: 'create', type: 'AWS::AutoScaling::NotificationConfiguration', name: 'Web-ASG → Web-ASG-events', detail: 'launch, launch_error, terminate, terminate_error', changes: [] },
];

/** No line as wide as the terminal, and every word of the unfitted text whole on some line. */
function fits(fitted: string, whole: string, width: number): void {
  const lines = fitted.split('\n');
  for (const l of lines) expect(displayWidth(l), l).toBeLessThan(width);
  const shown = new Set(lines.join(' ').split(/\s+/));
  for (const w of whole.split(/\s+/).filter(Boolean)) {
    if (!shown.has(w)) expect([...shown].some((s) => s.endsWith('…') && w.startsWith(s.slice(0, -1))), `"${w}" broken`).toBe(true);
  }
}

describe('a plan fitted to the terminal', () => {
  it.each([80, 120])('at %i columns no line reaches the edge and no word is broken; details move under their row', (width) => {
    const whole = renderPlan(header, ROWS, plain);
    const fitted = renderPlan(header, ROWS, plain, width);
    fits(fitted, whole, width);
    expect(fitted).toMatch(/^ {2}~ update {4}AWS::AutoScaling::AutoScalingGroup +Web-ASG/m);
    expect(fitted).toMatch(/^ {6}MaxSize: 4 → 6$/m);
    expect(fitted.split('\n').at(-1)).toBe('Plan: 2 to create, 1 to update, 1 unchanged.');
  });

  it('off a terminal, the rows are whole, one line each', () => {
    expect(renderPlan(header, ROWS, plain).split('\n')[2]).toMatch(/^ {2}~ update .* Web-ASG +…:0f1e2d3c… {2}min\/desired\/max 2\/2\/6, .*metrics on$/);
  });
});

describe('a status fitted to the terminal', () => {
  const status: StackStatus = {
    stack: 'Web', region: 'ap-northeast-2', exists: true, url: 'http://Web-ALB-3410264917.ap-northeast-2.elb.amazonaws.com',
    group: { name: 'Web-ASG', min: 2, desired: 2, max: 4, instances: [{ id: 'i-a2acc4cb4a7abdf22', az: 'ap-northeast-2c', lifecycle: 'InService', health: 'Healthy', launchTemplateVersion: '1' }] },
    targets: [{ id: 'i-a2acc4cb4a7abdf22', az: 'ap-northeast-2c', port: 80, state: 'initial', reason: 'Elb.InitialHealthChecking' }],
    policies: [{ name: 'Target Tracking Policy', type: 'TargetTrackingScaling', metric: 'ASGAverageCPUUtilization', targetValue: 30, disableScaleIn: false, enabled: true }],
    notifications: [{ topicArn: 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events', types: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE'], subscriptions: [] }],
    image: { id: 'ami-57c0f752206fba169', name: 'Web Server v1' },
    launchTemplate: { name: 'Web', id: 'lt-c6c18fd6b0afe69f7', defaultVersion: 1, latestVersion: 1 },
    activities: [{ status: 'Successful', description: 'Launching a new EC2 instance: i-a2acc4cb4a7abdf22', cause: 'At 2026-01-01T00:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 2.', start: '2026-01-01T00:00:00.000Z', end: null }],
    instanceRefresh: null,
  };
  const names = { alb: 'Web-ALB', asg: 'Web-ASG', targetGroup: 'Web-TG', launchTemplate: 'Web' };

  it.each([80, 120])('at %i columns no line reaches the edge and no word is broken', (width) => {
    fits(renderStatus(status, names, width), renderStatus(status, names), width);
  });

  it("says a target's reason in words", () => {
    expect(renderStatus(status, names)).toMatch(/^ {2}i-a2acc4cb4a7abdf22:80 {2}ap-northeast-2c {2}initial {2}initial health checks$/m);
  });
});

describe('Next: commands', () => {
  const commands = [
    { command: "node bin/asg-wizard.js status --sandbox '/tmp/my lab/sandbox.json' --stack Shop --alb-name Shop-Front-ALB", does: 'the stack as it is' },
    { command: 'asg-wizard plan --sandbox', does: 'shows nothing left to do' },
  ];

  it('one a line, the comment after a #, off a terminal', () => {
    expect(renderNext(commands)).toEqual([
      `Next: ${commands[0]!.command}  # the stack as it is`,
      '      asg-wizard plan --sandbox  # shows nothing left to do',
    ]);
  });

  it('cut to fit with "\\" continuations, which a shell joins back into the same command', () => {
    const lines = renderNext(commands, 60);
    for (const l of lines) expect(displayWidth(l)).toBeLessThan(60);
    const first = lines.slice(0, lines.findIndex((l) => !l.endsWith('\\')) + 1).join('\n').replace(/^Next: /, '');
    const echoed = spawnSync('bash', ['-c', `printf '%s\\n' ${first.replace(/^node bin\/asg-wizard\.js /, '')}`], { encoding: 'utf8' }).stdout;
    expect(echoed.trim().split('\n')).toEqual(['status', '--sandbox', '/tmp/my lab/sandbox.json', '--stack', 'Shop', '--alb-name', 'Shop-Front-ALB']);
  });

  it('a note of kind next renders the same', () => {
    expect(renderNote({ kind: 'next', commands }, { chalk: plain })).toBe(renderNext(commands).join('\n'));
  });
});

describe('the applied result', () => {
  it('says how long the run took, and its document has the time too', () => {
    const r = { kind: 'applied' as const, header, planned: ROWS, rows: ROWS, writes: 14, url: 'http://x', seconds: 192.4 };
    expect(renderResult(r, { chalk: plain }).split('\n')[0]).toBe('Applied: 2 created, 1 updated, 1 unchanged. 14 AWS writes. Took 3m12s.');
    expect(resultDocument(r)).toMatchObject({ stack: 'Web', writes: 14, url: 'http://x', seconds: 192 });
    expect(duration(45)).toBe('45s');
  });
});

describe('an interruption', () => {
  it('names what this run made that goes on in AWS and is billed, and how to finish or remove it', () => {
    const lines = interruptReport({
      signal: 'SIGINT', inFlight: ['Bake (AMI) (image pending…)'], sandbox: false,
      writes: [{ service: 'EC2', command: 'CreateSecurityGroup' }, { service: 'EC2', command: 'RunInstances' }, { service: 'ElasticLoadBalancingV2', command: 'CreateLoadBalancer' }],
      rerun: 'npx asg-wizard up --yes', remove: 'npx asg-wizard destroy',
    });
    expect(lines).toEqual([
      'interrupted (Ctrl-C): nothing more was started; in flight: Bake (AMI) (image pending…)',
      'still in AWS from this run, and billed: the bake instance (billed while it runs; the next run bakes and terminates it); the load balancer (billed by the hour)',
      'what AWS had started goes on there (an image being made, a load balancer provisioning, instances launching)',
      'to finish: npx asg-wizard up --yes',
      'to remove it all: npx asg-wizard destroy',
    ]);
  });

  it('before any write, says only what was in flight', () => {
    expect(interruptReport({ signal: 'SIGTERM', inFlight: [], writes: [], rerun: 'asg-wizard up', sandbox: true })).toEqual(['terminated (SIGTERM): nothing more was started']);
  });
});
