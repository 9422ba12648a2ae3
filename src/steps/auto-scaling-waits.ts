/**
 * What the Auto Scaling step waits for, by bounded polls (Auto Scaling's own waiters cover
 * neither an instance refresh nor "desired capacity InService and healthy"), and which
 * instances an instance refresh still has to replace.
 */
import type { AsgInstance, AutoScalingGroup } from '../aws/autoscaling.js';
import { ACTIVE_REFRESH } from '../aws/autoscaling.js';
import { poll } from '../aws/poll.js';
import type { StepContext } from '../engine/types.js';
import { WizardError } from '../errors.js';
import type { LaunchTemplateOut } from './outputs.js';
import { isRef } from '../engine/refs.js';
import { estimate, groupInServiceExtra, instanceRefreshExtra } from '../engine/waits.js';

/**
 * Instances an instance refresh should replace: those launched from another template or from
 * a numbered version other than the default. An instance reporting no number (`$Default`)
 * cannot be told apart, so it counts only when the template step moved the default in this
 * run (`versionChanged`); guessing otherwise would start a refresh on every run.
 */
export function staleInstances(g: AutoScalingGroup, lt: LaunchTemplateOut | undefined): AsgInstance[] {
  if (!lt) return [];
  // A template or version still to be made: every running instance is on something else.
  const fresh = isRef(lt.launchTemplateId) || isRef(lt.defaultVersion);
  return g.instances.filter((i) => {
    if (i.lifecycle !== 'InService' && i.lifecycle !== 'Pending') return false;
    if (fresh) return true;
    if (i.launchTemplateId !== undefined && i.launchTemplateId !== lt.launchTemplateId) return true;
    const v = i.launchTemplateVersion;
    if (v !== undefined && /^\d+$/.test(v)) return Number(v) !== lt.defaultVersion;
    return !!lt.versionChanged;
  });
}

const follow = (ctx: StepContext) => `it goes on in AWS: ${ctx.cli('status')} shows its progress; run up again once it is done`;

/** Waits until the refresh succeeds; a refresh that failed, was cancelled or rolled back is an error. */
export async function waitForRefresh(ctx: StepContext, groupName: string, refreshId: string, plan: { minHealthyPercentage: number; rollback: boolean }): Promise<void> {
  const api = ctx.aws.autoscaling;
  const extra = instanceRefreshExtra(ctx.config.asg.desiredCapacity, plan.minHealthyPercentage, ctx.config.asg.healthCheckGracePeriod, plan.rollback);
  const typical = estimate('instance-refresh', instanceRefreshExtra(ctx.config.asg.desiredCapacity, plan.minHealthyPercentage, ctx.config.asg.healthCheckGracePeriod, false));
  await poll(async () => {
    const r = (await api.instanceRefreshes(groupName, refreshId))[0];
    if (!r) throw new WizardError(`instance refresh ${refreshId} of ${groupName} is gone`);
    if (r.status === 'Successful') return { done: true, value: undefined };
    if (!ACTIVE_REFRESH.includes(r.status)) {
      throw new WizardError(
        `instance refresh ${refreshId} of ${groupName} ended ${r.status}${r.statusReason ? `: ${r.statusReason}` : ''}`,
        `see the group's activities (${ctx.cli('status')}) for why the new instances did not become healthy; fix the image and run up again`,
      );
    }
    return { done: false, pending: `instance refresh ${r.status}, ${r.percentageComplete} % done, ${r.instancesToUpdate} instance${r.instancesToUpdate === 1 ? '' : 's'} to replace` };
  }, {
    what: `the instance refresh of ${groupName}`,
    ...ctx.waits.bound('instance-refresh', extra),
    onPending: (p) => ctx.progress.update(`${groupName}: ${p} (${typical})`), suggestion: follow(ctx),
  });
}

/** Waits until the group has its desired capacity InService and healthy; returns the group as it then is. */
export async function waitForInService(ctx: StepContext, groupName: string): Promise<AutoScalingGroup> {
  const api = ctx.aws.autoscaling;
  return poll(async () => {
    const g = await api.findGroup(groupName);
    if (!g) throw new WizardError(`Auto Scaling group ${groupName} disappeared while waiting for its instances`);
    const ready = g.instances.filter((i) => i.lifecycle === 'InService' && i.health === 'Healthy').length;
    if (ready >= g.desired) return { done: true, value: g };
    const pending = g.instances.filter((i) => i.lifecycle.startsWith('Pending')).length;
    let why = '';
    if (pending === 0) {
      // Nothing launching while short of capacity: the latest activity usually says why (a bad image, a quota).
      const last = (await api.activities(groupName, 1))[0];
      if (last?.status === 'Failed' || last?.status === 'Cancelled') why = `; last activity ${last.status}: ${last.statusMessage ?? last.description}`;
    }
    return { done: false, pending: `${ready} of ${g.desired} instances in service and healthy, ${pending} launching${why}` };
  }, {
    what: `${groupName} to have its desired capacity InService`, ...ctx.waits.bound('group-in-service', groupInServiceExtra(ctx.config.asg.healthCheckGracePeriod)),
    // The grace period is the typical wait's largest part: instances stay Pending until it ends.
    onPending: (p) => ctx.progress.update(`${groupName}: ${p} (${estimate('group-in-service', groupInServiceExtra(ctx.config.asg.healthCheckGracePeriod))}, grace period included)`),
    suggestion: follow(ctx),
  });
}
