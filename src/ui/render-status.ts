/**
 * `status`, for people and for machines. Pure: the stack as read in, text or the `status --json`
 * document out. The document's keys are the stable ones of SPEC "Machine-readable output";
 * `exists`, `activities`, `instanceRefresh` and the subscriptions are additions.
 */

import { classifyNotification } from '../notifications/classify.js';
import { fitTable, wrap } from './fit.js';
import { targetReason } from './aws-words.js';

export interface StatusSubscription { protocol: string; endpoint: string; pending: boolean }

export interface StackStatus {
  stack: string;
  region: string;
  /** False when none of the stack's load balancer, target group, group or launch template exists. */
  exists: boolean;
  url: string | null;
  group: {
    name: string; min: number; desired: number; max: number;
    instances: { id: string; az: string; lifecycle: string; health: string; launchTemplateVersion: string | null }[];
  } | null;
  targets: { id: string; az: string | null; port: number; state: string; reason: string | null }[];
  policies: { name: string; type: string; metric: string | null; targetValue: number | null; disableScaleIn: boolean; enabled: boolean }[];
  /** Subscriptions are null where they could not be read (a topic of another account). */
  notifications: { topicArn: string; types: string[]; subscriptions: StatusSubscription[] | null }[];
  image: { id: string; name: string | null } | null;
  launchTemplate: { name: string; id: string; defaultVersion: number; latestVersion: number } | null;
  activities: { status: string; description: string; cause: string; start: string | null; end: string | null }[];
  instanceRefresh: { id: string; status: string; percentageComplete: number; start: string | null } | null;
}

/** The stack that does not exist: every key there, empty. */
export function emptyStatus(stack: string, region: string): StackStatus {
  return {
    stack, region, exists: false, url: null, group: null, targets: [], policies: [], notifications: [], image: null,
    launchTemplate: null, activities: [], instanceRefresh: null,
  };
}

/**
 * What a monitor should make of an activity, read from its Cause exactly as it would read the
 * notification: a scale-in is planned, a health replacement may be a crash.
 */
export function activityKind(a: { description: string; cause: string }): string {
  const event = /^Terminating/.test(a.description) ? 'autoscaling:EC2_INSTANCE_TERMINATE' : /^Launching/.test(a.description) ? 'autoscaling:EC2_INSTANCE_LAUNCH' : '';
  if (!event) return '';
  const kind = classifyNotification({ Event: event, Cause: a.cause }).kind;
  if (kind === 'scale-in') return 'scale-in: planned, not a crash';
  if (kind === 'health-replacement') return 'health replacement: possibly a crash';
  return '';
}

const shortType = (t: string) => t.replace(/^autoscaling:(EC2_INSTANCE_)?/, '').toLowerCase();
const topicName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '');

/**
 * The human status: what a person checks in the console after the lab, in one screen. With a
 * `width` (a terminal's), no line is wider: tables cut or move their last column, other lines
 * wrap at spaces under their first word.
 */
export function renderStatus(s: StackStatus, names: { alb: string; asg: string; targetGroup: string; launchTemplate: string }, width?: number): string {
  const line = (text: string): string[] => {
    const indent = /^ */.exec(text)![0];
    return wrap(text.slice(indent.length), width, indent, `${indent}    `);
  };
  if (!s.exists) {
    return line(`Stack ${s.stack} does not exist in ${s.region}: found no load balancer ${names.alb}, target group ${names.targetGroup}, Auto Scaling group ${names.asg} or launch template ${names.launchTemplate}.`).join('\n');
  }
  const out: string[] = [];
  const add = (...texts: string[]) => texts.forEach((t) => out.push(...line(t)));
  add(`Stack ${s.stack} in ${s.region}`, `URL: ${s.url ?? '(no load balancer)'}`);
  if (s.group) {
    const g = s.group;
    add(`Auto Scaling group ${g.name}: min ${g.min}, desired ${g.desired}, max ${g.max}, ${g.instances.length} instance${g.instances.length === 1 ? '' : 's'}`);
    out.push(...fitTable(g.instances.map((i) => [i.id, i.az, i.lifecycle, i.health, i.launchTemplateVersion ? `template version ${i.launchTemplateVersion}` : '']), width));
  } else add(`Auto Scaling group ${names.asg}: does not exist`);
  if (s.instanceRefresh) {
    const r = s.instanceRefresh;
    add(`Instance refresh ${r.id}: ${r.status}, ${r.percentageComplete} % (started ${when(r.start)})`);
  }
  add(`Targets of ${names.targetGroup}:${s.targets.length ? '' : ' none registered'}`);
  out.push(...fitTable(s.targets.map((t) => [`${t.id}:${t.port}`, t.az ?? '', t.state, targetReason(t.reason)]), width));
  if (s.policies.length) {
    add('Scaling policies:');
    add(...s.policies.map((p) => `  ${p.name}: ${p.type}${p.metric ? ` on ${p.metric}` : ''}${p.targetValue !== null ? `, target ${p.targetValue}` : ''}${p.disableScaleIn ? ', scale-in disabled' : ''}${p.enabled ? '' : ' (disabled)'}`));
  } else if (s.group) add('Scaling policies: none');
  if (s.activities.length) {
    add(`Recent activities (newest first):`);
    out.push(...fitTable(s.activities.map((a) => [when(a.start), a.status, a.description, activityKind(a)]), width));
  }
  if (s.notifications.length) {
    add('Notifications:');
    for (const n of s.notifications) {
      add(`  ${topicName(n.topicArn)}: ${n.types.map(shortType).join(', ')}  (${n.topicArn})`);
      if (n.subscriptions === null) add('    subscriptions: not readable (another account\'s topic?)');
      else if (!n.subscriptions.length) add('    no subscriptions: nobody hears these events');
      else add(...n.subscriptions.map((x) => `    ${x.protocol} ${x.endpoint}: ${x.pending ? 'pending confirmation' : 'confirmed'}`));
    }
  } else if (s.group) add('Notifications: none');
  add(`Image: ${s.image ? `${s.image.name ?? '(name unknown)'} (${s.image.id})` : '(unknown)'}`);
  add(`Launch template: ${s.launchTemplate ? `${s.launchTemplate.name} (${s.launchTemplate.id}), default version ${s.launchTemplate.defaultVersion}, latest ${s.launchTemplate.latestVersion}` : `${names.launchTemplate} does not exist`}`);
  return out.join('\n');
}
