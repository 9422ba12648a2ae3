/**
 * Progress on stderr, three ways: a spinner naming every running step with its elapsed time
 * (a terminal), plain timestamped lines (CI, no TTY), or one JSON event per line (--json).
 * stdout is never touched here.
 */
import type { Ora, Options as OraOptions } from 'ora';
import type { RunObserver } from '../engine/graph.js';
import type { StepId } from '../engine/types.js';

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
export class Progress implements RunObserver {
  private readonly running = new Map<StepId, Running>();
  private spinner: Ora | undefined;
  private timer: NodeJS.Timeout | undefined;

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
    this.withSpinnerPaused(() => this.stream.write(`${this.mode === 'plain' ? this.stamp() : ''}${text}\n`));
  }

  /** A warning line (`warning: …`), or a `warning` event in JSON mode. */
  warning(text: string): void {
    if (this.mode === 'silent') return;
    if (this.mode === 'json') return this.event({ event: 'warning', message: text });
    this.withSpinnerPaused(() => this.stream.write(`warning: ${text}\n`));
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
      if (summary) this.withSpinnerPaused(() => this.stream.write(`✔ ${r.title}: ${summary} (${took})\n`));
      this.redraw();
    }
  }

  stepFailed(id: StepId, error: Error): void {
    const r = this.running.get(id);
    this.running.delete(id);
    if (!r) return;
    // Every failed step says why: steps fail side by side, and the final error names only one of them.
    if (this.mode === 'json') this.event({ event: 'step-failed', step: id, error: error.message });
    else if (this.mode === 'plain') this.line(`${r.title}: failed: ${error.message}`);
    else if (this.mode === 'spinner') {
      this.withSpinnerPaused(() => this.stream.write(`✖ ${r.title}: failed: ${error.message}\n`));
      this.redraw();
    }
  }

  /**
   * The observer for the detect-and-plan phase: a spinner on a terminal, nothing in CI or JSON
   * (the plan itself is the report).
   */
  planning(): RunObserver {
    if (this.mode !== 'spinner') return { stepStarted() {}, stepUpdated() {}, stepFinished() {}, stepFailed() {} };
    return {
      stepStarted: (id, title) => this.stepStarted(id, title),
      stepUpdated: (id, text) => this.stepUpdated(id, text),
      stepFinished: (id) => this.stepFinished(id, ''),
      stepFailed: (id) => this.stepFinished(id, ''),
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
  }

  private redraw(): void {
    if (this.running.size === 0) return this.stop();
    const text = [...this.running.values()]
      .map((r) => `${r.title}${r.text ? `: ${r.text}` : ''} (${elapsed(this.now() - r.since)})`)
      .join('  ·  ');
    if (!this.spinner) {
      if (!this.makeSpinner) return;
      assumeWidth(this.stream);
      this.spinner = this.makeSpinner({ text, stream: this.stream, discardStdin: false, color: this.colour ? 'cyan' : false }).start();
      // Elapsed times tick even while AWS is quiet.
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    } else this.spinner.text = text;
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
