/**
 * The host of a person at a terminal that can draw: a spinner with one line per running step,
 * colour (unless NO_COLOR, --no-color or a pipe), every line fitted to the terminal's width,
 * questions through inquirer.
 */
import type { HostSpec } from './io-host.js';
import { Progress } from './progress.js';
import { TextHost } from './text-host.js';

export class TerminalHost extends TextHost {
  /** Loads the spinner (ora) only here: CI and JSON runs never pay for it. */
  static async create(spec: HostSpec): Promise<TerminalHost> {
    return new TerminalHost(spec, await Progress.create('spinner', spec.stderr, { colour: spec.colour }));
  }
}
