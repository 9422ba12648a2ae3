/**
 * The physical limit of `up`, for `npm run bench` (and test/bench-model.test.ts): how long each
 * step must take in AWS time — the waits it really contains, from the sandbox's typical
 * durations (src/sandbox/timings.ts, the ones a run at a latency scale meets, scaled) — the
 * longest path through the step graph (its `needs`, from the real ALL_STEPS, so the model
 * cannot drift from the code), and the sum of every step one after another (the console way).
 *
 * "Before" is the graph of commit 772547e, kept here as a description: the bake then also
 * waited for its instance's status checks and did its own clean-up (terminate the instance,
 * wait until it is gone, delete its group once its network interface let go) before the
 * launch template and the group could start.
 */
import { ALL_STEPS } from '../src/steps/index.js';
import { enabledSteps } from '../src/engine/graph.js';
import { validateConfig } from '../src/config/load.js';
import type { StackConfig } from '../src/config/schema.js';
import type { StepId } from '../src/engine/types.js';
import { TIMES } from '../src/sandbox/timings.js';

/** One wait a step contains, in AWS seconds. */
export interface Wait { what: string; seconds: number }

/** A node of the graph: a step, what it needs, and what it waits for. */
export interface Node { id: StepId; needs: readonly StepId[]; waits: Wait[] }

const s = (ms: number) => ms / 1000;
/** A new EC2 id is not visible to the next call naming it for 1–5 s (BEHAVIOUR.md, "Read-after-create"); on average: */
const LAG = s((TIMES.readAfterCreateMin + TIMES.readAfterCreateMax) / 2);
/** A terminated instance's network interface holds its security groups for 60–180 s; on average: */
const ENI_RELEASE = s((TIMES.instanceEniReleaseMin + TIMES.instanceEniReleaseMax) / 2);
/** A target turns healthy after the target group's healthy threshold of checks at its interval (AWS's defaults: 5 × 30 s). */
const TARGET_HEALTHY = 5 * 30;

const lag = (what: string): Wait => ({ what: `${what} visible (read-after-create)`, seconds: LAG });

/**
 * What each step waits for on a fresh account with the lab's defaults, in the order it waits.
 * A step's calls themselves take no AWS time here (tens of milliseconds each on AWS).
 */
export const WAITS: Record<StepId, Wait[]> = {
  // Its creates run in waves (steps/network.ts): the VPC; the gateway and the subnets together;
  // the route tables together. Each wave's first call naming what the last one made meets its lag.
  network: [lag('VPC'), lag('internet gateway and subnets (made together)'), lag('route tables (made together)')],
  bake: [
    lag('bake security group'),
    { what: 'bake instance running', seconds: s(TIMES.instancePendingToRunning) },
    { what: 'user data done (its completion signal)', seconds: s(TIMES.userDataFromBoot) },
    { what: 'image available', seconds: s(TIMES.imagePendingToAvailable) },
  ],
  'bake-cleanup': [
    { what: 'bake instance terminated', seconds: s(TIMES.instanceShuttingDown) },
    { what: 'its network interface released (then the group is deleted)', seconds: ENI_RELEASE },
  ],
  'load-balancer': [lag('load balancer security group'), { what: 'load balancer active', seconds: s(TIMES.loadBalancerProvisioning) }],
  'instance-security': [lag('instance security group')],
  // Off by default (Session Manager): its new profile would delay the group's create by IAM's propagation.
  'instance-profile': [],
  'launch-template': [],
  notifications: [],
  'auto-scaling': [
    { what: 'group reacts to its desired capacity', seconds: s(TIMES.autoScalingReaction) },
    { what: 'instances running (InService)', seconds: s(TIMES.instancePendingToRunning) },
  ],
  verify: [
    { what: 'web server up on the baked image', seconds: s(TIMES.serviceFromBootBaked) },
    { what: `targets healthy (${TARGET_HEALTHY / 30} checks × 30 s)`, seconds: TARGET_HEALTHY },
  ],
};

/** The graph as the code has it: the steps on for `config` (the lab's defaults), their needs, their waits. */
export function currentGraph(config: StackConfig = validateConfig({})): Node[] {
  return enabledSteps(ALL_STEPS, { config }).map((step) => ({ id: step.id, needs: step.needs, waits: WAITS[step.id] }));
}

/**
 * The graph of commit 772547e: no clean-up node (the bake did it), and the bake waited for the
 * instance's status checks (150 s after running) before it looked for the user data's end.
 * Its steps' needs were those of today's steps without `bake-cleanup`.
 */
export function graphOf772547e(config: StackConfig = validateConfig({})): Node[] {
  return currentGraph(config).filter((n) => n.id !== 'bake-cleanup').map((n) => n.id !== 'bake' ? n : {
    ...n,
    waits: [
      lag('bake security group'),
      { what: 'bake instance running', seconds: s(TIMES.instancePendingToRunning) },
      // The user data's end (90 s after running) came within the status checks' wait.
      { what: 'status checks ok', seconds: s(TIMES.instanceRunningToChecksOk) },
      { what: 'image available', seconds: s(TIMES.imagePendingToAvailable) },
      ...WAITS['bake-cleanup'],
    ],
  });
}

const total = (n: Node) => n.waits.reduce((sum, w) => sum + w.seconds, 0);

/** The longest path through the graph (AWS seconds) and its steps, first to last. */
export function criticalPath(nodes: Node[]): { seconds: number; path: StepId[] } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const memo = new Map<StepId, { seconds: number; path: StepId[] }>();
  const finish = (n: Node, seen: StepId[] = []): { seconds: number; path: StepId[] } => {
    const known = memo.get(n.id);
    if (known) return known;
    if (seen.includes(n.id)) throw new Error(`step graph has a cycle through ${n.id}`);
    let best = { seconds: 0, path: [] as StepId[] };
    for (const id of n.needs) {
      const dep = byId.get(id);
      if (!dep) continue;
      const f = finish(dep, [...seen, n.id]);
      if (f.seconds > best.seconds || (f.seconds === best.seconds && f.path.length > best.path.length)) best = f;
    }
    const out = { seconds: best.seconds + total(n), path: [...best.path, n.id] };
    memo.set(n.id, out);
    return out;
  };
  return nodes.map((n) => finish(n)).reduce((a, b) => (b.seconds > a.seconds ? b : a), { seconds: 0, path: [] as StepId[] });
}

/** Every step one after another (AWS seconds). */
export function sequentialSum(nodes: Node[]): number {
  return nodes.reduce((sum, n) => sum + total(n), 0);
}

/** A step's own waits (AWS seconds). */
export function stepSeconds(node: Node): number {
  return total(node);
}
