/**
 * What Auto Scaling checks of a launch template before it takes it (CreateAutoScalingGroup,
 * UpdateAutoScalingGroup with a template, StartInstanceRefresh): that EC2 could launch from it
 * now. Its image, its security groups (in the group's VPC) and its instance profile must exist —
 * the profile already visible to EC2 (`iam-propagation.ts`) — or the call is a `ValidationError`
 * "You must use a valid fully-formed launch template. …" with EC2's reason (wording from
 * terraform-provider-aws #4769, #22035, #24910 and public CloudFormation errors).
 */
import { resolveTemplate, validation, type TemplateSpec } from './autoscaling-common.js';
import { usableProfile } from './iam-propagation.js';
import type { SimContext } from './types.js';

type TemplateData = {
  ImageId?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  NetworkInterfaces?: { DeviceIndex?: number; Groups?: string[] }[];
  IamInstanceProfile?: { Arn?: string; Name?: string };
};

const FULLY_FORMED = 'You must use a valid fully-formed launch template.';

/** Throws Auto Scaling's ValidationError when EC2 could not launch from `spec` into `subnetIds`. */
export function checkLaunchable(ctx: SimContext, spec: TemplateSpec | undefined, subnetIds: string[]): void {
  const w = ctx.world;
  const r = resolveTemplate(w, spec);
  if (typeof r === 'string') throw validation(`${FULLY_FORMED} ${r}`);
  const data = r.version.data as TemplateData;
  let imageId = data.ImageId;
  if (imageId?.startsWith('resolve:ssm:')) imageId = w.ssm.parameters.find((p) => p.name === imageId!.slice(12))?.value;
  if (imageId) {
    const image = w.ec2.images.find((i) => i.id === imageId && (i.deregisteredAt === undefined || ctx.now < i.deregisteredAt));
    if (!image) throw validation(`${FULLY_FORMED} The image id '[${imageId}]' does not exist`);
  }
  const vpcIds = new Set(subnetIds.map((id) => w.ec2.subnets.find((s) => s.id === id)?.vpcId));
  const eni = data.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  for (const id of data.SecurityGroupIds ?? eni?.Groups ?? []) {
    const g = w.ec2.securityGroups.find((x) => x.id === id);
    if (!g) throw validation(`${FULLY_FORMED} The security group '${id}' does not exist`);
    if (!vpcIds.has(g.vpcId)) throw validation('One or more security groups in the launch template are not linked to the VPCs configured in the Auto Scaling group');
  }
  for (const name of data.SecurityGroups ?? []) {
    const vpcId = [...vpcIds][0] ?? '';
    if (!w.ec2.securityGroups.some((x) => x.name === name && x.vpcId === vpcId)) {
      throw validation(`The security group '${name}' does not exist in VPC '${vpcId}'`);
    }
  }
  const ip = data.IamInstanceProfile;
  if (ip?.Arn || ip?.Name) usableProfile(ctx, ip, (message) => validation(`${FULLY_FORMED} ${message}`));
}
