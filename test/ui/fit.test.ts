/**
 * Text fitted to a terminal's width: wrapped at spaces with a hanging indent, a detail cut with
 * "…", never a word broken across lines; off a terminal, left as it is.
 */
import { describe, expect, it } from 'vitest';
import { displayWidth, fitTable, loadCharWidths, terminalWidth, truncate, wrap } from '../../src/ui/fit.js';

/** Every word of `text` appears whole on some line (a word broken in two would not). */
function wordsWhole(text: string, lines: string[]): void {
  const shown = lines.join(' ').split(/\s+/);
  for (const w of text.split(/\s+/).filter(Boolean)) expect(shown, `"${w}" was broken`).toContain(w);
}

describe('terminalWidth', () => {
  it('is a terminal\'s columns, 80 for a terminal of 0 columns, and undefined off a terminal', () => {
    expect(terminalWidth({ isTTY: true, columns: 120 })).toBe(120);
    expect(terminalWidth({ isTTY: true, columns: 0 })).toBe(80);
    expect(terminalWidth({ isTTY: true })).toBe(80);
    expect(terminalWidth({ isTTY: false, columns: 120 })).toBeUndefined();
    expect(terminalWidth(undefined)).toBeUndefined();
  });
});

describe('wrap', () => {
  const text = 'min/desired/max 2/2/4, 2 instance subnets, Web-TG, ELB health checks (grace 300 s), metrics on';

  it.each([40, 60, 80])('at %i columns: no line reaches the last column, and no word is broken', (width) => {
    const lines = wrap(text, width, '      ', '        ');
    for (const l of lines) expect(displayWidth(l)).toBeLessThan(width);
    wordsWhole(text, lines);
    expect(lines[0]!.startsWith('      ')).toBe(true);
    for (const l of lines.slice(1)) expect(l.startsWith('        ')).toBe(true);
  });

  it('leaves the text whole off a terminal', () => {
    expect(wrap(text, undefined, '  ')).toEqual([`  ${text}`]);
  });

  it('cuts a single word longer than a line with "…" instead of splitting it', () => {
    const arn = `arn:aws:sns:ap-northeast-2:123456789012:${'x'.repeat(80)}`;
    const lines = wrap(`topic ${arn}`, 60);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^arn:aws:sns:.*…$/);
    expect(displayWidth(lines[1]!)).toBeLessThan(60);
  });
});

describe('truncate and fitTable', () => {
  it('truncate ends a cut value with "…" and leaves a short one alone', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('counts the columns a terminal gives: Korean and CJK characters take two, combining marks and colour none', async () => {
    // Before the table is loaded (as for --help), a character from U+1100 up counts two: never too narrow.
    expect(displayWidth('웹')).toBe(2);
    await loadCharWidths();
    expect(displayWidth('★')).toBe(1);
    expect(displayWidth('웹 서버 v1')).toBe(10);
    expect(displayWidth('\u001b[31m漢字\u001b[39m')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    // A cut never splits a wide character and never passes the width.
    expect(truncate('웹서버이미지', 6)).toBe('웹서…');
    for (let w = 2; w < 12; w++) expect(displayWidth(truncate('가나다라마바사', w))).toBeLessThanOrEqual(w);
    // Wrapped at spaces by columns: each line of Korean words fits.
    for (const l of wrap('자동 확장 그룹의 인스턴스가 대상 그룹에서 정상 상태가 될 때까지 기다립니다', 30)) expect(displayWidth(l)).toBeLessThan(30);
    // Columns padded by what they show, so the next column lines up.
    const [a, b] = fitTable([['웹', 'x'], ['ab', 'y']], undefined);
    expect(a!.indexOf('x') + 1).toBe(b!.indexOf('y'));
  });

  const rows = [
    ['i-0123456789abcdef0:80', 'ap-northeast-2a', 'unhealthy', 'health check got the wrong HTTP status'],
    ['i-0fedcba987654321f:80', 'ap-northeast-2c', 'healthy', ''],
  ];

  it('pads columns off a terminal (the text is left whole)', () => {
    expect(fitTable(rows, undefined)).toEqual([
      '  i-0123456789abcdef0:80  ap-northeast-2a  unhealthy  health check got the wrong HTTP status',
      '  i-0fedcba987654321f:80  ap-northeast-2c  healthy',
    ]);
  });

  it('cuts the last column with "…" when a row is too wide, keeping the others aligned', () => {
    const lines = fitTable(rows, 80);
    expect(lines[0]).toMatch(/^ {2}i-0123456789abcdef0:80 {2}ap-northeast-2a {2}unhealthy {2}health check got the wro…$/);
    for (const l of lines) expect(displayWidth(l)).toBeLessThan(80);
  });

  it('moves the detail under the row when too little room is left for it', () => {
    const lines = fitTable(rows, 70);
    expect(lines[0]).toBe('  i-0123456789abcdef0:80  ap-northeast-2a  unhealthy');
    expect(lines[1]).toBe('      health check got the wrong HTTP status');
    for (const l of lines) expect(displayWidth(l)).toBeLessThan(70);
  });
});
