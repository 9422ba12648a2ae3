/**
 * The one way the program asks anything. A terminal run answers through inquirer (on stderr,
 * so stdout keeps only results); a run that may not prompt (no TTY, CI, --yes,
 * --non-interactive) takes each question's default and collects the questions that have none,
 * so one error can name every missing flag. The engine never touches stdin.
 */
import { AbortError, MissingInputError } from '../errors.js';
import { flagFor } from '../config/flags.js';
import { displayWidth, truncate, usable, wrap } from '../ui/fit.js';

export interface Choice<T> {
  name: string;
  value: T;
  /** What the answer line shows once chosen (a multi-select echoes these, joined). */
  short?: string;
  description?: string;
  checked?: boolean;
  disabled?: boolean | string;
}

interface Base {
  /** The config key the answer fills (`alb.name`); also names the flag in errors. */
  id: string;
  message: string;
  /** One line on what the answer does in the lab (shown before the question). */
  help?: string;
}

/** true, or the reason the answer is refused (in the question's words); may ask AWS. */
export type Validation = true | string;

export interface InputQuestion extends Base {
  default?: string;
  /** true, or the reason the value is refused; may ask AWS (inquirer waits for it). */
  validate?: (value: string) => Validation | Promise<Validation>;
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
  validate?: (values: T[]) => Validation | Promise<Validation>;
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

/** Where and how inquirer asks. */
export interface InquirerContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Called before each question (the host stops its spinner). */
  before?: () => void;
  /** The terminal's width now (undefined: not a terminal): choices and echoed answers are fitted to it. */
  width?: () => number | undefined;
}

/** How many choices a list shows at once. */
const PAGE = 12;

/** Asks in the terminal with inquirer. Ctrl-C becomes an AbortError (exit 130). */
export class InquirerPrompter implements Prompter {
  readonly interactive = true;
  constructor(private readonly context: InquirerContext = { output: process.stderr }) {}

  // Loaded at the first question: runs that never prompt (CI, --yes, plan) skip inquirer's start-up.
  private async ask<T>(q: Base, run: (prompts: typeof import('./inquirer.js'), context: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }) => Promise<T>): Promise<T> {
    const prompts = await import('./inquirer.js');
    this.context.before?.();
    const { input, output } = this.context;
    if (q.help && output) output.write(`${wrap(q.help, this.context.width?.(), '  ', '  ').join('\n')}\n`);
    try {
      return await run(prompts, { ...(input ? { input } : {}), ...(output ? { output } : {}) });
    } catch (err) {
      if (isExitPrompt(err)) throw new AbortError('interrupted: nothing more was asked or done');
      throw err;
    }
  }

  /** Choices cut to the width (inquirer draws "❯ ◯ " before each), so none wraps mid-word. */
  private fitChoices<T>(choices: Choice<T>[], lead: number): Choice<T>[] {
    const width = this.context.width?.();
    if (width === undefined) return choices;
    return choices.map((c) => ({ ...c, name: truncate(c.name, usable(width) - lead), ...(c.description ? { description: wrap(c.description, width).join('\n') } : {}) }));
  }

  input(q: InputQuestion): Promise<string> {
    return this.ask(q, ({ input }, ctx) =>
      input({ message: q.message, ...(q.default !== undefined ? { default: q.default } : {}), ...(q.validate ? { validate: q.validate } : {}) }, ctx as never),
    );
  }
  confirm(q: ConfirmQuestion): Promise<boolean> {
    return this.ask(q, ({ confirm }, ctx) => confirm({ message: q.message, default: q.default }, ctx as never));
  }
  select<T>(q: SelectQuestion<T>): Promise<T> {
    return this.ask(q, ({ select }, ctx) =>
      select<T>({ message: q.message, choices: this.fitChoices(q.choices, 3), ...(q.default !== undefined ? { default: q.default } : {}), pageSize: PAGE }, ctx as never),
    );
  }
  checkbox<T>(q: CheckboxQuestion<T>): Promise<T[]> {
    // The answer line echoes the picks after the question: joined in full they wrap mid-word
    // on a narrow terminal, so they are cut to what is left of the line.
    const echo = (picked: readonly { short: string }[]) => {
      const all = picked.map((p) => p.short).join(', ');
      const width = this.context.width?.();
      return width === undefined ? all : truncate(all, Math.max(12, usable(width) - displayWidth(q.message) - 4));
    };
    return this.ask(q, ({ checkbox }, ctx) =>
      checkbox<T>({
        message: q.message, choices: this.fitChoices(q.choices, 5), pageSize: PAGE,
        theme: { style: { renderSelectedChoices: echo } },
        ...(q.validate ? { validate: (items: readonly { value: T }[]) => q.validate!(items.map((i) => i.value)) } : {}),
      }, ctx as never),
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
