/**
 * The sandbox acting as an AWS emulator (`ASG_WIZARD_SANDBOX_EMULATE=moto`), to meet what a run
 * against `--endpoint-url` of one meets. moto 5 lacks some Auto Scaling operations and answers
 * them with its web framework's HTML "404 Not Found" page; the SDK's own deserializer reads that
 * page here exactly as it would from moto (an XML parse error). Its load balancers get DNS names
 * that resolve nowhere.
 */
import { Readable } from 'node:stream';
import type { Pluggable } from '@smithy/types';

export type Emulator = 'moto';

export const EMULATORS: readonly Emulator[] = ['moto'];

/** Operations (client name → commands) each emulator does not implement (BEHAVIOUR.md, "Emulators"). */
const MISSING: Record<Emulator, Record<string, string[]>> = {
  moto: {
    AutoScalingClient: ['PutNotificationConfiguration', 'DescribeNotificationConfigurations', 'StartInstanceRefresh', 'DescribeInstanceRefreshes'],
  },
};

/** Whether `emulator` lacks the command. */
export function lacks(emulator: Emulator | undefined, clientName: string, command: string): boolean {
  return !!emulator && (MISSING[emulator][clientName]?.includes(command) ?? false);
}

/** The page moto's web framework (werkzeug) sends for a route it does not have. */
const NOT_FOUND_PAGE = [
  '<!doctype html>',
  '<html lang=en>',
  '<title>404 Not Found</title>',
  '<h1>Not Found</h1>',
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>',
  '',
].join('\n');

/**
 * A middleware under the SDK's deserializer (the deserialize step, low priority) that answers
 * every request that reaches it with the HTML 404, as the emulator's server would. Only the
 * operations the emulator lacks get this far: the sandbox answers the others above it.
 */
export function notFoundPagePlugin(): Pluggable<any, any> {
  return {
    applyToStack: (stack) => {
      stack.add(
        () => async () => ({
          response: {
            statusCode: 404,
            reason: 'NOT FOUND',
            headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(NOT_FOUND_PAGE)) },
            body: Readable.from([Buffer.from(NOT_FOUND_PAGE)]),
          },
        }),
        { step: 'deserialize', priority: 'low', name: 'asgWizardSandboxEmulator', override: true },
      );
    },
  };
}
