/**
 * The options every resource-building command takes (one per config key, from flags.ts), in a
 * module of their own so commands can add them without importing cli.ts (which imports them).
 * `--help` shows them grouped by lab step, and each command gets only the options it uses.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { flagGroup, GROUP_HEADINGS, PARAM_FLAGS, type FlagGroup, type FlagSpec } from '../config/flags.js';

/** The heading of the options that change how a command runs, not what it builds. */
export const RUN_OPTIONS = 'Run options:';

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

/** The commander option of a flag, in its lab step's help group. */
export function paramOption(spec: FlagSpec): Option {
  const arg = spec.kind === 'bool' ? '' : spec.kind === 'list' ? ' <list>' : spec.kind === 'int' || spec.kind === 'number' ? ' <n>' : ' <value>';
  const o = new Option(`${spec.flag}${arg}`, spec.description).helpGroup(GROUP_HEADINGS[flagGroup(spec.key)]);
  if (spec.kind === 'int') o.argParser(parseInt10);
  if (spec.kind === 'number') o.argParser(parseNumber);
  if (spec.kind === 'list') o.argParser(parseList);
  return o;
}

/** Which options a command takes: lab steps whole, or single config keys. */
export interface StackOptionChoice {
  groups?: FlagGroup[];
  keys?: string[];
  /** Leave these keys out of the chosen groups. */
  except?: string[];
}

/** Adds the chosen stack options (all by default), grouped by lab step in `--help`. */
export function addParamOptions(cmd: Command, choice: StackOptionChoice = {}): Command {
  const all = !choice.groups && !choice.keys;
  // In the lab's order of steps, so the help reads as the lab does.
  const order = Object.keys(GROUP_HEADINGS);
  const specs = [...PARAM_FLAGS].sort((a, b) => order.indexOf(flagGroup(a.key)) - order.indexOf(flagGroup(b.key)));
  for (const spec of specs) {
    const chosen = all || choice.groups?.includes(flagGroup(spec.key)) || choice.keys?.includes(spec.key);
    if (chosen && !choice.except?.includes(spec.key)) cmd.addOption(paramOption(spec));
  }
  return cmd;
}

/** Adds the options every resource-building command takes (`up`, `plan`). */
export function addStackOptions(cmd: Command): Command {
  addParamOptions(cmd);
  cmd.addOption(new Option('--no-notifications', 'leave the SNS feedback hookup out').helpGroup(GROUP_HEADINGS.notifications));
  cmd.addOption(new Option('--adopt', 'take over same-named resources that asg-wizard did not create (tags them)').helpGroup(RUN_OPTIONS));
  cmd.addOption(new Option('--save-config <file>', 'write the answers to a YAML file that --config replays').helpGroup(RUN_OPTIONS));
  return cmd;
}

/**
 * An "Examples:" help section, as the GitHub CLI writes them: what each does as a comment, then
 * the command. One per line pair keeps both short of 80 columns, so no terminal breaks a word.
 */
export function helpExamples(list: [does: string, command: string][]): string {
  return `\nExamples:\n${list.map(([does, command]) => `  # ${does}\n  $ ${command}`).join('\n\n')}`;
}
