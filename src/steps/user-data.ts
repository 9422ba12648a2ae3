/**
 * The bake's user data: the lab's LAMP install shipped in `assets/user-data.sh` (or the user's
 * `--user-data` file), with the product's own completion signal added to whatever it is (and a
 * monitoring vendor's agent install, `--monitoring-command`, run once the user data has
 * succeeded), so the bake knows when — and whether — all of it ran. See `contract/user-data.ts`.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { StackConfig } from '../config/schema.js';
import { USER_DATA_DONE_MARKER, USER_DATA_DONE_PATH, wrapUserData } from '../contract/user-data.js';
import { packageFile } from '../package-files.js';

export { USER_DATA_DONE_MARKER, USER_DATA_DONE_PATH };

/** EC2 takes at most 16 KB of user data (before base64). */
export const USER_DATA_MAX_BYTES = 16_384;

/** The shipped user data, as the package carries it. */
export function shippedUserData(): string {
  return readFileSync(packageFile('assets/user-data.sh'), 'utf8');
}

function readUserDataFile(file: string): string {
  const what = `--user-data (image.userDataFile) = ${JSON.stringify(file)}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`${what}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // cloud-init takes gzip too, but a compressed file cannot get the completion signal added.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new UsageError(`${what}: the file is gzip-compressed`, 'give it uncompressed (the limit is 16 KB either way)');
  const text = bytes.toString('utf8');
  if (!text.trim()) throw new UsageError(`${what}: the file is empty`);
  return text;
}

/** The user data the bake instance runs, signal included; a UsageError names the flag when it cannot be used. */
export function bakeUserData(config: StackConfig): string {
  const file = config.image.userDataFile;
  const text = file ? readUserDataFile(file) : shippedUserData();
  let wrapped: string;
  try {
    wrapped = wrapUserData(text, config.image.monitoringCommand);
  } catch (err) {
    throw new UsageError(`--user-data (image.userDataFile) = ${JSON.stringify(file)}: ${(err as Error).message}`);
  }
  const bytes = Buffer.byteLength(wrapped, 'utf8');
  if (bytes > USER_DATA_MAX_BYTES) {
    const what = file ? `--user-data (image.userDataFile) = ${JSON.stringify(file)}` : '--monitoring-command (image.monitoringCommand)';
    throw new UsageError(`${what}: the user data comes to ${bytes} bytes with asg-wizard's completion signal added; EC2 takes at most ${USER_DATA_MAX_BYTES}`);
  }
  return wrapped;
}
