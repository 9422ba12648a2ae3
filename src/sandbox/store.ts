/**
 * The sandbox's account on disk: one JSON file, loaded once per process and written back
 * after every call (atomically, so a killed process never leaves half a file).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import type { World, SimContext } from './types.js';
import { seedWorld } from './seed.js';

const cache = new Map<string, World>();

/** Loads the sandbox account at `path`, creating a fresh one (default VPC and all) if absent. */
export function loadWorld(path: string, region = 'ap-northeast-2'): World {
  const cached = cache.get(path);
  if (cached) return cached;
  let world: World;
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as World;
    if (parsed.format !== 1) throw new Error(`${path}: not an asg-wizard sandbox file (format ${String(parsed.format)})`);
    world = parsed;
  } else {
    world = seedWorld(region);
    saveWorld(path, world);
  }
  cache.set(path, world);
  return world;
}

/** Writes the world back to its file. */
export function saveWorld(path: string, world: World): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(world));
  renameSync(tmp, path);
}

/** Forgets the in-process copy, so the next load reads the file (tests use it between "processes"). */
export function forgetWorld(path?: string): void {
  if (path) cache.delete(path);
  else cache.clear();
}

/** Ids shaped as AWS's (17 hex digits for EC2), derived from the world's counter: repeatable. */
export function newId(world: World, prefix: string, hexLength = 17): string {
  world.seq += 1;
  const hex = createHash('sha1').update(`${prefix}:${world.seq}:${world.accountId}`).digest('hex').slice(0, hexLength);
  return `${prefix}-${hex}`;
}

/**
 * The context handed to service handlers for one call. `latencyScale` is this process's (an
 * environment setting wins over the file's, and is never written into it).
 */
export function makeContext(world: World, command: string, latencyScale = world.settings.latencyScale): SimContext {
  return {
    world,
    now: Date.now() + world.clock.offsetMs,
    newId: (prefix: string) => newId(world, prefix),
    duration: (ms: number) => Math.round(ms * latencyScale),
    scale: latencyScale,
    command,
  };
}
