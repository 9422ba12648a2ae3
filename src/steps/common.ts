/** What every step shares: ownership tags, row builders, the typed step definition. */
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { TagMap } from '../aws/tags.js';
import type { Action, FieldChange, PlanRow, Step, StepId } from '../engine/types.js';
import type { DepsOf, StepOutputs } from './outputs.js';

/** The tags a resource of this stack is created with: ours, plus a Name. */
export function stackTags(config: StackConfig, name?: string): { Key: string; Value: string }[] {
  return [{ Key: STACK_TAG, Value: config.stack }, ...(name ? [{ Key: 'Name', Value: name }] : [])];
}

/** Whether a resource's tags say this stack created it. */
export function isOurs(tags: TagMap | undefined, config: StackConfig): boolean {
  return tags?.[STACK_TAG] === config.stack;
}

/** A plan row of `step`; its key is `<step>/<local>`, unique in the plan. */
export function row<C = never>(step: StepId, local: string, action: Action, type: string, name: string, extra: Partial<Omit<PlanRow<C>, 'key' | 'step' | 'action' | 'type' | 'name'>> = {}): PlanRow<C> {
  return { key: `${step}/${local}`, step, action, type, name, changes: [], ...extra };
}

/** `reuse` for ours, `adopt` for a same-named stranger (taken over only with consent). */
export function presentAction(tags: TagMap | undefined, config: StackConfig): Action {
  return isOurs(tags, config) ? 'reuse' : 'adopt';
}

/** Field changes between what is and what is wanted (only fields that differ). */
export function diff(fields: [field: string, from: unknown, to: unknown][]): FieldChange[] {
  return fields
    .filter(([, from, to]) => JSON.stringify(from) !== JSON.stringify(to))
    .map(([field, from, to]) => ({ field, from, to }));
}

/** Adoption reason shown on the row. */
export const ADOPT_REASON = 'exists without the asg-wizard:stack tag: taken over only with --adopt (or when asked)';

/** A lab step, typed: it reads exactly the outputs of the steps it `needs` and yields its own. */
export type LabStep<I extends StepId, N extends StepId, Found, Change> =
  Step<Found, StepOutputs[I], DepsOf<N>, Change> & { readonly id: I; readonly needs: readonly N[] };

/** Declares a step; the types of `deps` follow from `id` and `needs`. */
export function defineStep<I extends StepId, const N extends StepId, Found, Change>(step: LabStep<I, N, Found, Change>): LabStep<I, N, Found, Change> {
  return step;
}

/** Whether a row makes a write when applied (its change is carried out). */
export function changing(r: PlanRow<unknown>): boolean {
  return r.action !== 'reuse' && r.action !== 'conflict';
}
