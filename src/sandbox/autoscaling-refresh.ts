/**
 * Instance refreshes: StartInstanceRefresh / DescribeInstanceRefreshes / CancelInstanceRefresh /
 * RollbackInstanceRefresh, and the tick step that replaces instances in batches while keeping
 * MinHealthyPercentage of the desired capacity InService, healthy and warmed up.
 */
import {
  ActiveInstanceRefreshNotFoundFault,
  InstanceRefreshInProgressFault,
} from '@aws-sdk/client-auto-scaling';
import { modeledError } from './errors.js';
import { checkLaunchable } from './autoscaling-launch-check.js';
import type { AsgInstanceRecord, AutoScalingGroupRecord, Handler, InstanceRefreshRecord, SimContext, World } from './types.js';
import {
  activeInstances, atTime, findGroup, liveGroup, paginate, resolveTemplate, uuid, validation,
  type ResolvedTemplate, type TemplateSpec,
} from './autoscaling-common.js';

/** A refresh that makes no progress for this long fails (or rolls back); AWS's bound is not documented. */
const REFRESH_STALL_MS = 60 * 60_000;

const ACTIVE: InstanceRefreshRecord['status'][] = ['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress'];

function activeRefresh(w: World, group: string): InstanceRefreshRecord | undefined {
  return w.autoscaling.instanceRefreshes.find((r) => r.groupName === group && ACTIVE.includes(r.status));
}

type LtSpec = { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
const toSpec = (s: LtSpec | undefined): TemplateSpec | undefined =>
  s ? { ...(s.LaunchTemplateId ? { id: s.LaunchTemplateId } : {}), ...(s.LaunchTemplateName ? { name: s.LaunchTemplateName } : {}), version: s.Version ?? '$Default' } : undefined;

const numbered = (v: string | undefined) => !!v && /^\d+$/.test(v);

function matches(i: AsgInstanceRecord, t: { id: string; version: string }): boolean {
  return i.launchTemplate?.id === t.id && i.launchTemplate.version === t.version;
}

const startInstanceRefresh: Handler = (ctx, input) => {
  const g = liveGroup(ctx, input.AutoScalingGroupName);
  if (activeRefresh(ctx.world, g.name)) {
    throw modeledError(InstanceRefreshInProgressFault, 'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.');
  }
  const p = (input.Preferences ?? {}) as Record<string, unknown>;
  const minPct = (p.MinHealthyPercentage as number | undefined) ?? 90;
  const maxPct = (p.MaxHealthyPercentage as number | undefined) ?? 100;
  if (minPct < 0 || minPct > 100) throw validation('MinHealthyPercentage must be between 0 and 100.');
  if (maxPct < 100 || maxPct > 200 || maxPct - minPct > 100) {
    throw validation('MaxHealthyPercentage must be between 100 and 200 and at most 100 above MinHealthyPercentage.');
  }
  if (p.InstanceWarmup !== undefined && (p.InstanceWarmup as number) < 0) throw validation('InstanceWarmup must be greater than or equal to 0.');
  const desiredLt = input.DesiredConfiguration?.LaunchTemplate as LtSpec | undefined;
  const target = resolveTemplate(ctx.world, toSpec(desiredLt) ?? g.launchTemplate);
  if (typeof target === 'string') throw validation(`You must use a valid fully-formed launch template. ${target}`);
  checkLaunchable(ctx, target.used, g.subnetIds);
  const current = resolveTemplate(ctx.world, g.launchTemplate);
  const canRollBack = !!desiredLt && typeof current !== 'string' && numbered(g.launchTemplate?.version);
  if (p.AutoRollback && !canRollBack) {
    throw validation('Auto rollback requires a desired configuration and an Auto Scaling group that uses a specific launch template version (not $Latest or $Default).');
  }
  const skip = p.SkipMatching === true;
  const toReplace = activeInstances(g).filter((i) => !i.protectedFromScaleIn && !(skip && matches(i, target.used))).map((i) => i.instanceId);
  const rec: InstanceRefreshRecord = {
    id: uuid(ctx), groupName: g.name, status: 'Pending', startTime: ctx.now, percentageComplete: 0,
    preferences: {
      MinHealthyPercentage: minPct, MaxHealthyPercentage: maxPct, SkipMatching: skip, AutoRollback: p.AutoRollback === true,
      ScaleInProtectedInstances: 'Ignore', StandbyInstances: 'Ignore',
      ...(p.InstanceWarmup !== undefined ? { InstanceWarmup: p.InstanceWarmup } : {}),
      ...(p.CheckpointPercentages ? { CheckpointPercentages: p.CheckpointPercentages } : {}),
      ...(p.CheckpointDelay !== undefined ? { CheckpointDelay: p.CheckpointDelay } : {}),
    },
    ...(input.DesiredConfiguration ? { desiredConfiguration: input.DesiredConfiguration } : {}),
    toReplace, totalToReplace: toReplace.length, target: target.used,
    ...(canRollBack && typeof current !== 'string' ? { rollbackTo: current.used } : {}),
    lastProgressAt: ctx.now,
  };
  ctx.world.autoscaling.instanceRefreshes.push(rec);
  return { InstanceRefreshId: rec.id };
};

function refreshOutput(r: InstanceRefreshRecord) {
  const total = r.totalToReplace ?? 0;
  const toUpdate = Math.max(0, Math.round(total - (total * r.percentageComplete) / 100));
  return {
    InstanceRefreshId: r.id,
    AutoScalingGroupName: r.groupName,
    Status: r.status,
    ...(r.statusReason ? { StatusReason: r.statusReason } : {}),
    StartTime: new Date(r.startTime),
    ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
    PercentageComplete: r.percentageComplete,
    InstancesToUpdate: toUpdate,
    ProgressDetails: { LivePoolProgress: { PercentageComplete: r.percentageComplete, InstancesToUpdate: toUpdate } },
    Preferences: r.preferences,
    ...(r.desiredConfiguration ? { DesiredConfiguration: r.desiredConfiguration } : {}),
  };
}

const describeInstanceRefreshes: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const ids = input.InstanceRefreshIds as string[] | undefined;
  const list = ctx.world.autoscaling.instanceRefreshes
    .filter((r) => r.groupName === g.name && (!ids?.length || ids.includes(r.id)))
    .reverse();
  const page = paginate(list, input.MaxRecords, input.NextToken);
  return { InstanceRefreshes: page.items.map(refreshOutput), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

const cancelInstanceRefresh: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const r = activeRefresh(ctx.world, g.name);
  if (!r || r.status === 'Cancelling') {
    throw modeledError(ActiveInstanceRefreshNotFoundFault, `No in progress or pending Instance Refresh found for Auto Scaling group ${g.name}`);
  }
  r.status = 'Cancelling';
  return { InstanceRefreshId: r.id };
};

const rollbackInstanceRefresh: Handler = (ctx, input) => {
  const g = findGroup(ctx, input.AutoScalingGroupName);
  const r = activeRefresh(ctx.world, g.name);
  if (!r || r.status === 'Cancelling' || r.status === 'RollbackInProgress') {
    throw modeledError(ActiveInstanceRefreshNotFoundFault, `No in progress or pending Instance Refresh found for Auto Scaling group ${g.name}`);
  }
  if (!r.rollbackTo) {
    throw validation('A rollback is not supported for this instance refresh: it needs a desired configuration and a specific launch template version on the group.');
  }
  beginRollback(ctx, g, r, 'Rollback requested by user.');
  return { InstanceRefreshId: r.id };
};

function beginRollback(ctx: SimContext, g: AutoScalingGroupRecord, r: InstanceRefreshRecord, reason: string): void {
  const back = r.rollbackTo!;
  const toReplace = activeInstances(g).filter((i) => !matches(i, back)).map((i) => i.instanceId);
  Object.assign(r, { status: 'RollbackInProgress', statusReason: reason, toReplace, totalToReplace: toReplace.length, percentageComplete: 0, lastProgressAt: ctx.now });
}

/**
 * One tick of the group's active refresh. Returns the launch template new instances must use
 * while it runs (the refresh's target, or the previous one when rolling back).
 */
export function refreshStep(
  ctx: SimContext, g: AutoScalingGroupRecord, suspended: Set<string>, terminate: (i: AsgInstanceRecord, cause: string) => void,
): ResolvedTemplate | string | undefined {
  const r = activeRefresh(ctx.world, g.name);
  if (!r) return undefined;
  if (r.status === 'Cancelling') {
    Object.assign(r, { status: 'Cancelled', endTime: ctx.now, statusReason: 'Instance refresh was cancelled by user.' });
    return undefined;
  }
  if (r.status === 'Pending') r.status = 'InProgress';
  const rollingBack = r.status === 'RollbackInProgress';
  const tpl = resolveTemplate(ctx.world, rollingBack ? r.rollbackTo : r.target);
  if (suspended.has('InstanceRefresh')) return tpl;

  const active = activeInstances(g);
  const present = new Set(active.map((i) => i.instanceId));
  const remaining = (r.toReplace ?? []).filter((id) => present.has(id));
  r.toReplace = remaining;
  const warmup = (r.preferences.InstanceWarmup as number | undefined) ?? g.defaultInstanceWarmup ?? g.healthCheckGracePeriod;
  const warmMs = ctx.duration(warmup * 1000);
  const ready = (i: AsgInstanceRecord) => i.lifecycle === 'InService' && i.health === 'Healthy' && ctx.now >= (i.inServiceAt ?? Infinity) + warmMs;
  const readyCount = active.filter(ready).length;
  const notReady = active.length - readyCount + Math.max(0, g.desiredCapacity - active.length);
  const total = r.totalToReplace ?? 0;
  const done = Math.max(0, Math.min(total, total - remaining.length - notReady));
  r.percentageComplete = total ? Math.floor((100 * done) / total) : 100;

  if (notReady === 0) {
    if (remaining.length === 0) {
      Object.assign(r, { status: rollingBack ? 'RollbackSuccessful' : 'Successful', endTime: ctx.now, percentageComplete: 100 });
      const lt = r.desiredConfiguration?.LaunchTemplate as LtSpec | undefined;
      if (!rollingBack && lt) {
        const t = typeof tpl === 'string' ? undefined : tpl.lt;
        g.launchTemplate = { id: t?.id ?? lt.LaunchTemplateId, name: t?.name ?? lt.LaunchTemplateName, version: lt.Version ?? '$Default' };
      }
      return undefined;
    }
    const minHealthy = Math.ceil((g.desiredCapacity * (r.preferences.MinHealthyPercentage as number)) / 100);
    const batch = remaining.slice(0, Math.max(1, readyCount - minHealthy));
    const at = atTime(ctx.now);
    for (const id of batch) {
      const inst = g.instances.find((i) => i.instanceId === id)!;
      terminate(inst, `At ${at} an instance was taken out of service in response to an instance refresh.  At ${at} instance ${id} was selected for termination.`);
    }
    g.replaceCause = `At ${at} an instance was launched in response to an instance refresh.`;
    r.lastProgressAt = ctx.now;
    return tpl;
  }
  const bound = ctx.duration(REFRESH_STALL_MS);
  if (bound > 0 && ctx.now - (r.lastProgressAt ?? r.startTime) > bound) {
    const reason = 'The instance refresh failed because replacement instances did not become healthy and warmed up in time.';
    if (!rollingBack && r.preferences.AutoRollback && r.rollbackTo) {
      beginRollback(ctx, g, r, `${reason} Rolling back.`);
      return resolveTemplate(ctx.world, r.rollbackTo);
    }
    Object.assign(r, { status: 'Failed', endTime: ctx.now, statusReason: reason });
    return undefined;
  }
  return tpl;
}

/** Handlers for instance refreshes. */
export const refreshHandlers: Record<string, Handler> = {
  StartInstanceRefresh: startInstanceRefresh,
  DescribeInstanceRefreshes: describeInstanceRefreshes,
  CancelInstanceRefresh: cancelInstanceRefresh,
  RollbackInstanceRefresh: rollbackInstanceRefresh,
};
