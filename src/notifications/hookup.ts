/**
 * `asg-wizard notify`, carried out: the monitoring vendor's ConfigAutoScaleGroup.ps1 done
 * right. Validate the flags; read the topic (the notifications step's own detect) and every
 * Auto Scaling group with its notification configurations (paged); choose groups (--all,
 * --group, or a multi-select where the already configured ones are marked and not offered);
 * show the plan and confirm; then create the topic and subscription if needed (the step's own
 * apply) and put only the missing wiring. Credentials come from the SDK's chain, never a prompt.
 */
import { MissingInputError, UsageError, AbortError, EXIT, wrapAwsError } from '../errors.js';
import { mergeSources, validateConfig } from '../config/load.js';
import type { StackConfig } from '../config/schema.js';
import type { StepContext } from '../engine/types.js';
import type { Choice } from '../prompts/prompter.js';
import { callerAccount, createRun, stepContext, type Deps, type GlobalOptions, type Run } from '../commands/context.js';
import { approveAdoptions } from '../commands/up.js';
import { hasChanges } from '../ui/render-plan.js';
import { RefValues } from '../engine/refs.js';
import { applyNotifications, detectNotifications, endpointLabel, planNotifications, PENDING, SUBSCRIPTION, type NotificationsFound } from '../steps/notifications.js';
import {
  planWiring, shortType, wiringOf, wiringPlanRows, type GroupWiring, type NotificationTriple, type WiringRow,
} from './wiring.js';

/** notify's own options (the notification flags are read through the config, as for `up`). */
export interface NotifyOptions extends GlobalOptions {
  group?: string[];
  all?: boolean;
  remove?: boolean;
  adopt?: boolean;
  [flag: string]: unknown;
}

/** PutNotificationConfiguration calls in flight at once: fast for hundreds of groups, gentle on the API's rate. */
const CONCURRENCY = 4;

const topicName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/** Everything notify reads before deciding: the topic, the subscription, every group and its wiring. */
async function readState(ctx: StepContext): Promise<{ found: NotificationsFound; groups: string[]; triples: NotificationTriple[] }> {
  const asg = ctx.aws.autoscaling;
  try {
    const [found, groups, configs] = await Promise.all([
      detectNotifications(ctx),
      asg.listGroups(),
      asg.notificationConfigurations(),
    ]);
    const triples = configs.flatMap((c) => c.types.map((type) => ({ group: c.groupName, topicArn: c.topicArn, type })));
    return { found, groups: groups.map((g) => g.name), triples };
  } catch (err) {
    throw wrapAwsError(err, 'notify', 'detect');
  }
}

function choiceLabel(w: GroupWiring, remove: boolean): string {
  const others = w.otherTopics.length ? `  (also → ${w.otherTopics.map(topicName).join(', ')})` : '';
  if (remove || w.complete || !w.have.length) return `${w.group}${others}`;
  return `${w.group}  (partly: ${w.have.map(shortType).join(', ')})${others}`;
}

/** The groups to work on: --all, --group NAME…, or picked in a multi-select. */
async function chooseGroups(run: Run, opts: NotifyOptions, wiring: GroupWiring[], topic: string): Promise<Set<string>> {
  const names = wiring.map((w) => w.group);
  if (opts.all) return new Set(names);
  const given = opts.group ?? [];
  if (given.length) {
    const unknown = given.filter((g) => !names.includes(g));
    if (unknown.length) {
      throw new UsageError(
        `--group ${unknown.join(', ')}: no Auto Scaling group of that name in ${run.region}`,
        `names are exact and case-sensitive; list them with: aws autoscaling describe-auto-scaling-groups --region ${run.region} --query 'AutoScalingGroups[].AutoScalingGroupName'`,
      );
    }
    return new Set(given);
  }
  if (run.unattended) {
    const e = new MissingInputError([{ flag: '--group NAME', key: 'group' }, { flag: '--all', key: 'all' }]);
    e.message = 'missing input: which Auto Scaling groups? give --group NAME (repeatable) or --all';
    Object.assign(e, { suggestion: 'or run notify in a terminal without --yes to pick them from the list' });
    throw e;
  }
  if (!names.length) return new Set();
  const remove = !!opts.remove;
  // Already configured groups are shown, marked as the script did ("=> already configured"), but not offered again.
  const choices: Choice<string>[] = wiring.map((w) => {
    const disabled = remove ? (w.have.length ? false : 'not wired') : w.complete ? '=> already configured' : false;
    return { name: choiceLabel(w, remove), value: w.group, ...(disabled ? { disabled } : {}) };
  });
  run.progress.stop();
  const picked = await run.prompter.checkbox<string>({
    id: 'group',
    message: remove ? `Unwire which groups from ${topic}? (space to pick, enter to go on)` : `Wire which groups to ${topic}? (space to pick, enter to go on)`,
    choices,
  });
  const offered = new Set(choices.filter((c) => !c.disabled).map((c) => c.value));
  return new Set(picked.filter((g) => offered.has(g)));
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Writes the wiring rows: put the union of types, or delete the group's configuration for the topic. */
async function applyWiring(run: Run, rows: WiringRow[], topicArn: string): Promise<void> {
  const todo = rows.filter((r) => r.write);
  let done = 0;
  run.progress.stepStarted('notifications', 'Wiring groups');
  try {
    await eachLimited(todo, CONCURRENCY, async (r) => {
      if (r.write === 'put') await run.aws.autoscaling.putNotificationConfiguration(r.group, topicArn, r.types);
      else await run.aws.autoscaling.deleteNotificationConfiguration(r.group, topicArn);
      done += 1;
      run.progress.stepUpdated('notifications', `${done}/${todo.length} groups`);
    });
  } catch (err) {
    const e = wrapAwsError(err, 'notify', 'apply');
    run.progress.stepFailed('notifications', e);
    throw e;
  }
  run.progress.stepFinished('notifications', `${done} group${done === 1 ? '' : 's'} ${rows.some((r) => r.write === 'delete') ? 'unwired' : 'wired'}`);
}

/** Runs notify; returns the exit code. */
export async function runNotify(opts: NotifyOptions, deps: Deps): Promise<number> {
  if (opts.all && opts.group?.length) throw new UsageError('--all and --group: give one of them', '--all wires every group in the region; --group NAME (repeatable) only those');
  const input = mergeSources({ ...(opts.config ? { file: opts.config } : {}), env: deps.env, flags: opts });
  // notify is the hookup alone: a config file's `notifications.enabled: false` (for up) does not apply.
  const config: StackConfig = validateConfig(input);
  const remove = !!opts.remove;
  const wanted = [...config.notifications.types];
  const run = await createRun(opts, deps, config.region);
  try {
    const account = await callerAccount(run);
    const ctx = stepContext(run, config, account);
    const header = { stack: config.stack, region: run.region, account };
    run.progress.stepStarted('notifications', 'Reading the topic and the Auto Scaling groups');
    const { found, groups, triples } = await readState(ctx);
    run.progress.stepFinished('notifications', '');
    const name = found.topic && found.given ? found.topic.name : config.notifications.topicName;
    if (remove && !found.topic) run.note(`Topic ${name} does not exist in ${run.region}: no group is wired to it.`);
    const wiring = wiringOf(groups, triples, found.topic?.arn, wanted);
    if (run.prompter.interactive && !opts.all && !opts.group?.length) {
      const target = run.sandbox ? { kind: 'sandbox' as const, file: run.sandbox.file } : run.opts.endpointUrl ? { kind: 'endpoint' as const, url: run.opts.endpointUrl } : { kind: 'aws' as const };
      run.host.note({ kind: 'context', context: { stack: config.stack, region: run.region, account, target, builds: `${remove ? 'unwires' : 'wires'} the Auto Scaling groups you pick ${remove ? 'from' : 'to'} SNS topic ${name}` } });
    }
    const chosen = await chooseGroups(run, opts, wiring, name);
    const rows = planWiring(wiring, found.topic?.arn ?? '', chosen, wanted, remove);
    const puts = rows.filter((r) => r.write);
    // The topic and subscription rows matter when something will use them (or a subscription was asked for).
    let topicRows = remove ? [] : planNotifications(config, found);
    const subscriptionWanted = topicRows.some((r) => r.type === SUBSCRIPTION && r.action === 'create');
    if (!puts.length && !subscriptionWanted) topicRows = topicRows.filter((r) => r.action === 'reuse');
    const planRows = [...topicRows, ...wiringPlanRows(rows, name)];
    run.host.note({ kind: 'plan', title: 'Notify plan', header, rows: planRows });
    const changes = hasChanges(planRows);
    if (changes) {
      await approveAdoptions(run, config, topicRows);
      if (!opts.yes) {
        const ok = await run.prompter.confirm({ id: 'yes', message: `Apply this plan to ${run.region}${run.sandbox ? ' (sandbox)' : ''}?`, default: true, required: true });
        run.prompter.assertComplete();
        if (!ok) throw new AbortError('plan not applied: nothing was changed');
      }
    }
    let topicArn = found.topic?.arn;
    let subscriptionPending: boolean | undefined;
    if (topicRows.some((r) => r.action !== 'reuse')) {
      try {
        const refs = new RefValues();
        await applyNotifications(ctx, topicRows, refs);
        topicArn = refs.get('notifications/topic#id') as string;
        subscriptionPending = refs.get('notifications/subscription#pending') as boolean | undefined;
      } catch (err) {
        throw wrapAwsError(err, 'notify', 'apply');
      }
    }
    if (puts.length) await applyWiring(run, rows, topicArn!);
    run.progress.stop();
    const writes = run.clients.writes.length;
    for (const r of rows) r.topicArn = topicArn ?? '';
    run.host.result({ kind: 'wiring', header, rows, topicName: name, topicArn: topicArn ?? null, writes });
    const n = config.notifications;
    const sub = topicRows.find((r) => r.type === SUBSCRIPTION);
    if ((subscriptionPending ?? sub?.detail === PENDING) && n.protocol && n.endpoint) {
      run.host.note({ kind: 'info', text: `Subscription ${n.protocol} ${endpointLabel(n.protocol, n.endpoint)} is ${PENDING}: nothing is delivered to it until its owner confirms (the link AWS sent).` });
    }
    if (!changes) {
      const why = !chosen.size ? 'no group chosen' : remove ? `none of the chosen groups is wired to ${name}` : 'every chosen group is already configured';
      run.host.note({ kind: 'info', text: `No changes: ${why} (${writes} writes).` });
    }
    run.host.note({ kind: 'info', text: 'The README tells how a monitor tells a scale-in from a crash.' });
    run.host.note({ kind: 'next', commands: [{ command: run.cli('status', [], { stack: config.stack }), does: 'the stack\'s wiring and subscriptions' }] });
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}
