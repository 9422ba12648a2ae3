/**
 * The work of `load` (loaded on use): the lab's experiment. It asks every InService instance of
 * the stack's group, through the load balancer, to keep its CPUs busy for the minutes given —
 * with the stack's load token, which the instances keep and `/load` asks for — then watches, one
 * look per interval, what the target tracking policy makes of it: the group's average CPU, the
 * policy's alarms, the desired capacity, each launch and termination with what its cause means,
 * targets turning healthy; and, once the load has ended, the scale-in, until the group is back
 * to its size. Ctrl-C stops watching (the instances finish their load on their own).
 */
import { UsageError, WizardError, wrapAwsError } from '../errors.js';
import type { StackConfig } from '../config/schema.js';
import { LOAD_CLOSED, LOAD_ENDPOINT, LOAD_TOKEN, parseLoadAccepted, parseLoadToken } from '../contract/web-server.js';
import { isOurs } from '../steps/common.js';
import { activityMeaning, renderLoadEvent, type LoadDocument, type LoadEvent } from '../ui/render-load.js';
import { realSleep, type Run } from './context.js';
import { realWeb, sandboxWeb } from '../aws/web.js';

export interface LoadRequest { minutes: number; intervalSeconds: number; json: boolean }

/** What the command needs of the stack, read first (a stack that cannot be loaded is exit 2, nothing sent). */
interface Target { url: string; token: string; group: string; target: number; alarms: { name: string; alarm: 'scale-out' | 'scale-in' }[] }

/** AWS's time (the sandbox's clock when it answers). */
function nowOf(run: Run): number {
  return run.sandbox ? run.sandbox.now() : Date.now();
}

async function readTarget(run: Run, config: StackConfig): Promise<Target> {
  const { aws } = run;
  const up = run.cli('up', [], { stack: config.stack, applies: true });
  const g = await aws.autoscaling.findGroup(config.asg.name);
  if (!g || !isOurs(g.tags, config)) {
    throw new UsageError(`load: stack ${config.stack} has no Auto Scaling group ${config.asg.name} in ${run.region}`, `build it with ${up}`);
  }
  const lt = await aws.launchTemplates.find(config.launchTemplate.name);
  const token = lt ? parseLoadToken(await aws.launchTemplates.userData(lt.id, lt.defaultVersion)) : undefined;
  if (!token) {
    throw new UsageError(
      `load: the launch template ${config.launchTemplate.name} gives the instances no load token, so their /load refuses everyone`,
      `run ${up}: it adds the token to the template and rolls it out to the instances`,
    );
  }
  const lb = await aws.elbv2.findLoadBalancer(config.alb.name);
  if (!lb) throw new UsageError(`load: stack ${config.stack} has no load balancer ${config.alb.name}`, `build it with ${up}`);
  const policy = (await aws.autoscaling.policies(g.name)).find((p) => p.type === 'TargetTrackingScaling' && p.metric === 'ASGAverageCPUUtilization');
  if (!policy) {
    throw new UsageError(`load: ${g.name} has no target tracking policy on average CPU: loading its CPU would scale nothing`, 'leave out --requests-per-target: up then puts the lab\'s CPU policy');
  }
  const names = policy.alarms ?? [];
  return {
    url: `http://${lb.dnsName}`, token, group: g.name, target: policy.targetValue ?? 0,
    alarms: names.map((name) => ({ name, alarm: /AlarmLow/.test(name) ? 'scale-in' as const : 'scale-out' as const })),
  };
}

/** Sends the load to every healthy target (the load balancer picks one per request); the instances it reached. */
async function sendLoad(run: Run, config: StackConfig, t: Target, seconds: number): Promise<string[]> {
  const tg = await run.aws.elbv2.findTargetGroup(config.alb.targetGroupName);
  const healthy = tg ? (await run.aws.elbv2.targetHealth(tg.arn)).filter((x) => x.state === 'healthy').map((x) => x.id) : [];
  const want = Math.max(1, healthy.length);
  const reached = new Set<string>();
  const url = `${t.url}${LOAD_ENDPOINT.path}?${LOAD_ENDPOINT.param}=${seconds}`;
  const web = run.sandbox ? sandboxWeb(run.sandbox) : realWeb;
  // Round robin over the healthy targets: a few more requests than targets reach each of them.
  for (let i = 0; i < want * 3 && reached.size < want; i++) {
    const r = await web.get(url, 10_000, { [LOAD_TOKEN.header]: t.token });
    if (r.status === 403) {
      throw new WizardError(`load: the instances refused the stack's load token (HTTP 403: ${r.body.trim() || LOAD_CLOSED.trim()})`, `run ${run.cli('up', [], { stack: config.stack, applies: true })}: the launch template's new version with the token reaches the instances by an instance refresh`);
    }
    if (r.status === 404) throw new WizardError('load: the instances\' web server has no /load (HTTP 404): an image baked from user data of your own?', 'bake the lab\'s image (leave out --user-data) to try the scaling');
    if (r.status !== 200) throw new WizardError(`load: ${t.url} answered ${r.status ? `HTTP ${r.status}` : `nothing (${r.body})`}`, `check the stack with ${run.cli('status', [], { stack: config.stack })}`);
    const who = parseLoadAccepted(r.body);
    if (who) reached.add(who.instanceId);
  }
  return [...reached].sort();
}

/** The `load` run; the timeline document. */
export async function runLoad(run: Run, config: StackConfig, account: string, o: LoadRequest): Promise<LoadDocument> {
  let t: Target;
  try {
    t = await readTarget(run, config);
  } catch (err) {
    throw wrapAwsError(err, 'load', 'read');
  }
  const { aws } = run;
  const started = new Date(nowOf(run)).toISOString();
  const events: LoadEvent[] = [];
  const emit = (e: LoadEvent) => {
    events.push(e);
    if (!o.json) run.out(renderLoadEvent(e, started));
  };
  const before = (await aws.autoscaling.findGroup(t.group))!;
  const seconds = o.minutes * 60;
  if (!o.json) run.note(`Loading ${t.group} through ${t.url} for ${o.minutes} min; watching what its scaling policy (CPU target ${t.target} %) does, every ${o.intervalSeconds} s. Ctrl-C stops watching (the load runs its course).`);
  emit({ at: started, kind: 'load-started', seconds, instances: await sendLoad(run, config, t, seconds) });
  const loadEnds = Date.parse(started) + seconds * 1000;
  // Scale-in takes 15 minutes of low CPU after the load, and the new instances their grace period before.
  const watchUntil = loadEnds + (15 + 15) * 60_000;
  const stop = new AbortController();
  const release = run.deps.onSigint?.(() => stop.abort()) ?? (() => undefined);
  const sleep = run.deps.sleep ?? realSleep;
  const alarmState = new Map<string, string>();
  const targetState = new Map<string, string>();
  const seenActivities = new Set<string>();
  let desired = before.desired;
  let desiredLooks = 0;
  let lastCpu: number | undefined;
  let loadEnded = false;
  let settled = false;
  try {
    for (;;) {
      const now = nowOf(run);
      const at = new Date(now).toISOString();
      const [group, alarms, cpu, activities] = await Promise.all([
        aws.autoscaling.findGroup(t.group),
        aws.cloudwatch.alarms(t.alarms.map((a) => a.name)),
        aws.cloudwatch.groupCpu(t.group, new Date(now - 5 * 60_000), new Date(now)),
        aws.autoscaling.activities(t.group, 20),
      ]);
      const tg = await aws.elbv2.findTargetGroup(config.alb.targetGroupName);
      const health = tg ? await aws.elbv2.targetHealth(tg.arn) : [];
      const latest = cpu.at(-1)?.average;
      if (latest !== undefined && (lastCpu === undefined || Math.abs(latest - lastCpu) >= 5)) {
        emit({ at, kind: 'cpu', average: latest, target: t.target });
        lastCpu = latest;
      }
      for (const a of alarms) {
        const was = alarmState.get(a.name);
        if (was !== a.state) {
          if (was !== undefined || a.state === 'ALARM') {
            const alarm = t.alarms.find((x) => x.name === a.name)?.alarm ?? 'scale-out';
            emit({ at: a.updatedAt?.toISOString() ?? at, kind: 'alarm', alarm, name: a.name, from: was ?? 'OK', to: a.state, reason: a.reason });
          }
          alarmState.set(a.name, a.state);
        }
      }
      // Oldest first, only what happened since the load began.
      for (const a of [...activities].reverse()) {
        if (seenActivities.has(a.id) || !a.start || a.start.getTime() < Date.parse(started)) continue;
        const m = activityMeaning(a);
        if (!m) continue;
        seenActivities.add(a.id);
        const instanceId = /(i-[0-9a-f]+)/.exec(a.description)?.[1] ?? '';
        emit({ at: a.start.toISOString(), kind: m.kind, instanceId, meaning: m.meaning, cause: a.cause, status: a.status });
      }
      if (group && group.desired !== desired) {
        // The activity that says why shows a few seconds after the change: waited for a look or two.
        const why = `changing the desired capacity from ${desired} to ${group.desired}`;
        const cause = activities.find((a) => a.cause.includes(why))?.cause;
        if (cause || ++desiredLooks > 2) {
          emit({ at: cause ? activities.find((a) => a.cause === cause)!.start?.toISOString() ?? at : at, kind: 'desired', from: desired, to: group.desired, cause: cause ? `${cause.slice(0, cause.indexOf(why) + why.length)}.` : '' });
          desired = group.desired;
          desiredLooks = 0;
        }
      }
      for (const h of health) {
        const was = targetState.get(h.id);
        if (was !== undefined && was !== h.state && h.state === 'healthy') emit({ at, kind: 'target', instanceId: h.id, from: was, to: h.state });
        targetState.set(h.id, h.state);
      }
      if (!loadEnded && now >= loadEnds) {
        loadEnded = true;
        emit({ at: new Date(loadEnds).toISOString(), kind: 'load-ended' });
      }
      const quiet = activities.every((a) => !a.start || a.start.getTime() < Date.parse(started) || ['Successful', 'Failed', 'Cancelled'].includes(a.status));
      const inService = group?.instances.filter((i) => i.lifecycle === 'InService').length ?? 0;
      if (loadEnded && group && group.desired === before.desired && inService === group.desired && quiet && events.some((e) => e.kind === 'desired')) {
        settled = true;
        emit({ at, kind: 'settled', desired: group.desired });
        break;
      }
      if (now >= watchUntil) {
        emit({ at, kind: 'stopped', why: `stopped watching ${Math.round((watchUntil - Date.parse(started)) / 60_000)} min after the start; the group is at ${group?.desired ?? '?'}` });
        break;
      }
      if (stop.signal.aborted) break;
      await sleep(o.intervalSeconds * 1000, stop.signal);
      if (stop.signal.aborted) {
        emit({ at: new Date(nowOf(run)).toISOString(), kind: 'stopped', why: 'Ctrl-C: stopped watching (the instances finish their load on their own)' });
        break;
      }
    }
  } catch (err) {
    throw wrapAwsError(err, 'load', 'watch');
  } finally {
    release();
  }
  // As they happened (a look sees some a little after their time).
  const timeline = events.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i).map((x) => x.e);
  return {
    stack: config.stack, region: run.region, account, group: t.group, url: t.url, minutes: o.minutes, started, settled, events: timeline,
    writes: run.clients.writes.length,
  };
}
