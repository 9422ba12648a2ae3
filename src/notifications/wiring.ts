/**
 * Which Auto Scaling groups are wired to a topic, and what `notify` does about each: the
 * PowerShell script's "=> already configured" list, computed (pure, no I/O) from the groups and
 * their notification configurations. PutNotificationConfiguration replaces the types of one
 * group + topic pair, so a partly wired group gets the union of what it has and what is wanted.
 */
import { NOTIFICATION_TYPES } from '../config/schema.js';
import type { PlanRow } from '../engine/types.js';
import { row } from '../steps/common.js';
import { fitTable, wrap } from '../ui/fit.js';

/** One (group, topic, type) triple, as DescribeNotificationConfigurations lists them. */
export interface NotificationTriple { group: string; topicArn: string; type: string }

/** What `notify` reports per group (stable strings: `--json` shows them). */
export type WiringAction = 'already configured' | 'configured' | 'removed' | 'skipped';

/** A group against the topic. */
export interface GroupWiring {
  group: string;
  /** Types the group sends to the topic now. */
  have: string[];
  /** Wired to the topic with every wanted type: nothing to do. */
  complete: boolean;
  /** Topics other than ours the group notifies (left alone). */
  otherTopics: string[];
}

/** The decision for one group. */
export interface WiringRow {
  group: string;
  topicArn: string;
  /** Types wired after the run (for `removed`: the types that were unwired). */
  types: string[];
  action: WiringAction;
  /** The AWS call it takes: PutNotificationConfiguration with `types`, or DeleteNotificationConfiguration. */
  write?: 'put' | 'delete';
  /** Types the group had before (for the plan's `from → to`). */
  had: string[];
}

export const NOTIFICATION_CONFIGURATION = 'AWS::AutoScaling::NotificationConfiguration';

const ORDER: readonly string[] = [...NOTIFICATION_TYPES, 'autoscaling:TEST_NOTIFICATION'];

/** Types in AWS's documented order (launch, launch error, terminate, terminate error), once each. */
export function sortTypes(types: Iterable<string>): string[] {
  const rank = (t: string) => (ORDER.includes(t) ? ORDER.indexOf(t) : ORDER.length);
  return [...new Set(types)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `autoscaling:EC2_INSTANCE_TERMINATE_ERROR` → `TERMINATE_ERROR`, for tables. */
export function shortType(type: string): string {
  return type.replace(/^autoscaling:(EC2_INSTANCE_)?/, '');
}

/**
 * Every group's wiring to `topicArn` (undefined while the topic does not exist: nothing is
 * wired to it yet). Groups keep the order given.
 */
export function wiringOf(groups: string[], triples: NotificationTriple[], topicArn: string | undefined, wanted: string[]): GroupWiring[] {
  const byGroup = new Map<string, NotificationTriple[]>();
  for (const t of triples) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t]);
  return groups.map((group) => {
    const mine = byGroup.get(group) ?? [];
    const have = sortTypes(mine.filter((t) => topicArn !== undefined && t.topicArn === topicArn).map((t) => t.type));
    const otherTopics = [...new Set(mine.filter((t) => t.topicArn !== topicArn).map((t) => t.topicArn))];
    return { group, have, complete: have.length > 0 && wanted.every((w) => have.includes(w)), otherTopics };
  });
}

/**
 * What to do with each group. Wiring: complete → `already configured` (chosen or not);
 * chosen and incomplete → `configured` with the union of types; others `skipped`.
 * Removing: chosen and wired → `removed`; others `skipped`.
 */
export function planWiring(
  wiring: GroupWiring[], topicArn: string, chosen: ReadonlySet<string>, wanted: string[], remove: boolean,
): WiringRow[] {
  return wiring.map((w): WiringRow => {
    const base = { group: w.group, topicArn, had: w.have };
    if (remove) {
      return chosen.has(w.group) && w.have.length
        ? { ...base, types: w.have, action: 'removed', write: 'delete' }
        : { ...base, types: w.have, action: 'skipped' };
    }
    if (w.complete) return { ...base, types: w.have, action: 'already configured' };
    if (!chosen.has(w.group)) return { ...base, types: w.have, action: 'skipped' };
    return { ...base, types: sortTypes([...w.have, ...wanted]), action: 'configured', write: 'put' };
  });
}

/** The plan rows of the groups a run touches or finds configured (skipped ones are left out). */
export function wiringPlanRows(rows: WiringRow[], topicName: string): PlanRow[] {
  const list = (types: string[]) => (types.length ? types.map(shortType).join(', ') : '∅');
  return rows
    .filter((r) => r.action !== 'skipped')
    .map((r) => {
      const name = `${r.group} → ${topicName}`;
      if (r.action === 'already configured') return row('notifications', `wiring:${r.group}`, 'reuse', NOTIFICATION_CONFIGURATION, name, { detail: list(r.types) });
      if (r.action === 'removed') return row('notifications', `wiring:${r.group}`, 'delete', NOTIFICATION_CONFIGURATION, name, { detail: `unwire ${list(r.types)}` });
      return r.had.length
        ? row('notifications', `wiring:${r.group}`, 'update', NOTIFICATION_CONFIGURATION, name, { changes: [{ field: 'NotificationTypes', from: list(r.had), to: list(r.types) }] })
        : row('notifications', `wiring:${r.group}`, 'create', NOTIFICATION_CONFIGURATION, name, { detail: list(r.types) });
    });
}

/** The result table: group → topic → types → action, then a count and the writes; fitted to `width` if given. */
export function renderWiring(rows: WiringRow[], topicName: string, writes: number, width?: number): string {
  const cells = rows.map((r) => [r.group, topicName, r.types.length ? r.types.map(shortType).join(',') : '-', r.action]);
  const count = (a: WiringAction) => rows.filter((r) => r.action === a).length;
  const total = `${rows.length} group${rows.length === 1 ? '' : 's'}: ${count('configured')} configured, ${count('already configured')} already configured, ` +
    `${count('removed')} removed, ${count('skipped')} skipped; ${writes} AWS write${writes === 1 ? '' : 's'}.`;
  return [...fitTable([['GROUP', 'TOPIC', 'TYPES', 'ACTION'], ...cells], width, ''), ...wrap(total, width)].join('\n');
}
