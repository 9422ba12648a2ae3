/**
 * Drives the built CLI in a real terminal: tmux runs it, send-keys types, capture-pane reads
 * the screen. Each session is named uniquely and killed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/asg-wizard.js');

export class Terminal {
  private static n = 0;
  readonly name = `asgw-${process.pid}-${++Terminal.n}`;

  constructor(command: string, env: Record<string, string> = {}, size: { columns: number; rows: number } = { columns: 160, rows: 50 }) {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // The pane stays open after the command ends so its last screen and exit code can be read.
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(size.columns), '-y', String(size.rows), ...envArgs,
      // CI=true in the test's environment would make the CLI (rightly) refuse to prompt.
      `env -u CI ${command}; echo "[exit $?]"; sleep 120`]);
  }

  /** The screen and its history, wrapped lines joined back (-J): a line the terminal wrapped comes back longer than the width. */
  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-2000', '-t', this.name], { encoding: 'utf8' });
  }

  /** Resizes the window, as a person dragging the terminal's edge does (the program gets SIGWINCH). */
  resize(columns: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.name, '-x', String(columns)]);
  }

  /** Keys as tmux names them: 'Enter', 'Down', 'Space', 'C-c', or literal text. */
  send(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Waits until the screen matches; returns the screen. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${pattern}; screen:\n${last}`);
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
