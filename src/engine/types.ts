/**
 * The engine's vocabulary. A step detects its resources (reads only), plans rows (pure), each
 * row carrying the typed change that applying it makes, and applies those changes (the only code
 * that writes to AWS) without working them out again. Steps form a graph by `needs`; a step reads
 * only the outputs of the steps it needs, typed. Ids of resources still to be made are `Ref`s in
 * a plan and are resolved as the rows that make them are applied.
 */
import type { StackConfig } from '../config/schema.js';
import type { AwsApi } from '../aws/api.js';
import type { Prompter } from '../prompts/prompter.js';
import type { WebApi } from '../aws/web.js';
import type { WaitPolicy } from './waits.js';
import type { Resolved, RefValues } from './refs.js';

export type StepId =
  | 'network'
  | 'bake'
  | 'bake-cleanup'
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

/**
 * One resource in a plan. `change` is what applying the row does, in the step's own typed terms
 * (absent on `reuse` and `conflict` rows, which write nothing); `changes` is how a reviewer reads
 * it, field by field.
 */
export interface PlanRow<C = unknown> {
  /** Unique within a plan (`network/vpc`, `load-balancer/listener:80`); refs to what the row makes start with it. */
  key: string;
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
  /** The typed change apply carries out. */
  change?: C;
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
  /**
   * A command line the user can run as printed (the launcher they used, the same account and
   * stack): for hints in errors and time-outs ("`npx asg-wizard status --sandbox` shows it").
   */
  cli(command: string): string;
  /**
   * Runs `fn` as the application of `row`: every AWS write made inside is accounted to it, so a
   * test can prove that no write happens without a row and no changing row without its writes.
   */
  forRow<T>(row: PlanRow<unknown>, fn: () => Promise<T>): Promise<T>;
}

/**
 * A lab step. `Deps` is the typed outputs of the steps in `needs` (absent for a step that is
 * off in this run); `Out` its own outputs, with `Ref`s for what is still to be made.
 */
export interface Step<Found = unknown, Out = unknown, Deps = Record<string, never>, Change = unknown> {
  readonly id: StepId;
  readonly title: string;
  readonly needs: readonly StepId[];
  /** Whether the step is part of this run (e.g. notifications off, Session Manager not asked for). */
  enabled?(config: StackConfig): boolean;
  /** Reads only: finds the step's resources by the stack tag, then by unique name. */
  detect(ctx: StepContext, deps: Deps): Promise<Found>;
  /** Pure: no I/O, no prompts. Each changing row carries its typed change. */
  plan(config: StackConfig, found: Found, deps: Deps): PlanRow<Change>[];
  /** Pure: what the step yields once its plan is applied; ids still to be made are refs to the rows making them. */
  outputs(config: StackConfig, found: Found, deps: Deps): Out;
  /**
   * Pure: what was detected that the plan depends on, without what changes by itself (instance
   * health, activities). A saved plan is applied only while this is unchanged.
   */
  fingerprint(found: Found): unknown;
  /**
   * The only code that writes to AWS: carries out the changes of `rows` in the order AWS needs,
   * each inside `ctx.forRow(row, …)`. A change may name what an earlier row makes (a ref):
   * `refs.resolve(row.change)` gives it with every ref known, and `produce(refs, row, attr, v)`
   * records what this row made (at least `id` for a create) for the rows and steps after it.
   */
  apply(ctx: StepContext, rows: PlanRow<Change>[], deps: Resolved<Deps>, refs: RefValues): Promise<void>;
  /**
   * A step that only reads and reports once the others have run (verify): run on every apply,
   * whatever the rows; it must not write. Its result becomes the step's outputs.
   */
  check?(ctx: StepContext, deps: Resolved<Deps>): Promise<Out>;
}

/** Any step, as the engine walks them (its methods' parameters are checked bivariantly, so every step fits). */
export type AnyStep = Step<unknown, unknown, unknown, unknown>;

export const GLYPHS: Record<Action, string> = { create: '+', reuse: '=', update: '~', adopt: '?', conflict: '!', delete: '-' };
