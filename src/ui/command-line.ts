/**
 * The command lines the wizard suggests ("Next: …", hints), built so that each runs as printed:
 * the launcher the user typed (`npx asg-wizard`, `asg-wizard`, `node bin/asg-wizard.js`,
 * `npm run <script> --`), the same account (`--sandbox FILE`, `--profile`, `--region`,
 * `--endpoint-url`), the same stack and config file, and the options that matter to the
 * command suggested, every value quoted for a POSIX shell. Pure: argv, environment and working
 * directory come in, so tests can pose as any launcher.
 */
import { delimiter, dirname, isAbsolute, relative, sep } from 'node:path';

/** The global options a suggested command carries over (commander's parsed values). */
export interface CarriedOptions {
  sandbox?: string | boolean;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  config?: string;
  stack?: string;
}

/** Characters that need no quoting in a POSIX shell word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `value` as one shell word: as it is when safe, else in single quotes. */
export function shellQuote(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * How the user started the wizard, as a command prefix that starts it again:
 * - through npx / `npm exec` (npm names the event `npx`; the package sits in node_modules or
 *   npm's `_npx` cache, not on the user's PATH): `npx asg-wizard`;
 * - through an npm script (`npm run wizard -- up`): `npm run wizard --`;
 * - as a command on the PATH (a global install): `asg-wizard`;
 * - as a script path (`node bin/asg-wizard.js`): `node` and the path, relative to the working
 *   directory when it lies inside it.
 */
export function launcherOf(argv1: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const script = argv1 ?? 'asg-wizard';
  if (env.npm_lifecycle_event === 'npx' || env.npm_command === 'exec' || /[\\/]_npx[\\/]/.test(script)) return 'npx asg-wizard';
  if (env.npm_command === 'run-script' && env.npm_lifecycle_event) return `npm run ${shellQuote(env.npm_lifecycle_event)} --`;
  if (!script.includes('/') && !script.includes('\\')) return shellQuote(script);
  if (/[\\/]node_modules[\\/]\.bin[\\/]/.test(script)) return 'npx asg-wizard';
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).includes(dirname(script));
  if (onPath && !/\.[cm]?js$/.test(script)) return shellQuote(script.slice(script.lastIndexOf(sep) + 1));
  const rel = isAbsolute(script) ? relative(cwd, script) : script;
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script;
  return `node ${shellQuote(shown)}`;
}

/** The global options that name the account and the stack, as arguments. */
export function carriedArgs(o: CarriedOptions, omit: (keyof CarriedOptions)[] = []): string[] {
  const out: string[] = [];
  const keep = (k: keyof CarriedOptions) => !omit.includes(k);
  if (keep('sandbox') && o.sandbox !== undefined && o.sandbox !== false) out.push('--sandbox', ...(typeof o.sandbox === 'string' ? [o.sandbox] : []));
  if (keep('profile') && o.profile) out.push('--profile', o.profile);
  if (keep('region') && o.region) out.push('--region', o.region);
  if (keep('endpointUrl') && o.endpointUrl) out.push('--endpoint-url', o.endpointUrl);
  if (keep('config') && o.config) out.push('--config', o.config);
  if (keep('stack') && o.stack) out.push('--stack', o.stack);
  return out;
}

/** `launcher command args…`, each argument quoted for the shell. */
export function commandLine(launcher: string, command: string, args: string[]): string {
  return [launcher, command, ...args.map(shellQuote)].join(' ');
}
