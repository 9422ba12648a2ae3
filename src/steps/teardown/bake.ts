/**
 * The bake's teardown: bake instances an interrupted bake left running, the stack's images
 * (every version it baked, found by tag) and their snapshots, and the bake security group once
 * its instances are gone. `--keep-image` keeps the images and their snapshots, so a later `up`
 * reuses them instead of baking again.
 */
import type { Image, Instance, Snapshot } from '../../aws/ec2-compute.js';
import type { SecurityGroup } from '../../aws/ec2-network.js';
import type { PlanRow } from '../../engine/types.js';
import { isOurs } from '../common.js';
import { bakeInstanceFilters, bakeNames } from '../bake-instance.js';
import { waitOpts } from '../network.js';
import { defineTeardown, deleteRow, keptRow, stackFilter, unlessGone, inOrder, type TeardownOptions } from './common.js';
import { deleteSecurityGroup, findGroupsNamed, securityGroupRows, type SecurityGroupTeardownChange } from './instance-security.js';

export interface BakeTeardownFound {
  instances: Instance[];
  images: Image[];
  snapshots: Snapshot[];
  groups: SecurityGroup[];
}

export type BakeTeardownChange =
  | SecurityGroupTeardownChange
  | { op: 'terminate'; instanceId: string }
  | { op: 'deregister'; imageId: string }
  | { op: 'delete-snapshot'; snapshotId: string };

const STEP = 'bake';
const IMAGE = 'AWS::EC2::Image';
const SNAPSHOT = 'AWS::EC2::Snapshot';
const ORDER: BakeTeardownChange['op'][] = ['terminate', 'deregister', 'delete-snapshot', 'delete-sg'];

/** The bake's teardown; `--keep-image` spares the images and their snapshots. */
export function bakeTeardown(options: TeardownOptions) {
  return defineTeardown<BakeTeardownFound, BakeTeardownChange>({
    id: STEP,
    title: 'Image bake',
    async detect(ctx) {
      const { compute } = ctx.aws;
      const [instances, images, snapshots, groups] = await Promise.all([
        compute.findInstances(bakeInstanceFilters(ctx.config)),
        compute.findImages([stackFilter(ctx.config)]),
        compute.findSnapshots([stackFilter(ctx.config)]),
        findGroupsNamed(ctx, bakeNames(ctx.config).securityGroup),
      ]);
      return {
        instances: instances.filter((i) => i.state !== 'shutting-down' && i.state !== 'terminated'),
        images: images.filter((i) => isOurs(i.tags, ctx.config) && i.state !== 'deregistered'),
        snapshots: snapshots.filter((s) => isOurs(s.tags, ctx.config)),
        groups,
      };
    },
    plan(config, found) {
      const rows: PlanRow<BakeTeardownChange>[] = found.instances.map((i) => deleteRow<BakeTeardownChange>(STEP, `instance:${i.id}`, 'AWS::EC2::Instance', bakeNames(config).instance, i.id,
        { op: 'terminate', instanceId: i.id }, `${i.state}: left by an interrupted bake, terminated`));
      const kept = new Set<string>();
      for (const img of found.images) {
        if (options.keepImage) {
          img.snapshotIds.forEach((s) => kept.add(s));
          rows.push(keptRow(STEP, `image:${img.id}`, IMAGE, img.name, img.id, 'kept (--keep-image): a later up reuses it'));
        } else rows.push(deleteRow(STEP, `image:${img.id}`, IMAGE, img.name, img.id, { op: 'deregister', imageId: img.id }, img.state));
      }
      const of = (id: string) => found.images.find((i) => i.snapshotIds.includes(id))?.name;
      for (const s of found.snapshots) {
        const detail = of(s.id) ? `of ${of(s.id)}` : 'left without its image';
        rows.push(kept.has(s.id)
          ? keptRow(STEP, `snapshot:${s.id}`, SNAPSHOT, s.id, s.id, `kept with its image (--keep-image)`)
          : deleteRow(STEP, `snapshot:${s.id}`, SNAPSHOT, s.id, s.id, { op: 'delete-snapshot', snapshotId: s.id }, detail));
      }
      rows.push(...securityGroupRows(STEP, config, found.groups));
      return rows;
    },
    fingerprint: (f) => ({ instances: f.instances.map((i) => i.id), images: f.images.map((i) => i.id), snapshots: f.snapshots.map((s) => s.id), groups: f.groups.map((g) => g.id) }),
    async apply(ctx, rows) {
      const { compute } = ctx.aws;
      const ordered = inOrder(rows, ORDER);
      const terminated = ordered.filter((r) => r.change.op === 'terminate').map((r) => r.id!);
      let waited = false;
      for (const r of ordered) {
        const c = r.change;
        ctx.progress.update(`${r.type.split('::').pop()} ${r.name}`);
        if (c.op === 'delete-sg' && terminated.length && !waited) {
          // The group goes once the bake instances have terminated (their interfaces hold it until then).
          await compute.waitUntilTerminated(terminated, waitOpts(ctx, 'instance-terminated'));
          waited = true;
        }
        await ctx.forRow(r, async () => {
          switch (c.op) {
            case 'terminate':
              await unlessGone(['InvalidInstanceID.NotFound'], () => compute.terminateInstances([c.instanceId]));
              break;
            case 'deregister':
              // The snapshots are rows of their own, deleted next.
              await unlessGone(['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable'], () => compute.deregisterImage(c.imageId, false));
              break;
            case 'delete-snapshot':
              await unlessGone(['InvalidSnapshot.NotFound'], () => compute.deleteSnapshot(c.snapshotId));
              break;
            case 'delete-sg':
              await deleteSecurityGroup(ctx, c.groupId);
              break;
          }
        });
      }
    },
  });
}
