/**
 * What `npm run bench` runs inside its own process (bench/run.js bundles this file with esbuild
 * and imports it): the CLI in-process against a sandbox file, with each AWS call the sandbox
 * answers attributed to the step whose detect, apply or check sent it (the engine's step scope),
 * and the throwaway accounts the scale figure needs. Never a test: nothing here asserts.
 */
import { Writable } from 'node:stream';
import { runCli } from '../src/cli.js';
import { currentStep } from '../src/engine/graph.js';
import { Sandbox } from '../src/sandbox/index.js';
import type { AutoScalingGroupRecord } from '../src/sandbox/types.js';

export { criticalPath, currentGraph, graphOf772547e, sequentialSum, stepSeconds, WAITS } from './model.js';

/**
 * One AWS call as the sandbox answered it: the step that sent it (`(run)` outside any step) and
 * in which phase, when (ms into the run), and how it ended.
 */
export interface Call { step: string; phase?: 'detect' | 'apply'; service: string; command: string; ms: number; error?: string }

export interface InProcessRun {
  code: number;
  calls: Call[];
  stderr: string;
  /** Wall time of the run, and of it the time some call was inside the sandbox (its transactions, the account file). */
  ms: number;
  sandboxMs: number;
}

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

/** `asg-wizard …args --sandbox file` in this process, with the environment given (a latency profile, say). */
export async function runInProcess(file: string, args: string[], env: Record<string, string> = {}): Promise<InProcessRun> {
  const calls: Call[] = [];
  let stderr = '';
  // The time at least one call was inside the sandbox (calls in flight at once count once).
  let sandboxMs = 0;
  let inFlight = 0;
  let busySince = 0;
  const t0 = performance.now();
  const code = await runCli(['node', 'asg-wizard', ...args, '--sandbox', file], {
    stdout: sink(),
    stderr: new Writable({ write: (c, _e, cb) => { stderr += String(c); cb(); } }) as unknown as NodeJS.WriteStream,
    env: { PATH: process.env.PATH ?? '', CI: 'true', NO_COLOR: '1', ...env },
    isTTY: false,
    onSandbox: (sandbox) => {
      // Every call the clients send reaches the sandbox here, inside the caller's async context.
      const handle = sandbox.handle.bind(sandbox);
      sandbox.handle = async (clientName, command, input) => {
        const at = currentStep();
        const call: Call = { step: at?.id ?? '(run)', ...(at ? { phase: at.phase } : {}), service: clientName.replace(/Client$/, ''), command, ms: performance.now() - t0 };
        calls.push(call);
        if (inFlight++ === 0) busySince = performance.now();
        try {
          return await handle(clientName, command, input);
        } catch (err) {
          call.error = (err as Error).name;
          throw err;
        } finally {
          if (--inFlight === 0) sandboxMs += performance.now() - busySince;
        }
      };
    },
  });
  return { code, calls, stderr, ms: performance.now() - t0, sandboxMs };
}

/**
 * A throwaway account with `n` Auto Scaling groups (empty, in the default VPC), pushed in one
 * sandbox transaction rather than made by `n` SDK calls. More than 500 groups is past AWS's
 * default quota for a region: an account whose quota was raised.
 */
/** Moves the account's clock forward (a plan of a stack built minutes ago, not seconds: AWS's lags are over). */
export async function advanceClock(file: string, ms: number): Promise<void> {
  await new Sandbox({ file }).transact((w) => {
    w.clock.offsetMs += ms;
  });
}

export async function accountWithGroups(file: string, n: number): Promise<void> {
  const sandbox = new Sandbox({ file });
  await sandbox.transact((w) => {
    const now = Date.now() + w.clock.offsetMs;
    const subnets = w.ec2.subnets.filter((s) => s.vpcId === w.ec2.vpcs[0]!.id).slice(0, 2).map((s) => s.id);
    for (let i = 0; i < n; i++) {
      const name = `bench-asg-${String(i).padStart(4, '0')}`;
      const g: AutoScalingGroupRecord = {
        name, arn: `arn:aws:autoscaling:${w.region}:${w.accountId}:autoScalingGroup:00000000-0000-4000-8000-${String(i).padStart(12, '0')}:autoScalingGroupName/${name}`,
        minSize: 0, maxSize: 2, desiredCapacity: 0, defaultCooldown: 300, subnetIds: subnets, targetGroupArns: [],
        healthCheckType: 'EC2', healthCheckGracePeriod: 300, instances: [], suspendedProcesses: [], enabledMetrics: [],
        tags: [{ Key: 'Name', Value: name, PropagateAtLaunch: true }], createdAt: now, newInstancesProtectedFromScaleIn: false,
      };
      w.autoscaling.groups.push(g);
    }
  });
}
