/**
 * Results and notes, rendered. Pure: a typed result or note in, text (for people) or a JSON
 * document (for machines, `--json`) out. Every host renders through these, so the terminal,
 * CI and test hosts print the same words and the JSON host the documents README promises.
 */
import type { ChalkInstance } from 'chalk';
import { planDocument, renderApplied, renderPlan, totals, type PlanHeader } from './render-plan.js';
import { renderStatus } from './render-status.js';
import { renderWiring } from '../notifications/wiring.js';
import { displayWidth, usable, wrap, wrapWords } from './fit.js';
import type { NextCommand, Note, Result, RunContext } from './io-host.js';

/** How text is drawn: colour (or none) and the width to fit (undefined: not a terminal). */
export interface Style {
  chalk: ChalkInstance;
  width?: number;
}

/** `3m12s`, `45s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The `--json` document of a result (stable keys: README "Machine-readable output"). */
export function resultDocument(r: Result): unknown {
  // Every document but bare text is one envelope: stack, region, account, what was done, writes.
  const envelope = (h: PlanHeader) => ({ stack: h.stack, region: h.region, account: h.account });
  switch (r.kind) {
    case 'text':
      return r.text;
    case 'plan':
      return { ...planDocument(r.header, r.rows), writes: r.writes ?? 0 };
    case 'applied':
      return { ...planDocument(r.header, r.rows), url: r.url ?? null, writes: r.writes, seconds: Math.round(r.seconds), ...(r.answers ? { verify: { answers: r.answers } } : {}) };
    case 'up-to-date':
      return { ...planDocument(r.header, r.rows), url: r.url ?? null, writes: r.writes };
    case 'status':
      return { ...r.status, account: r.account, writes: r.writes };
    case 'image':
      return { ...envelope(r.header), imageId: r.imageId, imageName: r.imageName, writes: r.writes };
    case 'wiring':
      return {
        ...envelope(r.header), topicArn: r.topicArn,
        groups: r.rows.map((w) => ({ group: w.group, topicArn: r.topicArn, types: w.types, action: w.action })), writes: r.writes,
      };
  }
}

/** A result as people read it. */
export function renderResult(r: Result, style: Style): string {
  const { chalk, width } = style;
  switch (r.kind) {
    case 'text':
      return r.text;
    case 'plan':
      return renderPlan(r.header, r.rows, chalk, width, r.title);
    case 'applied': {
      const lines = wrap(`${renderApplied(r.planned, r.writes)} Took ${duration(r.seconds)}.`, width);
      if (r.url) lines.push(`URL: ${r.url}`);
      // Which instance and AZ answered each GET (the verify step): the lab's "refresh the page" check.
      (r.answers ?? []).forEach((a, i) => lines.push(`  GET ${i + 1} → ${a.instanceId ? `${a.instanceId} (${a.az ?? 'AZ unknown'})` : `HTTP ${a.status || 'no answer'}`}`));
      return lines.join('\n');
    }
    case 'up-to-date': {
      const n = totals(r.rows).reuse;
      const lines = wrap(`No changes: stack ${r.header.stack} is up to date (${n} resource${n === 1 ? '' : 's'}, ${r.writes} write${r.writes === 1 ? '' : 's'}).`, width);
      if (r.url) lines.push(`URL: ${r.url}`);
      return lines.join('\n');
    }
    case 'status':
      return renderStatus(r.status, r.names, width);
    case 'image':
      return `${r.imageId ?? '(none)'}\t${r.imageName ?? ''}`;
    case 'wiring':
      return renderWiring(r.rows, r.topicName, r.writes, width);
  }
}

/**
 * Suggested commands, one a line: `Next: COMMAND  # what it does`. The comment is a shell
 * comment, so the whole line after "Next: " runs as printed. A command wider than the terminal
 * is broken at spaces with a `\` continuation (which a shell joins), never inside a word.
 */
export function renderNext(commands: NextCommand[], width?: number): string[] {
  const lines: string[] = [];
  commands.forEach((c, i) => {
    const lead = i === 0 ? 'Next: ' : '      ';
    const one = `${lead}${c.command}  # ${c.does}`;
    if (width === undefined || displayWidth(one) <= usable(width)) {
      lines.push(one);
      return;
    }
    // Broken only between shell words: a space inside quotes is part of its word.
    const words = c.command.match(/(?:[^\s']+|'[^']*')+/g) ?? [c.command];
    const parts = wrapWords(words, width - 2, lead, '        ', false);
    lines.push(...parts.map((p, j) => (j < parts.length - 1 ? `${p} \\` : p)));
    lines.push(...wrap(`# ${c.does}`, width, '      ', '      # '));
  });
  return lines;
}

/** The first-contact line: where the run goes, and what it builds. */
export function renderContext(c: RunContext): string {
  const where = c.target.kind === 'sandbox' ? `the sandbox account ${c.target.file} (simulated: no AWS account, nothing billed)`
    : c.target.kind === 'endpoint' ? `the endpoint ${c.target.url}`
      : `AWS account ${c.account}`;
  return `Stack ${c.stack} in ${c.region}, on ${where}: ${c.builds}.`;
}

/** A note as people read it. */
export function renderNote(n: Note, style: Style): string {
  const { chalk, width } = style;
  switch (n.kind) {
    case 'info':
      return wrap(n.text, width).join('\n');
    case 'warning':
      return wrap(`warning: ${n.text}`, width, '', '  ').join('\n');
    case 'next':
      return renderNext(n.commands, width).join('\n');
    case 'context':
      return chalk.dim(wrap(renderContext(n.context), width, '', '  ').join('\n'));
    case 'plan':
      return renderPlan(n.header, n.rows, chalk, width, n.title);
    case 'saved': {
      const what = n.what === 'plan' ? `Plan saved to ${n.file}: apply exactly it with` : `Answers saved to ${n.file}: replay with`;
      return [...wrap(what, width), ...renderNext([n.next], width)].join('\n');
    }
  }
}
