/**
 * Which AWS commands change something. The product counts its writes by it (`aws/clients.ts`:
 * an idempotent second run makes none; an unimplemented write fails while an unimplemented read
 * is taken as none), and the sandbox marks its call log and picks the write to fail by it: both
 * sides agree here, and only here.
 */

/** Name prefixes of the commands that only read (EC2's `Describe…`, SNS's `List…`, SSM's `Get…`). */
export const READ_ONLY_PREFIXES = ['Describe', 'List', 'Get'] as const;

const READ_ONLY = new RegExp(`^(${READ_ONLY_PREFIXES.join('|')})`);

/** True for a command (its name without `Command`) that changes something in AWS: all but Describe/List/Get. */
export function isMutating(command: string): boolean {
  return !READ_ONLY.test(command);
}
