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
import { isAwsError, TimeoutError, UsageError } from '../errors.js';
import type { StackConfig } from '../config/schema.js';
import type { IngressRule, SecurityGroup } from '../aws/ec2-network.js';
import type { Image, Instance } from '../aws/ec2-compute.js';
import type { ImageArchitecture } from '../aws/ssm.js';
import type { Outputs, PlanRow, Step, StepContext } from '../engine/types.js';
import { ADOPT_REASON, isOurs, row, stackTags } from './common.js';
import { applySecurityGroup, planSecurityGroup } from './load-balancer.js';
import { waitOpts, type NetworkOut } from './network.js';
import type { BakeOut } from './outputs.js';
import { bakeUserData } from './user-data.js';
import {
  bakeInstanceFilters, bakeNames, cleanUpBake, isResumable, launchBakeInstance, waitForUserData,
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

/** The bake group's one rule: HTTP from the caller only (to check the page, as the lab does). */
function bakeIngress(ip: string | undefined): IngressRule[] {
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

async function detect(ctx: StepContext, deps: Outputs): Promise<BakeFound> {
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
  const net = deps.network as Partial<NetworkOut> | undefined;
  const sg = net?.vpcId ? await aws.network.findSecurityGroupByName(net.vpcId, bakeNames(config).securityGroup) : undefined;
  const found: BakeFound = { ...none, ...(image ? { image } : {}), ...(instance ? { instance } : {}), leftovers, terminating, ...(sg ? { sg } : {}) };
  if (image) return found;

  // Everything else the bake needs, checked now so a bad input writes nothing.
  found.userData = userData!;
  found.callerIp = await callerIp(ctx);
  const baseImageId = instance?.imageId ?? (await aws.ssm.latestAmazonLinux2023(arch));
  if (!baseImageId) throw new UsageError(`no Amazon Linux 2023 ${arch} image in ${region} (SSM public parameter not found)`, 'give an image to use with --image-id');
  found.baseImageId = baseImageId;
  if (net?.vpcId && net.publicSubnetIds?.length) {
    const subnets = await aws.network.listSubnets(net.vpcId);
    const usable = net.publicSubnetIds.map((id) => subnets.find((s) => s.id === id)).find((s) => s && azs.includes(s.az));
    if (!usable) {
      throw new UsageError(`--instance-type (instances.instanceType) = ${type}: not offered in the Availability Zones of the public subnets (${net.publicSubnetIds.join(', ')})`, 'choose another type, e.g. t3.micro');
    }
    found.subnetId = usable.id;
  }
  return found;
}

function plan(config: StackConfig, found: BakeFound): PlanRow[] {
  const names = bakeNames(config);
  const given = found.given;
  if (given) {
    const name = given.name || given.id;
    if (given.state === 'available') return [row('bake', 'reuse', IMAGE, name, { id: given.id, detail: 'given by --image-id: no bake' })];
    if (given.state === 'pending') return [row('bake', 'create', IMAGE, name, { id: given.id, detail: 'pending: waiting' })];
    return [row('bake', 'conflict', IMAGE, name, { id: given.id, reason: `image ${given.id} is ${given.state}: it cannot be launched; give another --image-id` })];
  }
  const rows: PlanRow[] = [];
  const cleanup = () => {
    for (const i of found.leftovers) rows.push(row('bake', 'delete', INSTANCE, i.tags.Name ?? names.instance, { id: i.id, detail: `${i.state}: left over from an earlier bake, terminated` }));
    if (found.sg && isOurs(found.sg.tags, config)) rows.push(row('bake', 'delete', SG, names.securityGroup, { id: found.sg.id, detail: 'left over from an earlier bake, deleted' }));
  };
  const img = found.image;
  if (img) {
    const ours = isOurs(img.tags, config);
    if (img.state === 'available') rows.push(row('bake', ours ? 'reuse' : 'adopt', IMAGE, img.name, { id: img.id, ...(ours ? {} : { reason: ADOPT_REASON }) }));
    else if (img.state === 'pending') rows.push(row('bake', ours ? 'create' : 'adopt', IMAGE, img.name, { id: img.id, detail: 'pending: waiting', ...(ours ? {} : { reason: ADOPT_REASON }) }));
    else {
      rows.push(row('bake', 'conflict', IMAGE, img.name, {
        id: img.id,
        reason: `image ${img.id} is ${img.state}${img.stateReason ? ` (${img.stateReason})` : ''}: deregister it (aws ec2 deregister-image --image-id ${img.id}) or bake under another --image-name`,
      }));
    }
    cleanup();
    return rows;
  }
  rows.push(planSecurityGroup('bake', config, names.securityGroup, found.sg, bakeIngress(found.callerIp)));
  const inst = found.instance;
  const type = config.instances.instanceType;
  rows.push(inst
    ? row('bake', 'reuse', INSTANCE, names.instance, { id: inst.id, detail: `${inst.state}: the bake goes on from it` })
    : row('bake', 'create', INSTANCE, names.instance, {
      detail: `${type}, Amazon Linux 2023 ${found.arch}${found.baseImageId ? ` ${found.baseImageId}` : ''}, public IP in ${found.subnetId ?? 'the first public subnet'}, IMDSv2 required`,
    }));
  rows.push(row('bake', 'create', IMAGE, config.image.name, { detail: 'once the user data has finished; tagged on image and snapshot' }));
  rows.push(row('bake', 'delete', INSTANCE, names.instance, { ...(inst ? { id: inst.id } : {}), detail: 'terminated once the image is available' }));
  for (const i of found.leftovers) rows.push(row('bake', 'delete', INSTANCE, i.tags.Name ?? names.instance, { id: i.id, detail: `${i.state}: left over from an earlier bake, terminated` }));
  rows.push(row('bake', 'delete', SG, names.securityGroup, { ...(found.sg ? { id: found.sg.id } : {}), detail: 'deleted once the bake instance is gone' }));
  return rows;
}

function outputs(found: BakeFound): Partial<BakeOut> {
  const img = found.given ?? found.image;
  return img ? { imageId: img.id, imageName: img.name || img.id } : {};
}

/** Creates the image, or finds it when an earlier try's CreateImage went through after all. */
async function createImage(ctx: StepContext, instanceId: string): Promise<string> {
  const { aws, config } = ctx;
  const name = config.image.name;
  try {
    return await aws.compute.createImage({
      instanceId, name, tags: stackTags(config, name), snapshotTags: stackTags(config, name),
      description: `asg-wizard ${config.stack}: the lab's web server (Amazon Linux 2023, httpd, PHP), baked from ${instanceId}`,
    });
  } catch (err) {
    if (!isAwsError(err, 'InvalidAMIName.Duplicate')) throw err;
    const mine = (await aws.compute.findImagesByName(name)).find((i) => isOurs(i.tags, config));
    if (!mine) throw err;
    return mine.id;
  }
}

async function waitForImage(ctx: StepContext, id: string): Promise<void> {
  ctx.progress.update(`image pending… ${id} (AWS: 3–10 min)`);
  await ctx.aws.compute.waitUntilImageAvailable(id, waitOpts(ctx, 'image-available'));
}

async function applyBake(ctx: StepContext, found: BakeFound, rows: PlanRow[], deps: Outputs): Promise<BakeOut> {
  const { aws, config } = ctx;
  const names = bakeNames(config);
  const setIds = (type: string, id: string, action?: string) => {
    for (const r of rows) if (r.type === type && (!action || r.action === action) && !r.id) r.id = id;
  };
  const given = found.given ?? found.image;
  if (given) {
    if (!found.given && !isOurs(given.tags, config)) await aws.network.tagResources([given.id, ...given.snapshotIds], stackTags(config));
    if (given.state === 'pending') await waitForImage(ctx, given.id);
    if (!found.given) {
      const sgId = found.sg && isOurs(found.sg.tags, config) ? found.sg.id : undefined;
      await cleanUpBake(ctx, { terminate: found.leftovers.map((i) => i.id), alsoWaitFor: found.terminating.map((i) => i.id), ...(sgId ? { securityGroupId: sgId } : {}) });
    }
    return { imageId: given.id, imageName: given.name || given.id };
  }

  const net = deps.network as NetworkOut;
  ctx.progress.update(`security group ${names.securityGroup}`);
  const sgId = await applySecurityGroup(ctx, {
    vpcId: net.vpcId, name: names.securityGroup, sg: found.sg, want: bakeIngress(found.callerIp),
    description: `asg-wizard ${config.stack}: HTTP to the bake instance from the caller only`,
  });
  setIds(SG, sgId);
  let instance = found.instance ?? (await launchBakeInstance(ctx, {
    imageId: found.baseImageId!, instanceType: config.instances.instanceType, subnetId: found.subnetId ?? net.publicSubnetIds[0]!,
    securityGroupId: sgId, userData: found.userData!,
  }));
  setIds(INSTANCE, instance.id);
  ctx.progress.update(`waiting for the bake instance ${instance.id} to run`);
  await aws.compute.waitUntilRunning([instance.id], waitOpts(ctx, 'instance-running'));
  ctx.progress.update('waiting for the bake instance to pass status checks (AWS: 2–4 min)');
  await aws.compute.waitUntilStatusOk([instance.id], waitOpts(ctx, 'status-checks'));
  // The launch answer comes before the public IP is assigned; read it now.
  instance = (await aws.compute.instanceById(instance.id)) ?? instance;
  ctx.progress.update('waiting for the user data to finish');
  await waitForUserData(ctx, instance, found.latestConsole);
  ctx.progress.update(`creating image ${config.image.name}`);
  const imageId = await createImage(ctx, instance.id);
  setIds(IMAGE, imageId);
  await waitForImage(ctx, imageId);
  await cleanUpBake(ctx, {
    terminate: [instance.id, ...found.leftovers.map((i) => i.id)], alsoWaitFor: found.terminating.map((i) => i.id), securityGroupId: sgId,
  });
  return { imageId, imageName: config.image.name };
}

async function apply(ctx: StepContext, found: BakeFound, rows: PlanRow[], deps: Outputs): Promise<BakeOut> {
  try {
    return await applyBake(ctx, found, rows, deps);
  } catch (err) {
    // Name the step, as AWS errors do (the engine wraps those).
    if (err instanceof TimeoutError && !err.message.startsWith('bake: ')) throw new TimeoutError(`bake: ${err.message}`, err.suggestion, { cause: err });
    throw err;
  }
}

export const bakeStep: Step<BakeFound, BakeOut> = {
  id: 'bake',
  title: 'Bake (AMI)',
  needs: ['network'],
  detect,
  plan: (config, found) => plan(config, found),
  outputs: (_config, found) => outputs(found),
  apply,
};
