/**
 * AMIs and their snapshots. An image is `pending` until `availableAt`, then `available`, derived
 * from the timestamps on read. Whether instances launched from it serve the web page is fixed
 * when it is baked: from an instance that served it then (or that ran a serving image).
 */
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, matchesFilters, page, sdkTags, tagsFor, type Filter } from './ec2-common.js';
import { checkDryRun, checkIdFormat } from './ec2-compute-common.js';
import { instanceServesHttp, loadGuarded, instanceState } from './instance-model.js';
import { instanceTypeArchitecture } from './ec2-instance-types.js';
import { AMAZON_OWNER } from './seed.js';
import { TIMES } from './timings.js';
import type { Handler, ImageRecord, SimContext, SnapshotRecord } from './types.js';

const IMAGE_NAME_RE = /^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/;
const ROOT_VOLUME_GIB = 8;

/** `pending` until its `availableAt`, then `available` (deregistered images are not described). */
export function imageState(ctx: SimContext, img: ImageRecord): 'pending' | 'available' {
  return ctx.now >= img.availableAt ? 'available' : 'pending';
}

/** Public images keep their snapshots in Amazon's account; we show a stable id for them. */
function snapshotIdsOf(img: ImageRecord): string[] {
  return img.snapshotIds.length ? img.snapshotIds : [`snap-${img.id.slice(4)}`];
}

function sdkImage(ctx: SimContext, img: ImageRecord) {
  const snaps = snapshotIdsOf(img);
  const size = ctx.world.ec2.snapshots.find((s) => s.id === snaps[0])?.volumeSize ?? ROOT_VOLUME_GIB;
  return {
    ImageId: img.id,
    ImageLocation: `${img.public ? 'amazon' : img.ownerId}/${img.name}`,
    State: imageState(ctx, img),
    OwnerId: img.ownerId,
    CreationDate: new Date(img.createdAt).toISOString(),
    Public: img.public,
    Architecture: img.architecture,
    ImageType: 'machine',
    Name: img.name,
    ...(img.description !== undefined ? { Description: img.description } : {}),
    ...(img.public ? { ImageOwnerAlias: 'amazon', ImdsSupport: 'v2.0' } : {}),
    RootDeviceType: 'ebs',
    RootDeviceName: img.rootDeviceName,
    BlockDeviceMappings: [
      { DeviceName: img.rootDeviceName, Ebs: { DeleteOnTermination: true, SnapshotId: snaps[0], VolumeSize: size, VolumeType: 'gp3', Encrypted: false } },
    ],
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    SriovNetSupport: 'simple',
    BootMode: img.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    ...(img.tags.length ? { Tags: sdkTags(img.tags) } : {}),
  };
}

function sdkSnapshot(ctx: SimContext, s: SnapshotRecord) {
  const done = ctx.now >= (s.completedAt ?? s.createdAt);
  return {
    SnapshotId: s.id,
    VolumeId: s.volumeId ?? 'vol-ffffffff',
    State: done ? 'completed' : 'pending',
    StartTime: new Date(s.createdAt),
    Progress: done ? '100%' : '0%',
    OwnerId: ctx.world.accountId,
    Description: s.description ?? '',
    VolumeSize: s.volumeSize,
    Encrypted: false,
    StorageTier: 'standard',
    ...(s.tags.length ? { Tags: sdkTags(s.tags) } : {}),
  };
}

/** Registered images that EC2 would describe to this account (ours and the public ones). */
function visibleImages(ctx: SimContext): ImageRecord[] {
  return ctx.world.ec2.images.filter((i) => i.deregisteredAt === undefined && (i.public || i.ownerId === ctx.world.accountId));
}

function ownerMatches(ctx: SimContext, img: ImageRecord, owners: string[]): boolean {
  return owners.some((o) => (o === 'self' ? img.ownerId === ctx.world.accountId : o === 'amazon' ? img.public && img.ownerId === AMAZON_OWNER : img.ownerId === o));
}

/** CreateImage, DescribeImages, DeregisterImage, DescribeSnapshots, DeleteSnapshot. */
export const imageHandlers: Record<string, Handler> = {
  CreateImage: (ctx, input) => {
    checkDryRun(input);
    const w = ctx.world;
    const instanceId = String(input.InstanceId ?? '');
    checkIdFormat(instanceId, 'i', 'InvalidInstanceID');
    const inst = w.ec2.instances.find((i) => i.id === instanceId);
    if (!inst) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    const state = instanceState(ctx, inst);
    if (state !== 'running' && state !== 'stopping' && state !== 'stopped') {
      // What EC2 really answers for a pending or terminated instance (not IncorrectInstanceState).
      throw ec2Error('InvalidParameterValue', `Invalid value '${instanceId}' for instanceId. Instance is not in state 'running' or 'stopping' or 'stopped'`);
    }
    const name = String(input.Name ?? '');
    if (!IMAGE_NAME_RE.test(name)) {
      throw ec2Error(
        'InvalidAMIName.Malformed',
        `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`,
      );
    }
    if (typeof input.Description === 'string' && input.Description.length > 255) {
      throw ec2Error('InvalidParameterValue', 'AMI descriptions must be at most 255 characters long.');
    }
    const dup = w.ec2.images.find((i) => i.name === name && i.ownerId === w.accountId && i.deregisteredAt === undefined);
    if (dup) throw ec2Error('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${dup.id}`);
    checkTagSpecTypes(input.TagSpecifications, ['image', 'snapshot']);
    const imageTags = tagsFor(input.TagSpecifications, 'image');
    const snapshotTags = tagsFor(input.TagSpecifications, 'snapshot');
    const source = w.ec2.images.find((i) => i.id === inst.imageId);
    const availableAt = ctx.now + ctx.duration(TIMES.imagePendingToAvailable);
    const imageId = ctx.newId('ami');
    const snap: SnapshotRecord = {
      id: ctx.newId('snap'),
      volumeSize: ROOT_VOLUME_GIB,
      createdAt: ctx.now,
      tags: snapshotTags,
      description: `Created by CreateImage(${instanceId}) for ${imageId}`,
      volumeId: inst.volumeId,
      completedAt: availableAt,
    };
    w.ec2.snapshots.push(snap);
    // NoReboot is accepted; the reboot EC2 otherwise does is not simulated (the service comes back either way).
    const img: ImageRecord = {
      id: imageId,
      name,
      ...(input.Description !== undefined ? { description: String(input.Description) } : {}),
      ownerId: w.accountId,
      sourceInstanceId: instanceId,
      architecture: source?.architecture ?? instanceTypeArchitecture(inst.instanceType),
      rootDeviceName: '/dev/xvda',
      snapshotIds: [snap.id],
      createdAt: ctx.now,
      availableAt,
      tags: imageTags,
      public: false,
      servesHttp: instanceServesHttp(ctx, inst) || !!source?.servesHttp,
      loadGuarded: loadGuarded(ctx, inst),
    };
    w.ec2.images.push(img);
    return { ImageId: img.id };
  },

  DescribeImages: (ctx, input: { ImageIds?: string[]; Owners?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    let list = visibleImages(ctx);
    if (input.ImageIds?.length) {
      for (const id of input.ImageIds) checkIdFormat(id, 'ami', 'InvalidAMIID');
      // A recently deregistered image answers empty while instances still use it, then NotFound.
      const inUse = (id: string) => ctx.world.ec2.instances.some((i) => i.imageId === id);
      const missing = input.ImageIds.filter((id) => !list.some((i) => i.id === id) && !inUse(id));
      if (missing.length) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
      list = list.filter((i) => input.ImageIds!.includes(i.id));
    }
    if (input.Owners?.length) list = list.filter((i) => ownerMatches(ctx, i, input.Owners!));
    list = list.filter((i) =>
      matchesFilters(
        input.Filters,
        {
          name: i.name,
          state: imageState(ctx, i),
          'image-id': i.id,
          architecture: i.architecture,
          'owner-id': i.ownerId,
          'owner-alias': i.public ? 'amazon' : undefined,
          'is-public': String(i.public),
          'image-type': 'machine',
          'root-device-type': 'ebs',
          'root-device-name': i.rootDeviceName,
          'virtualization-type': 'hvm',
          'platform-details': 'Linux/UNIX',
          description: i.description,
          'block-device-mapping.snapshot-id': snapshotIdsOf(i),
        },
        i.tags,
      ),
    );
    const { items, nextToken } = page(list, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { Images: items.map((i) => sdkImage(ctx, i)), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DeregisterImage: (ctx, input) => {
    checkDryRun(input);
    const id = String(input.ImageId ?? '');
    checkIdFormat(id, 'ami', 'InvalidAMIID');
    const img = ctx.world.ec2.images.find((i) => i.id === id && i.deregisteredAt === undefined);
    if (!img) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    if (img.ownerId !== ctx.world.accountId) throw ec2Error('AuthFailure', `Not authorized for image:${id}`);
    img.deregisteredAt = ctx.now;
    const deleted: { SnapshotId: string; ReturnCode: string }[] = [];
    if (input.DeleteAssociatedSnapshots) {
      for (const sid of img.snapshotIds) {
        const i = ctx.world.ec2.snapshots.findIndex((s) => s.id === sid);
        if (i >= 0) ctx.world.ec2.snapshots.splice(i, 1);
        deleted.push({ SnapshotId: sid, ReturnCode: 'success' });
      }
    }
    return { Return: true, ...(input.DeleteAssociatedSnapshots ? { DeleteSnapshotResults: deleted } : {}) };
  },

  DescribeSnapshots: (ctx, input: { SnapshotIds?: string[]; OwnerIds?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    const w = ctx.world;
    let list = w.ec2.snapshots;
    if (input.SnapshotIds?.length) {
      for (const id of input.SnapshotIds) checkIdFormat(id, 'snap', 'InvalidSnapshotID');
      const missing = input.SnapshotIds.filter((id) => !list.some((s) => s.id === id));
      if (missing.length) throw ec2Error('InvalidSnapshot.NotFound', `The snapshot '${missing.join(', ')}' does not exist.`);
      list = list.filter((s) => input.SnapshotIds!.includes(s.id));
    }
    // Every snapshot here is this account's; any other owner (amazon, another id) has none to show.
    if (input.OwnerIds?.length && !input.OwnerIds.some((o) => o === 'self' || o === w.accountId)) list = [];
    list = list.filter((s) =>
      matchesFilters(
        input.Filters,
        {
          'snapshot-id': s.id,
          'volume-id': s.volumeId,
          status: ctx.now >= (s.completedAt ?? s.createdAt) ? 'completed' : 'pending',
          'owner-id': w.accountId,
          description: s.description,
          'volume-size': String(s.volumeSize),
          encrypted: 'false',
        },
        s.tags,
      ),
    );
    const { items, nextToken } = page(list, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { Snapshots: items.map((s) => sdkSnapshot(ctx, s)), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DeleteSnapshot: (ctx, input) => {
    checkDryRun(input);
    const w = ctx.world;
    const id = String(input.SnapshotId ?? '');
    checkIdFormat(id, 'snap', 'InvalidSnapshotID');
    const i = w.ec2.snapshots.findIndex((s) => s.id === id);
    if (i < 0) throw ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    const user = w.ec2.images.find((img) => img.deregisteredAt === undefined && img.snapshotIds.includes(id));
    if (user) throw ec2Error('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${user.id}`);
    w.ec2.snapshots.splice(i, 1);
    return {};
  },
};
