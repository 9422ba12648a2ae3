/**
 * The one way the program asks anything. A terminal run answers through inquirer (on stderr,
 * so stdout keeps only results); a run that may not prompt (no TTY, CI, --yes,
 * --non-interactive) takes each question's default and collects the questions that have none,
 * so one error can name every missing flag. The engine never touches stdin.
 */
import { AbortError, MissingInputError } from '../errors.js';
import { flagFor } from '../config/flags.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  checked?: boolean;
  disabled?: boolean | string;
}

interface Base {
  /** The config key the answer fills (`alb.name`); also names the flag in errors. */
  id: string;
  message: string;
}

export interface InputQuestion extends Base {
  default?: string;
  /** true, or the reason the value is refused. */
  validate?: (value: string) => true | string;
}
export interface ConfirmQuestion extends Base {
  default: boolean;
  /** A question that a non-interactive run may not answer by default (applying a plan). */
  required?: boolean;
}
export interface SelectQuestion<T> extends Base {
  choices: Choice<T>[];
  default?: T;
}
export interface CheckboxQuestion<T> extends Base {
  choices: Choice<T>[];
  validate?: (values: T[]) => true | string;
  /** A non-interactive run with nothing checked is missing this answer. */
  required?: boolean;
}

export interface Prompter {
  readonly interactive: boolean;
  input(q: InputQuestion): Promise<string>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  select<T>(q: SelectQuestion<T>): Promise<T>;
  checkbox<T>(q: CheckboxQuestion<T>): Promise<T[]>;
  /** Throws MissingInputError naming every question that had no answer. */
  assertComplete(): void;
}

function isExitPrompt(err: unknown): boolean {
  const name = (err as Error)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

/** Asks in the terminal with inquirer. Ctrl-C becomes an AbortError (exit 130). */
export class InquirerPrompter implements Prompter {
  readonly interactive = true;
  constructor(private readonly context: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = { output: process.stderr }) {}

  // Loaded at the first question: runs that never prompt (CI, --yes, plan) skip inquirer's start-up.
  private async ask<T>(run: (prompts: typeof import('./inquirer.js')) => Promise<T>): Promise<T> {
    const prompts = await import('./inquirer.js');
    try {
      return await run(prompts);
    } catch (err) {
      if (isExitPrompt(err)) throw new AbortError('interrupted: nothing more was asked or done');
      throw err;
    }
  }

  input(q: InputQuestion): Promise<string> {
    return this.ask(({ input }) =>
      input({ message: q.message, ...(q.default !== undefined ? { default: q.default } : {}), ...(q.validate ? { validate: q.validate } : {}) }, this.context as never),
    );
  }
  confirm(q: ConfirmQuestion): Promise<boolean> {
    return this.ask(({ confirm }) => confirm({ message: q.message, default: q.default }, this.context as never));
  }
  select<T>(q: SelectQuestion<T>): Promise<T> {
    return this.ask(({ select }) =>
      select<T>({ message: q.message, choices: q.choices, ...(q.default !== undefined ? { default: q.default } : {}), pageSize: 12 }, this.context as never),
    );
  }
  checkbox<T>(q: CheckboxQuestion<T>): Promise<T[]> {
    return this.ask(({ checkbox }) =>
      checkbox<T>({
        message: q.message, choices: q.choices, pageSize: 12,
        ...(q.validate ? { validate: (items: readonly { value: T }[]) => q.validate!(items.map((i) => i.value)) } : {}),
      }, this.context as never),
    );
  }
  assertComplete(): void {}
}

/** Never prompts: defaults, or a recorded gap. */
export class NonInteractivePrompter implements Prompter {
  readonly interactive = false;
  private readonly missing: { flag: string; key: string }[] = [];

  private gap(id: string): void {
    if (!this.missing.some((m) => m.key === id)) this.missing.push({ flag: flagFor(id), key: id });
  }

  async input(q: InputQuestion): Promise<string> {
    if (q.default === undefined) this.gap(q.id);
    return q.default ?? '';
  }
  async confirm(q: ConfirmQuestion): Promise<boolean> {
    if (q.required) {
      this.gap(q.id);
      return false;
    }
    return q.default;
  }
  async select<T>(q: SelectQuestion<T>): Promise<T> {
    if (q.default === undefined) {
      this.gap(q.id);
      return q.choices[0]?.value as T;
    }
    return q.default;
  }
  async checkbox<T>(q: CheckboxQuestion<T>): Promise<T[]> {
    const checked = q.choices.filter((c) => c.checked).map((c) => c.value);
    if (q.required && checked.length === 0) this.gap(q.id);
    return checked;
  }
  assertComplete(): void {
    if (this.missing.length) throw new MissingInputError([...this.missing]);
  }
}
