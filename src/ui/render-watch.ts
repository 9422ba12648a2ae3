/**
 * `status --watch`, one frame. Pure: the stack as read in, the lines to draw out — the group's
 * sizes, its instances, the targets, the last activities with what their causes mean (planned
 * scale-in, possibly a crash). A terminal gets the frame cut to its width, so a line never
 * wraps and a redraw never leaves a stale line behind.
 */
import { activityKind, type StackStatus } from './render-status.js';

const when = (iso: string | null) => (iso ? iso.slice(11, 19) : '');

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

/** The frame's lines for the stack as read at `at` (ISO). */
export function renderWatchFrame(s: StackStatus, o: { at: string; intervalSeconds: number; activities?: number }): string[] {
  const head = `Stack ${s.stack} in ${s.region} at ${o.at.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z')} (every ${o.intervalSeconds} s; Ctrl-C to stop)`;
  if (!s.exists) return [head, `Stack ${s.stack} does not exist (yet).`];
  const out = [head];
  const g = s.group;
  if (g) {
    out.push(`Group ${g.name}: min ${g.min}, desired ${g.desired}, max ${g.max}; ${g.instances.filter((i) => i.lifecycle === 'InService').length} InService of ${g.instances.length}`);
    out.push(...table(g.instances.map((i) => [i.id, i.az, i.lifecycle, i.health])));
  }
  const healthy = s.targets.filter((t) => t.state === 'healthy').length;
  out.push(`Targets: ${healthy} healthy of ${s.targets.length}`);
  out.push(...table(s.targets.map((t) => [t.id, t.az ?? '', t.state, t.reason ?? ''])));
  const acts = s.activities.slice(0, o.activities ?? 5);
  if (acts.length) {
    out.push('Last activities (newest first):');
    for (const a of acts) {
      const kind = activityKind(a);
      out.push(`  ${when(a.start)}  ${a.status.padEnd(10)}  ${a.description}${kind ? `  [${kind}]` : ''}`);
      // The cause as AWS words it, after its "At <time>" prefix.
      if (a.cause) out.push(`      ${a.cause.replace(/^At \S+ /, '')}`);
    }
  }
  return out;
}

/** Each line cut to `columns` characters (with `…`), so nothing wraps on the terminal. */
export function fitToWidth(lines: string[], columns: number): string[] {
  const width = Math.max(10, columns);
  return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
}
