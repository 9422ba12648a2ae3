/**
 * Builds the StackConfig from its sources, each overriding the one before:
 * schema defaults < config file (YAML) < environment < flags. Every value is validated by the
 * schema before anything is asked or written; a bad one is a UsageError naming the field,
 * the value and what is allowed.
 */
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument, stringify as stringifyYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError, clip } from '../errors.js';
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

/**
 * Keys that are not plain data: assigning them changes an object's prototype instead of
 * setting a value, so a config file naming one would be silently dropped (or worse).
 */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first key path in `doc` that is not a plain key, if any. */
function unsafeKey(doc: unknown, path: string[] = []): string | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  for (const key of Object.keys(doc)) {
    if (UNSAFE_KEYS.has(key)) return [...path, key].join('.');
    const inner = unsafeKey((doc as Record<string, unknown>)[key], [...path, key]);
    if (inner) return inner;
  }
  return undefined;
}

/** The config file's content, as the schema's input shape. */
export function readConfigFile(path: string): PartialInput {
  const shown = clip(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // parseDocument, not parse: parse prints the parser's warnings on stderr itself.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    // A warning (an unknown tag, say) means the file does not say what its author thinks: refused too.
    throw new UsageError(`config file ${shown} is not valid YAML: ${clip(problem.message.split('\n')[0]!, 120)}`);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    throw new UsageError(`config file ${shown} is not valid YAML: ${clip((err as Error).message.split('\n')[0]!, 120)}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`config file ${shown} must be a YAML mapping (key: value)`);
  const bad = unsafeKey(value);
  if (bad) throw new UsageError(`config file ${shown}: key ${clip(bad)} is not allowed`, 'config keys are the names listed in README "Config file"');
  return value as PartialInput;
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
  // A huge value (a pasted file, a runaway script) is named by its start, not echoed whole.
  if (typeof v === 'string') return JSON.stringify(clip(v));
  return clip(JSON.stringify(v) ?? String(v));
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
        return `unknown config key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => clip(where + k)).join(', ')}`;
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
  // Only asked-for sizes are pushed onto an existing group (and recorded): the stack's own, or one the policy moved, stay.
  if (getPath(input, 'asg.desiredCapacity') !== undefined) config.asg.desiredCapacityGiven = true;
  if (getPath(input, 'asg.minSize') !== undefined) config.asg.minSizeGiven = true;
  if (getPath(input, 'asg.maxSize') !== undefined) config.asg.maxSizeGiven = true;
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

/**
 * Why `--save-config PATH` cannot be written, checked before the run does anything: a run
 * that would fail at the end to save its answers must fail before it starts.
 */
export function checkSaveConfigPath(path: string): void {
  const fail = (why: string) => new UsageError(`--save-config ${JSON.stringify(clip(path))}: ${why}`, 'give a file path in a folder you can write');
  if (path.trim() === '') throw fail('an empty path is no file');
  const abs = resolve(path);
  const st = statOr(abs);
  if (st?.isDirectory()) throw fail('is a directory');
  if (st && !st.isFile()) throw fail('is not a regular file');
  if (st && !canWrite(abs, st.mode)) throw fail('is read-only');
  const dir = statOr(dirname(abs));
  if (!dir) throw fail(`its folder ${clip(dirname(abs))} does not exist`);
  if (!dir.isDirectory()) throw fail(`${clip(dirname(abs))} is not a folder`);
  if (!st && !canWrite(dirname(abs), dir.mode)) throw fail(`its folder ${clip(dirname(abs))} is read-only`);
}

function statOr(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Root passes access() for anything: a mode without any write bit is read-only for us too. */
function canWrite(path: string, mode: number): boolean {
  if ((mode & 0o222) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes answers to a YAML file that `--config` replays. */
export function saveConfigFile(path: string, input: PartialInput): void {
  const header = '# asg-wizard answers: replay with `asg-wizard up --config THIS_FILE --yes`\n';
  try {
    writeFileSync(path, header + stringifyYaml(input));
  } catch (err) {
    throw new UsageError(`--save-config ${JSON.stringify(clip(path))}: cannot write it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
