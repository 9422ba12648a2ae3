/**
 * The bake's user data: the lab's LAMP install shipped in `assets/user-data.sh` (or the user's
 * `--user-data` file), with a monitoring agent's install command (`--monitoring-command`, seed
 * 000) put just before the line that echoes the done marker, so the marker still means "all of
 * it ran".
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { StackConfig } from '../config/schema.js';
import { USER_DATA_DONE_MARKER } from '../sandbox/instance-model.js';
import { packageFile } from '../package-files.js';

export { USER_DATA_DONE_MARKER };

/** Where the shipped user data also leaves the marker, for an HTTP check of the bake instance. */
export const USER_DATA_DONE_PATH = '/asg-wizard-done.txt';

/** EC2 takes at most 16 KB of user data (before base64). */
export const USER_DATA_MAX_BYTES = 16_384;

/** The shipped user data, as the package carries it. */
export function shippedUserData(): string {
  return readFileSync(packageFile('assets/user-data.sh'), 'utf8');
}

/**
 * Puts `command` on its own lines just before the last line that echoes the marker (comments
 * aside), or at the end when the script has no such line.
 */
export function insertBeforeMarker(script: string, command: string): string {
  const lines = script.replace(/\n+$/, '').split('\n');
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l.includes(USER_DATA_DONE_MARKER) && !l.startsWith('#')) {
      at = i;
      break;
    }
  }
  const block = ['# Monitoring agent (asg-wizard --monitoring-command)', command.trim(), ''];
  if (at < 0) return [...lines, '', ...block].join('\n');
  lines.splice(at, 0, ...block);
  return `${lines.join('\n')}\n`;
}

/** The user data the bake instance runs; a UsageError names the flag when it cannot be used. */
export function bakeUserData(config: StackConfig): string {
  const file = config.image.userDataFile;
  let text: string;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--user-data (image.userDataFile) = ${JSON.stringify(file)}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!text.trim()) throw new UsageError(`--user-data (image.userDataFile) = ${JSON.stringify(file)}: the file is empty`);
  } else text = shippedUserData();
  if (config.image.monitoringCommand) text = insertBeforeMarker(text, config.image.monitoringCommand);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > USER_DATA_MAX_BYTES) {
    const what = file ? `--user-data (image.userDataFile) = ${JSON.stringify(file)}` : '--monitoring-command (image.monitoringCommand)';
    throw new UsageError(`${what}: the user data comes to ${bytes} bytes; EC2 takes at most ${USER_DATA_MAX_BYTES}`);
  }
  return text;
}
