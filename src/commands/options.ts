/**
 * The options every resource-building command takes (one per config key, from flags.ts), in a
 * module of their own so commands can add them without importing cli.ts (which imports them).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { PARAM_FLAGS, type FlagSpec } from '../config/flags.js';

export function parseInt10(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}
function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number.');
  return n;
}
function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function paramOption(spec: FlagSpec): Option {
  const arg = spec.kind === 'bool' ? '' : spec.kind === 'list' ? ' <list>' : spec.kind === 'int' || spec.kind === 'number' ? ' <n>' : ' <value>';
  const o = new Option(`${spec.flag}${arg}`, spec.description);
  if (spec.kind === 'int') o.argParser(parseInt10);
  if (spec.kind === 'number') o.argParser(parseNumber);
  if (spec.kind === 'list') o.argParser(parseList);
  return o;
}

/** Adds the options every resource-building command takes. */
export function addStackOptions(cmd: Command): Command {
  for (const spec of PARAM_FLAGS) cmd.addOption(paramOption(spec));
  cmd.option('--no-notifications', 'leave the SNS feedback hookup out');
  cmd.option('--adopt', 'take over same-named resources that asg-wizard did not create (tags them)');
  cmd.option('--save-config <file>', 'write the answers to a YAML file that --config replays');
  return cmd;
}
