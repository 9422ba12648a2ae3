/**
 * `scale`, for people and for machines. Pure: the group's sizes and scheduled actions in, text
 * or the `scale --json` document out.
 */
import type { FieldChange } from '../engine/types.js';

export interface ScaleGroup {
  name: string;
  min: number;
  desired: number;
  max: number;
  /** Stopped by `scale --stop` (min = desired = 0 until `--start`). */
  stopped: boolean;
  /** The stack's sizes as recorded on the group (what `--start` and `up` go back to), if any. */
  stackSizes: { min: number; desired: number; max: number } | null;
}

export interface ScaleSchedule {
  name: string;
  recurrence: string | null;
  timeZone: string | null;
  /** The next run (AWS gives a recurring action's next run as its start time), ISO. */
  next: string | null;
  end: string | null;
  min: number | null;
  desired: number | null;
  max: number | null;
}

/** The `scale --json` document: the envelope every command's `--json` shares, and what changed. */
export interface ScaleDocument {
  stack: string;
  region: string;
  account: string;
  /** What was asked: `show`, `sizes`, `stop`, `start`, `schedule`, `delete-schedule`. */
  action: string;
  group: ScaleGroup;
  changes: FieldChange[];
  schedules: ScaleSchedule[];
  writes: number;
}

const num = (n: number | null) => (n === null ? '–' : String(n));

/** `Web-ASG  min 2  desired 2  max 4` with the stack's sizes and the stopped mark. */
export function renderGroupSizes(g: ScaleGroup): string {
  const recorded = g.stackSizes ? `; the stack's sizes ${g.stackSizes.min}/${g.stackSizes.desired}/${g.stackSizes.max}` : '';
  return `${g.name}  min ${g.min}  desired ${g.desired}  max ${g.max}${g.stopped ? '  (stopped by asg-wizard scale --stop)' : ''}${recorded}`;
}

/** One line per scheduled action, aligned; `No scheduled actions.` when there is none. */
export function renderSchedules(list: ScaleSchedule[]): string {
  if (!list.length) return 'No scheduled actions.';
  const rows = list.map((s) => [
    s.name, s.recurrence ? `${s.recurrence}${s.timeZone ? ` (${s.timeZone})` : ' (UTC)'}` : 'once', `${num(s.min)}/${num(s.desired)}/${num(s.max)}`,
    s.next ? `next ${s.next}` : '', s.end ? `until ${s.end}` : '',
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const head = ['Scheduled actions (min/desired/max):'];
  return [...head, ...rows.map((r) => `  ${r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd()}`)].join('\n');
}

/** What a change did: `Web-ASG: MinSize 2 → 0, DesiredCapacity 2 → 0. 2 AWS writes.`, or that nothing changed. */
export function renderScaleResult(doc: ScaleDocument): string {
  const what = doc.changes.map((c) => `${c.field} ${c.from ?? '∅'} → ${c.to ?? '∅'}`).join(', ');
  const writes = `${doc.writes} AWS write${doc.writes === 1 ? '' : 's'}`;
  if (!doc.changes.length) return `${doc.group.name}: nothing to change (${writes}).`;
  return `${doc.group.name}: ${what}. ${writes}.`;
}
