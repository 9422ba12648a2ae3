/**
 * The plan, for people and for machines. Pure: rows in, text or a JSON document out. The glyph
 * carries the meaning (`+` create, `=` reuse, `~` update, `?` adopt, `!` conflict, `-` delete),
 * so the text reads the same without colour.
 */
import type { ChalkInstance } from 'chalk';
import { GLYPHS, type Action, type PlanRow } from '../engine/types.js';
import { displayWidth, padColumns, usable, wrap } from './fit.js';

export interface PlanHeader {
  stack: string;
  region: string;
  account: string;
}

export interface Totals { create: number; update: number; reuse: number; adopt: number; conflict: number; delete: number }

export function totals(rows: PlanRow[]): Totals {
  const t: Totals = { create: 0, update: 0, reuse: 0, adopt: 0, conflict: 0, delete: 0 };
  for (const r of rows) t[r.action] += 1;
  return t;
}

/** True if applying the plan would change anything. */
export function hasChanges(rows: PlanRow[]): boolean {
  return rows.some((r) => r.action !== 'reuse');
}

const show = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));

const COLOURS: Record<Action, keyof ChalkInstance> = { create: 'green', reuse: 'dim', update: 'yellow', adopt: 'cyan', conflict: 'red', delete: 'red' };

/**
 * The human plan: a header, one line per resource (field changes indented under it), a total.
 * With a `width` (a terminal's), no line is wider: a row whose detail does not fit keeps its
 * glyph, type and name on the line and moves the detail under it, wrapped at spaces.
 * `title` names what is planned ("Plan", "Notify plan").
 */
export function renderPlan(header: PlanHeader, rows: PlanRow[], chalk: ChalkInstance, width?: number, title = 'Plan'): string {
  const lines = wrap(`${title} for stack ${header.stack} in ${header.region} (account ${header.account})`, width, '', '  ');
  const typeWidth = Math.max(0, ...rows.map((r) => displayWidth(r.type)));
  const nameWidth = Math.max(0, ...rows.map((r) => displayWidth(r.name)));
  for (const r of rows) {
    const paint = chalk[COLOURS[r.action]] as (s: string) => string;
    const head = `  ${GLYPHS[r.action]} ${r.action.padEnd(8)}  ${padColumns(r.type, typeWidth)}  ${padColumns(r.name, nameWidth)}`;
    const id = r.id && r.action !== 'create' ? shortId(r.id) : '';
    const tail = [id, r.detail ?? ''].filter(Boolean).join('  ');
    const whole = `${head}  ${tail}`.trimEnd();
    if (width === undefined || displayWidth(whole) <= usable(width)) lines.push(paint(whole));
    else {
      // Too wide: the id stays on the row if it fits, the detail goes under it.
      const short = `${GLYPHS[r.action]} ${r.action.padEnd(8)}  ${r.type}  ${r.name}`;
      const withId = id ? `${head.trimEnd()}  ${id}` : head.trimEnd();
      const first = displayWidth(withId) <= usable(width) ? [withId] : wrap(id ? `${short}  ${id}` : short, width, '  ', '      ');
      lines.push(...first.map((l) => paint(l)));
      if (r.detail) lines.push(...wrap(r.detail, width, '      ').map((l) => paint(l)));
    }
    for (const c of r.changes) lines.push(...wrap(`${c.field}: ${show(c.from)} → ${show(c.to)}`, width, '      ', '        '));
    if (r.reason) lines.push(...wrap(`${r.action === 'conflict' ? 'conflict' : 'note'}: ${r.reason}`, width, '      ', '        '));
  }
  lines.push(...wrap(renderTotals(rows), width));
  return lines.join('\n');
}

/** `Plan: 6 to create, 1 to update, 3 unchanged.` */
export function renderTotals(rows: PlanRow[]): string {
  const t = totals(rows);
  if (!hasChanges(rows)) return `No changes: ${t.reuse} unchanged.`;
  // A plan of deletions only (destroy) says just that.
  const parts = onlyDeletes(t) ? [] : [`${t.create} to create`, `${t.update} to update`];
  if (t.adopt) parts.push(`${t.adopt} to adopt`);
  if (t.delete) parts.push(`${t.delete} to delete`);
  if (t.conflict) parts.push(`${t.conflict} in conflict`);
  parts.push(`${t.reuse} unchanged`);
  return `Plan: ${parts.join(', ')}.`;
}

const onlyDeletes = (t: Totals) => t.delete > 0 && t.create === 0 && t.update === 0 && t.adopt === 0;

/**
 * `Destroyed: 27 deleted, 1 handed over, 2 kept. 31 AWS writes.` (what a destroy plan's rows came
 * to: an update there is a network handed over to the stack that still uses it).
 */
export function renderDestroyed(rows: PlanRow[], writes: number): string {
  const t = totals(rows);
  const parts = [`${t.delete} deleted`, ...(t.update ? [`${t.update} handed over`] : []), `${t.reuse} kept`];
  return `Destroyed: ${parts.join(', ')}. ${writes} AWS write${writes === 1 ? '' : 's'}.`;
}

/** `Applied: 6 created, 1 updated, 3 unchanged. 14 AWS writes.` (what a plan's rows came to). */
export function renderApplied(rows: PlanRow[], writes: number): string {
  const t = totals(rows);
  const parts = [`${t.create} created`, `${t.update} updated`];
  if (t.adopt) parts.push(`${t.adopt} adopted`);
  if (t.delete) parts.push(`${t.delete} deleted`);
  parts.push(`${t.reuse} unchanged`);
  return `Applied: ${parts.join(', ')}. ${writes} AWS write${writes === 1 ? '' : 's'}.`;
}

/** ARNs are long; the plan shows their last part. */
function shortId(id: string): string {
  if (!id.startsWith('arn:')) return id;
  const parts = id.split('/');
  if (parts.length > 2) return `…/${parts.slice(-2).join('/')}`;
  // Auto Scaling ARNs (`…:autoScalingGroup:<uuid>:autoScalingGroupName/Web-ASG`): the uuid tells them apart.
  const uuid = /:([0-9a-f]{8})-[0-9a-f-]{27}:/.exec(id);
  return uuid ? `…:${uuid[1]}…` : id;
}

/** The `plan --json` document (stable keys, see README). */
export function planDocument(header: PlanHeader, rows: PlanRow[]) {
  const t = totals(rows);
  return {
    stack: header.stack,
    region: header.region,
    account: header.account,
    rows: rows.map((r) => ({
      key: r.key, step: r.step, action: r.action, type: r.type, name: r.name, id: r.id ?? null,
      ...(r.detail ? { detail: r.detail } : {}),
      changes: r.changes.map((c) => ({ field: c.field, from: c.from ?? null, to: c.to ?? null })),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    totals: { create: t.create, update: t.update, reuse: t.reuse, adopt: t.adopt, conflict: t.conflict, delete: t.delete },
  };
}
