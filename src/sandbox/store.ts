/** Helpers every simulated service shares: AWS-shaped ids and the context of one call. */
import { createHash } from 'node:crypto';
import type { World, SimContext } from './types.js';

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
