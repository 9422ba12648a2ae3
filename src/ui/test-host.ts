/**
 * The host of a test: records every note, result and progress event as the typed message it
 * is, and answers questions from a script, failing on any question the script does not answer
 * (so a test also proves which questions were, and were not, asked). Tests assert on messages,
 * not on stderr text. Injected through `Deps.host` (`runCli(argv, { …, host: h.factory() })`).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { RunObserver } from '../engine/graph.js';
import type { StepId } from '../engine/types.js';
import {
  NonInteractivePrompter, type CheckboxQuestion, type ConfirmQuestion, type InputQuestion, type Prompter, type SelectQuestion,
} from '../prompts/prompter.js';
import type { HostFactory, HostSpec, IoHost, Note, ProgressChannel, Result } from './io-host.js';
import { renderNote, renderResult } from './render-result.js';

/** An answer: a value, undefined (the default), or a function of the question. */
export type ScriptedAnswer = unknown | ((question: any) => unknown);

/** Answers by question id; any other question fails. Validation runs as inquirer runs it. */
export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  /** The ids asked, in order. */
  readonly asked: string[] = [];
  /** The questions asked, as the prompter got them (their help, default, choices). */
  readonly questions: (InputQuestion | ConfirmQuestion | SelectQuestion<unknown> | CheckboxQuestion<unknown>)[] = [];
  constructor(private readonly answers: Record<string, ScriptedAnswer>) {}

  private answer(q: { id: string }): any {
    this.asked.push(q.id);
    this.questions.push(q as never);
    if (!(q.id in this.answers)) throw new Error(`unscripted question: ${q.id}`);
    const a = this.answers[q.id];
    return typeof a === 'function' ? (a as (q: unknown) => unknown)(q) : a;
  }
  async input(q: InputQuestion): Promise<string> {
    const v = await this.answer(q);
    const value = v === undefined ? q.default ?? '' : String(v);
    const ok = (await q.validate?.(value)) ?? true;
    if (ok !== true) throw new Error(`answer ${value} to ${q.id} refused: ${ok}`);
    return value;
  }
  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const v = await this.answer(q);
    return v === undefined ? q.default : Boolean(v);
  }
  async select<T>(q: SelectQuestion<T>): Promise<T> {
    const v = await this.answer(q);
    return (v === undefined ? q.default : v) as T;
  }
  async checkbox<T>(q: CheckboxQuestion<T>): Promise<T[]> {
    const v = await this.answer(q);
    const values = (v === undefined ? q.choices.filter((c) => c.checked).map((c) => c.value) : v) as T[];
    const ok = (await q.validate?.(values)) ?? true;
    if (ok !== true) throw new Error(`answer to ${q.id} refused: ${ok}`);
    return values;
  }
  assertComplete(): void {}
}

/** A progress event as the engine reported it. */
export type ProgressEvent =
  | { event: 'started'; step: StepId; title: string; planning: boolean }
  | { event: 'updated'; step: StepId; text: string; planning: boolean }
  | { event: 'finished'; step: StepId; summary: string; planning: boolean }
  | { event: 'failed'; step: StepId; error: string; planning: boolean }
  | { event: 'warning' | 'info'; text: string };

class RecordingProgress implements ProgressChannel {
  private readonly running = new Map<StepId, string>();
  constructor(private readonly events: ProgressEvent[]) {}
  private observer(planning: boolean): RunObserver {
    return {
      stepStarted: (step, title) => {
        this.running.set(step, title);
        this.events.push({ event: 'started', step, title, planning });
      },
      stepUpdated: (step, text) => this.events.push({ event: 'updated', step, text, planning }),
      stepFinished: (step, summary) => {
        this.running.delete(step);
        this.events.push({ event: 'finished', step, summary, planning });
      },
      stepFailed: (step, error) => {
        this.running.delete(step);
        this.events.push({ event: 'failed', step, error: error.message, planning });
      },
    };
  }
  private readonly applying = this.observer(false);
  stepStarted: RunObserver['stepStarted'] = (...a) => this.applying.stepStarted(...a);
  stepUpdated: RunObserver['stepUpdated'] = (...a) => this.applying.stepUpdated(...a);
  stepFinished: RunObserver['stepFinished'] = (...a) => this.applying.stepFinished(...a);
  stepFailed: RunObserver['stepFailed'] = (...a) => this.applying.stepFailed(...a);
  planning(): RunObserver {
    return this.observer(true);
  }
  stop(): void {}
  inFlight(): string[] {
    return [...this.running.values()];
  }
  warning(text: string): void {
    this.events.push({ event: 'warning', text });
  }
  info(text: string): void {
    this.events.push({ event: 'info', text });
  }
}

const plain = new Chalk({ level: 0 });

const isPrompter = (x: unknown): x is Prompter => !!x && typeof (x as Prompter).input === 'function' && typeof (x as Prompter).assertComplete === 'function';

export class TestIoHost implements IoHost {
  readonly notes: Note[] = [];
  readonly results: Result[] = [];
  readonly events: ProgressEvent[] = [];
  readonly chalk: ChalkInstance = plain;
  readonly progress: ProgressChannel = new RecordingProgress(this.events);
  private scripted: Prompter;
  /** The spec the run made its host with (json, unattended, …). */
  spec: HostSpec | undefined;

  /**
   * `answers`: the script (question id → answer), or a prompter to ask with (inquirer driven by
   * `@inquirer/testing`); without either, an unattended run takes defaults and any question fails.
   */
  constructor(private readonly answers?: Record<string, ScriptedAnswer> | Prompter) {
    this.scripted = isPrompter(answers) ? answers : new ScriptedPrompter(answers ?? {});
  }

  get prompter(): Prompter {
    return this.scripted;
  }

  /** The factory for `Deps.host`: every run of the program gets this host. */
  factory(): HostFactory {
    return (spec) => {
      this.spec = spec;
      if (spec.prompter) this.scripted = spec.prompter;
      else if (!this.answers && spec.unattended) this.scripted = new NonInteractivePrompter();
      return this;
    };
  }

  note(note: Note): void {
    this.notes.push(note);
  }
  result(result: Result): void {
    this.results.push(result);
  }

  /** The notes of one kind. */
  notesOf<K extends Note['kind']>(kind: K): Extract<Note, { kind: K }>[] {
    return this.notes.filter((n): n is Extract<Note, { kind: K }> => n.kind === kind);
  }
  /** The results of one kind. */
  resultsOf<K extends Result['kind']>(kind: K): Extract<Result, { kind: K }>[] {
    return this.results.filter((r): r is Extract<Result, { kind: K }> => r.kind === kind);
  }
  /** Every note and result as the CI host would print them (for a failing test's message). */
  transcript(): string {
    return [...this.notes.map((n) => renderNote(n, { chalk: plain })), ...this.results.map((r) => renderResult(r, { chalk: plain }))].join('\n');
  }
}
