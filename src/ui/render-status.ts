/**
 * `status`, for people and for machines. Pure: the stack as read in, text or the `status --json`
 * document out. The document's keys are the stable ones of SPEC "Machine-readable output";
 * `exists`, `activities`, `instanceRefresh` and the subscriptions are additions.
 */

import { classifyNotification } from '../notifications/classify.js';

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

/** A table's rows with columns padded to their widest cell. */
function table(rows: string[][], indent = '  '): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

/** The human status: what a person checks in the console after the lab, in one screen. */
export function renderStatus(s: StackStatus, names: { alb: string; asg: string; targetGroup: string; launchTemplate: string }): string {
  if (!s.exists) {
    return `Stack ${s.stack} does not exist in ${s.region}: found no load balancer ${names.alb}, target group ${names.targetGroup}, Auto Scaling group ${names.asg} or launch template ${names.launchTemplate}.`;
  }
  const out = [`Stack ${s.stack} in ${s.region}`, `URL: ${s.url ?? '(no load balancer)'}`];
  if (s.group) {
    const g = s.group;
    out.push(`Auto Scaling group ${g.name}: min ${g.min}, desired ${g.desired}, max ${g.max}, ${g.instances.length} instance${g.instances.length === 1 ? '' : 's'}`);
    out.push(...table(g.instances.map((i) => [i.id, i.az, i.lifecycle, i.health, i.launchTemplateVersion ? `template version ${i.launchTemplateVersion}` : ''])));
  } else out.push(`Auto Scaling group ${names.asg}: does not exist`);
  if (s.instanceRefresh) {
    const r = s.instanceRefresh;
    out.push(`Instance refresh ${r.id}: ${r.status}, ${r.percentageComplete} % (started ${when(r.start)})`);
  }
  out.push(`Targets of ${names.targetGroup}:${s.targets.length ? '' : ' none registered'}`);
  out.push(...table(s.targets.map((t) => [`${t.id}:${t.port}`, t.az ?? '', t.state, t.reason ?? ''])));
  if (s.policies.length) {
    out.push('Scaling policies:');
    out.push(...s.policies.map((p) => `  ${p.name}: ${p.type}${p.metric ? ` on ${p.metric}` : ''}${p.targetValue !== null ? `, target ${p.targetValue}` : ''}${p.disableScaleIn ? ', scale-in disabled' : ''}${p.enabled ? '' : ' (disabled)'}`));
  } else if (s.group) out.push('Scaling policies: none');
  if (s.activities.length) {
    out.push(`Recent activities (newest first):`);
    out.push(...table(s.activities.map((a) => [when(a.start), a.status, a.description, activityKind(a)])));
  }
  if (s.notifications.length) {
    out.push('Notifications:');
    for (const n of s.notifications) {
      out.push(`  ${topicName(n.topicArn)}: ${n.types.map(shortType).join(', ')}  (${n.topicArn})`);
      if (n.subscriptions === null) out.push('    subscriptions: not readable (another account\'s topic?)');
      else if (!n.subscriptions.length) out.push('    no subscriptions: nobody hears these events');
      else out.push(...n.subscriptions.map((x) => `    ${x.protocol} ${x.endpoint}: ${x.pending ? 'pending confirmation' : 'confirmed'}`));
    }
  } else if (s.group) out.push('Notifications: none');
  out.push(`Image: ${s.image ? `${s.image.name ?? '(name unknown)'} (${s.image.id})` : '(unknown)'}`);
  out.push(`Launch template: ${s.launchTemplate ? `${s.launchTemplate.name} (${s.launchTemplate.id}), default version ${s.launchTemplate.defaultVersion}, latest ${s.launchTemplate.latestVersion}` : `${names.launchTemplate} does not exist`}`);
  return out.join('\n');
}
