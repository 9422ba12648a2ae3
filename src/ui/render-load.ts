/**
 * `load`'s timeline, for people and for machines. Pure: events in, one line each (or the
 * `load --json` document) out. What each launch and termination means is read from its cause as
 * the notifications would tell it: a scale-out, a planned scale-in, or a health replacement
 * (possibly a crash).
 */
import { classifyNotification } from '../notifications/classify.js';

/** What happened, at `at` (ISO). */
export type LoadEvent = { at: string } & (
  | { kind: 'load-started'; seconds: number; instances: string[] }
  | { kind: 'cpu'; average: number; target: number }
  | { kind: 'alarm'; alarm: 'scale-out' | 'scale-in'; name: string; from: string; to: string; reason: string }
  | { kind: 'desired'; from: number; to: number; cause: string }
  | { kind: 'launch' | 'terminate'; instanceId: string; meaning: string; cause: string; status: string }
  | { kind: 'target'; instanceId: string; from: string; to: string }
  | { kind: 'load-ended' }
  | { kind: 'settled'; desired: number }
  | { kind: 'stopped'; why: string }
);

/** The `load --json` document: the envelope every command's `--json` shares, and the timeline. */
export interface LoadDocument {
  stack: string;
  region: string;
  account: string;
  group: string;
  url: string;
  minutes: number;
  started: string;
  /** True when the group came back to its size after the load (the scale-in happened). */
  settled: boolean;
  events: LoadEvent[];
  writes: number;
}

/** What a launch or a termination means, from its description and cause. */
export function activityMeaning(a: { description: string; cause: string }): { kind: 'launch' | 'terminate'; meaning: string } | undefined {
  if (/^Launching/.test(a.description)) {
    if (/health/i.test(a.cause)) return { kind: 'launch', meaning: 'replacing an unhealthy instance' };
    return { kind: 'launch', meaning: /monitor alarm .* triggered policy/.test(a.cause) ? 'scale-out' : 'launch' };
  }
  if (/^Terminating/.test(a.description)) {
    const kind = classifyNotification({ Event: 'autoscaling:EC2_INSTANCE_TERMINATE', Cause: a.cause }).kind;
    const meaning = kind === 'scale-in' ? 'scale-in: planned' : kind === 'health-replacement' ? 'health replacement: possibly a crash' : 'termination';
    return { kind: 'terminate', meaning };
  }
  return undefined;
}

/** `+03:10` from the start. */
function offset(at: string, started: string): string {
  const s = Math.max(0, Math.round((Date.parse(at) - Date.parse(started)) / 1000));
  return `+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The cause as AWS words it, without its "At <time>" prefixes. */
const words = (cause: string) => cause.replace(/At \S+Z /g, '').replace(/\s+/g, ' ').trim();

/** One line for an event. */
export function renderLoadEvent(e: LoadEvent, started: string): string {
  const t = offset(e.at, started);
  switch (e.kind) {
    case 'load-started':
      return `${t}  load       ${e.instances.length} instance${e.instances.length === 1 ? '' : 's'} busy for ${e.seconds} s: ${e.instances.join(', ')}`;
    case 'cpu':
      return `${t}  cpu        average ${e.average.toFixed(0)} % (target ${e.target} %)`;
    case 'alarm':
      return `${t}  alarm      ${e.alarm} alarm ${e.from} → ${e.to}: ${e.reason} (${e.name})`;
    case 'desired':
      return `${t}  desired    ${e.from} → ${e.to}${e.cause ? `: ${words(e.cause)}` : ''}`;
    case 'launch':
    case 'terminate':
      return `${t}  ${e.kind.padEnd(9)}  ${e.instanceId} [${e.meaning}] ${e.status}: ${words(e.cause)}`;
    case 'target':
      return `${t}  target     ${e.instanceId} ${e.from} → ${e.to}`;
    case 'load-ended':
      return `${t}  load       ended: the instances are idle again`;
    case 'settled':
      return `${t}  settled    the group is back to ${e.desired}: scaled out under load and in after it`;
    case 'stopped':
      return `${t}  stopped    ${e.why}`;
  }
}
