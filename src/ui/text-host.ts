/**
 * What the terminal and CI hosts share: notes rendered as text on stderr, results as text on
 * stdout, each fitted to its own stream's width (a result piped to a file is not cut), the
 * spinner stopped before either. The two differ in how progress is drawn and whether colour
 * and cursor movement are allowed.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Prompter } from '../prompts/prompter.js';
import { InquirerPrompter, NonInteractivePrompter } from '../prompts/prompter.js';
import { terminalWidth } from './fit.js';
import type { HostSpec, IoHost, Note, ProgressChannel, Result } from './io-host.js';
import { renderNote, renderResult } from './render-result.js';

/** Writes `text` as whole lines. */
export function writeLines(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The prompter of a host: the test's, the non-interactive one, or inquirer on stderr (the spinner stopped first). */
export function hostPrompter(spec: HostSpec, progress: ProgressChannel): Prompter {
  if (spec.prompter) return spec.prompter;
  if (spec.unattended) return new NonInteractivePrompter();
  return new InquirerPrompter({ output: spec.stderr, before: () => progress.stop(), width: () => terminalWidth(spec.stderr) });
}

/** A host that renders text (terminal, CI). */
export abstract class TextHost implements IoHost {
  readonly chalk: ChalkInstance;
  readonly prompter: Prompter;

  protected constructor(protected readonly spec: HostSpec, readonly progress: ProgressChannel) {
    this.chalk = new Chalk({ level: spec.colour ? 1 : 0 });
    this.prompter = hostPrompter(spec, progress);
  }

  note(note: Note): void {
    this.progress.stop();
    writeLines(this.spec.stderr, renderNote(note, { chalk: this.chalk, width: terminalWidth(this.spec.stderr) }));
  }

  result(result: Result): void {
    this.progress.stop();
    const stdout = this.spec.stdout as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    writeLines(this.spec.stdout, renderResult(result, { chalk: this.chalk, width: terminalWidth(stdout) }));
  }
}
