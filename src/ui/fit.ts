/**
 * Text that fits a terminal's width without a word broken in two. Pure: a width in, lines out.
 * A terminal wraps a long line wherever its last column falls ("publi↵c"); these helpers wrap
 * at spaces instead, with a hanging indent, or cut a detail with "…". A width of `undefined`
 * means "not a terminal" (a file, a pipe, a test): the text is left as it is.
 */
import { stripVTControlCharacters } from 'node:util';

/**
 * East Asian widths (get-east-asian-width), loaded with the output host ({@link loadCharWidths}):
 * `--help`, all ASCII, starts without them. Until then Hangul Jamo and characters from U+2E80 up
 * count as two columns: the safe side, a line may end early but never runs past the width.
 */
let eastAsianWidth: ((codePoint: number) => number) | undefined;

/** Loads the East Asian width table (once). */
export async function loadCharWidths(): Promise<void> {
  eastAsianWidth ??= (await import('get-east-asian-width')).eastAsianWidth;
}

/** Marks that combine with the character before them, and zero-width characters: no column. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200B-\u200F\u2060\uFE00-\uFE0F]$/u;

/** The columns one character takes in a terminal: 2 for East Asian wide ones (한글, 漢字), 0 for combining marks. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  // Latin text (below the combining marks at U+0300) costs no lookup and no Unicode regex.
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  if (cp < 0x1100) return 1;
  if (eastAsianWidth) return eastAsianWidth(cp);
  // Not loaded: Hangul Jamo and everything from the CJK radicals up (CJK, Hangul, fullwidth, emoji) as wide.
  return cp <= 0x115f || cp >= 0x2e80 ? 2 : 1;
}

/** The columns a string takes in a terminal (colour codes take none; East Asian wide characters two). */
export function displayWidth(s: string): number {
  let n = 0;
  for (const ch of stripVTControlCharacters(s)) n += charWidth(ch);
  return n;
}

/** `s` padded with spaces to `columns` display columns (as `padEnd`, by columns instead of code units). */
export function padColumns(s: string, columns: number): string {
  return s + ' '.repeat(Math.max(0, columns - displayWidth(s)));
}

/**
 * The width to fit text to on `stream`: its columns if it is a terminal (0 or unknown: 80, as
 * terminals default), else undefined (no fitting).
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } | undefined): number | undefined {
  if (!stream?.isTTY) return undefined;
  const c = stream.columns;
  return typeof c === 'number' && c > 0 ? c : 80;
}

/**
 * The longest a line may be: one column short of the width, so that no line fills the last
 * column (some terminals wrap there, and a test cannot tell a full line from a wrapped one).
 */
export const usable = (width: number) => Math.max(20, width - 1);

/** `s` cut to `max` columns, ending in "…" when cut (a wide character is never split). */
export function truncate(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = charWidth(ch);
    if (used + w > max - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/**
 * Wraps `text` at spaces so no line exceeds `width` (unless `width` is undefined): the first
 * line starts with `first`, the others with `rest` (a hanging indent). A single word longer
 * than a line is cut with "…" (ids are never split across lines).
 */
export function wrap(text: string, width: number | undefined, first = '', rest = first): string[] {
  if (width === undefined) return [`${first}${text}`];
  return wrapWords(text.split(/ +/).filter(Boolean), width, first, rest);
}

/**
 * `wrap` over words already split (a shell command's words, whose quoted spaces are no break).
 * With `cut` false a word longer than a line stays whole on a line of its own (a command must
 * stay runnable; the terminal may then wrap that one word).
 */
export function wrapWords(words: string[], width: number, first = '', rest = first, cut = true): string[] {
  const max = usable(width);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    const candidate = empty ? `${line}${word}` : `${line} ${word}`;
    if (displayWidth(candidate) <= max) {
      line = candidate;
      empty = false;
      continue;
    }
    if (!empty) lines.push(line);
    const start = lines.length === 0 ? first : rest;
    line = `${start}${cut ? truncate(word, Math.max(1, max - displayWidth(start))) : word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * A table: columns padded to their widest cell, `indent` before each row. When a row is wider
 * than `width`, its last cell (the detail) is cut with "…" if at least `minDetail` columns are
 * left for it, else moved under the row, wrapped and indented.
 */
export function fitTable(rows: string[][], width: number | undefined, indent = '  ', minDetail = 16): string[] {
  if (!rows.length) return [];
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(0, ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const out: string[] = [];
  for (const r of rows) {
    const cells = r.map((c, i) => (i === r.length - 1 ? c : padColumns(c, widths[i]!)));
    const line = `${indent}${cells.join('  ')}`.trimEnd();
    if (width === undefined || displayWidth(line) <= usable(width)) {
      out.push(line);
      continue;
    }
    const head = `${indent}${cells.slice(0, -1).join('  ')}`.trimEnd();
    const detail = r[r.length - 1] ?? '';
    const room = usable(width) - displayWidth(head) - 2;
    if (r.length > 1 && room >= minDetail) out.push(`${head}  ${truncate(detail, room)}`);
    else {
      if (r.length === 1) out.push(...wrap(detail, width, indent, `${indent}  `));
      else out.push(...(displayWidth(head) <= usable(width) ? [head] : wrap(head.trim(), width, indent, `${indent}  `)));
      if (r.length > 1 && detail) out.push(...wrap(detail, width, `${indent}    `));
    }
  }
  return out;
}
