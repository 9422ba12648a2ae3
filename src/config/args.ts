/**
 * Answers back into flags: the arguments that give a run's answers again, for a suggested
 * command that must do what this run did (`plan` after `up --max-size 6` needs `--max-size 6`,
 * or it would plan 6 → 4). Secrets are never printed: a command that needs one is not suggested
 * with it.
 */
import { PARAM_FLAGS } from './flags.js';

export { STATUS_KEYS } from './flags.js';
import { getPath, validateConfig, type PartialInput } from './load.js';
import { isDeepStrictEqual } from 'node:util';
import { secretsOf } from './secrets.js';

/** Whether `input` holds a secret (a suggested command could not carry it). */
export function holdsSecret(input: PartialInput): boolean {
  return secretsOf(input).length > 0;
}

/**
 * The flags (with values) that give `input`'s answers, in flag order; `keys` limits them. An
 * answer that is the default anyway (the lab's 2 after pressing Enter) is left out: the command
 * means the same without it, and reads shorter.
 */
export function argsOf(input: PartialInput, keys?: string[]): string[] {
  const secret = new Set(secretsOf(input).map((s) => s.key));
  const defaults = validateConfig(typeof input.stack === 'string' ? { stack: input.stack } : {});
  const out: string[] = [];
  for (const spec of PARAM_FLAGS) {
    if ((keys && !keys.includes(spec.key)) || secret.has(spec.key)) continue;
    const v = getPath(input, spec.key);
    if (v === undefined || v === null || isDeepStrictEqual(v, getPath(defaults, spec.key))) continue;
    if (spec.kind === 'bool') {
      if (v === true) out.push(spec.flag);
      continue;
    }
    out.push(spec.flag, Array.isArray(v) ? v.join(',') : String(v));
  }
  // (--no-verify is up's alone and changes no plan: never carried.)
  if (!keys && getPath(input, 'notifications.enabled') === false) out.push('--no-notifications');
  return out;
}
