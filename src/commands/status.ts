/**
 * `asg-wizard status`: the stack as it is, read only: the load balancer's URL, each target's
 * health and AZ, the group's sizes, instances and recent activities, the scaling policy, the
 * notification configurations with their subscriptions' confirmation state, the image and the
 * launch template's default version. Resources are found by the stack's names, as `up` finds
 * them. A stack that does not exist is not an error: it is said so, with exit 0 and an empty
 * status (scripts polling a stack being built read `exists: false`). The work is loaded on use.
 */
import type { Command } from 'commander';
import type { AwsApi } from '../aws/api.js';
import type { StackConfig } from '../config/schema.js';
import type { StackStatus, StatusSubscription } from '../ui/render-status.js';
import type { Deps, GlobalOptions } from './context.js';
import { InvalidArgumentError } from 'commander';
import { addParamOptions, helpExamples } from './options.js';
import { STATUS_KEYS } from '../config/flags.js';

function parseInterval(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n < 1 || n > 3600) throw new InvalidArgumentError('must be a number of seconds from 1 to 3600.');
  return n;
}

const EXAMPLES = helpExamples([
  ['the Web stack: URL, targets per AZ, group, policy, notifications', 'asg-wizard status'],
  ['the same as one JSON document (keys: see README)', 'asg-wizard status --json'],
  ['another stack (its resources are named from it)', 'asg-wizard status --stack Shop'],
  ['redrawn every 5 s until Ctrl-C (targets, instances, last activities)', 'asg-wizard status --watch'],
  ['one JSON document per look, one per line (for a log or jq)', 'asg-wizard status --watch --json'],
]);

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

/** The subscriptions of a topic, or null when they cannot be read (another account's topic). */
async function subscriptionsOf(aws: AwsApi, topicArn: string, label: (protocol: string, endpoint: string) => string): Promise<StatusSubscription[] | null> {
  try {
    const subs = await aws.sns.listSubscriptions(topicArn);
    return subs.map((s) => ({ protocol: s.protocol, endpoint: label(s.protocol, s.endpoint), pending: s.pending }));
  } catch {
    return null;
  }
}

/** Reads the stack (reads only). */
export async function readStatus(
  aws: AwsApi, config: StackConfig, region: string, label: (protocol: string, endpoint: string) => string,
): Promise<StackStatus> {
  const [{ emptyStatus }, { ACTIVE_REFRESH }] = await Promise.all([import('../ui/render-status.js'), import('../aws/autoscaling.js')]);
  const [lb, tg, group, lt] = await Promise.all([
    aws.elbv2.findLoadBalancer(config.alb.name),
    aws.elbv2.findTargetGroup(config.alb.targetGroupName),
    aws.autoscaling.findGroup(config.asg.name),
    aws.launchTemplates.find(config.launchTemplate.name),
  ]);
  const status = emptyStatus(config.stack, region);
  if (!lb && !tg && !group && !lt) return status;
  const [health, policies, activities, configs, refreshes, version] = await Promise.all([
    tg ? aws.elbv2.targetHealth(tg.arn) : Promise.resolve([]),
    group ? aws.autoscaling.policies(group.name) : Promise.resolve([]),
    group ? aws.autoscaling.activities(group.name, 5) : Promise.resolve([]),
    group ? aws.autoscaling.notificationConfigurations([group.name]) : Promise.resolve([]),
    group ? aws.autoscaling.instanceRefreshes(group.name) : Promise.resolve([]),
    lt ? aws.launchTemplates.version(lt.id, lt.defaultVersion) : Promise.resolve(undefined),
  ]);
  const imageId = version?.imageId;
  const [image, notifications] = await Promise.all([
    imageId ? aws.compute.imageById(imageId) : aws.compute.findImagesByName(config.image.name).then((l) => l[0]),
    Promise.all(configs.map(async (c) => ({ topicArn: c.topicArn, types: c.types, subscriptions: await subscriptionsOf(aws, c.topicArn, label) }))),
  ]);
  const azOf = new Map((group?.instances ?? []).map((i) => [i.id, i.az]));
  const refresh = refreshes.find((r) => ACTIVE_REFRESH.includes(r.status)) ?? refreshes[0];
  return {
    ...status,
    exists: true,
    url: lb ? `http://${lb.dnsName}` : null,
    group: group
      ? {
          name: group.name, min: group.min, desired: group.desired, max: group.max,
          instances: group.instances.map((i) => ({ id: i.id, az: i.az, lifecycle: i.lifecycle, health: i.health, launchTemplateVersion: i.launchTemplateVersion ?? null })),
        }
      : null,
    targets: health.map((t) => ({ id: t.id, az: t.az ?? azOf.get(t.id) ?? null, port: t.port, state: t.state, reason: t.reason ?? null })),
    policies: policies.map((p) => ({ name: p.name, type: p.type, metric: p.metric ?? null, targetValue: p.targetValue ?? null, disableScaleIn: p.disableScaleIn, enabled: p.enabled })),
    notifications,
    image: image ? { id: image.id, name: image.name || null } : imageId ? { id: imageId, name: null } : null,
    launchTemplate: lt ? { name: lt.name, id: lt.id, defaultVersion: lt.defaultVersion, latestVersion: lt.latestVersion } : null,
    activities: activities.map((a) => ({ status: a.status, description: a.description, cause: a.cause, start: iso(a.start), end: iso(a.end) })),
    instanceRefresh: refresh ? { id: refresh.id, status: refresh.status, percentageComplete: refresh.percentageComplete, start: iso(refresh.start) } : null,
  };
}

/** Runs `status`; returns the exit code. */
export async function statusCommand(globals: GlobalOptions, flags: Record<string, unknown>, deps: Deps): Promise<number> {
  const [{ EXIT, wrapAwsError, CredentialsError }, { mergeSources, validateConfig }, ctxMod, render, { endpointLabel }] = await Promise.all([
    import('../errors.js'), import('../config/load.js'), import('./context.js'), import('../ui/render-status.js'), import('../steps/notifications.js'),
  ]);
  const input = mergeSources({ ...(globals.config ? { file: globals.config } : {}), env: deps.env, flags: { ...flags, ...(globals.stack ? { stack: globals.stack } : {}), ...(globals.region ? { region: globals.region } : {}) } });
  const config = validateConfig(input);
  // Status never asks anything.
  const run = await ctxMod.createRun(globals, deps, input.region as string | undefined, true);
  try {
    // Status reads only: an endpoint that cannot tell the account (an emulator without STS) still gets the status.
    const account = await ctxMod.callerAccount(run).catch((err: unknown) => {
      if (err instanceof CredentialsError) throw err;
      return null;
    });
    if (flags.watch) {
      const { watchStatus } = await import('./status-watch.js');
      return await watchStatus(run, config, account, { intervalSeconds: Number(flags.interval ?? 5), json: !!globals.json });
    }
    let status: StackStatus;
    try {
      status = await readStatus(run.aws, config, run.region, endpointLabel);
    } catch (err) {
      throw wrapAwsError(err, 'status', 'read');
    }
    // The envelope every command's --json shares (status only reads: writes is 0).
    run.host.result({ kind: 'status', status, account, writes: run.clients.writes.length, names: { alb: config.alb.name, asg: config.asg.name, targetGroup: config.alb.targetGroupName, launchTemplate: config.launchTemplate.name } });
    const [{ argsOf }] = await Promise.all([import('../config/args.js')]);
    if (!status.exists) {
      run.host.note({ kind: 'next', commands: [{ command: run.cli('up', argsOf(input), { stack: config.stack, applies: true }), does: `builds stack ${config.stack}` }] });
    } else if (status.targets.some((t) => t.state !== 'healthy')) {
      run.host.note({ kind: 'info', text: 'Some targets are not healthy yet (new instances pass their health checks within minutes).' });
      run.host.note({ kind: 'next', commands: [{ command: run.cli('status', argsOf(input, STATUS_KEYS), { stack: config.stack }), does: 'again in a minute' }] });
    }
    return EXIT.ok;
  } finally {
    run.progress.stop();
    run.clients.destroy();
  }
}

/** Adds `status` to the program; `setExit` receives the command's exit code. */
export function registerStatus(program: Command, deps: Deps, setExit: (code: number) => void): void {
  // Status reads the stack by its names: only the options that name its resources.
  addParamOptions(program.command('status'), { keys: STATUS_KEYS })
    .description('the stack as it is: URL, target health per instance and AZ, group sizes and activities, policy, notifications, image, template version (reads only)')
    .option('--watch', 'read it again every few seconds until Ctrl-C: drawn in place on a terminal, one snapshot per look elsewhere (JSON lines with --json)')
    .option('--interval <seconds>', 'seconds between looks with --watch (default 5)', parseInterval)
    .addHelpText('after', EXAMPLES)
    .action(async (_opts, cmd: Command) => {
      const all = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      setExit(await statusCommand(all, all, deps));
    });
}
