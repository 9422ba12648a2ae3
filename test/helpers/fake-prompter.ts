/**
 * A prompter with scripted answers by question id. Any question without a script fails the
 * test, so a test also proves which questions were (not) asked.
 */
import type { CheckboxQuestion, ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from '../../src/prompts/prompter.js';

export class FakePrompter implements Prompter {
  readonly interactive = true;
  readonly asked: string[] = [];
  constructor(private readonly answers: Record<string, unknown | ((q: any) => unknown)>) {}

  private answer(id: string, q: unknown): any {
    this.asked.push(id);
    if (!(id in this.answers)) throw new Error(`unscripted question: ${id}`);
    const a = this.answers[id];
    return typeof a === 'function' ? (a as (q: unknown) => unknown)(q) : a;
  }
  async input(q: InputQuestion) {
    const v = this.answer(q.id, q);
    const value = v === undefined ? q.default ?? '' : String(v);
    const ok = q.validate?.(value) ?? true;
    if (ok !== true) throw new Error(`answer ${value} to ${q.id} refused: ${ok}`);
    return value;
  }
  async confirm(q: ConfirmQuestion) {
    const v = this.answer(q.id, q);
    return v === undefined ? q.default : Boolean(v);
  }
  async select<T>(q: SelectQuestion<T>) {
    const v = this.answer(q.id, q);
    return (v === undefined ? q.default : v) as T;
  }
  async checkbox<T>(q: CheckboxQuestion<T>) {
    const v = this.answer(q.id, q);
    const values = (v === undefined ? q.choices.filter((c) => c.checked).map((c) => c.value) : v) as T[];
    const ok = q.validate?.(values) ?? true;
    if (ok !== true) throw new Error(`answer to ${q.id} refused: ${ok}`);
    return values;
  }
  assertComplete() {}
}
