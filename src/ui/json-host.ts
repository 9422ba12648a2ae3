/**
 * The host of `--json`: stdout holds only the result's document (README "Machine-readable
 * output"); progress and notes are JSON events on stderr, one object a line, each note with its
 * typed fields and its text (`message`). Questions, if the run may ask, still go to stderr.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Prompter } from '../prompts/prompter.js';
import type { HostSpec, IoHost, Note, ProgressChannel, Result } from './io-host.js';
import { Progress } from './progress.js';
import { renderNote, resultDocument } from './render-result.js';
import { hostPrompter, writeLines } from './text-host.js';
import { planDocument } from './render-plan.js';

const plain = new Chalk({ level: 0 });

/** A note's own fields for its event (a plan as its document). */
function fields(n: Note): Record<string, unknown> {
  switch (n.kind) {
    case 'plan':
      return { title: n.title, plan: planDocument(n.header, n.rows) };
    case 'context':
      return { ...n.context };
    case 'info':
    case 'warning':
      return {};
    default: {
      const { kind: _kind, ...rest } = n;
      return rest;
    }
  }
}

export class JsonHost implements IoHost {
  readonly chalk: ChalkInstance = plain;
  readonly prompter: Prompter;

  private constructor(private readonly spec: HostSpec, readonly progress: ProgressChannel, private readonly now: () => number = Date.now) {
    this.prompter = hostPrompter(spec, progress);
  }

  static async create(spec: HostSpec): Promise<JsonHost> {
    return new JsonHost(spec, await Progress.create('json', spec.stderr));
  }

  note(note: Note): void {
    const event = { time: new Date(this.now()).toISOString(), event: 'note', kind: note.kind, ...fields(note), message: renderNote(note, { chalk: plain }) };
    writeLines(this.spec.stderr, JSON.stringify(event));
  }

  result(result: Result): void {
    const doc = resultDocument(result);
    writeLines(this.spec.stdout, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  }
}
