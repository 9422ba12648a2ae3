/**
 * What a sandbox account still holds of a stack (every live resource tagged with it), and a
 * fingerprint of everything NOT tagged with it: `destroy` must leave the first empty and the
 * second as it was.
 */
import { readFileSync } from 'node:fs';
import type { Tag, World } from '../../src/sandbox/types.js';
import { makeContext } from '../../src/sandbox/store.js';
import { instanceState } from '../../src/sandbox/instance-model.js';

const STACK_TAG = 'asg-wizard:stack';
const stackOf = (tags: { Key: string; Value: string }[] | undefined) => tags?.find((t) => t.Key === STACK_TAG)?.Value;

export function readWorld(file: string): World {
  return JSON.parse(readFileSync(file, 'utf8')) as World;
}

interface Thing { kind: string; id: string; tags: Tag[] | { Key: string; Value: string }[] }

/** Every live resource of the account, with its tags. */
function live(w: World): Thing[] {
  const ctx = makeContext(w, 'inventory');
  const addresses = (w.ec2 as unknown as { addresses?: { allocationId: string; tags: Tag[] }[] }).addresses ?? [];
  return [
    ...w.ec2.vpcs.map((x) => ({ kind: 'vpc', id: x.id, tags: x.tags })),
    ...w.ec2.subnets.map((x) => ({ kind: 'subnet', id: x.id, tags: x.tags })),
    ...w.ec2.internetGateways.map((x) => ({ kind: 'igw', id: x.id, tags: x.tags })),
    ...w.ec2.routeTables.map((x) => ({ kind: 'route-table', id: x.id, tags: x.tags })),
    ...w.ec2.natGateways.filter((n) => n.deletedAt === undefined).map((x) => ({ kind: 'nat', id: x.id, tags: x.tags })),
    ...addresses.map((x) => ({ kind: 'eip', id: x.allocationId, tags: x.tags })),
    ...w.ec2.securityGroups.map((x) => ({ kind: 'sg', id: `${x.id} ${x.name}`, tags: x.tags })),
    ...w.ec2.instances.filter((i) => !['terminated', 'shutting-down'].includes(instanceState(ctx, i))).map((x) => ({ kind: 'instance', id: x.id, tags: x.tags })),
    ...w.ec2.images.filter((i) => !i.public && i.deregisteredAt === undefined).map((x) => ({ kind: 'image', id: `${x.id} ${x.name}`, tags: x.tags })),
    ...w.ec2.snapshots.map((x) => ({ kind: 'snapshot', id: x.id, tags: x.tags })),
    ...w.ec2.launchTemplates.map((x) => ({ kind: 'launch-template', id: x.name, tags: x.tags })),
    ...w.elbv2.loadBalancers.filter((l) => l.deletedAt === undefined).map((x) => ({ kind: 'load-balancer', id: x.name, tags: x.tags })),
    ...w.elbv2.targetGroups.map((x) => ({ kind: 'target-group', id: x.name, tags: x.tags })),
    ...w.elbv2.listeners.map((x) => ({ kind: 'listener', id: x.arn, tags: x.tags })),
    ...w.autoscaling.groups.map((x) => ({ kind: 'asg', id: x.name, tags: x.tags })),
    ...w.sns.topics.map((x) => ({ kind: 'topic', id: x.name, tags: x.tags })),
    ...w.iam.roles.map((x) => ({ kind: 'role', id: x.name, tags: x.tags })),
    ...w.iam.instanceProfiles.map((x) => ({ kind: 'instance-profile', id: x.name, tags: x.tags })),
  ];
}

/** `kind id` of every live resource tagged with `stack`. */
export function liveTagged(file: string, stack: string): string[] {
  return live(readWorld(file)).filter((t) => stackOf(t.tags as Tag[]) === stack).map((t) => `${t.kind} ${t.id}`).sort();
}

/** Every live resource NOT tagged with `stack`, with its tags: compare before and after. */
export function untaggedFingerprint(file: string, stack: string): string[] {
  return live(readWorld(file)).filter((t) => stackOf(t.tags as Tag[]) !== stack).map((t) => `${t.kind} ${t.id} ${JSON.stringify(t.tags)}`).sort();
}
