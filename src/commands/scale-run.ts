/**
 * The work of `scale` (loaded on use): the flags checked into one request (pure, before any
 * call), then the group read, the request checked against it, and only what differs written.
 */
import { UsageError, EXIT, clip, wrapAwsError } from '../errors.js';
import { mergeSources, validateConfig } from '../config/load.js';
import type { StackConfig } from '../config/schema.js';
import { cronProblem, isTimeZone } from '../contract/cron.js';
import type { AutoScalingGroup, ScheduledAction } from '../aws/autoscaling.js';
import type { FieldChange } from '../engine/types.js';
import { isOurs } from '../steps/common.js';
import { SIZES_TAG, STOPPED_TAG, formatSizes, isStopped, recordedSizes, type Sizes } from '../steps/group-sizes.js';
import { renderGroupSizes, renderScaleResult, renderSchedules, type ScaleDocument, type ScaleGroup, type ScaleSchedule } from '../ui/render-scale.js';
import { callerAccount, createRun, type Deps, type GlobalOptions, type Run } from './context.js';
import type { ScaleOptions } from './scale.js';

type Given = Partial<Sizes>;

/** What `scale` is asked to do, its flags checked. */
export type ScaleRequest =
  | { action: 'show' }
  | { action: 'sizes'; sizes: Given }
  | { action: 'stop' }
  | { action: 'start'; sizes: Given }
  | { action: 'schedule'; schedule: Omit<ScheduledAction, 'arn'> }
  | { action: 'delete-schedule'; name: string };

const sizesOf = (f: ScaleOptions): Given => ({
  ...(f.minSize !== undefined ? { min: f.minSize } : {}),
  ...(f.desiredCapacity !== undefined ? { desired: f.desiredCapacity } : {}),
  ...(f.maxSize !== undefined ? { max: f.maxSize } : {}),
});

/** min ≤ desired ≤ max among the sizes given (each flag named). */
function checkAmongThemselves(s: Given): void {
  if (s.min !== undefined && s.max !== undefined && s.min > s.max) throw new UsageError(`--min-size ${s.min}: must be ≤ --max-size ${s.max}`);
  if (s.desired !== undefined && s.min !== undefined && s.desired < s.min) throw new UsageError(`--desired-capacity ${s.desired}: must be ≥ --min-size ${s.min}`);
  if (s.desired !== undefined && s.max !== undefined && s.desired > s.max) throw new UsageError(`--desired-capacity ${s.desired}: must be ≤ --max-size ${s.max}`);
}

function time(flag: string, value: string | undefined, now: number): Date | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) throw new UsageError(`${flag} ${JSON.stringify(clip(value))}: not an ISO 8601 time`, 'e.g. 2030-01-31T22:00:00Z');
  if (t < now) throw new UsageError(`${flag} ${value}: in the past (AWS refuses a start or end time in the past)`);
  return new Date(t);
}

/** Checks the flags alone (exit 2, nothing read or written) and says what is asked. */
export function planScale(f: ScaleOptions, now = Date.now()): ScaleRequest {
  const sizes = sizesOf(f);
  const hasSizes = Object.keys(sizes).length > 0;
  const modes = [f.stop && '--stop', f.start && '--start', f.schedule !== undefined && '--schedule', f.listSchedules && '--list-schedules', f.deleteSchedule !== undefined && '--delete-schedule'].filter(Boolean) as string[];
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')}: give one at a time`);
  const scheduleOnly = ['recurrence', 'startTime', 'endTime', 'timeZone'].filter((k) => f[k as keyof ScaleOptions] !== undefined);
  if (scheduleOnly.length && f.schedule === undefined) {
    throw new UsageError(`--${scheduleOnly[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: only with --schedule NAME`);
  }
  checkAmongThemselves(sizes);
  if (f.stop) {
    if (hasSizes) throw new UsageError('--stop sets min and desired to 0: give no sizes with it', 'sizes go with --start (or alone)');
    return { action: 'stop' };
  }
  if (f.start) return { action: 'start', sizes };
  if (f.listSchedules || (!hasSizes && f.schedule === undefined && f.deleteSchedule === undefined)) {
    if (hasSizes) throw new UsageError('--list-schedules: give no sizes with it');
    return { action: 'show' };
  }
  if (f.deleteSchedule !== undefined) {
    if (hasSizes) throw new UsageError('--delete-schedule: give no sizes with it');
    return { action: 'delete-schedule', name: f.deleteSchedule };
  }
  if (f.schedule !== undefined) {
    const name = f.schedule.trim();
    if (!/^[^:\s][^:]{0,254}$/.test(name)) throw new UsageError(`--schedule ${JSON.stringify(clip(f.schedule))}: a scheduled action's name is 1–255 characters, without ":"`);
    if (f.recurrence === undefined && f.startTime === undefined) throw new UsageError(`--schedule ${name}: give --recurrence "cron" (or --start-time for once)`, 'e.g. --recurrence "0 22 * * 1-5" --time-zone Asia/Seoul');
    if (f.recurrence !== undefined) {
      const why = cronProblem(f.recurrence);
      if (why) throw new UsageError(`--recurrence ${JSON.stringify(clip(f.recurrence))}: not a cron expression: ${why}`, 'e.g. "0 22 * * 1-5" (22:00 on weekdays) or "30 8 * * *"');
    }
    if (f.timeZone !== undefined && !isTimeZone(f.timeZone)) throw new UsageError(`--time-zone ${JSON.stringify(clip(f.timeZone))}: not an IANA time zone`, 'e.g. Asia/Seoul, Europe/Paris, UTC');
    const start = time('--start-time', f.startTime, now);
    const end = time('--end-time', f.endTime, now);
    if (start && end && end <= start) throw new UsageError(`--end-time ${f.endTime}: must be after --start-time ${f.startTime}`);
    if (!hasSizes) throw new UsageError(`--schedule ${name}: give the sizes it sets (--min-size, --desired-capacity, --max-size)`);
    return {
      action: 'schedule',
      schedule: {
        name, ...(f.recurrence ? { recurrence: f.recurrence.trim().split(/\s+/).join(' ') } : {}), ...(f.timeZone ? { timeZone: f.timeZone } : {}),
        ...(start ? { start } : {}), ...(end ? { end } : {}), ...sizes,
      },
    };
  }
  return { action: 'sizes', sizes };
}

/** The group's sizes and records as the document shows them. */
function groupOf(g: AutoScalingGroup): ScaleGroup {
  return { name: g.name, min: g.min, desired: g.desired, max: g.max, stopped: isStopped(g), stackSizes: recordedSizes(g) ?? null };
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

function scheduleOf(a: ScheduledAction): ScaleSchedule {
  return {
    name: a.name, recurrence: a.recurrence ?? null, timeZone: a.timeZone ?? null, next: iso(a.start), end: iso(a.end),
    min: a.min ?? null, desired: a.desired ?? null, max: a.max ?? null,
  };
}

/** The new sizes within the group's bounds, or a UsageError naming the flag. */
function resolveSizes(given: Given, g: AutoScalingGroup, fallback: Sizes): Sizes {
  const min = given.min ?? fallback.min;
  const max = given.max ?? fallback.max;
  if (min > max) throw new UsageError(given.min !== undefined ? `--min-size ${min}: must be ≤ the max size ${max} of ${g.name}` : `--max-size ${max}: must be ≥ the min size ${min} of ${g.name}`);
  const desired = given.desired ?? Math.min(Math.max(fallback.desired, min), max);
  if (desired < min || desired > max) throw new UsageError(`--desired-capacity ${desired}: must be between min size ${min} and max size ${max} of ${g.name}`);
  return { min, desired, max };
}

/** Whether an existing scheduled action is already the one asked for. */
function sameSchedule(have: ScheduledAction, want: Omit<ScheduledAction, 'arn'>): boolean {
  const eq = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);
  // A recurring action reports its next run as its start: only a one-time action's start is compared.
  return eq(have.recurrence, want.recurrence) && eq(have.timeZone, want.timeZone) && eq(have.min, want.min) && eq(have.max, want.max) && eq(have.desired, want.desired) &&
    eq(have.end?.getTime(), want.end?.getTime()) && (want.recurrence ? true : eq(have.start?.getTime(), want.start?.getTime()));
}

/** Reads the group, checks the request against it, writes what differs, reports. */
export async function runScale(globals: GlobalOptions, flags: ScaleOptions, request: ScaleRequest, deps: Deps): Promise<number> {
  const input = mergeSources({
    ...(globals.config ? { file: globals.config } : {}), env: deps.env,
    flags: { ...(flags.asgName !== undefined ? { asgName: flags.asgName } : {}), ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) },
  });
  const config = validateConfig(input);
  const run = await createRun(globals, deps, input.region as string | undefined, true);
  try {
    const account = await callerAccount(run);
    let doc: ScaleDocument;
    try {
      doc = await execute(run, config, account, request);
    } catch (err) {
      throw wrapAwsError(err, 'scale', request.action);
    }
    if (globals.json) run.out(JSON.stringify(doc, null, 2));
    else report(run, doc);
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

function report(run: Run, doc: ScaleDocument): void {
  if (doc.action === 'show') {
    run.out(renderGroupSizes(doc.group));
    run.out(renderSchedules(doc.schedules));
    return;
  }
  run.out(renderScaleResult(doc));
  if (doc.action === 'schedule' || doc.action === 'delete-schedule') run.out(renderSchedules(doc.schedules));
  if (doc.action === 'stop' && doc.group.stackSizes) {
    run.note(`Stopped: up keeps it stopped unless given sizes.`);
    run.host.note({ kind: 'next', commands: [{ command: run.cli('scale', ['--start'], { stack: doc.stack, applies: true }), does: `brings it back to ${formatSizes(doc.group.stackSizes)}` }] });
  }
}

async function execute(run: Run, config: StackConfig, account: string, request: ScaleRequest): Promise<ScaleDocument> {
  const api = run.aws.autoscaling;
  const name = config.asg.name;
  const g = await api.findGroup(name);
  if (!g) {
    throw new UsageError(`scale: Auto Scaling group ${name} does not exist in ${run.region} (account ${account})`, `build it with ${run.cli('up', [], { stack: config.stack, applies: true })}, or name another group with --asg-name`);
  }
  if (!isOurs(g.tags, config)) {
    throw new UsageError(`scale: ${name} was not made by asg-wizard for stack ${config.stack} (no asg-wizard:stack=${config.stack} tag): left alone`, 'scale it with the AWS console or CLI, or give --stack of the stack that made it');
  }
  const changes: FieldChange[] = [];
  const doc = (schedules: ScheduledAction[], group: AutoScalingGroup = g): ScaleDocument => ({
    stack: config.stack, region: run.region, account, action: request.action, group: groupOf(group), changes, schedules: schedules.map(scheduleOf), writes: run.clients.writes.length,
  });
  const after = async () => (await api.findGroup(name)) ?? g;
  /** Sets the group to `want` and its records: only what differs is written. */
  const setSizes = async (want: Sizes, marks: { record: Sizes; stopped: boolean }) => {
    const tags = [
      ...(g.tags[SIZES_TAG] !== formatSizes(marks.record) ? [{ Key: SIZES_TAG, Value: formatSizes(marks.record), PropagateAtLaunch: false }] : []),
      ...(marks.stopped && !isStopped(g) ? [{ Key: STOPPED_TAG, Value: 'true', PropagateAtLaunch: false }] : []),
    ];
    for (const t of tags) changes.push({ field: `Tag ${t.Key}`, from: g.tags[t.Key] ?? null, to: t.Value });
    // The records first: a run that dies between the two writes leaves the stack's intent for the next one to finish.
    await api.putTags(name, tags);
    const fields = ([['MinSize', 'min'], ['DesiredCapacity', 'desired'], ['MaxSize', 'max']] as const).filter(([, k]) => g[k] !== want[k]);
    for (const [field, k] of fields) changes.push({ field, from: g[k], to: want[k] });
    if (fields.length) await api.updateGroup(name, Object.fromEntries(fields.map(([, k]) => [k, want[k]])));
    if (!marks.stopped && isStopped(g)) {
      changes.push({ field: `Tag ${STOPPED_TAG}`, from: g.tags[STOPPED_TAG] ?? '', to: null });
      await api.deleteTags(name, [STOPPED_TAG]);
    }
  };
  const current: Sizes = { min: g.min, desired: g.desired, max: g.max };
  switch (request.action) {
    case 'show':
      return doc(await api.scheduledActions(name));
    case 'sizes': {
      // A stopped group given sizes runs again, from the stack's sizes; sizes set on purpose are the stack's.
      const want = resolveSizes(request.sizes, g, isStopped(g) ? recordedSizes(g) ?? current : current);
      await setSizes(want, { record: want, stopped: false });
      return doc([], await after());
    }
    case 'stop': {
      const record = recordedSizes(g) ?? current;
      await setSizes({ min: 0, desired: 0, max: g.max }, { record, stopped: true });
      return doc([], await after());
    }
    case 'start': {
      const base = recordedSizes(g) ?? { min: config.asg.minSize, desired: config.asg.desiredCapacity, max: config.asg.maxSize };
      const want = resolveSizes(request.sizes, g, base);
      await setSizes(want, { record: want, stopped: false });
      return doc([], await after());
    }
    case 'schedule': {
      const s = request.schedule;
      const have = (await api.scheduledActions(name)).find((a) => a.name === s.name);
      if (!have || !sameSchedule(have, s)) {
        changes.push({ field: `ScheduledAction ${s.name}`, from: have ? describe(have) : null, to: describe(s) });
        await api.putScheduledAction(name, s);
      }
      return doc(await api.scheduledActions(name));
    }
    case 'delete-schedule': {
      const have = (await api.scheduledActions(name)).find((a) => a.name === request.name);
      if (have) {
        changes.push({ field: `ScheduledAction ${have.name}`, from: describe(have), to: null });
        await api.deleteScheduledAction(name, have.name);
      } else run.note(`${name} has no scheduled action ${request.name}: nothing to delete.`);
      return doc(await api.scheduledActions(name));
    }
  }
}

/** `0 22 * * 1-5 (Asia/Seoul) → 0/0/–`. */
function describe(a: Omit<ScheduledAction, 'arn'>): string {
  const when = a.recurrence ? `${a.recurrence}${a.timeZone ? ` (${a.timeZone})` : ''}` : `once at ${a.start?.toISOString() ?? '?'}`;
  const n = (x: number | undefined) => (x === undefined ? '–' : String(x));
  return `${when} → ${n(a.min)}/${n(a.desired)}/${n(a.max)}`;
}
