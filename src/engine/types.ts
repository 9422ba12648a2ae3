/**
 * The engine's vocabulary: a step detects its resources (reads only), plans rows (pure), and
 * applies them (the only code that writes to AWS). Steps form a graph by `needs`; the runner
 * walks it with independent steps at the same time.
 */
import type { StackConfig } from '../config/schema.js';
import type { AwsApi } from '../aws/api.js';
import type { Prompter } from '../prompts/prompter.js';
import type { WebApi } from '../aws/web.js';
import type { WaitPolicy } from './waits.js';

export type StepId =
  | 'network'
  | 'bake'
  | 'load-balancer'
  | 'instance-security'
  | 'instance-profile'
  | 'launch-template'
  | 'auto-scaling'
  | 'notifications'
  | 'verify';

/** What a row does: `+` create, `=` reuse, `~` update, `?` adopt, `!` conflict, `-` delete. */
export type Action = 'create' | 'reuse' | 'update' | 'adopt' | 'conflict' | 'delete';

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlanRow {
  step: StepId;
  action: Action;
  /** CloudFormation-style type name, e.g. `AWS::EC2::SecurityGroup`. */
  type: string;
  name: string;
  id?: string;
  /** A short description of what is wanted, e.g. `80/tcp from 0.0.0.0/0`. */
  detail?: string;
  changes: FieldChange[];
  /** Why: for conflicts, adoptions and anything a reviewer should know (a cost). */
  reason?: string;
}

/** Reports progress of the step being run (spinner text, a plain line, a JSON event). */
export interface StepProgress {
  update(text: string): void;
}

export interface StepContext {
  aws: AwsApi;
  /** HTTP beside the AWS API (the ALB's URL, the caller's IP); the sandbox answers it too. */
  web: WebApi;
  config: StackConfig;
  /** The tags every resource of this stack carries (`asg-wizard:stack=<stack>`), in SDK shape. */
  tags: { Key: string; Value: string }[];
  region: string;
  account: string;
  prompter: Prompter;
  progress: StepProgress;
  /** Each wait's bound, from AWS's typical time for what is waited on (`waits.bound('status-checks')`). */
  waits: WaitPolicy;
  /** The bound of a wait with no kind of its own (`waits.bound('other')`), in seconds. */
  maxWaitSeconds: number;
  /** Poll delays for waiters, in seconds (tests and the sandbox shorten them). */
  minDelay: number;
  maxDelay: number;
}

/** Outputs of the steps a step needs, by step id. In a plan, ids of resources still to be created are absent. */
export type Outputs = Partial<Record<StepId, any>>;

export interface Step<Found = unknown, Out = unknown> {
  readonly id: StepId;
  readonly title: string;
  readonly needs: StepId[];
  /**
   * Apply even when every row is `reuse` (or there are none): for a step that only reads and
   * reports after the others have run (verify). Such a step's apply must not write to AWS.
   */
  readonly alwaysApply?: boolean;
  /** Whether the step is part of this run (e.g. notifications off, bake skipped by --image-id). */
  enabled?(config: StackConfig): boolean;
  /** Reads only: finds the step's resources by the stack tag, then by unique name. */
  detect(ctx: StepContext, deps: Outputs): Promise<Found>;
  /** Pure: no I/O, no prompts. */
  plan(want: StackConfig, found: Found, deps: Outputs): PlanRow[];
  /** What the step yields without writing (for a plan, or when every row is `reuse`). */
  outputs(want: StackConfig, found: Found, deps: Outputs): Partial<Out>;
  /** The only code that writes to AWS; returns the step's outputs. */
  apply(ctx: StepContext, found: Found, rows: PlanRow[], deps: Outputs): Promise<Out>;
}

export const GLYPHS: Record<Action, string> = { create: '+', reuse: '=', update: '~', adopt: '?', conflict: '!', delete: '-' };
