/**
 * The one output channel (the AWS CDK toolkit's IoHost is the model): everything a person sees
 * or answers goes through an IoHost — questions (its Prompter), progress (its ProgressChannel),
 * notes (typed messages) and results (typed documents). Commands hand it messages, never
 * rendered text to patch; each host renders them its way:
 * - terminal (terminal-host.ts): a spinner, colour, text fitted to the terminal's width;
 * - CI lines (ci-host.ts): timestamped progress lines, no cursor movement;
 * - JSON (json-host.ts): events as JSON lines on stderr, the result's document on stdout;
 * - test (test-host.ts): records every message and result, answers questions from a script.
 * Results go to stdout, everything else to stderr.
 */
import type { ChalkInstance } from 'chalk';
import type { RunObserver } from '../engine/graph.js';
import type { PlanRow } from '../engine/types.js';
import type { Prompter } from '../prompts/prompter.js';
import type { WiringRow } from '../notifications/wiring.js';
import type { PlanHeader } from './render-plan.js';
import type { StackStatus } from './render-status.js';

/** Progress of a run: the engine's observer, and what a command does around it. */
export interface ProgressChannel extends RunObserver {
  /** The observer for detect-and-plan (a spinner on a terminal; failures everywhere). */
  planning(): RunObserver;
  /** Stops any spinner (before a question or a result). */
  stop(): void;
  /** The steps running now, as "title (what it waits for)", oldest first. */
  inFlight(): string[];
  /** A warning while steps run (an AWS lag met, a retry). */
  warning(text: string): void;
  /** A plain line while steps run. */
  info(text: string): void;
}

/** A command the user may run next: as printed, it runs. */
export interface NextCommand {
  /** The whole command line, quoted for a POSIX shell. */
  command: string;
  /** What it does, in a few words (printed as a shell comment after it). */
  does: string;
}

/** What a run is about to touch, said before the first question (first contact). */
export interface RunContext {
  stack: string;
  region: string;
  account: string;
  /** Where the calls go: AWS, the sandbox (its file), or an endpoint. */
  target: { kind: 'aws' } | { kind: 'sandbox'; file: string } | { kind: 'endpoint'; url: string };
  /** What the run does, in words, starting with a verb ("builds (or reuses) the lab network, …"). */
  builds: string;
}

/** A message for the person at the terminal (stderr). */
export type Note =
  | { kind: 'info'; text: string }
  | { kind: 'warning'; text: string }
  | { kind: 'next'; commands: NextCommand[] }
  | { kind: 'context'; context: RunContext }
  | { kind: 'plan'; title: string; header: PlanHeader; rows: PlanRow[] }
  | { kind: 'saved'; what: 'answers' | 'plan'; file: string; next: NextCommand };

/** What a command produced (stdout): a typed document, rendered by a pure renderer (render-result.ts). */
export type Result =
  /** Text as it is (Run.out). */
  | { kind: 'text'; text: string }
  /** A plan, changing nothing (plan, up --dry-run, bake --dry-run); `writes` made on the way (0). */
  | { kind: 'plan'; title: string; header: PlanHeader; rows: PlanRow[]; writes?: number }
  /** An applied plan: the rows as planned and as applied, writes, the URL and verify's answers, the time taken. */
  | {
      kind: 'applied'; header: PlanHeader; planned: PlanRow[]; rows: PlanRow[]; writes: number; url?: string;
      answers?: { status: number; instanceId?: string; az?: string }[]; seconds: number;
    }
  /** `up` on a stack with nothing to change. */
  | { kind: 'up-to-date'; header: PlanHeader; rows: PlanRow[]; url?: string; writes: number }
  | { kind: 'status'; status: StackStatus; account: string | null; writes: number; names: { alb: string; asg: string; targetGroup: string; launchTemplate: string } }
  /** The image a bake made or found. */
  | { kind: 'image'; header: PlanHeader; imageId: string | null; imageName: string | null; writes: number }
  /** notify's wiring table. */
  | { kind: 'wiring'; header: PlanHeader; rows: WiringRow[]; topicName: string; topicArn: string | null; writes: number };

/** The one channel a run talks through. */
export interface IoHost {
  readonly prompter: Prompter;
  readonly progress: ProgressChannel;
  /** Colour as this host shows it (none under NO_COLOR, --no-color, a pipe, JSON). */
  readonly chalk: ChalkInstance;
  /** A message on stderr (the spinner is stopped first). */
  note(note: Note): void;
  /** A result on stdout. */
  result(result: Result): void;
}

/** What a host is made for: the streams, and what the run may do with them. */
export interface HostSpec {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  json: boolean;
  /** Colour allowed (a colour terminal, no NO_COLOR / --no-color). */
  colour: boolean;
  /** A terminal that can move its cursor (not TERM=dumb). */
  canDraw: boolean;
  /** The run may not prompt. */
  unattended: boolean;
  /** A prompter to use instead of the host's own (tests script the answers). */
  prompter?: Prompter;
}

/** Makes the host of a run (Deps.host lets a test inject its own). */
export type HostFactory = (spec: HostSpec) => IoHost | Promise<IoHost>;

/** The host for `spec`: JSON with --json, a terminal's where one can draw, else CI lines. */
export async function createHost(spec: HostSpec): Promise<IoHost> {
  await (await import('./fit.js')).loadCharWidths();
  if (spec.json) return (await import('./json-host.js')).JsonHost.create(spec);
  if (spec.canDraw) return (await import('./terminal-host.js')).TerminalHost.create(spec);
  return (await import('./ci-host.js')).CiHost.create(spec);
}
