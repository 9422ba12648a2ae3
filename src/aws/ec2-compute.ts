/**
 * EC2 compute calls the steps use: instances (run, find, status checks, console output,
 * terminate), images (create, find, deregister) and instance types. Launch templates live in
 * `launch-templates.ts`. Every create tags in the create call: instance and volume, image and
 * snapshot.
 */
import {
  CreateImageCommand, DeleteSnapshotCommand, DeregisterImageCommand, paginateDescribeSnapshots, DescribeImagesCommand,
  DescribeInstancesCommand, GetConsoleOutputCommand, RunInstancesCommand, TerminateInstancesCommand,
  paginateDescribeImages, paginateDescribeInstanceTypeOfferings, paginateDescribeInstanceTypes, paginateDescribeInstances,
  waitUntilImageAvailable, waitUntilInstanceRunning, waitUntilInstanceTerminated,
  type DescribeInstancesCommandOutput, type EC2Client, type Filter, type Image as SdkImage, type Instance as SdkInstance, type _InstanceType,
} from '@aws-sdk/client-ec2';
import { awsCall, isAwsError, undefinedIfNotFound } from '../errors.js';
import { tagMap, type TagMap } from './tags.js';
import type { SdkTags } from './ec2-network.js';
import { AWS_PROPAGATION, NOT_YET, untilVisible, type PropagationPolicy } from './consistency.js';
import { runWaiter, type WaitOptions } from './waiter.js';

export interface Instance {
  id: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  instanceType: string;
  imageId: string;
  subnetId?: string;
  az?: string;
  publicIp?: string;
  privateIp?: string;
  securityGroupIds: string[];
  httpTokens?: string;
  launchedAt?: Date;
  stateReason?: string;
  tags: TagMap;
}

export interface Image {
  id: string;
  name: string;
  /** pending | available | invalid | deregistered | transient | failed | error | disabled */
  state: string;
  ownerId: string;
  public: boolean;
  architecture: string;
  snapshotIds: string[];
  createdAt?: string;
  stateReason?: string;
  tags: TagMap;
}

/** An EBS snapshot (the image's root volume copy). */
export interface Snapshot { id: string; state: string; description: string; tags: TagMap }

export interface InstanceTypeInfo {
  instanceType: string;
  /** e.g. ['i386', 'x86_64'] for t2, ['arm64'] for Graviton. */
  architectures: string[];
  /** `nitro` or `xen`; only Nitro types give the latest console output on request. */
  hypervisor?: string;
}

export interface RunInstanceParams {
  imageId: string;
  instanceType: string;
  /** A public subnet; the instance gets a public IP through its primary interface. */
  subnetId: string;
  securityGroupIds: string[];
  /** Plain text; base64-encoded here, as RunInstances wants it. */
  userData?: string;
  instanceProfileArn?: string;
  /** Same token, same parameters → EC2 returns the first call's instance instead of a second. */
  clientToken: string;
  tags: SdkTags;
  volumeTags?: SdkTags;
}

const tagSpec = (type: string, tags: SdkTags) => ({ ResourceType: type as never, Tags: tags });

function toInstance(i: SdkInstance): Instance {
  return {
    id: i.InstanceId!,
    state: i.State?.Name ?? 'unknown',
    instanceType: i.InstanceType ?? '',
    imageId: i.ImageId ?? '',
    ...(i.SubnetId ? { subnetId: i.SubnetId } : {}),
    ...(i.Placement?.AvailabilityZone ? { az: i.Placement.AvailabilityZone } : {}),
    ...(i.PublicIpAddress ? { publicIp: i.PublicIpAddress } : {}),
    ...(i.PrivateIpAddress ? { privateIp: i.PrivateIpAddress } : {}),
    securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId!).filter(Boolean),
    ...(i.MetadataOptions?.HttpTokens ? { httpTokens: i.MetadataOptions.HttpTokens } : {}),
    ...(i.LaunchTime ? { launchedAt: i.LaunchTime } : {}),
    ...(i.StateReason?.Message ? { stateReason: i.StateReason.Message } : {}),
    tags: tagMap(i.Tags),
  };
}

function toImage(i: SdkImage): Image {
  return {
    id: i.ImageId!,
    name: i.Name ?? '',
    state: i.State ?? 'unknown',
    ownerId: i.OwnerId ?? '',
    public: !!i.Public,
    architecture: i.Architecture ?? 'x86_64',
    snapshotIds: (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId).filter((s): s is string => !!s),
    ...(i.CreationDate ? { createdAt: i.CreationDate } : {}),
    ...(i.StateReason?.Message ? { stateReason: i.StateReason.Message } : {}),
    tags: tagMap(i.Tags),
  };
}

/** The EC2 compute adapter (launch templates excepted). */
export class Ec2ComputeApi {
  constructor(private readonly client: EC2Client, private readonly propagation: PropagationPolicy = AWS_PROPAGATION) {}

  /**
   * Launches one instance, tagged at launch, IMDSv2 required, with a public IP in its subnet. A
   * group or subnet made a moment ago may not be visible yet: retried (the token keeps it one instance).
   */
  async runInstance(p: RunInstanceParams): Promise<Instance> {
    const out = await awsCall('RunInstances', p.tags.find((t) => t.Key === 'Name')?.Value, () => untilVisible(this.propagation, [NOT_YET.securityGroup, NOT_YET.subnet], () =>
      this.client.send(new RunInstancesCommand({
        ImageId: p.imageId,
        InstanceType: p.instanceType as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        ClientToken: p.clientToken,
        // Groups go on the interface: EC2 refuses instance-level groups beside NetworkInterfaces.
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: p.subnetId, AssociatePublicIpAddress: true, Groups: p.securityGroupIds, DeleteOnTermination: true }],
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
        ...(p.userData !== undefined ? { UserData: Buffer.from(p.userData, 'utf8').toString('base64') } : {}),
        ...(p.instanceProfileArn ? { IamInstanceProfile: { Arn: p.instanceProfileArn } } : {}),
        TagSpecifications: [tagSpec('instance', p.tags), tagSpec('volume', p.volumeTags ?? p.tags)],
      })),
    ));
    return toInstance(out.Instances![0]!);
  }

  /** Instances matching `filters` (server-side), every page. */
  async findInstances(filters: Filter[]): Promise<Instance[]> {
    const out: Instance[] = [];
    await awsCall('DescribeInstances', undefined, async () => {
      for await (const page of paginateDescribeInstances({ client: this.client }, { Filters: filters })) {
        for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(toInstance(i));
      }
    });
    return out;
  }

  /** One instance by id, or undefined when EC2 does not know it (any more). */
  async instanceById(id: string): Promise<Instance | undefined> {
    return undefinedIfNotFound(['InvalidInstanceID.NotFound'], async () => {
      const out = await awsCall('DescribeInstances', id, () => this.client.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
      const i = out.Reservations?.[0]?.Instances?.[0];
      return i ? toInstance(i) : undefined;
    });
  }

  /**
   * The instance's console output, decoded. `latest` asks for the live serial console, which only
   * Nitro types give; without it EC2 posts a buffered copy shortly after state changes only.
   */
  async consoleOutput(id: string, latest: boolean): Promise<{ text: string; timestamp?: Date }> {
    const get = (withLatest: boolean) => awsCall('GetConsoleOutput', id, () =>
      this.client.send(new GetConsoleOutputCommand({ InstanceId: id, ...(withLatest ? { Latest: true } : {}) })));
    let out;
    try {
      out = await get(latest);
    } catch (err) {
      // A type that cannot give the latest output refuses the flag; the buffered copy still answers.
      if (!latest || !isAwsError(err, 'UnsupportedOperation', 'InvalidParameterValue', 'InvalidParameterCombination', 'InvalidParameter')) throw err;
      out = await get(false);
    }
    const text = out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '';
    return { text, ...(out.Timestamp ? { timestamp: out.Timestamp } : {}) };
  }

  /** Terminates the instances (one launched a moment ago may not be visible yet: retried). */
  async terminateInstances(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await awsCall('TerminateInstances', ids.join(','), () =>
      untilVisible(this.propagation, [NOT_YET.instance], () => this.client.send(new TerminateInstancesCommand({ InstanceIds: ids }))));
  }

  /**
   * Waits until the instances run and gives them as EC2 then describes them (with the public IP,
   * which the launch's answer lacks): no read after the wait. Instances just launched may not be
   * visible yet (retried); ones already running cost no waiter.
   */
  async runningInstances(ids: string[], wait: WaitOptions): Promise<Instance[]> {
    let out = await awsCall('DescribeInstances', ids.join(','), () =>
      untilVisible(this.propagation, [NOT_YET.instance], () => this.client.send(new DescribeInstancesCommand({ InstanceIds: ids }))));
    const described = (o: DescribeInstancesCommandOutput) => (o.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(toInstance);
    if (described(out).some((i) => i.state !== 'running') || described(out).length < ids.length) {
      // The waiter checks at once: a first delay here keeps it from reading again what was just read.
      await new Promise((r) => setTimeout(r, wait.minDelay * 1000));
      await runWaiter(`instance ${ids.join(', ')} to run`, wait, async (w) => {
        // On success a waiter hands back the last answer it polled.
        const last = (await waitUntilInstanceRunning({ client: this.client, ...w }, { InstanceIds: ids })).reason as DescribeInstancesCommandOutput | undefined;
        if (last?.Reservations) out = last;
      }, () => this.describeStates(ids));
    }
    return described(out);
  }

  async waitUntilTerminated(ids: string[], wait: WaitOptions): Promise<void> {
    if (!ids.length) return;
    await runWaiter(`instance ${ids.join(', ')} to terminate`, wait,
      (w) => waitUntilInstanceTerminated({ client: this.client, ...w }, { InstanceIds: ids }),
      () => this.describeStates(ids));
  }

  /** Creates an image of the instance; the image and its snapshot carry their tags from the start. */
  async createImage(p: { instanceId: string; name: string; description: string; tags: SdkTags; snapshotTags: SdkTags }): Promise<string> {
    const out = await awsCall('CreateImage', p.name, () => untilVisible(this.propagation, [NOT_YET.instance], () =>
      this.client.send(new CreateImageCommand({
        InstanceId: p.instanceId, Name: p.name, Description: p.description,
        TagSpecifications: [tagSpec('image', p.tags), tagSpec('snapshot', p.snapshotTags)],
      })),
    ));
    return out.ImageId!;
  }

  /** Images by owner (`self`, `amazon`, an account id) and filters, every page. */
  async findImages(filters: Filter[], owners: string[] = ['self']): Promise<Image[]> {
    const out: Image[] = [];
    await awsCall('DescribeImages', undefined, async () => {
      for await (const page of paginateDescribeImages({ client: this.client }, { Owners: owners, Filters: filters })) {
        for (const i of page.Images ?? []) out.push(toImage(i));
      }
    });
    return out;
  }

  /** This account's images named `name` (names are unique per account and region). */
  async findImagesByName(name: string): Promise<Image[]> {
    return this.findImages([{ Name: 'name', Values: [name] }], ['self']);
  }

  /** One image by id (ours, public or shared with us), or undefined when EC2 does not know it. */
  async imageById(id: string): Promise<Image | undefined> {
    return undefinedIfNotFound(['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable'], async () => {
      const out = await awsCall('DescribeImages', id, () => this.client.send(new DescribeImagesCommand({ ImageIds: [id] })));
      const i = out.Images?.[0];
      return i ? toImage(i) : undefined;
    });
  }

  /** Waits until the image is `available` (AWS: 3–10 minutes for an 8 GB root volume). */
  async waitUntilImageAvailable(id: string, wait: WaitOptions): Promise<void> {
    await runWaiter(`image ${id} to become available`, wait,
      (w) => waitUntilImageAvailable({ client: this.client, ...w }, { ImageIds: [id] }),
      async () => {
        const img = await this.imageById(id);
        return img ? `${img.state}${img.stateReason ? ` (${img.stateReason})` : ''}` : 'not found';
      });
  }

  /** Deregisters the image and, when asked, deletes its snapshots in the same call. */
  async deregisterImage(id: string, deleteSnapshots = true): Promise<void> {
    await awsCall('DeregisterImage', id, () => this.client.send(new DeregisterImageCommand({ ImageId: id, DeleteAssociatedSnapshots: deleteSnapshots })));
  }

  /** This account's snapshots matching the filters, every page. */
  async findSnapshots(filters: Filter[]): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    await awsCall('DescribeSnapshots', undefined, async () => {
      for await (const page of paginateDescribeSnapshots({ client: this.client }, { OwnerIds: ['self'], Filters: filters })) {
        for (const s of page.Snapshots ?? []) out.push({ id: s.SnapshotId!, state: s.State ?? 'unknown', description: s.Description ?? '', tags: tagMap(s.Tags) });
      }
    });
    return out;
  }

  /** Deletes a snapshot (refused while a registered image uses it: `InvalidSnapshot.InUse`). */
  async deleteSnapshot(id: string): Promise<void> {
    await awsCall('DeleteSnapshot', id, () => this.client.send(new DeleteSnapshotCommand({ SnapshotId: id })));
  }

  /** What EC2 says about the types (architectures, hypervisor). */
  async instanceTypes(types: string[]): Promise<InstanceTypeInfo[]> {
    const out: InstanceTypeInfo[] = [];
    await awsCall('DescribeInstanceTypes', types.join(','), async () => {
      for await (const page of paginateDescribeInstanceTypes({ client: this.client }, { InstanceTypes: types as _InstanceType[] })) {
        for (const t of page.InstanceTypes ?? []) {
          out.push({
            instanceType: t.InstanceType!, architectures: t.ProcessorInfo?.SupportedArchitectures ?? [],
            ...(t.Hypervisor ? { hypervisor: t.Hypervisor } : {}),
          });
        }
      }
    });
    return out;
  }

  /** Where `type` is offered: the region itself, or its AZ names (`availability-zone`). Empty: not offered. */
  async instanceTypeOfferings(type: string, locationType: 'region' | 'availability-zone' = 'region'): Promise<string[]> {
    const out: string[] = [];
    await awsCall('DescribeInstanceTypeOfferings', type, async () => {
      const input = { LocationType: locationType, Filters: [{ Name: 'instance-type', Values: [type] }] };
      for await (const page of paginateDescribeInstanceTypeOfferings({ client: this.client }, input)) {
        for (const o of page.InstanceTypeOfferings ?? []) if (o.Location) out.push(o.Location);
      }
    });
    return out;
  }

  private async describeStates(ids: string[]): Promise<string> {
    const out = await awsCall('DescribeInstances', ids.join(','), () => this.client.send(new DescribeInstancesCommand({ InstanceIds: ids })));
    const all = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(toInstance);
    return all.map((i) => `${i.id} ${i.state}${i.stateReason && i.stateReason !== i.state ? ` (${i.stateReason})` : ''}`).join('; ') || 'not found';
  }
}
