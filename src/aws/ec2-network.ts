/**
 * EC2 networking calls the steps use: VPCs, subnets, gateways, route tables, security groups.
 * Narrow on purpose; every create tags in the create call (a tag added afterwards is lost when
 * a run dies in between, and the next run would see a stranger). A call that names another
 * resource retries while that one answers NotFound: it may have been created a moment ago, by
 * this run or by one that died, and EC2 is eventually consistent (`consistency.ts`).
 */
import {
  AllocateAddressCommand, AssociateRouteTableCommand, AttachInternetGatewayCommand, AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateRouteCommand, CreateRouteTableCommand, CreateSecurityGroupCommand,
  CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand, DeleteSecurityGroupCommand, DescribeNatGatewaysCommand, DescribeAvailabilityZonesCommand,
  ModifySubnetAttributeCommand, ModifyVpcAttributeCommand, RevokeSecurityGroupIngressCommand, paginateDescribeInternetGateways,
  paginateDescribeNatGateways, paginateDescribeRouteTables, paginateDescribeSecurityGroups, paginateDescribeSubnets,
  paginateDescribeVpcs, waitUntilNatGatewayAvailable, type EC2Client, type Filter, type IpPermission, type SecurityGroup as SdkGroup,
  DescribeAddressesCommand, DeleteNatGatewayCommand, DeleteInternetGatewayCommand, DeleteRouteTableCommand, DeleteSubnetCommand,
  DeleteVpcCommand, DetachInternetGatewayCommand, DisassociateRouteTableCommand, ReleaseAddressCommand, waitUntilNatGatewayDeleted,
} from '@aws-sdk/client-ec2';
import { awsCall } from '../errors.js';
import { tagMap, type TagMap } from './tags.js';
import { AWS_PROPAGATION, NOT_YET, untilVisible, type PropagationPolicy } from './consistency.js';
import { runWaiter, type WaitOptions } from './waiter.js';

export type SdkTags = { Key: string; Value: string }[];

export interface Vpc { id: string; cidr: string; isDefault: boolean; name?: string; tags: TagMap }
export interface Subnet { id: string; vpcId: string; az: string; cidr: string; name?: string; mapPublicIp: boolean; public: boolean; tags: TagMap }
export interface RouteTable {
  id: string; vpcId: string; main: boolean; subnetIds: string[]; igwRoute?: string; natRoute?: string; tags: TagMap;
  /** The explicit subnet associations, by association id (a table is deleted only once they are gone). */
  associations?: { id: string; subnetId: string }[];
}
export interface InternetGateway { id: string; vpcIds: string[]; tags: TagMap }
export interface NatGateway { id: string; subnetId: string; state: string; tags: TagMap; vpcId?: string; allocationIds?: string[] }
/** An Elastic IP address (`AllocateAddress`), with what it is associated to. */
export interface Address { allocationId: string; publicIp: string; associationId?: string; networkInterfaceId?: string; tags: TagMap }
export interface IngressRule { protocol: string; fromPort?: number; toPort?: number; cidr?: string; sourceGroupId?: string; description?: string }
export interface SecurityGroup { id: string; name: string; description: string; vpcId: string; ingress: IngressRule[]; tags: TagMap }

export type { WaitOptions } from './waiter.js';

const tagSpec = (type: string, tags: SdkTags) => [{ ResourceType: type as never, Tags: tags }];

function toGroup(g: SdkGroup): SecurityGroup {
  const ingress: IngressRule[] = [];
  for (const p of g.IpPermissions ?? []) {
    const base = { protocol: p.IpProtocol ?? '-1', ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}), ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}) };
    for (const r of p.IpRanges ?? []) ingress.push({ ...base, cidr: r.CidrIp!, ...(r.Description ? { description: r.Description } : {}) });
    for (const u of p.UserIdGroupPairs ?? []) ingress.push({ ...base, sourceGroupId: u.GroupId!, ...(u.Description ? { description: u.Description } : {}) });
  }
  return { id: g.GroupId!, name: g.GroupName!, description: g.Description ?? '', vpcId: g.VpcId!, ingress, tags: tagMap(g.Tags) };
}

function toPermission(rule: IngressRule): IpPermission {
  return {
    IpProtocol: rule.protocol,
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    ...(rule.cidr ? { IpRanges: [{ CidrIp: rule.cidr, ...(rule.description ? { Description: rule.description } : {}) }] } : {}),
    ...(rule.sourceGroupId ? { UserIdGroupPairs: [{ GroupId: rule.sourceGroupId, ...(rule.description ? { Description: rule.description } : {}) }] } : {}),
  };
}

/**
 * The EC2 networking adapter. One per run: the security groups of a VPC read by
 * {@link securityGroupNamed} are kept for the run, until a method here changes a group
 * (every such method calls `forgetGroups`).
 */
export class Ec2NetworkApi {
  /** The groups of each VPC, read once for the steps that look up their groups by name. */
  private readonly groupsByVpc = new Map<string, Promise<SecurityGroup[]>>();

  constructor(private readonly client: EC2Client, private readonly propagation: PropagationPolicy = AWS_PROPAGATION) {}

  /** A group was written: the next lookup reads the VPC again. */
  private forgetGroups(): void {
    this.groupsByVpc.clear();
  }

  /** Runs a call that changes a group; no read made while it is in flight outlives it. */
  private async changingGroups<T>(fn: () => Promise<T>): Promise<T> {
    this.forgetGroups();
    try {
      return await fn();
    } finally {
      this.forgetGroups();
    }
  }

  /** A call naming other resources: retried while AWS answers one of `codes` (one of them not visible yet). */
  private naming<T>(operation: string, resource: string | undefined, codes: string[], fn: () => Promise<T>): Promise<T> {
    return awsCall(operation, resource, () => untilVisible(this.propagation, codes, fn));
  }

  /** The region's availability zones, by name; opted-in Local and Wavelength Zones are not AZs (their names sort first). */
  async availabilityZones(): Promise<string[]> {
    const out = await awsCall('DescribeAvailabilityZones', undefined, () =>
      this.client.send(new DescribeAvailabilityZonesCommand({
        Filters: [{ Name: 'state', Values: ['available'] }, { Name: 'zone-type', Values: ['availability-zone'] }],
      })),
    );
    return (out.AvailabilityZones ?? []).map((z) => z.ZoneName!).sort();
  }

  async listVpcs(filters: Filter[] = []): Promise<Vpc[]> {
    const out: Vpc[] = [];
    await awsCall('DescribeVpcs', undefined, async () => {
      for await (const page of paginateDescribeVpcs({ client: this.client }, filters.length ? { Filters: filters } : {})) {
        for (const v of page.Vpcs ?? []) {
          const tags = tagMap(v.Tags);
          out.push({ id: v.VpcId!, cidr: v.CidrBlock!, isDefault: !!v.IsDefault, ...(tags.Name ? { name: tags.Name } : {}), tags });
        }
      }
    });
    return out;
  }

  async routeTables(vpcId: string): Promise<RouteTable[]> {
    const out: RouteTable[] = [];
    await awsCall('DescribeRouteTables', vpcId, async () => {
      for await (const page of paginateDescribeRouteTables({ client: this.client }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
        for (const t of page.RouteTables ?? []) {
          const igw = t.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.GatewayId?.startsWith('igw-'));
          const nat = t.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.NatGatewayId);
          out.push({
            id: t.RouteTableId!, vpcId, main: !!t.Associations?.some((a) => a.Main),
            subnetIds: (t.Associations ?? []).filter((a) => a.SubnetId).map((a) => a.SubnetId!),
            associations: (t.Associations ?? []).filter((a) => a.SubnetId && a.RouteTableAssociationId).map((a) => ({ id: a.RouteTableAssociationId!, subnetId: a.SubnetId! })),
            ...(igw ? { igwRoute: igw.GatewayId! } : {}), ...(nat ? { natRoute: nat.NatGatewayId! } : {}),
            tags: tagMap(t.Tags),
          });
        }
      }
    });
    return out;
  }

  /**
   * The VPC's subnets, each marked public when its route table (its own, or the VPC's main
   * one) sends 0.0.0.0/0 to an internet gateway — the console's definition.
   */
  async listSubnets(vpcId: string, routeTables?: RouteTable[]): Promise<Subnet[]> {
    const tables = routeTables ?? (await this.routeTables(vpcId));
    const main = tables.find((t) => t.main);
    const out: Subnet[] = [];
    await awsCall('DescribeSubnets', vpcId, async () => {
      for await (const page of paginateDescribeSubnets({ client: this.client }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
        for (const s of page.Subnets ?? []) {
          const table = tables.find((t) => t.subnetIds.includes(s.SubnetId!)) ?? main;
          const tags = tagMap(s.Tags);
          out.push({
            id: s.SubnetId!, vpcId, az: s.AvailabilityZone!, cidr: s.CidrBlock!, ...(tags.Name ? { name: tags.Name } : {}),
            mapPublicIp: !!s.MapPublicIpOnLaunch, public: !!table?.igwRoute, tags,
          });
        }
      }
    });
    return out.sort((a, b) => a.az.localeCompare(b.az) || a.cidr.localeCompare(b.cidr));
  }

  async internetGateways(vpcId: string): Promise<InternetGateway[]> {
    return this.findInternetGateways([{ Name: 'attachment.vpc-id', Values: [vpcId] }]);
  }

  async findInternetGateways(filters: Filter[]): Promise<InternetGateway[]> {
    const out: InternetGateway[] = [];
    await awsCall('DescribeInternetGateways', undefined, async () => {
      for await (const page of paginateDescribeInternetGateways({ client: this.client }, { Filters: filters })) {
        for (const g of page.InternetGateways ?? []) {
          out.push({ id: g.InternetGatewayId!, vpcIds: (g.Attachments ?? []).map((a) => a.VpcId!), tags: tagMap(g.Tags) });
        }
      }
    });
    return out;
  }

  /** The VPC's NAT gateways that are (or are becoming) available. */
  async natGateways(vpcId: string): Promise<NatGateway[]> {
    return (await this.findNatGateways([{ Name: 'vpc-id', Values: [vpcId] }])).filter((n) => !['deleted', 'deleting', 'failed'].includes(n.state));
  }

  /** NAT gateways matching the filters, in every state AWS still lists (a deleted one for an hour). */
  async findNatGateways(filters: Filter[]): Promise<NatGateway[]> {
    const out: NatGateway[] = [];
    await awsCall('DescribeNatGateways', undefined, async () => {
      for await (const page of paginateDescribeNatGateways({ client: this.client }, { Filter: filters })) {
        for (const n of page.NatGateways ?? []) {
          out.push({
            id: n.NatGatewayId!, subnetId: n.SubnetId!, state: n.State!, tags: tagMap(n.Tags), ...(n.VpcId ? { vpcId: n.VpcId } : {}),
            allocationIds: (n.NatGatewayAddresses ?? []).map((a) => a.AllocationId).filter((a): a is string => !!a),
          });
        }
      }
    });
    return out;
  }

  /** Elastic IP addresses matching the filters (DescribeAddresses does not page). */
  async addresses(filters: Filter[]): Promise<Address[]> {
    const out = await awsCall('DescribeAddresses', undefined, () => this.client.send(new DescribeAddressesCommand({ Filters: filters })));
    return (out.Addresses ?? []).map((a) => ({
      allocationId: a.AllocationId!, publicIp: a.PublicIp ?? '', tags: tagMap(a.Tags),
      ...(a.AssociationId ? { associationId: a.AssociationId } : {}), ...(a.NetworkInterfaceId ? { networkInterfaceId: a.NetworkInterfaceId } : {}),
    }));
  }

  async createVpc(cidr: string, tags: SdkTags): Promise<string> {
    const out = await awsCall('CreateVpc', cidr, () => this.client.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tagSpec('vpc', tags) })));
    const id = out.Vpc!.VpcId!;
    // The console's lab VPC resolves public DNS names; the API's default does not.
    await this.naming('ModifyVpcAttribute', id, [NOT_YET.vpc], () => this.client.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: true } })));
    return id;
  }

  async createSubnet(vpcId: string, cidr: string, az: string, tags: SdkTags, mapPublicIp: boolean): Promise<string> {
    const out = await this.naming('CreateSubnet', cidr, [NOT_YET.vpc], () =>
      this.client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az, TagSpecifications: tagSpec('subnet', tags) })),
    );
    const id = out.Subnet!.SubnetId!;
    if (mapPublicIp) await this.setMapPublicIp(id);
    return id;
  }

  /** Public subnets give instances a public IP (the bake instance needs one). */
  async setMapPublicIp(subnetId: string): Promise<void> {
    await this.naming('ModifySubnetAttribute', subnetId, [NOT_YET.subnet], () =>
      this.client.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } })),
    );
  }

  async createInternetGateway(vpcId: string, tags: SdkTags): Promise<string> {
    const out = await awsCall('CreateInternetGateway', undefined, () =>
      this.client.send(new CreateInternetGatewayCommand({ TagSpecifications: tagSpec('internet-gateway', tags) })),
    );
    const id = out.InternetGateway!.InternetGatewayId!;
    await this.attachInternetGateway(id, vpcId);
    return id;
  }

  async attachInternetGateway(igwId: string, vpcId: string): Promise<void> {
    await this.naming('AttachInternetGateway', igwId, [NOT_YET.internetGateway, NOT_YET.vpc], () =>
      this.client.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId })),
    );
  }

  async createRouteTable(vpcId: string, tags: SdkTags): Promise<string> {
    const out = await this.naming('CreateRouteTable', vpcId, [NOT_YET.vpc], () =>
      this.client.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: tagSpec('route-table', tags) })),
    );
    return out.RouteTable!.RouteTableId!;
  }

  async createDefaultRoute(routeTableId: string, target: { gatewayId?: string; natGatewayId?: string }): Promise<void> {
    await this.naming('CreateRoute', routeTableId, [NOT_YET.routeTable, NOT_YET.internetGateway], () =>
      this.client.send(new CreateRouteCommand({
        RouteTableId: routeTableId, DestinationCidrBlock: '0.0.0.0/0',
        ...(target.gatewayId ? { GatewayId: target.gatewayId } : {}), ...(target.natGatewayId ? { NatGatewayId: target.natGatewayId } : {}),
      })),
    );
  }

  async associateRouteTable(routeTableId: string, subnetId: string): Promise<void> {
    await this.naming('AssociateRouteTable', subnetId, [NOT_YET.routeTable, NOT_YET.subnet], () =>
      this.client.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId })),
    );
  }

  async createNatGateway(subnetId: string, tags: SdkTags, wait: WaitOptions): Promise<string> {
    const eip = await awsCall('AllocateAddress', undefined, () =>
      this.client.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpec('elastic-ip', tags) })),
    );
    const out = await this.naming('CreateNatGateway', subnetId, [NOT_YET.subnet, NOT_YET.allocation], () =>
      this.client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId!, TagSpecifications: tagSpec('natgateway', tags) })),
    );
    const id = out.NatGateway!.NatGatewayId!;
    await runWaiter(`NAT gateway ${id} to become available`, wait,
      (w) => waitUntilNatGatewayAvailable({ client: this.client, ...w }, { NatGatewayIds: [id] }),
      async () => {
        const out = await awsCall('DescribeNatGateways', id, () => this.client.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })));
        const n = out.NatGateways?.[0];
        return n ? `${n.State ?? 'unknown'}${n.FailureMessage ? ` (${n.FailureMessage})` : ''}` : 'not found';
      });
    return id;
  }

  async findSecurityGroups(filters: Filter[]): Promise<SecurityGroup[]> {
    const out: SecurityGroup[] = [];
    await awsCall('DescribeSecurityGroups', undefined, async () => {
      for await (const page of paginateDescribeSecurityGroups({ client: this.client }, { Filters: filters })) {
        for (const g of page.SecurityGroups ?? []) out.push(toGroup(g));
      }
    });
    return out;
  }

  /** The group named `name` in the VPC (names are unique per VPC), if any. */
  async findSecurityGroupByName(vpcId: string, name: string): Promise<SecurityGroup | undefined> {
    const [g] = await this.findSecurityGroups([{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: [name] }]);
    return g;
  }

  /**
   * The group named `name` in the VPC, if any, from one read of the VPC's groups shared by every
   * lookup of this run (the load balancer's, the instances', the bake's: one call instead of
   * three), read again after this adapter changed a group. For a fresh read each time (a watch
   * loop), {@link findSecurityGroupByName}.
   */
  async securityGroupNamed(vpcId: string, name: string): Promise<SecurityGroup | undefined> {
    let groups = this.groupsByVpc.get(vpcId);
    if (!groups) {
      groups = this.findSecurityGroups([{ Name: 'vpc-id', Values: [vpcId] }]);
      this.groupsByVpc.set(vpcId, groups);
      // A failed read is not kept: the next lookup tries again.
      groups.catch(() => {
        if (this.groupsByVpc.get(vpcId) === groups) this.groupsByVpc.delete(vpcId);
      });
    }
    return (await groups).find((g) => g.name === name);
  }

  async createSecurityGroup(vpcId: string, name: string, description: string, tags: SdkTags): Promise<string> {
    const out = await this.changingGroups(() => this.naming('CreateSecurityGroup', name, [NOT_YET.vpc], () =>
      this.client.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: description, TagSpecifications: tagSpec('security-group', tags) })),
    ));
    return out.GroupId!;
  }

  async authorizeIngress(groupId: string, rules: IngressRule[]): Promise<void> {
    if (!rules.length) return;
    // The group, or a group a rule names (the load balancer's), may be new.
    await this.changingGroups(() => this.naming('AuthorizeSecurityGroupIngress', groupId, [NOT_YET.securityGroup], () =>
      this.client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: rules.map(toPermission) })),
    ));
  }

  async revokeIngress(groupId: string, rules: IngressRule[]): Promise<void> {
    if (!rules.length) return;
    await this.changingGroups(() => this.naming('RevokeSecurityGroupIngress', groupId, [NOT_YET.securityGroup], () =>
      this.client.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: rules.map(toPermission) })),
    ));
  }

  async deleteSecurityGroup(groupId: string): Promise<void> {
    await this.changingGroups(() => awsCall('DeleteSecurityGroup', groupId, () => this.client.send(new DeleteSecurityGroupCommand({ GroupId: groupId }))));
  }

  /** Deletes the NAT gateway and waits until AWS says `deleted` (its address and interface are free only then). */
  async deleteNatGateway(id: string, wait: WaitOptions): Promise<void> {
    await awsCall('DeleteNatGateway', id, () => this.client.send(new DeleteNatGatewayCommand({ NatGatewayId: id })));
    await runWaiter(`NAT gateway ${id} to be deleted`, wait,
      (w) => waitUntilNatGatewayDeleted({ client: this.client, ...w }, { NatGatewayIds: [id] }),
      async () => (await this.findNatGateways([{ Name: 'nat-gateway-id', Values: [id] }]))[0]?.state ?? 'not found');
  }

  async releaseAddress(allocationId: string): Promise<void> {
    await awsCall('ReleaseAddress', allocationId, () => this.client.send(new ReleaseAddressCommand({ AllocationId: allocationId })));
  }

  async disassociateRouteTable(associationId: string): Promise<void> {
    await awsCall('DisassociateRouteTable', associationId, () => this.client.send(new DisassociateRouteTableCommand({ AssociationId: associationId })));
  }

  async deleteRouteTable(id: string): Promise<void> {
    await awsCall('DeleteRouteTable', id, () => this.client.send(new DeleteRouteTableCommand({ RouteTableId: id })));
  }

  async detachInternetGateway(igwId: string, vpcId: string): Promise<void> {
    await awsCall('DetachInternetGateway', igwId, () => this.client.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId })));
  }

  async deleteInternetGateway(igwId: string): Promise<void> {
    await awsCall('DeleteInternetGateway', igwId, () => this.client.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId })));
  }

  async deleteSubnet(id: string): Promise<void> {
    await awsCall('DeleteSubnet', id, () => this.client.send(new DeleteSubnetCommand({ SubnetId: id })));
  }

  async deleteVpc(id: string): Promise<void> {
    await awsCall('DeleteVpc', id, () => this.client.send(new DeleteVpcCommand({ VpcId: id })));
  }

  /** Tags an existing resource (only for adoption, which the user agreed to); it may have been made a moment ago. */
  async tagResources(ids: string[], tags: SdkTags): Promise<void> {
    await this.changingGroups(() => this.naming('CreateTags', ids.join(','), Object.values(NOT_YET), () => this.client.send(new CreateTagsCommand({ Resources: ids, Tags: tags }))));
  }
}

/** True if two ingress rules are the same rule (ignoring descriptions). */
export function sameRule(a: IngressRule, b: IngressRule): boolean {
  return a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && (a.cidr ?? '') === (b.cidr ?? '') && (a.sourceGroupId ?? '') === (b.sourceGroupId ?? '');
}
