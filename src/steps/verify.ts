/**
 * Verify: the lab's last step done by the tool. Waits until the group's targets are healthy in
 * at least two Availability Zones, then GETs the load balancer's URL several times and reports
 * which instance, in which AZ, answered each time (the page the lab's user data serves names
 * both). It writes nothing, has no plan rows, and runs after every apply (its `check`).
 */
import { poll } from '../aws/poll.js';
import type { StepContext } from '../engine/types.js';
import { WizardError } from '../errors.js';
import type { VerifyOut } from './outputs.js';
import { defineStep } from './common.js';
import { parseInstancePage } from '../contract/web-server.js';
import { estimate } from '../engine/waits.js';
import { targetState } from '../ui/aws-words.js';

/** Nothing: verify plans no rows, and what it checks it reads once the others have run. */
export type VerifyFound = Record<string, never>;

/** How many GETs: enough for a round-robin to reach every healthy target twice, within bounds. */
const MIN_GETS = 4;
const MAX_GETS = 8;

/** Waits until the group's targets are healthy in as many AZs as it can be (two, or fewer for a group of one). */
async function waitForHealthyTargets(ctx: StepContext, groupName: string, tgArn: string): Promise<number> {
  const { aws } = ctx;
  return poll(async () => {
    const [g, targets] = await Promise.all([aws.autoscaling.findGroup(groupName), aws.elbv2.targetHealth(tgArn)]);
    if (!g) throw new WizardError(`verify: Auto Scaling group ${groupName} does not exist`);
    const azOf = new Map(g.instances.map((i) => [i.id, i.az]));
    const ours = targets.filter((t) => azOf.has(t.id));
    const healthy = ours.filter((t) => t.state === 'healthy');
    const azs = new Set(healthy.map((t) => t.az ?? azOf.get(t.id)));
    const groupAzs = new Set(g.instances.filter((i) => i.lifecycle === 'InService').map((i) => i.az));
    const need = Math.min(2, g.desired, Math.max(1, groupAzs.size));
    if (g.desired === 0 || (healthy.length > 0 && azs.size >= need)) return { done: true, value: healthy.length };
    const states = ours.map((t) => `${t.id} ${targetState(t.state, t.reason)}`).join(', ') || 'no targets registered yet';
    return { done: false, pending: `healthy in ${azs.size} of ${need} AZs: ${states}` };
  }, {
    what: `the targets of ${groupName} to be healthy in two AZs`, ...ctx.waits.bound('targets-healthy', ctx.config.asg.healthCheckGracePeriod),
    onPending: (p) => ctx.progress.update(`${p} (${estimate('targets-healthy')})`),
    suggestion: `targets turn healthy once the instances serve HTTP on port 80 (the baked image's web server); ${ctx.cli('status')} shows each target's state and reason`,
  });
}

export const verifyStep = defineStep<'verify', 'auto-scaling' | 'load-balancer', VerifyFound, never>({
  id: 'verify',
  title: 'Verify',
  needs: ['auto-scaling', 'load-balancer'],
  enabled: (config) => config.verify,
  // A read here would be shown by nothing: the target health that matters is read by `check`.
  detect: async () => ({}),
  plan: () => [],
  outputs: (_config, _found, deps) => ({ url: deps['load-balancer']?.url ?? '', answers: [] }),
  fingerprint: () => null,
  apply: async () => {},
  async check(ctx, deps): Promise<VerifyOut> {
    const lb = deps['load-balancer'];
    const group = deps['auto-scaling']?.groupName ?? ctx.config.asg.name;
    if (!lb?.url || !lb.targetGroupArn) return { url: lb?.url ?? '', answers: [] };
    const healthy = await waitForHealthyTargets(ctx, group, lb.targetGroupArn);
    if (healthy === 0) return { url: lb.url, answers: [] };
    const count = Math.min(MAX_GETS, Math.max(MIN_GETS, 2 * healthy));
    const answers: VerifyOut['answers'] = [];
    for (let i = 1; i <= count; i++) {
      ctx.progress.update(`GET ${lb.url} (${i}/${count})`);
      const res = await ctx.web.get(lb.url);
      answers.push({ status: res.status, ...(res.status === 200 ? parseInstancePage(res.body) : {}) });
    }
    if (!answers.some((a) => a.status === 200)) {
      const last = answers[answers.length - 1]!;
      throw new WizardError(
        `verify: ${lb.url} did not answer 200 in ${count} tries (last: ${last.status || 'no answer'})`,
        'the targets are healthy, so check the load balancer\'s security group admits you on port 80 and its listener forwards to the target group',
      );
    }
    return { url: lb.url, answers };
  },
});
