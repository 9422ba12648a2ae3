/** TODO(stub): being written. */
import type { Command } from 'commander';
import type { Deps } from './context.js';

/** Adds `notify` to the program; `setExit` receives the command's exit code. */
export function registerNotify(program: Command, deps: Deps, setExit: (code: number) => void): void {
  void program;
  void deps;
  void setExit;
}
