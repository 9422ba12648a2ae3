/**
 * How `up` and `scale` agree on the group's sizes. The stack's sizes — the ones `scale` last set —
 * are kept on the group itself, as the tag `asg-wizard:sizes` = `min/desired/max`; `scale --stop`
 * adds `asg-wizard:stopped`. AWS is the only state, so any machine's next `up` reads them:
 *
 * - `up` without size flags wants the stack's sizes (the tag; the lab's 2/2/4, or the config
 *   file's, when there is none), and keeps a stopped group stopped (min = desired = 0);
 * - `up` with size flags sets them for that run (the sizes not given come from the tag) and
 *   starts a stopped group (the stopped mark goes); `scale` is what changes the stack's sizes;
 * - the desired capacity the scaling policy moved is left as it is unless asked for.
 *
 * Pure functions only: the Auto Scaling step plans with them, `scale` writes with them.
 */
import type { StackConfig } from '../config/schema.js';
import type { AutoScalingGroup } from '../aws/autoscaling.js';

/** The group tag holding the stack's sizes, `min/desired/max` (not propagated to instances). */
export const SIZES_TAG = 'asg-wizard:sizes';
/** The group tag `scale --stop` puts on a group it stopped (min = desired = 0). */
export const STOPPED_TAG = 'asg-wizard:stopped';

export interface Sizes { min: number; desired: number; max: number }

/** `2/2/4`. */
export function formatSizes(s: Sizes): string {
  return `${s.min}/${s.desired}/${s.max}`;
}

/** The sizes a tag value holds, or undefined when it holds none (a hand-edited tag is ignored). */
export function parseSizes(value: string | undefined): Sizes | undefined {
  const m = /^(\d+)\/(\d+)\/(\d+)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const [min, desired, max] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return min <= desired && desired <= max ? { min, desired, max } : undefined;
}

/** The stack's sizes as the group records them, if it does. */
export function recordedSizes(g: Pick<AutoScalingGroup, 'tags'>): Sizes | undefined {
  return parseSizes(g.tags[SIZES_TAG]);
}

export const isStopped = (g: Pick<AutoScalingGroup, 'tags'>): boolean => g.tags[STOPPED_TAG] !== undefined;

const clamp = (n: number, min: number, max: number) => Math.min(Math.max(n, min), max);

/** Whether the run was given any size (flag, config file or answer), rather than taking the defaults. */
export function sizesGiven(config: StackConfig): boolean {
  return !!(config.asg.minSizeGiven || config.asg.maxSizeGiven || config.asg.desiredCapacityGiven);
}

/** What `up` wants of an existing group's sizes. */
export interface WantedSizes {
  min: number;
  max: number;
  desired: number;
  /** The stopped mark goes (sizes were given to a stopped group). */
  start: boolean;
  /** Why, in words, when the group keeps sizes other than the config's. */
  note?: string;
}

/**
 * The sizes `up` wants for the existing group `g`: given sizes win; else the recorded ones;
 * else the config's (the lab's defaults). A stopped group stays stopped unless sizes were given.
 */
export function wantedSizes(config: StackConfig, g: AutoScalingGroup): WantedSizes {
  const a = config.asg;
  const recorded = recordedSizes(g);
  const given = sizesGiven(config);
  const min = a.minSizeGiven || !recorded ? a.minSize : recorded.min;
  const max = a.maxSizeGiven || !recorded ? a.maxSize : recorded.max;
  if (isStopped(g) && !given) {
    return { min: 0, max, desired: 0, start: false, note: 'stopped by asg-wizard scale --stop: kept stopped (asg-wizard scale --start, or up with sizes, starts it)' };
  }
  // The desired capacity the scaling policy moved stays, within the bounds, unless one was asked for;
  // a stopped group starts at the stack's.
  const desired = a.desiredCapacityGiven ? a.desiredCapacity : clamp(isStopped(g) ? recorded?.desired ?? a.desiredCapacity : g.desired, min, max);
  return {
    min, max, desired, start: isStopped(g),
    ...(recorded && (!a.minSizeGiven || !a.maxSizeGiven) ? { note: `the stack's sizes ${formatSizes(recorded)}, set by asg-wizard scale` } : {}),
  };
}
