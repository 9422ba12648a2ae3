/**
 * The bake: the lab's "Web server for custom AMI" done by the tool. A bake security group
 * (HTTP from the caller's IP only), a t2.micro from the latest Amazon Linux 2023 image (SSM
 * public parameter, architecture from the instance type) in a public subnet with IMDSv2
 * required, running the lab's user data; once that has really finished, the image
 * `Web Server v1` (tagged on image and snapshot); then the instance and the group go.
 *
 * Resumable: an image already made is reused, one still pending is waited for (never a second),
 * a bake instance still running is reused, and leftovers of an interrupted bake are cleaned up.
 * `--image-id` skips the bake and uses that image.
 */
import { estimate } from '../engine/waits.js';
import { isAwsError, PlanError, TimeoutError, UsageError } from '../errors.js';
import type { StackConfig } from '../config/schema.js';
import type { SdkTags, SecurityGroup } from '../aws/ec2-network.js';
import type { Image, Instance } from '../aws/ec2-compute.js';
import type { ImageArchitecture } from '../aws/ssm.js';
import { known, produce, ref, type Id, type RefValues } from '../engine/refs.js';
import type { PlanRow, StepContext } from '../engine/types.js';
import { ADOPT_REASON, defineStep, isOurs, row, stackTags } from './common.js';
import { applySecurityGroup, groupId, planSecurityGroup, type SecurityGroupChange, type WantedRule } from './security-group.js';
import { waitOpts } from './network.js';
import type { BakeOut, DepsOf } from './outputs.js';
import { bakeUserData } from './user-data.js';
import {
  bakeInstanceFilters, bakeNames, isResumable, launchBakeInstance, userDataDigest, waitForUserData,
} from './bake-instance.js';

export interface BakeFound {
  /** The image `--image-id` names (no bake then). */
  given?: Image;
  /** This account's image named `image.name`: ours, or a stranger to adopt. */
  image?: Image;
  arch: ImageArchitecture;
  /** Nitro types give the live console output (`Latest`); Xen types only a buffered copy. */
  latestConsole: boolean;
  /** The stack's bake instance for this image name, still pending or running (resumed from). */
  instance?: Instance;
  /** Other bake instances of the stack not yet terminated: cleaned up. */
  leftovers: Instance[];
  /** Bake instances already shutting down: waited for before the group is deleted. */
  terminating: Instance[];
  sg?: SecurityGroup;
  /** Only when a bake is needed: */
  callerIp?: string;
  baseImageId?: string;
  subnetId?: string;
  userData?: string;
}

const IMAGE = 'AWS::EC2::Image';
const INSTANCE = 'AWS::EC2::Instance';
const SG = 'AWS::EC2::SecurityGroup';

/** What the bake's rows do. The user data itself is not in the plan (it may carry a licence key): its digest is, and apply checks it. */
export type BakeChange =
  | SecurityGroupChange
  | { op: 'launch'; imageId: string; instanceType: string; subnetId: Id; securityGroupId: Id; userDataDigest: string }
  | { op: 'image'; instanceId: Id; name: string; description: string; tags: SdkTags; latestConsole: boolean }
  | { op: 'wait-image'; imageId: string }
  | { op: 'adopt-image'; imageId: string; snapshotIds: string[]; tags: SdkTags; wait: boolean };

type Deps = DepsOf<'network'>;

/** The bake group's one rule: HTTP from the caller only (to check the page, as the lab does). */
function bakeIngress(ip: string | undefined): WantedRule[] {
  return [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidr: `${ip ?? '(your IP)'}/32`, description: 'HTTP from the asg-wizard caller' }];
}

/** The image architecture a type runs (arm64 for Graviton, else x86_64). */
function archOf(architectures: string[]): ImageArchitecture {
  return architectures.includes('x86_64') || !architectures.includes('arm64') ? 'x86_64' : 'arm64';
}

async function callerIp(ctx: StepContext): Promise<string> {
  if (ctx.config.image.myIp) return ctx.config.image.myIp;
  try {
    return await ctx.web.publicIp();
  } catch (err) {
    throw new UsageError(`cannot tell your public IP address (the bake group admits only it): ${(err as Error).message}`, 'give it with --my-ip (e.g. --my-ip 203.0.113.7)');
  }
}

async function detect(ctx: StepContext, deps: Deps): Promise<BakeFound> {
  const { aws, config, region } = ctx;
  const type = config.instances.instanceType;
  // Validated here, before any write: a type the region (or its AZs) does not offer.
  const azs = await aws.compute.instanceTypeOfferings(type, 'availability-zone');
  if (!azs.length) {
    throw new UsageError(`--instance-type (instances.instanceType) = ${type}: not offered in ${region}`, 'choose a type offered there, e.g. t3.micro (aws ec2 describe-instance-type-offerings)');
  }
  const [info] = await aws.compute.instanceTypes([type]);
  const arch = archOf(info?.architectures ?? ['x86_64']);
  const latestConsole = info?.hypervisor === 'nitro';
  const none = { arch, latestConsole, leftovers: [], terminating: [] };

  if (config.image.id) {
    const given = await aws.compute.imageById(config.image.id);
    if (!given) throw new UsageError(`--image-id (image.id) = ${config.image.id}: no such image in ${region} for account ${ctx.account}`, 'leave out --image-id to bake one');
    if (info && !info.architectures.includes(given.architecture)) {
      throw new UsageError(`--image-id (image.id) = ${config.image.id}: a ${given.architecture} image cannot run on --instance-type ${type} (${info.architectures.join(', ')})`);
    }
    return { ...none, given };
  }

  const named = (await aws.compute.findImagesByName(config.image.name)).filter((i) => i.state !== 'deregistered');
  const image = named.find((i) => isOurs(i.tags, config)) ?? named[0];
  const instances = await aws.compute.findInstances(bakeInstanceFilters(config));
  // A bake is due: its user data first (a bad --user-data writes nothing), which also decides
  // whether a bake instance left running is one to go on from (same image, type and script).
  const userData = image ? undefined : bakeUserData(config);
  const instance = userData === undefined ? undefined : instances.find((i) => (i.state === 'pending' || i.state === 'running') && isResumable(i, config, userData));
  const terminating = instances.filter((i) => i.state === 'shutting-down');
  const leftovers = instances.filter((i) => i !== instance && i.state !== 'shutting-down');
  const net = deps.network;
  const vpcId = known(net?.vpcId);
  const sg = vpcId ? await aws.network.securityGroupNamed(vpcId, bakeNames(config).securityGroup) : undefined;
  const found: BakeFound = { ...none, ...(image ? { image } : {}), ...(instance ? { instance } : {}), leftovers, terminating, ...(sg ? { sg } : {}) };
  if (image) return found;

  // Everything else the bake needs, checked now so a bad input writes nothing.
  found.userData = userData!;
  found.callerIp = await callerIp(ctx);
  const baseImageId = instance?.imageId ?? (await aws.ssm.latestAmazonLinux2023(arch));
  if (!baseImageId) throw new UsageError(`no Amazon Linux 2023 ${arch} image in ${region} (SSM public parameter not found)`, 'give an image to use with --image-id');
  found.baseImageId = baseImageId;
  const publicIds = (net?.publicSubnetIds ?? []).map((id) => known(id)).filter((id): id is string => !!id);
  if (vpcId && publicIds.length) {
    const subnets = await aws.network.listSubnets(vpcId);
    const usable = publicIds.map((id) => subnets.find((s) => s.id === id)).find((s) => s && azs.includes(s.az));
    if (!usable) {
      throw new UsageError(`--instance-type (instances.instanceType) = ${type}: not offered in the Availability Zones of the public subnets (${publicIds.join(', ')})`, 'choose another type, e.g. t3.micro');
    }
    found.subnetId = usable.id;
  }
  return found;
}

const STEP = 'bake';
const INSTANCE_KEY = `${STEP}/instance`;
const IMAGE_KEY = `${STEP}/image`;

function sgRow(config: StackConfig, found: BakeFound, deps: Deps): PlanRow<SecurityGroupChange> {
  return planSecurityGroup(config, {
    step: STEP, local: 'sg', name: bakeNames(config).securityGroup,
    description: `asg-wizard ${config.stack}: HTTP to the bake instance from the caller only`,
    vpcId: deps.network?.vpcId ?? '(no VPC)', sg: found.sg, want: bakeIngress(found.callerIp),
  });
}

function plan(config: StackConfig, found: BakeFound, deps: Deps): PlanRow<BakeChange>[] {
  const names = bakeNames(config);
  const given = found.given;
  if (given) {
    const name = given.name || given.id;
    if (given.state === 'available') return [row(STEP, 'image', 'reuse', IMAGE, name, { id: given.id, detail: 'given by --image-id: no bake' })];
    if (given.state === 'pending') return [row(STEP, 'image', 'create', IMAGE, name, { id: given.id, detail: 'pending: waiting', change: { op: 'wait-image', imageId: given.id } })];
    return [row(STEP, 'image', 'conflict', IMAGE, name, { id: given.id, reason: `image ${given.id} is ${given.state}: it cannot be launched; give another --image-id` })];
  }
  const img = found.image;
  if (img) {
    const ours = isOurs(img.tags, config);
    const pending = img.state === 'pending';
    if (img.state !== 'available' && !pending) {
      return [row(STEP, 'image', 'conflict', IMAGE, img.name, {
        id: img.id,
        reason: `image ${img.id} is ${img.state}${img.stateReason ? ` (${img.stateReason})` : ''}: deregister it (aws ec2 deregister-image --image-id ${img.id}) or bake under another --image-name`,
      })];
    }
    if (!ours) {
      return [row(STEP, 'image', 'adopt', IMAGE, img.name, {
        id: img.id, ...(pending ? { detail: 'pending: waiting' } : {}), reason: ADOPT_REASON,
        change: { op: 'adopt-image', imageId: img.id, snapshotIds: img.snapshotIds, tags: stackTags(config), wait: pending },
      })];
    }
    return [pending
      ? row(STEP, 'image', 'create', IMAGE, img.name, { id: img.id, detail: 'pending: waiting', change: { op: 'wait-image', imageId: img.id } })
      : row(STEP, 'image', 'reuse', IMAGE, img.name, { id: img.id })];
  }
  const sg = sgRow(config, found, deps);
  const inst = found.instance;
  const type = config.instances.instanceType;
  const subnetId: Id = found.subnetId ?? deps.network?.publicSubnetIds[0] ?? '(no subnet)';
  const instanceRow: PlanRow<BakeChange> = inst
    ? row(STEP, 'instance', 'reuse', INSTANCE, names.instance, { id: inst.id, detail: `${inst.state}: the bake goes on from it` })
    : row(STEP, 'instance', 'create', INSTANCE, names.instance, {
      detail: `${type}, Amazon Linux 2023 ${found.arch}${found.baseImageId ? ` ${found.baseImageId}` : ''}, public IP in ${typeof subnetId === 'string' ? subnetId : 'the first public subnet'}, IMDSv2 required`,
      change: { op: 'launch', imageId: found.baseImageId!, instanceType: type, subnetId, securityGroupId: groupId(sg), userDataDigest: userDataDigest(found.userData!) },
    });
  const name = config.image.name;
  return [sg, instanceRow, row(STEP, 'image', 'create', IMAGE, name, {
    detail: 'once the user data has finished; tagged on image and snapshot',
    change: {
      op: 'image', instanceId: inst?.id ?? ref(INSTANCE_KEY, 'id', names.instance), name, tags: stackTags(config, name), latestConsole: found.latestConsole,
      description: `asg-wizard ${config.stack}: the lab's web server (Amazon Linux 2023, httpd, PHP), baked from the bake instance`,
    },
  })];
}

/** What the bake leaves to its clean-up: the instances to terminate and wait for, and the group. */
function leftovers(config: StackConfig, found: BakeFound, deps: Deps): NonNullable<BakeOut['cleanup']> {
  const baking = !found.given && !found.image;
  const sgOurs = found.sg && isOurs(found.sg.tags, config) ? found.sg.id : undefined;
  const instances: { id: Id; leftover: boolean }[] = found.leftovers.map((i) => ({ id: i.id, leftover: true }));
  if (baking) instances.unshift({ id: found.instance?.id ?? ref(INSTANCE_KEY, 'id', bakeNames(config).instance), leftover: false });
  const sgId = baking ? groupId(sgRow(config, found, deps)) : sgOurs;
  return { instances, terminating: found.terminating.map((i) => i.id), ...(sgId ? { securityGroupId: sgId } : {}) };
}

function outputs(config: StackConfig, found: BakeFound, deps: Deps): BakeOut {
  const img = found.given ?? found.image;
  const cleanup = found.given ? undefined : leftovers(config, found, deps);
  return {
    imageId: img?.id ?? ref(IMAGE_KEY, 'id', config.image.name),
    imageName: img ? img.name || img.id : config.image.name,
    ...(cleanup ? { cleanup } : {}),
  };
}

/** Creates the image, or finds it when an earlier try's CreateImage went through after all. */
async function createImage(ctx: StepContext, c: { instanceId: string; name: string; description: string; tags: SdkTags }): Promise<string> {
  const { aws, config } = ctx;
  try {
    return await aws.compute.createImage({ instanceId: c.instanceId, name: c.name, tags: c.tags, snapshotTags: c.tags, description: `${c.description} ${c.instanceId}` });
  } catch (err) {
    if (!isAwsError(err, 'InvalidAMIName.Duplicate')) throw err;
    const mine = (await aws.compute.findImagesByName(c.name)).find((i) => isOurs(i.tags, config));
    if (!mine) throw err;
    return mine.id;
  }
}

async function waitForImage(ctx: StepContext, id: string): Promise<void> {
  ctx.progress.update(`image pending… ${id} (${estimate('image-available')})`);
  await ctx.aws.compute.waitUntilImageAvailable(id, waitOpts(ctx, 'image-available'));
}

/**
 * Carries out the bake's rows: the group, the launch (or the instance resumed), then — once the
 * user data's completion signal says it succeeded, the only gate — the image, waited for until
 * available. The instance and the group are left to the clean-up step, which runs beside the
 * launch template and the group (nothing downstream needs them gone).
 */
async function applyBake(ctx: StepContext, rows: PlanRow<BakeChange>[], refs: RefValues): Promise<void> {
  const { aws, config } = ctx;
  for (const r of rows) {
    if (r.id) produce(refs, r, 'id', r.id);
    if (!r.change) continue;
    if (r.key === `${STEP}/sg`) {
      await applySecurityGroup(ctx, r as PlanRow<SecurityGroupChange>, refs);
      continue;
    }
    const c = refs.resolve(r.change);
    await ctx.forRow(r, async () => {
      switch (c.op) {
        case 'launch': {
          // Built again from the same inputs; the plan holds only its digest (it may carry a licence key).
          const userData = bakeUserData(config);
          if (userDataDigest(userData) !== c.userDataDigest) throw new PlanError('bake: the user data changed since the plan was made: run plan again');
          const instance = await launchBakeInstance(ctx, { imageId: c.imageId, instanceType: c.instanceType, subnetId: c.subnetId, securityGroupId: c.securityGroupId, userData });
          produce(refs, r, 'id', instance.id);
          break;
        }
        case 'image': {
          ctx.progress.update(`waiting for the bake instance ${c.instanceId} to run (${estimate('instance-running')})`);
          // The launch answer comes before the public IP is assigned; the wait's last answer has it.
          const [instance] = await aws.compute.runningInstances([c.instanceId], waitOpts(ctx, 'instance-running'));
          if (!instance) throw new PlanError(`bake: the bake instance ${c.instanceId} is gone: run the bake again`);
          ctx.progress.update(`waiting for the user data to finish (${estimate('user-data')})`);
          await waitForUserData(ctx, instance, c.latestConsole);
          ctx.progress.update(`creating image ${c.name}`);
          const imageId = await createImage(ctx, c);
          produce(refs, r, 'id', imageId);
          await waitForImage(ctx, imageId);
          break;
        }
        case 'wait-image':
          await waitForImage(ctx, c.imageId);
          break;
        case 'adopt-image':
          await aws.network.tagResources([c.imageId, ...c.snapshotIds], c.tags);
          if (c.wait) await waitForImage(ctx, c.imageId);
          break;
        default:
          throw new Error(`bake: unexpected change ${c.op}`);
      }
    });
  }
}

export const bakeStep = defineStep<'bake', 'network', BakeFound, BakeChange>({
  id: STEP,
  title: 'Bake (AMI)',
  needs: ['network'],
  detect,
  plan,
  outputs,
  fingerprint: (f) => ({
    given: f.given ? { id: f.given.id, state: f.given.state } : null,
    image: f.image ? { id: f.image.id, state: f.image.state, tags: f.image.tags } : null,
    instance: f.instance ? { id: f.instance.id, imageId: f.instance.imageId } : null,
    leftovers: f.leftovers.map((i) => i.id),
    terminating: f.terminating.map((i) => i.id),
    sg: f.sg ? { id: f.sg.id, ingress: f.sg.ingress, tags: f.sg.tags } : null,
    callerIp: f.callerIp ?? null,
    baseImageId: f.baseImageId ?? null,
    subnetId: f.subnetId ?? null,
    arch: f.arch,
  }),
  async apply(ctx, rows, _deps, refs) {
    try {
      await applyBake(ctx, rows, refs);
    } catch (err) {
      // Name the step, as AWS errors do (the engine wraps those).
      if (err instanceof TimeoutError && !err.message.startsWith('bake: ')) throw new TimeoutError(`bake: ${err.message}`, err.suggestion, { cause: err });
      throw err;
    }
  },
});
