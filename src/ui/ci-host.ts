/**
 * The host of a run with no drawing terminal (CI, a pipe, TERM=dumb): progress as plain
 * timestamped lines, no cursor movement; notes and results as text (fitted only where the
 * stream is a terminal after all, as under TERM=dumb).
 */
import type { HostSpec } from './io-host.js';
import { Progress } from './progress.js';
import { TextHost } from './text-host.js';

export class CiHost extends TextHost {
  static async create(spec: HostSpec): Promise<CiHost> {
    return new CiHost(spec, await Progress.create('plain', spec.stderr, { colour: spec.colour }));
  }
}
