/** What every step shares: ownership tags, row builders. */
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { TagMap } from '../aws/tags.js';
import type { Action, FieldChange, PlanRow, StepId } from '../engine/types.js';

/** The tags a resource of this stack is created with: ours, plus a Name. */
export function stackTags(config: StackConfig, name?: string): { Key: string; Value: string }[] {
  return [{ Key: STACK_TAG, Value: config.stack }, ...(name ? [{ Key: 'Name', Value: name }] : [])];
}

/** Whether a resource's tags say this stack created it. */
export function isOurs(tags: TagMap | undefined, config: StackConfig): boolean {
  return tags?.[STACK_TAG] === config.stack;
}

export function row(step: StepId, action: Action, type: string, name: string, extra: Partial<PlanRow> = {}): PlanRow {
  return { step, action, type, name, changes: [], ...extra };
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
