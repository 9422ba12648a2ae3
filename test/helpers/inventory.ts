/**
 * What a sandbox account holds, without ids and timestamps: two accounts built by different
 * histories compare equal when they hold the same resources.
 */
import { readFileSync } from 'node:fs';
import type { Tag, World } from '../../src/sandbox/types.js';
import { makeContext } from '../../src/sandbox/store.js';
import { instanceState } from '../../src/sandbox/instance-model.js';

const name = (tags: Tag[]) => tags.find((t) => t.Key === 'Name')?.Value ?? '';
const ours = (tags: Tag[]) => tags.some((t) => t.Key === 'asg-wizard:stack');

export function inventory(file: string): Record<string, unknown> {
  const w = JSON.parse(readFileSync(file, 'utf8')) as World;
  const ctx = makeContext(w, 'inventory');
  const sort = (xs: string[]) => [...xs].sort();
  const live = w.ec2.instances.filter((i) => !['terminated', 'shutting-down'].includes(instanceState(ctx, i)));
  return {
    vpcs: sort(w.ec2.vpcs.map((v) => `${name(v.tags)} ${v.cidr} ${ours(v.tags)}`)),
    subnets: sort(w.ec2.subnets.map((s) => `${name(s.tags)} ${s.cidr} ${s.az} public-ip=${s.mapPublicIpOnLaunch}`)),
    internetGateways: sort(w.ec2.internetGateways.map((g) => `${name(g.tags)} attached=${g.attachments.length}`)),
    routeTables: sort(w.ec2.routeTables.map((t) => `${name(t.tags)} main=${t.main} routes=${t.routes.length} assoc=${t.associations.length}`)),
    securityGroups: sort(w.ec2.securityGroups.map((g) => `${g.name} in=${g.ingress.length} ${ours(g.tags)}`)),
    instances: sort(live.map((i) => `${name(i.tags)} ${i.instanceType}`)),
    images: sort(w.ec2.images.filter((i) => !i.public && i.deregisteredAt === undefined).map((i) => `${i.name} ${ours(i.tags)}`)),
    snapshots: w.ec2.snapshots.length,
    launchTemplates: sort(w.ec2.launchTemplates.map((t) => `${t.name} default=${t.defaultVersion} latest=${t.latestVersion}`)),
    loadBalancers: sort(w.elbv2.loadBalancers.filter((l) => l.deletedAt === undefined).map((l) => `${l.name} ${l.scheme}`)),
    targetGroups: sort(w.elbv2.targetGroups.map((t) => `${t.name} ${t.protocol}:${t.port} targets=${t.targets.filter((x) => x.deregisteredAt === undefined).length}`)),
    listeners: sort(w.elbv2.listeners.map((l) => `${l.protocol}:${l.port}`)),
    groups: sort(w.autoscaling.groups.map((g) => `${g.name} ${g.minSize}/${g.desiredCapacity}/${g.maxSize} metrics=${g.enabledMetrics.length > 0}`)),
    policies: sort(w.autoscaling.policies.map((p) => `${p.name} ${p.policyType}`)),
    notificationConfigurations: sort(w.autoscaling.notificationConfigurations.map((n) => `${n.groupName} ${n.topicArn.split(':').pop()} ${[...n.types].sort().join(',')}`)),
    topics: sort(w.sns.topics.map((t) => t.name)),
    subscriptions: sort(w.sns.subscriptions.map((s) => `${s.protocol} ${s.endpoint}`)),
    roles: sort(w.iam.roles.map((r) => r.name)),
    instanceProfiles: sort(w.iam.instanceProfiles.map((p) => p.name)),
  };
}
