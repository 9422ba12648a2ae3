/**
 * Builds the StackConfig from its sources, each overriding the one before:
 * schema defaults < config file (YAML) < environment < flags. Every value is validated by the
 * schema before anything is asked or written; a bad one is a UsageError naming the field,
 * the value and what is allowed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { StackInput, withDefaultNames, type StackConfig } from './schema.js';
import { flagFor, optionAttr, PARAM_FLAGS } from './flags.js';

export type PartialInput = Record<string, unknown>;

/** Sets `a.b.c` in a nested object. */
export function setPath(obj: PartialInput, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as PartialInput;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** Reads `a.b.c` from a nested object. */
export function getPath(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, p) => (o && typeof o === 'object' ? (o as PartialInput)[p] : undefined), obj);
}

/** Deep merge of plain objects; arrays and scalars of `b` replace those of `a`. */
export function merge(a: PartialInput, b: PartialInput): PartialInput {
  const out: PartialInput = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const av = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && av && typeof av === 'object' && !Array.isArray(av) ? merge(av as PartialInput, v as PartialInput) : v;
  }
  return out;
}

/** The config file's content, as the schema's input shape. */
export function readConfigFile(path: string): PartialInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`config file ${path} must be a YAML mapping (key: value)`);
  return doc as PartialInput;
}

/** Config-shaped values from commander's parsed options (only the flags actually given). */
export function inputFromFlags(opts: Record<string, unknown>): PartialInput {
  const out: PartialInput = {};
  for (const spec of PARAM_FLAGS) {
    const v = opts[optionAttr(spec.flag)];
    if (v !== undefined) setPath(out, spec.key, v);
  }
  if (typeof opts.stack === 'string') out.stack = opts.stack;
  if (typeof opts.region === 'string') out.region = opts.region;
  if (opts.adopt === true) out.adopt = true;
  if (opts.notifications === false) setPath(out, 'notifications.enabled', false);
  if (opts.verify === false) out.verify = false;
  return out;
}

/** Values from the environment (lower precedence than flags). */
export function inputFromEnv(env: NodeJS.ProcessEnv): PartialInput {
  const out: PartialInput = {};
  if (env.ASG_WIZARD_STACK) out.stack = env.ASG_WIZARD_STACK;
  return out;
}

function describeValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** One line per bad field: "--min-size (asg.minSize) = 5: must be ≤ max size 4". */
export function formatIssues(error: z.ZodError, input: unknown): string {
  // One issue per field: zod runs every check of a field (a 33-character name with an
  // underscore fails two), but the user needs the first reason only.
  const seen = new Set<string>();
  const issues = error.issues.filter((i) => {
    const key = i.code === 'unrecognized_keys' ? `${i.path.join('.')}:${i.keys.join(',')}` : i.path.join('.');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return issues
    .map((i) => {
      const key = i.path.join('.');
      if (i.code === 'unrecognized_keys') {
        const where = key ? `${key}.` : '';
        return `unknown config key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => where + k).join(', ')}`;
      }
      const value = 'input' in i && i.input !== undefined ? i.input : getPath(input, key);
      let message = i.message;
      if (i.code === 'invalid_type') message = `expected ${i.expected}`;
      if (i.code === 'invalid_value' && 'values' in i) message = `must be one of ${(i.values as unknown[]).join(', ')}`;
      const flag = flagFor(key.replace(/\.\d+$/, ''));
      const label = flag === key ? key : `${flag} (${key})`;
      return `${label} = ${describeValue(value)}: ${message}`;
    })
    .join('\n');
}

/** Validates merged input into a full StackConfig, or throws a UsageError. */
export function validateConfig(input: PartialInput): StackConfig {
  const result = StackInput.safeParse(input);
  if (!result.success) throw new UsageError(`invalid input: ${formatIssues(result.error, input)}`);
  const config = withDefaultNames(result.data);
  // Only an asked-for desired capacity is pushed onto an existing group: one the scaling policy moved stays.
  if (getPath(input, 'asg.desiredCapacity') !== undefined) config.asg.desiredCapacityGiven = true;
  return config;
}

export interface ConfigSources {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
}

/** defaults < file < env < flags, unvalidated (the prompts may still fill gaps). */
export function mergeSources(src: ConfigSources): PartialInput {
  let input: PartialInput = {};
  if (src.file) input = merge(input, readConfigFile(src.file));
  if (src.env) input = merge(input, inputFromEnv(src.env));
  if (src.flags) input = merge(input, inputFromFlags(src.flags));
  return input;
}

/** Writes answers to a YAML file that `--config` replays. */
export function saveConfigFile(path: string, input: PartialInput): void {
  const header = '# asg-wizard answers: replay with `asg-wizard up --config THIS_FILE --yes`\n';
  writeFileSync(path, header + stringifyYaml(input));
}
