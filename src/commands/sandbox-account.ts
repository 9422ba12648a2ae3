/**
 * `--sandbox [FILE]`: which account file a run uses, and whether it can be one. Every value
 * that cannot be a writable account file is bad input (exit 2) found before anything is sent
 * or written — an empty path must never fall through to the real account.
 */
import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, clip } from '../errors.js';
import { AccountFileError, DEFAULT_SANDBOX_FILE, Sandbox, sandboxOptionsFromEnv, SandboxSettingError } from '../sandbox/index.js';
import type { Deps, GlobalOptions } from './context.js';

/** The sandbox account file the options ask for, or undefined for a run against AWS. */
export function sandboxFile(opts: GlobalOptions, env: NodeJS.ProcessEnv): { file: string; label: string; isDefault: boolean } | undefined {
  if (opts.sandbox === undefined || opts.sandbox === false) return undefined;
  if (typeof opts.sandbox === 'string') return { file: opts.sandbox, label: `--sandbox ${quote(opts.sandbox)}`, isDefault: false };
  const fromEnv = env.ASG_WIZARD_SANDBOX_FILE;
  if (fromEnv !== undefined) return { file: fromEnv, label: `ASG_WIZARD_SANDBOX_FILE=${quote(fromEnv)}`, isDefault: false };
  return { file: DEFAULT_SANDBOX_FILE, label: '--sandbox', isDefault: true };
}

function quote(path: string): string {
  return path === '' || /\s/.test(path) ? JSON.stringify(clip(path)) : clip(path);
}

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/**
 * Whether this process may write `path`. Root passes access() for anything, so a path whose
 * mode has no write bit at all counts as read-only too: the user made it so on purpose.
 */
function writable(path: string, st: Stats): boolean {
  if ((st.mode & 0o222) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why `file` cannot be an account file, or undefined. Creates the default file's folder. */
function pathProblem(file: string, isDefault: boolean): string | undefined {
  if (file.trim() === '') return 'an empty path is no account file';
  const abs = resolve(file);
  const st = statOf(abs);
  if (st?.isDirectory()) return 'is a directory, not an account file';
  if (st && !st.isFile()) return 'is not a regular file';
  if (st && !writable(abs, st)) return 'is read-only (every call writes the account back)';
  const dir = dirname(abs);
  let dst = statOf(dir);
  if (!dst && isDefault) {
    try {
      mkdirSync(dir, { recursive: true });
      dst = statOf(dir);
    } catch (err) {
      return `cannot create its folder ${clip(dir)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  if (!dst) return `its folder ${clip(dir)} does not exist`;
  if (!dst.isDirectory()) return `${clip(dir)} is not a folder`;
  // The account is written through a temp file and locked with a folder beside it.
  if (!writable(dir, dst)) return `its folder ${clip(dir)} is read-only (the account is written and locked there)`;
  return undefined;
}

/**
 * Opens the sandbox account the options ask for; a UsageError naming the flag, variable or
 * config key for every value that cannot be used.
 */
export function openSandbox(opts: GlobalOptions, deps: Deps, configRegion: string | undefined): Sandbox | undefined {
  const target = sandboxFile(opts, deps.env);
  if (!target) return undefined;
  if (opts.endpointUrl !== undefined) {
    throw new UsageError('--endpoint-url and --sandbox: choose one', 'the sandbox answers every call itself and never sends a request anywhere');
  }
  const problem = pathProblem(target.file, target.isDefault);
  if (problem) throw new UsageError(`${target.label}: ${problem}`, 'give a writable path for the account file, or --sandbox alone for ~/.asg-wizard/sandbox.json');
  let envOpts;
  try {
    envOpts = sandboxOptionsFromEnv(deps.env);
  } catch (err) {
    if (err instanceof SandboxSettingError) throw new UsageError(err.message);
    throw err;
  }
  let sandbox: Sandbox;
  try {
    sandbox = new Sandbox({ file: target.file, ...(opts.region ? { region: opts.region } : configRegion ? { region: configRegion } : {}), ...envOpts });
  } catch (err) {
    if (err instanceof AccountFileError) throw new UsageError(`${target.label}: ${err.reason}`, 'give another --sandbox FILE (a new path starts a new account)');
    throw err;
  }
  deps.onSandbox?.(sandbox);
  const home = sandbox.world.region;
  if (opts.region && opts.region !== home) {
    throw new UsageError(`--region ${clip(opts.region)}: the sandbox account ${clip(sandbox.file)} lives in ${home}`, 'leave out --region, or use another --sandbox FILE');
  }
  if (configRegion && configRegion !== home) {
    throw new UsageError(`config region ${clip(configRegion)}: the sandbox account ${clip(sandbox.file)} lives in ${home}`, 'leave region out of the config file, or use another --sandbox FILE');
  }
  return sandbox;
}
