/**
 * The bake's clean-up: the bake instance terminated and its group deleted once the image is
 * there, with the leftovers of an interrupted bake. A node of its own in the step graph: the
 * launch template and the group need only the image, so this runs beside them instead of in
 * front of them (terminating an instance and waiting for its network interface to let go of its
 * group takes minutes that nothing downstream has to wait for).
 */
import { estimate } from '../engine/waits.js';
import { isAwsError } from '../errors.js';
import { NOT_YET, retryWhile, untilVisible } from '../aws/consistency.js';
import { show, type Id } from '../engine/refs.js';
import type { PlanRow, StepContext } from '../engine/types.js';
import { defineStep, row } from './common.js';
import { bakeNames } from './bake-instance.js';
import { waitOpts } from './network.js';

export type BakeCleanupChange =
  | { op: 'terminate'; instanceId: Id }
  /** Deleted once every instance that used it is terminated (`waitFor`). */
  | { op: 'delete-sg'; groupId: Id; waitFor: Id[] };

const STEP = 'bake-cleanup';
const INSTANCE = 'AWS::EC2::Instance';
const SG = 'AWS::EC2::SecurityGroup';

/** Deletes the group, retrying while a terminated instance's network interface still holds it. */
async function deleteGroup(ctx: StepContext, sgId: string): Promise<void> {
  const { aws } = ctx;
  ctx.progress.update(`deleting the bake security group ${sgId}, once AWS releases the instance's network interface (${estimate('security-group-released')})`);
  // A terminated instance's network interface holds the group for minutes more (DependencyViolation):
  // retried as often as the run's propagation policy says, for as long as that release may take.
  const policy = { ...aws.propagation, maxWaitMs: ctx.waits.bound('security-group-released').maxWaitSeconds * 1000 };
  try {
    // The group was made or found a moment ago, so a NotFound may be read-after-create: retried
    // for the propagation window, then taken as gone.
    await untilVisible(aws.propagation, [NOT_YET.securityGroup],
      () => retryWhile(policy, (err) => isAwsError(err, 'DependencyViolation'), () => aws.network.deleteSecurityGroup(sgId)));
  } catch (err) {
    if (!isAwsError(err, 'InvalidGroup.NotFound')) throw err;
  }
}

export const bakeCleanupStep = defineStep<'bake-cleanup', 'bake', Record<string, never>, BakeCleanupChange>({
  id: STEP,
  title: 'Bake clean-up',
  needs: ['bake'],
  enabled: (config) => !config.image.id,
  detect: async () => ({}),
  plan(config, _found, deps) {
    const c = deps.bake?.cleanup;
    if (!c) return [];
    const names = bakeNames(config);
    const rows: PlanRow<BakeCleanupChange>[] = c.instances.map((i, n) => row(STEP, `instance:${n}`, 'delete', INSTANCE, names.instance, {
      ...(typeof i.id === 'string' ? { id: i.id } : {}),
      detail: i.leftover ? 'left over from an earlier bake, terminated' : 'terminated once the image is available',
      change: { op: 'terminate', instanceId: i.id },
    }));
    if (c.securityGroupId) {
      rows.push(row(STEP, 'sg', 'delete', SG, names.securityGroup, {
        ...(typeof c.securityGroupId === 'string' ? { id: c.securityGroupId } : {}),
        detail: c.instances.length || c.terminating.length ? 'deleted once the bake instances are gone' : 'left over from an earlier bake, deleted',
        change: { op: 'delete-sg', groupId: c.securityGroupId, waitFor: [...c.instances.map((i) => i.id), ...c.terminating] },
      }));
    }
    return rows;
  },
  outputs: () => ({}),
  fingerprint: () => null,
  async apply(ctx, rows, _deps, refs) {
    const { aws } = ctx;
    for (const r of rows) {
      const c = refs.resolve(r.change!);
      if (c.op === 'terminate') {
        ctx.progress.update(`terminating the bake instance ${c.instanceId}`);
        await ctx.forRow(r, () => aws.compute.terminateInstances([c.instanceId]));
        continue;
      }
      if (c.waitFor.length) {
        ctx.progress.update(`waiting for the bake instance ${c.waitFor.map(show).join(', ')} to terminate (${estimate('instance-terminated')})`);
        await aws.compute.waitUntilTerminated(c.waitFor, waitOpts(ctx, 'instance-terminated'));
      }
      await ctx.forRow(r, () => deleteGroup(ctx, c.groupId));
    }
  },
});
