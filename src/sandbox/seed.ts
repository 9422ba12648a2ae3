/**
 * A new sandbox account as AWS hands one out: a default VPC in every AZ of the region (public
 * subnets, internet gateway, main route table, `default` security group), and the public
 * Amazon Linux 2023 images with their SSM public parameters.
 */
import type { World } from './types.js';
import { newId } from './store.js';

export const SANDBOX_ACCOUNT = '123456789012';
export const AMAZON_OWNER = '137112412989';
export const AL2023_X86_PARAM = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
export const AL2023_ARM_PARAM = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

const OFFERED_TYPES = [
  't2.nano', 't2.micro', 't2.small', 't2.medium', 't2.large',
  't3.nano', 't3.micro', 't3.small', 't3.medium', 't3.large',
  't4g.nano', 't4g.micro', 't4g.small', 't4g.medium',
  'm5.large', 'm5.xlarge', 'm6i.large', 'm7g.large', 'c5.large', 'c6i.large', 'c7g.large', 'r5.large',
];

function azLetters(region: string): string[] {
  // Seoul has no "b" for new accounts' default subnets in the lab screenshots; keep a, b, c, d like AWS lists.
  return region === 'us-east-1' ? ['a', 'b', 'c', 'd', 'e', 'f'] : ['a', 'b', 'c', 'd'];
}

const DIRECTIONS: Record<string, string> = {
  northeast: 'ne', southeast: 'se', northwest: 'nw', southwest: 'sw', north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
};

/** `ap-northeast-2` → `apne2`, as AWS's AZ ids read (`apne2-az1`). */
function azIdPrefix(region: string): string {
  const [area = '', dir = '', n = ''] = region.split('-');
  return `${area}${DIRECTIONS[dir] ?? dir.slice(0, 1)}${n}`;
}

export function seedWorld(region: string): World {
  const world: World = {
    format: 1,
    accountId: SANDBOX_ACCOUNT,
    region,
    azs: [],
    seq: 0,
    clock: { offsetMs: 0 },
    settings: { latencyScale: 0, callLatencyMs: 0 },
    faults: {},
    callerIp: '203.0.113.10',
    ec2: {
      vpcs: [], subnets: [], routeTables: [], internetGateways: [], natGateways: [], securityGroups: [],
      instances: [], images: [], snapshots: [], launchTemplates: [], clientTokens: {},
      offeredInstanceTypes: OFFERED_TYPES,
    },
    elbv2: { loadBalancers: [], targetGroups: [], listeners: [] },
    autoscaling: {
      groups: [], activities: [], policies: [], scheduledActions: [], notificationConfigurations: [], instanceRefreshes: [],
    },
    sns: { topics: [], subscriptions: [], delivered: [] },
    ssm: { parameters: [] },
    iam: { roles: [], instanceProfiles: [] },
    acm: { certificates: [] },
    calls: [],
  };
  world.azs = azLetters(region).map((l, i) => ({ name: `${region}${l}`, id: `${azIdPrefix(region)}-az${i + 1}` }));

  const vpcId = newId(world, 'vpc');
  world.ec2.vpcs.push({ id: vpcId, cidr: '172.31.0.0/16', isDefault: true, tags: [], enableDnsHostnames: true, enableDnsSupport: true });
  const igwId = newId(world, 'igw');
  world.ec2.internetGateways.push({ id: igwId, attachments: [{ vpcId, state: 'available' }], tags: [] });
  const rtbId = newId(world, 'rtb');
  world.ec2.routeTables.push({
    id: rtbId, vpcId, main: true, tags: [],
    routes: [{ destinationCidr: '172.31.0.0/16', gatewayId: 'local' }, { destinationCidr: '0.0.0.0/0', gatewayId: igwId }],
    associations: [{ id: newId(world, 'rtbassoc'), main: true }],
  });
  world.azs.forEach((az, i) => {
    world.ec2.subnets.push({
      id: newId(world, 'subnet'), vpcId, cidr: `172.31.${i * 16}.0/20`, az: az.name, azId: az.id,
      mapPublicIpOnLaunch: true, defaultForAz: true, tags: [],
    });
  });
  world.ec2.securityGroups.push({
    id: newId(world, 'sg'), name: 'default', description: 'default VPC security group', vpcId, tags: [],
    ingress: [{ ipProtocol: '-1', referencedGroupId: 'self', ruleId: newId(world, 'sgr') }],
    egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', ruleId: newId(world, 'sgr') }],
  });
  // The self-reference is the group's own id.
  const def = world.ec2.securityGroups[0]!;
  def.ingress[0]!.referencedGroupId = def.id;

  const epoch = Date.UTC(2026, 9, 1);
  for (const [arch, param] of [['x86_64', AL2023_X86_PARAM], ['arm64', AL2023_ARM_PARAM]] as const) {
    const imageId = newId(world, 'ami');
    world.ec2.images.push({
      id: imageId, name: `al2023-ami-2023.9.20261001.0-kernel-6.1-${arch}`, description: 'Amazon Linux 2023 AMI',
      ownerId: AMAZON_OWNER, architecture: arch, rootDeviceName: '/dev/xvda', snapshotIds: [],
      createdAt: epoch, availableAt: epoch, tags: [], public: true, servesHttp: false,
    });
    world.ssm.parameters.push({ name: param, type: 'String', value: imageId, version: 1, lastModified: epoch });
  }
  return world;
}
