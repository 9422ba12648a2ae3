/**
 * Values a plan cannot know yet: the id of a resource that an earlier row of the same plan
 * will create. A plan holds them as `Ref`s ("known after apply", as Terraform says), shows them
 * by the resource's name in brackets, and the engine resolves them as the rows that make them
 * are applied. So a step's typed changes are complete at plan time and apply never works out
 * again what to write.
 */

/** A value produced by applying an earlier row: `key` names it (`network/vpc#id`), `label` shows it. */
export interface Ref<T = string> {
  readonly $ref: string;
  readonly label: string;
  /** Phantom: the type the value has once known. */
  readonly __type?: T;
}

/** A resource id, or a reference to one still to be created. */
export type Id = string | Ref<string>;

/** `T` with every `Ref<U>` replaced by its `U`: what apply sees. */
export type Resolved<T> = T extends Ref<infer U>
  ? U
  : T extends string | number | boolean | bigint | symbol | null | undefined
    ? T
    : T extends readonly (infer E)[]
      ? Resolved<E>[]
      : { [K in keyof T]: Resolved<T[K]> };

/** A reference to the value `attr` that applying row `rowKey` produces; `label` is what a plan shows. */
export function ref<T = string>(rowKey: string, attr: string, label: string): Ref<T> {
  return { $ref: `${rowKey}#${attr}`, label };
}

export function isRef(v: unknown): v is Ref<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { $ref?: unknown }).$ref === 'string';
}

/** How a plan shows a value: a ref by its label in brackets (`(Web-ALB-SG)`). */
export function show(v: unknown): string {
  if (isRef(v)) return `(${v.label})`;
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x) => (isRef(x) ? `(${x.label})` : x));
}

/** A value as words without brackets: a ref's label (a predicted version number, say), else `show`. */
export function label(v: unknown): string {
  return isRef(v) ? v.label : show(v);
}

/** The known value of `v`, or undefined while it is a ref (a plan reads ids that may not exist yet). */
export function known<T>(v: T | Ref<T> | undefined): T | undefined {
  return isRef(v) ? undefined : v;
}

/** Values produced so far in a run, by ref key. */
export class RefValues {
  private readonly values = new Map<string, unknown>();

  set(key: string, value: unknown): void {
    this.values.set(key, value);
  }

  /** Records every value an applied step produced. */
  setAll(produced: Record<string, unknown> | undefined): void {
    for (const [k, v] of Object.entries(produced ?? {})) this.set(k, v);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }

  /** `value` with every ref replaced by what was produced; a ref nothing produced is an error (a step's bug). */
  resolve<T>(value: T): Resolved<T> {
    return this.walk(value) as Resolved<T>;
  }

  private walk(v: unknown): unknown {
    if (isRef(v)) {
      if (!this.values.has(v.$ref)) throw new Error(`internal error: ${v.$ref} (${v.label}) was not produced by the rows applied before it`);
      return this.values.get(v.$ref);
    }
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.walk(x);
      return out;
    }
    return v;
  }
}

/** Records the value `attr` (`id`, `arn`, `version`…) that applying `row` produced. */
export function produce(refs: RefValues, row: { key: string }, attr: string, value: unknown): void {
  refs.set(`${row.key}#${attr}`, value);
}
