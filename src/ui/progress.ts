/**
 * Progress on stderr, three ways: a spinner with one line per running step and its elapsed time
 * (a terminal), plain timestamped lines (CI, no TTY), or one JSON event per line (--json).
 * stdout is never touched here. The spinner's lines are cut to the terminal's width, and a
 * resize clears what the terminal re-wrapped of the last frame, so no stale line is left and
 * no printed one erased.
 */
import type { Ora, Options as OraOptions } from 'ora';
import type { RunObserver } from '../engine/graph.js';
import type { StepId } from '../engine/types.js';
import type { ProgressChannel } from './io-host.js';
import { stripVTControlCharacters } from 'node:util';
import { displayWidth, terminalWidth, truncate, usable, wrap } from './fit.js';

export type ProgressMode = 'spinner' | 'plain' | 'json' | 'silent';

interface Running { title: string; text: string; since: number }

/** What the terminal can show. */
export interface ProgressOptions {
  /** Colour the spinner (off under NO_COLOR, --no-color, TERM=dumb). */
  colour?: boolean;
  now?: () => number;
}

const ASSUMED = Symbol('asg-wizard.assumedWidth');

/**
 * Some CI runners give a pty with no size: with `columns` 0, ora counts every line as
 * Infinity rows high and clears them forever. An unknown width is taken as 80, as terminals
 * default; a later resize to a real width is still seen.
 */
export function assumeWidth(stream: NodeJS.WriteStream): void {
  const marked = stream as NodeJS.WriteStream & { [ASSUMED]?: true };
  if (!stream.isTTY || marked[ASSUMED]) return;
  let columns = stream.columns;
  Object.defineProperty(stream, 'columns', {
    configurable: true, enumerable: true,
    get: () => (columns > 0 ? columns : 80),
    set: (v: number) => {
      columns = v;
    },
  });
  marked[ASSUMED] = true;
}

const elapsed = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** A RunObserver that draws progress in the chosen mode. */
export class Progress implements ProgressChannel {
  private readonly running = new Map<StepId, Running>();
  private spinner: Ora | undefined;
  private timer: NodeJS.Timeout | undefined;
  /**
   * What the spinner last put on screen, line by line, and the width it counted its rows at (the
   * rows its next clear removes): a narrower terminal re-wraps those lines into more rows.
   */
  private onScreen: { lines: string[]; columns: number } | undefined;
  private readonly onResize = () => this.resized();

  private readonly now: () => number;
  private readonly colour: boolean;

  constructor(
    private readonly mode: ProgressMode,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    options: ProgressOptions = {},
    /** Draws the spinner (ora); without it a spinner-mode Progress shows none. */
    private readonly makeSpinner?: (options: OraOptions) => Ora,
  ) {
    this.now = options.now ?? Date.now;
    this.colour = options.colour ?? true;
  }

  /**
   * A Progress for `mode`. The spinner library is loaded only for a spinner: as it loads, ora's
   * text-width module builds Unicode-property regular expressions and an Intl.Segmenter
   * (~60 ms), which a run in CI or with --json need not pay.
   */
  static async create(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): Promise<Progress> {
    const makeSpinner = mode === 'spinner' ? (await import('ora')).default : undefined;
    return new Progress(mode, stream, options, makeSpinner);
  }

  /** A plain message (a step's note, a summary line). */
  info(text: string): void {
    if (this.mode === 'silent') return;
    if (this.mode === 'json') return this.event({ event: 'info', message: text });
    const line = this.mode === 'plain' ? `${this.stamp()}${text}` : this.fit(text);
    this.withSpinnerPaused(() => this.stream.write(`${line}\n`));
  }

  /** A warning line (`warning: …`), or a `warning` event in JSON mode. */
  warning(text: string): void {
    if (this.mode === 'silent') return;
    if (this.mode === 'json') return this.event({ event: 'warning', message: text });
    this.withSpinnerPaused(() => this.stream.write(`${this.fit(`warning: ${text}`)}\n`));
  }

  stepStarted(id: StepId, title: string): void {
    this.running.set(id, { title, text: '', since: this.now() });
    if (this.mode === 'json') this.event({ event: 'step-started', step: id, title });
    else if (this.mode === 'plain') this.line(`${title}: started`);
    else if (this.mode === 'spinner') this.redraw();
  }

  stepUpdated(id: StepId, text: string): void {
    const r = this.running.get(id);
    if (!r || r.text === text) return;
    r.text = text;
    if (this.mode === 'json') this.event({ event: 'step-progress', step: id, message: text });
    else if (this.mode === 'plain') this.line(`${r.title}: ${text}`);
    else if (this.mode === 'spinner') this.redraw();
  }

  stepFinished(id: StepId, summary: string): void {
    const r = this.running.get(id);
    this.running.delete(id);
    if (!r) return;
    const took = elapsed(this.now() - r.since);
    if (this.mode === 'json') this.event({ event: 'step-finished', step: id, summary, seconds: (this.now() - r.since) / 1000 });
    else if (this.mode === 'plain') { if (summary) this.line(`${r.title}: done (${summary}) in ${took}`); }
    else if (this.mode === 'spinner') {
      if (summary) this.withSpinnerPaused(() => this.stream.write(`${this.fit(`✔ ${r.title}: ${summary} (${took})`)}\n`));
      this.redraw();
    }
  }

  stepFailed(id: StepId, error: Error): void {
    const r = this.running.get(id);
    this.running.delete(id);
    if (!r) return;
    // Every failed step says why: steps fail side by side, and the final error names only one of them.
    this.failed(id, r.title, error);
  }

  private failed(id: StepId, title: string, error: Error): void {
    if (this.mode === 'json') this.event({ event: 'step-failed', step: id, error: error.message });
    else if (this.mode === 'plain') this.line(`${title}: failed: ${error.message}`);
    else if (this.mode === 'spinner') {
      this.withSpinnerPaused(() => this.stream.write(`${this.fit(`✖ ${title}: failed: ${error.message}`)}\n`));
      this.redraw();
    }
  }

  /**
   * The observer for the detect-and-plan phase: a spinner on a terminal, nothing in CI or JSON
   * (the plan itself is the report). A failure is the run's error line; when steps fail side by
   * side, every one of them prints its reason here (the error line names only one).
   */
  planning(): RunObserver {
    const failed: { id: StepId; title: string; error: Error }[] = [];
    const fail = (id: StepId, error: Error) => {
      const title = this.running.get(id)?.title ?? id;
      this.running.delete(id);
      if (this.mode === 'spinner') this.redraw();
      failed.push({ id, title, error });
      if (failed.length === 2) failed.forEach((f) => this.failed(f.id, f.title, f.error));
      else if (failed.length > 2) this.failed(id, title, error);
    };
    if (this.mode !== 'spinner') {
      return {
        stepStarted: (id, title) => this.running.set(id, { title, text: '', since: this.now() }),
        stepUpdated() {},
        stepFinished: (id) => this.running.delete(id),
        stepFailed: fail,
      };
    }
    return {
      stepStarted: (id, title) => this.stepStarted(id, title),
      stepUpdated: (id, text) => this.stepUpdated(id, text),
      stepFinished: (id) => this.stepFinished(id, ''),
      stepFailed: fail,
    };
  }

  /** The steps running now, as "title (what it waits for)", oldest first. */
  inFlight(): string[] {
    return [...this.running.values()].map((r) => `${r.title}${r.text ? ` (${r.text})` : ''}`);
  }

  /** Stops the spinner (call before printing results or prompting). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.spinner?.stop();
    this.spinner = undefined;
    this.onScreen = undefined;
    this.stream.off?.('resize', this.onResize);
  }

  /** A line fitted to the terminal (wrapped at spaces), or as it is off a terminal. */
  private fit(text: string): string {
    return this.mode === 'spinner' ? wrap(text, terminalWidth(this.stream), '', '  ').join('\n') : text;
  }

  private redraw(): void {
    if (this.running.size === 0) return this.stop();
    // One line per running step, each with one timer, cut to the width (a wrapped spinner line
    // is what a redraw cannot clear).
    const room = usable(terminalWidth(this.stream) ?? 80) - 2;
    const lines = [...this.running.values()].map((r) => truncate(`${r.title}${r.text ? `: ${r.text}` : ''} (${elapsed(this.now() - r.since)})`, room));
    const text = lines.join('\n  ');
    if (!this.spinner) {
      if (!this.makeSpinner) return;
      assumeWidth(this.stream);
      const spinner = this.makeSpinner({ text, stream: this.stream, discardStdin: false, color: this.colour ? 'cyan' : false });
      this.watchScreen(spinner);
      this.spinner = spinner.start();
      this.stream.on?.('resize', this.onResize);
      // Elapsed times tick even while AWS is quiet.
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    } else this.spinner.text = text;
  }

  /**
   * Keeps ora's frame and the screen in step through resizes. ora draws on its own tick and
   * clears as many rows as it counted when it drew; a narrower terminal has re-wrapped those
   * lines into more rows by then, and a resize reaches Node (SIGWINCH → 'resize') after the
   * terminal has re-wrapped. So: what ora draws is recorded as drawn; every clear (before a draw,
   * before a line is printed, at stop) also clears the rows the re-wrap added, by the terminal's
   * size now; and a draw at a new size cuts the lines to it first.
   */
  private watchScreen(spinner: Ora): void {
    const frame = spinner.frame.bind(spinner);
    spinner.frame = () => {
      const f = frame();
      this.onScreen = { lines: stripVTControlCharacters(f).split('\n'), columns: terminalWidth(this.stream) ?? 80 };
      return f;
    };
    const clear = spinner.clear.bind(spinner);
    // The stream's own write: ora hooks `write` while it spins (an outside write clears its frame
    // first), so the rows below are cleared around the hook, or each would clear again.
    const rawWrite = this.stream.write.bind(this.stream);
    spinner.clear = () => {
      const columns = this.liveColumns();
      const shown = this.onScreen;
      const rowsAt = (w: number) => (shown ? shown.lines.reduce((n, l) => n + Math.max(1, Math.ceil(displayWidth(l) / w)), 0) : 0);
      const extra = shown ? rowsAt(columns) - rowsAt(shown.columns) : 0;
      clear();
      // Up one row and erase it, for each row the re-wrap added (ora's clear ends on its top row).
      if (extra > 0) rawWrite('\u001b[1A\u001b[2K'.repeat(extra));
      this.onScreen = undefined;
      return spinner;
    };
    const render = spinner.render.bind(spinner);
    spinner.render = () => {
      const columns = this.liveColumns();
      if (this.stream.columns !== columns) {
        // The width ora counts rows by, and the one the lines are cut to.
        this.stream.columns = columns;
        this.redraw();
      }
      return render();
    };
  }

  /** The terminal's width now: asked of the terminal itself, ahead of the width Node last saw. */
  private liveColumns(): number {
    const size = typeof this.stream.getWindowSize === 'function' ? this.stream.getWindowSize() : undefined;
    return size && size[0] > 0 ? size[0] : terminalWidth(this.stream) ?? 80;
  }

  /** The terminal was resized: the lines cut to the new width, drawn now. */
  private resized(): void {
    if (!this.spinner) return;
    this.redraw();
    this.spinner?.render();
  }

  private withSpinnerPaused(fn: () => void): void {
    if (this.spinner) {
      this.spinner.clear();
      fn();
      this.spinner.render();
    } else fn();
  }

  private stamp(): string {
    return `${new Date(this.now()).toISOString().slice(11, 19)} `;
  }

  private line(text: string): void {
    this.stream.write(`${this.stamp()}${text}\n`);
  }

  private event(e: Record<string, unknown>): void {
    this.stream.write(`${JSON.stringify({ time: new Date(this.now()).toISOString(), ...e })}\n`);
  }
}
