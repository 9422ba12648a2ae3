/**
 * RunInstances' parameters as EC2 resolves them: a launch template's version fills what the
 * request leaves out, then everything is validated (image, type and architecture, subnet,
 * groups, instance profile, user data) with EC2's errors, before any instance exists.
 */
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, tagsFor } from './ec2-common.js';
import { checkIdFormat } from './ec2-compute-common.js';
import { instanceTypeArchitecture, instanceTypeInfo } from './ec2-instance-types.js';
import { resolveLaunchTemplate, type LaunchTemplateRef } from './ec2-launch-templates.js';
import { usableProfile } from './iam-propagation.js';
import type { LaunchOptions } from './instance-model.js';
import type { SimContext, SubnetRecord, Tag } from './types.js';

type TagSpec = { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] };
type NetworkInterfaceSpec = { DeviceIndex?: number; SubnetId?: string; AssociatePublicIpAddress?: boolean; Groups?: string[] };

/** The RunInstances fields the sandbox reads (launch template data has the same names). */
export interface RunInstancesLike {
  ImageId?: string;
  InstanceType?: string;
  SubnetId?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  NetworkInterfaces?: NetworkInterfaceSpec[];
  UserData?: string;
  MetadataOptions?: { HttpTokens?: string };
  IamInstanceProfile?: { Arn?: string; Name?: string };
  LaunchTemplate?: LaunchTemplateRef;
  TagSpecifications?: TagSpec[];
}

const TAGGABLE = ['instance', 'volume', 'network-interface'];
const USER_DATA_MAX = 16_384;

/** Request tags win over the template's on the same key; the rest are merged. */
function mergeTags(fromTemplate: Tag[], fromRequest: Tag[]): Tag[] {
  const keys = new Set(fromRequest.map((t) => t.Key));
  return [...fromTemplate.filter((t) => !keys.has(t.Key)), ...fromRequest];
}

function checkUserData(b64: string | undefined): void {
  if (b64 === undefined) return;
  const compact = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw ec2Error('InvalidParameterValue', 'Invalid BASE64 encoding of user data.');
  }
  if (Buffer.from(compact, 'base64').length > USER_DATA_MAX) throw ec2Error('InvalidParameterValue', `User data is limited to ${USER_DATA_MAX} bytes`);
}

function defaultSubnet(ctx: SimContext): SubnetRecord {
  const w = ctx.world;
  const vpc = w.ec2.vpcs.find((v) => v.isDefault);
  const subnet = vpc && w.ec2.subnets.find((s) => s.vpcId === vpc.id && s.defaultForAz);
  if (!subnet) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.');
  return subnet;
}

function resolveGroups(ctx: SimContext, subnet: SubnetRecord, ids: string[] | undefined, names: string[] | undefined): string[] {
  const w = ctx.world;
  const out: string[] = [];
  for (const id of ids ?? []) {
    checkIdFormat(id, 'sg', 'InvalidGroupId');
    const g = w.ec2.securityGroups.find((x) => x.id === id);
    if (!g) throw ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    if (g.vpcId !== subnet.vpcId) throw ec2Error('InvalidParameter', `Security group ${id} and subnet ${subnet.id} belong to different networks.`);
    out.push(id);
  }
  for (const name of names ?? []) {
    const g = w.ec2.securityGroups.find((x) => x.name === name && x.vpcId === subnet.vpcId);
    if (!g) throw ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${subnet.vpcId}'`);
    out.push(g.id);
  }
  if (!out.length) {
    const def = w.ec2.securityGroups.find((g) => g.vpcId === subnet.vpcId && g.name === 'default');
    if (def) out.push(def.id);
  }
  return [...new Set(out)];
}

function resolveProfile(ctx: SimContext, spec: { Arn?: string; Name?: string } | undefined): string | undefined {
  if (!spec || (!spec.Arn && !spec.Name)) return undefined;
  return usableProfile(ctx, spec, (message) => ec2Error('InvalidParameterValue', message)).arn;
}

/**
 * Validates a RunInstances request (or anything shaped like one, such as Auto Scaling's launch
 * from a template plus a subnet) and returns what `launchInstance` needs. Throws EC2's errors.
 */
export function resolveLaunch(ctx: SimContext, input: RunInstancesLike): LaunchOptions {
  const w = ctx.world;
  checkTagSpecTypes(input.TagSpecifications, TAGGABLE);
  let data: RunInstancesLike = {};
  let launchTemplate: LaunchOptions['launchTemplate'];
  if (input.LaunchTemplate) {
    const { template, version } = resolveLaunchTemplate(ctx, input.LaunchTemplate);
    data = version.data as RunInstancesLike;
    launchTemplate = { id: template.id, name: template.name, version: String(version.number) };
  }
  if (input.NetworkInterfaces?.length && input.SubnetId) {
    throw ec2Error('InvalidParameterCombination', 'Network interfaces and an instance-level subnet ID may not be specified on the same request');
  }
  if (input.NetworkInterfaces?.length && (input.SecurityGroupIds?.length || input.SecurityGroups?.length)) {
    throw ec2Error('InvalidParameterCombination', 'Network interfaces and an instance-level security groups may not be specified on the same request');
  }

  // Image.
  const imageId = input.ImageId ?? data.ImageId;
  if (!imageId) throw ec2Error('MissingParameter', 'The request must contain the parameter ImageId');
  checkIdFormat(imageId, 'ami', 'InvalidAMIID');
  const image = w.ec2.images.find((i) => i.id === imageId && i.deregisteredAt === undefined && (i.public || i.ownerId === w.accountId));
  if (!image) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (ctx.now < image.availableAt) throw ec2Error('InvalidAMIID.Unavailable', `The image ${imageId} is not available`);

  // Instance type (EC2's default m1.small is not offered in any region the lab uses).
  const instanceType = input.InstanceType ?? data.InstanceType ?? 'm1.small';
  if (!w.ec2.offeredInstanceTypes.includes(instanceType)) {
    if (!instanceTypeInfo(instanceType) && instanceType !== 'm1.small') {
      throw ec2Error('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);
    }
    throw ec2Error('Unsupported', `The requested configuration is currently not supported. Please check the documentation for supported configurations.`);
  }
  const typeArch = instanceTypeArchitecture(instanceType);
  if (typeArch !== image.architecture) {
    throw ec2Error(
      'InvalidParameterValue',
      `The architecture '${typeArch}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. ` +
        `Specify an instance type and an AMI that have matching architectures, and try again. ` +
        `You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
    );
  }

  // Network: request first, then the template's first interface, then the default VPC.
  const nis = input.NetworkInterfaces?.length ? input.NetworkInterfaces : data.NetworkInterfaces;
  const ni0 = nis?.find((n) => (n.DeviceIndex ?? 0) === 0);
  if (nis?.length && !ni0) throw ec2Error('InvalidParameterValue', 'Each network interface requires a device index; the primary interface must use device index 0.');
  const subnetId = input.SubnetId ?? ni0?.SubnetId;
  let subnet: SubnetRecord;
  if (subnetId) {
    checkIdFormat(subnetId, 'subnet', 'InvalidSubnetID');
    const s = w.ec2.subnets.find((x) => x.id === subnetId);
    if (!s) throw ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    subnet = s;
  } else subnet = defaultSubnet(ctx);
  const requestGroups = input.SecurityGroupIds?.length || input.SecurityGroups?.length || input.NetworkInterfaces?.length;
  const groupIds = requestGroups
    ? input.SecurityGroupIds ?? (input.NetworkInterfaces?.length ? ni0?.Groups : undefined)
    : ni0?.Groups?.length ? ni0.Groups : data.SecurityGroupIds;
  const groupNames = requestGroups ? input.SecurityGroups : data.SecurityGroups;
  const securityGroupIds = resolveGroups(ctx, subnet, groupIds, groupNames);

  const userData = input.UserData ?? data.UserData;
  checkUserData(userData);
  const httpTokens = input.MetadataOptions?.HttpTokens ?? data.MetadataOptions?.HttpTokens;
  if (httpTokens !== undefined && httpTokens !== 'required' && httpTokens !== 'optional') {
    throw ec2Error('InvalidParameterValue', `Value (${httpTokens}) for parameter HttpTokens is invalid. Valid values: optional, required`);
  }
  const iamInstanceProfileArn = resolveProfile(ctx, input.IamInstanceProfile ?? data.IamInstanceProfile);

  checkTagSpecTypes(data.TagSpecifications, [...TAGGABLE, 'spot-instances-request']);
  let tags = mergeTags(tagsFor(data.TagSpecifications, 'instance'), tagsFor(input.TagSpecifications, 'instance'));
  const volumeTags = mergeTags(tagsFor(data.TagSpecifications, 'volume'), tagsFor(input.TagSpecifications, 'volume'));
  if (launchTemplate) {
    // EC2 marks instances launched from a template with these system tags.
    tags = [...tags, { Key: 'aws:ec2launchtemplate:id', Value: launchTemplate.id }, { Key: 'aws:ec2launchtemplate:version', Value: launchTemplate.version }];
  }
  return {
    imageId,
    instanceType,
    subnetId: subnet.id,
    securityGroupIds,
    ...(userData !== undefined ? { userData } : {}),
    // Amazon Linux 2023 images ask for IMDSv2 (ImdsSupport v2.0), so tokens are required by default.
    httpTokens: (httpTokens as 'required' | 'optional' | undefined) ?? (image.public ? 'required' : 'optional'),
    ...(iamInstanceProfileArn ? { iamInstanceProfileArn } : {}),
    ...(launchTemplate ? { launchTemplate } : {}),
    ...(ni0?.AssociatePublicIpAddress !== undefined ? { associatePublicIp: ni0.AssociatePublicIpAddress } : {}),
    tags,
    volumeTags,
  };
}
