/**
 * The day-two commands in a real terminal (tmux, the built CLI): `destroy` asks for the stack's
 * name and refuses a wrong one; `status --watch` redraws in place, survives a resize without
 * stale lines, and Ctrl-C ends it with exit 0.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { BIN, Terminal } from './tmux.js';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { liveTagged } from '../helpers/tagged.js';

let term: Terminal | undefined;
afterEach(() => term?.kill());

async function builtStack(): Promise<string> {
  const file = tmpSandboxFile();
  const up = await runWizard(file, ['up', '--yes']);
  expect(up.code, up.stderr).toBe(0);
  return file;
}

describe('destroy in a real terminal (tmux)', () => {
  it('shows the plan, asks for the stack name, refuses a wrong one; Ctrl-C leaves everything; the right name destroys', async () => {
    const file = await builtStack();
    term = new Terminal(`node ${BIN} destroy --sandbox ${file}`);
    await term.waitFor(/Type the stack name \(Web\) to delete these resources/);
    expect(term.screen()).toMatch(/Destroy plan for stack Web in ap-northeast-2/);
    term.send('web', 'Enter');
    await term.waitFor(/"web" is not the stack's name: type Web to destroy it, or press Ctrl-C to stop/);
    term.send('C-c');
    await term.waitFor(/\[exit 130\]/);
    expect(liveTagged(file, 'Web').length).toBeGreaterThan(15);
    term.kill();

    term = new Terminal(`node ${BIN} destroy --sandbox ${file}`);
    await term.waitFor(/Type the stack name \(Web\)/);
    term.send('Web', 'Enter');
    await term.waitFor(/\[exit 0\]/, 60_000);
    expect(term.screen()).toMatch(/^Destroyed: \d+ deleted, 0 kept\. \d+ AWS writes\.$/m);
    expect(liveTagged(file, 'Web')).toEqual([]);
  }, 120_000);
});

describe('status --watch in a real terminal (tmux)', () => {
  it('redraws in place, stays within a narrowed window without stale lines, and Ctrl-C exits 0', async () => {
    const file = await builtStack();
    term = new Terminal(`node ${BIN} status --watch --interval 1 --sandbox ${file}`);
    await term.waitFor(/Targets: 2 healthy of 2/);
    await new Promise((r) => setTimeout(r, 2500));
    // Drawn in place: one frame on the screen, however many looks were made.
    expect(term.screen().match(/^Stack Web in ap-northeast-2 at /gm)).toHaveLength(1);
    execFileSync('tmux', ['resize-window', '-t', term.name, '-x', '50', '-y', '40']);
    await new Promise((r) => setTimeout(r, 2500));
    // The visible screen only (the scrollback keeps what tmux reflowed out of view), as rows: tmux
    // keeps its wrapped mark on rows it reflowed, so joining them would say nothing of ours.
    const narrow = execFileSync('tmux', ['capture-pane', '-p', '-t', term.name], { encoding: 'utf8' }).split('\n');
    for (const l of narrow) expect(l.length, l).toBeLessThanOrEqual(49);
    expect(narrow.filter((l) => l.startsWith('Stack Web in'))).toHaveLength(1);
    expect(narrow[0]).toMatch(/^Stack Web in ap-northeast-2 at .*…$/);
    expect(narrow.join('\n')).toMatch(/^Targets: 2 healthy of 2$/m);
    // Nothing of the wide frame is left: no tail of its long lines, nothing below the new frame.
    expect(narrow.some((l) => /Ctrl-C to stop\)/.test(l))).toBe(false);
    const lastDrawn = narrow.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0).pop()!;
    expect(narrow.slice(0, lastDrawn + 1).filter((l) => !l.trim())).toEqual([]);
    term.send('C-c');
    await term.waitFor(/\[exit 0\]/);
  }, 120_000);
});
