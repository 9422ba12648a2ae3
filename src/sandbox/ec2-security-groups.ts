/**
 * EC2 security groups and their rules. Rules are stored one peer per rule (as
 * DescribeSecurityGroupRules lists them) and grouped by protocol and ports into `IpPermissions`
 * on DescribeSecurityGroups, as EC2 does. A group stays in use — and cannot be deleted — while an
 * instance (and its network interface for a while after it terminated, `eni-release.ts`), a load
 * balancer's network interfaces (which outlive DeleteLoadBalancer by minutes) or another group's
 * rule refers to it.
 */
import type {
  AuthorizeSecurityGroupIngressRequest, CreateSecurityGroupRequest, DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupsRequest, IpPermission, RevokedSecurityGroupRule, SecurityGroup, SecurityGroupRule,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, matchesFilters, page, tagsFor } from './ec2-common.js';
import {
  arn, findVpc, instanceAlive, mustFind, notFound, parseCidr, pickByIds, tagsOut,
  type TaggedSgRule,
} from './ec2-net-model.js';
import type { Handler, SecurityGroupRecord, SimContext, World } from './types.js';
import { eniStillHeld, loadBalancerEniStillHeld } from './eni-release.js';
import { asLag } from './lag.js';

/** EC2's default quota of rules per direction per group. */
const RULES_PER_DIRECTION = 60;
/** The characters EC2 takes in a VPC group's name and description and in a rule description. */
const DESCRIPTION_CHARS = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const CHARSET_TEXT = 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*';

type Direction = 'ingress' | 'egress';

/** What a rule is, without its id: the identity EC2 compares for duplicates and revokes. */
interface RuleSpec {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  referencedGroupId?: string;
  description?: string;
}

const ruleKey = (r: RuleSpec) => `${r.ipProtocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}|${r.cidrIpv4 ?? `sg:${r.referencedGroupId ?? ''}`}`;

const PROTOCOLS: Record<string, string> = {
  tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', icmpv6: 'icmpv6', '58': 'icmpv6', '-1': '-1', all: '-1',
};

function normalizeProtocol(p: string | undefined): string {
  const v = String(p ?? '').toLowerCase();
  if (PROTOCOLS[v]) return PROTOCOLS[v];
  if (/^\d+$/.test(v) && Number(v) <= 255) return v;
  throw ec2Error('InvalidParameterValue', `Invalid value '${p ?? ''}' for IP protocol. Unknown protocol.`);
}

function portsFor(proto: string, from: number | undefined, to: number | undefined): Pick<RuleSpec, 'fromPort' | 'toPort'> {
  if (proto === 'tcp' || proto === 'udp') {
    if (from === undefined || to === undefined) {
      throw ec2Error('InvalidParameterValue', `Invalid value 'null' for portRange. Must specify both from and to ports with TCP/UDP.`);
    }
    if (from < 0 || to > 65535 || from > to) {
      throw ec2Error('InvalidParameterValue', `Invalid TCP/UDP port range: from port ${from}, to port ${to}.`);
    }
    return { fromPort: from, toPort: to };
  }
  if (proto === 'icmp' || proto === 'icmpv6') return { fromPort: from ?? -1, toPort: to ?? -1 };
  // All traffic, and protocols without ports: EC2 ignores any ports given.
  return {};
}

function checkDescription(text: string | undefined, what: string): void {
  if (text !== undefined && (text.length > 255 || !DESCRIPTION_CHARS.test(text))) {
    throw ec2Error('InvalidParameterValue', `Invalid ${what}. Valid descriptions are strings less than 256 characters from the following set:  ${CHARSET_TEXT}`);
  }
}

function defaultVpcGroupByName(w: World, name: string): SecurityGroupRecord {
  const vpc = w.ec2.vpcs.find((v) => v.isDefault);
  const g = vpc && w.ec2.securityGroups.find((s) => s.vpcId === vpc.id && s.name === name);
  if (!g) throw ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc?.id ?? 'none'}'`);
  return g;
}

/** The group a call names by `GroupId` or (default VPC only) `GroupName`. */
function targetGroup(w: World, input: { GroupId?: string; GroupName?: string }): SecurityGroupRecord {
  if (input.GroupId) return mustFind(w.ec2.securityGroups, input.GroupId, 'groupId');
  if (input.GroupName) return defaultVpcGroupByName(w, input.GroupName);
  throw ec2Error('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

/** The rules an Authorize/Revoke call names, validated (legacy top-level fields included). */
function ruleSpecs(w: World, group: SecurityGroupRecord, input: AuthorizeSecurityGroupIngressRequest): RuleSpec[] {
  const perms: IpPermission[] = [...(input.IpPermissions ?? [])];
  if (input.IpProtocol || input.CidrIp || input.SourceSecurityGroupName) {
    perms.push({
      IpProtocol: input.IpProtocol ?? '-1', FromPort: input.FromPort, ToPort: input.ToPort,
      IpRanges: input.CidrIp ? [{ CidrIp: input.CidrIp }] : [],
      UserIdGroupPairs: input.SourceSecurityGroupName ? [{ GroupName: input.SourceSecurityGroupName }] : [],
    });
  }
  const specs: RuleSpec[] = [];
  for (const p of perms) {
    if (p.Ipv6Ranges?.length || p.PrefixListIds?.length) {
      throw ec2Error('InvalidParameterValue', 'IPv6 and prefix list rules are not simulated by the asg-wizard sandbox.');
    }
    const ipProtocol = normalizeProtocol(p.IpProtocol);
    const ports = portsFor(ipProtocol, p.FromPort, p.ToPort);
    for (const r of p.IpRanges ?? []) {
      if (!parseCidr(r.CidrIp)) throw ec2Error('InvalidParameterValue', `CIDR block ${r.CidrIp ?? ''} is malformed`);
      checkDescription(r.Description, 'rule description');
      specs.push({ ipProtocol, ...ports, cidrIpv4: r.CidrIp, ...(r.Description ? { description: r.Description } : {}) });
    }
    for (const pair of p.UserIdGroupPairs ?? []) {
      let peer: SecurityGroupRecord | undefined;
      if (pair.GroupId) {
        peer = w.ec2.securityGroups.find((g) => g.id === pair.GroupId);
        if (!peer) throw ec2Error('InvalidGroup.NotFound', `The security group '${pair.GroupId}' does not exist`);
      } else if (pair.GroupName) {
        peer = w.ec2.securityGroups.find((g) => g.vpcId === group.vpcId && g.name === pair.GroupName);
        if (!peer) throw ec2Error('InvalidGroup.NotFound', `The security group '${pair.GroupName}' does not exist`);
      } else throw ec2Error('MissingParameter', 'The request must contain the parameter groupId for a security group pair');
      if (peer.vpcId !== group.vpcId) {
        throw ec2Error('InvalidGroup.NotFound', `You have specified two resources that belong to different networks.`);
      }
      checkDescription(pair.Description, 'rule description');
      specs.push({ ipProtocol, ...ports, referencedGroupId: peer.id, ...(pair.Description ? { description: pair.Description } : {}) });
    }
  }
  if (!specs.length) throw ec2Error('MissingParameter', 'The request must contain at least one rule (IpRanges or UserIdGroupPairs).');
  return specs;
}

function describeRule(r: RuleSpec): string {
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  const ports = r.fromPort !== undefined ? `, from port: ${r.fromPort}, to port: ${r.toPort}` : '';
  return `peer: ${r.cidrIpv4 ?? r.referencedGroupId}, ${proto}${ports}, ALLOW`;
}

function ruleOut(w: World, g: SecurityGroupRecord, r: TaggedSgRule, isEgress: boolean): SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.ruleId,
    GroupId: g.id,
    GroupOwnerId: w.accountId,
    IsEgress: isEgress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort ?? -1,
    ToPort: r.toPort ?? -1,
    ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
    ...(r.referencedGroupId ? { ReferencedGroupInfo: { GroupId: r.referencedGroupId, UserId: w.accountId } } : {}),
    ...(r.description ? { Description: r.description } : {}),
    Tags: (r.tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
    SecurityGroupRuleArn: arn(w, 'security-group-rule', r.ruleId),
  };
}

/** Rules grouped as EC2's `IpPermissions`: one entry per protocol and port range, all its peers inside. */
function permissionsOut(w: World, rules: RuleSpec[]): IpPermission[] {
  const byRange = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.ipProtocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}`;
    let p = byRange.get(key);
    if (!p) {
      p = {
        IpProtocol: r.ipProtocol,
        ...(r.fromPort !== undefined ? { FromPort: r.fromPort, ToPort: r.toPort } : {}),
        IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [],
      };
      byRange.set(key, p);
    }
    const desc = r.description ? { Description: r.description } : {};
    if (r.cidrIpv4) p.IpRanges!.push({ CidrIp: r.cidrIpv4, ...desc });
    else p.UserIdGroupPairs!.push({ GroupId: r.referencedGroupId, UserId: w.accountId, ...desc });
  }
  return [...byRange.values()];
}

function groupOut(w: World, g: SecurityGroupRecord): SecurityGroup {
  return {
    GroupId: g.id,
    GroupName: g.name,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: w.accountId,
    SecurityGroupArn: arn(w, 'security-group', g.id),
    IpPermissions: permissionsOut(w, g.ingress),
    IpPermissionsEgress: permissionsOut(w, g.egress),
    ...tagsOut(g.tags),
  };
}

const createSecurityGroup: Handler = (ctx, input: CreateSecurityGroupRequest) => {
  const w = ctx.world;
  if (!input.GroupName) throw ec2Error('MissingParameter', 'The request must contain the parameter groupName');
  if (input.Description === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter groupDescription');
  const vpc = input.VpcId ? findVpc(w, input.VpcId) : w.ec2.vpcs.find((v) => v.isDefault);
  if (!vpc) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
  if (input.GroupName === 'default') throw ec2Error('InvalidParameterValue', 'Cannot use reserved security group name: default');
  if (/^sg-/i.test(input.GroupName)) throw ec2Error('InvalidParameterValue', 'Group names may not be in the format sg-*.');
  if (input.GroupName.length > 255 || !DESCRIPTION_CHARS.test(input.GroupName)) {
    throw ec2Error('InvalidParameterValue', `Invalid security group name. Valid names are non-empty strings less than 256 characters from the following set:  ${CHARSET_TEXT}`);
  }
  checkDescription(input.Description, 'security group description');
  if (w.ec2.securityGroups.some((g) => g.vpcId === vpc.id && g.name === input.GroupName)) {
    throw ec2Error('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpc.id}'`);
  }
  checkTagSpecTypes(input.TagSpecifications, ['security-group']);
  const g: SecurityGroupRecord = {
    id: ctx.newId('sg'), name: input.GroupName, description: input.Description, vpcId: vpc.id, ingress: [],
    // Every new VPC group may send anywhere until that rule is revoked.
    egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', ruleId: ctx.newId('sgr') }],
    tags: tagsFor(input.TagSpecifications, 'security-group'),
  };
  w.ec2.securityGroups.push(g);
  return { GroupId: g.id, SecurityGroupArn: arn(w, 'security-group', g.id), ...tagsOut(g.tags) };
};

const describeSecurityGroups: Handler = (ctx, input: DescribeSecurityGroupsRequest) => {
  const w = ctx.world;
  let groups = pickByIds(w.ec2.securityGroups, input.GroupIds);
  if (input.GroupNames?.length) {
    const named = input.GroupNames.map((n) => defaultVpcGroupByName(w, n));
    groups = groups.filter((g) => named.includes(g));
  }
  const found = groups.filter((g) =>
    matchesFilters(
      input.Filters,
      {
        'group-name': g.name, 'group-id': g.id, 'vpc-id': g.vpcId, description: g.description, 'owner-id': w.accountId,
        'ip-permission.cidr': g.ingress.flatMap((r) => (r.cidrIpv4 ? [r.cidrIpv4] : [])),
        'ip-permission.group-id': g.ingress.flatMap((r) => (r.referencedGroupId ? [r.referencedGroupId] : [])),
        'ip-permission.protocol': g.ingress.map((r) => r.ipProtocol),
        'ip-permission.from-port': g.ingress.map((r) => String(r.fromPort ?? -1)),
        'ip-permission.to-port': g.ingress.map((r) => String(r.toPort ?? -1)),
        'egress.ip-permission.cidr': g.egress.flatMap((r) => (r.cidrIpv4 ? [r.cidrIpv4] : [])),
        'egress.ip-permission.group-id': g.egress.flatMap((r) => (r.referencedGroupId ? [r.referencedGroupId] : [])),
        'egress.ip-permission.protocol': g.egress.map((r) => r.ipProtocol),
      },
      g.tags,
    ),
  );
  const { items, nextToken } = page(found, input.MaxResults, input.NextToken);
  return { SecurityGroups: items.map((g) => groupOut(w, g)), NextToken: nextToken };
};

/** Whether anything still uses the group (EC2 then refuses to delete it). */
function inUse(ctx: SimContext, g: SecurityGroupRecord): boolean {
  const w = ctx.world;
  return (
    instanceAlive(ctx, w).some((i) => i.securityGroupIds.includes(g.id)) ||
    w.elbv2.loadBalancers.some((lb) => lb.securityGroupIds.includes(g.id) && lb.deletedAt === undefined) ||
    w.ec2.securityGroups.some((o) => o.id !== g.id && [...o.ingress, ...o.egress].some((r) => r.referencedGroupId === g.id))
  );
}

const deleteSecurityGroup: Handler = (ctx, input: { GroupId?: string; GroupName?: string }) => {
  const w = ctx.world;
  const g = targetGroup(w, input);
  if (g.name === 'default') {
    throw ec2Error('CannotDelete', `the specified group: "${g.id}" name: "default" cannot be deleted by a user`);
  }
  if (inUse(ctx, g)) throw ec2Error('DependencyViolation', `resource ${g.id} has a dependent object`);
  if (w.ec2.instances.some((i) => i.securityGroupIds.includes(g.id) && eniStillHeld(ctx, i)) ||
    w.elbv2.loadBalancers.some((lb) => lb.securityGroupIds.includes(g.id) && loadBalancerEniStillHeld(ctx, lb))) {
    throw asLag(ec2Error('DependencyViolation', `resource ${g.id} has a dependent object`), 'eni-release');
  }
  w.ec2.securityGroups = w.ec2.securityGroups.filter((s) => s !== g);
  return { Return: true, GroupId: g.id };
};

function authorize(direction: Direction): Handler {
  return (ctx, input: AuthorizeSecurityGroupIngressRequest & { TagSpecifications?: TagSpecification[] }) => {
    const w = ctx.world;
    const g = direction === 'egress' ? mustFind(w.ec2.securityGroups, input.GroupId, 'groupId') : targetGroup(w, input);
    const specs = ruleSpecs(w, g, input);
    checkTagSpecTypes(input.TagSpecifications, ['security-group-rule']);
    const tags = tagsFor(input.TagSpecifications, 'security-group-rule');
    const have = new Set(g[direction].map(ruleKey));
    for (const s of specs) {
      // A rule repeated within one call is as much a duplicate as one already there.
      if (have.has(ruleKey(s))) throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(s)}" already exists`);
      have.add(ruleKey(s));
    }
    if (have.size > RULES_PER_DIRECTION) {
      throw ec2Error('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
    }
    const added: TaggedSgRule[] = specs.map((s) => ({ ...s, ruleId: ctx.newId('sgr'), ...(tags.length ? { tags } : {}) }));
    g[direction].push(...added);
    return { Return: true, SecurityGroupRules: added.map((r) => ruleOut(w, g, r, direction === 'egress')) };
  };
}

function revoke(direction: Direction): Handler {
  return (ctx, input: AuthorizeSecurityGroupIngressRequest & { SecurityGroupRuleIds?: string[] }) => {
    const w = ctx.world;
    const g = direction === 'egress' ? mustFind(w.ec2.securityGroups, input.GroupId, 'groupId') : targetGroup(w, input);
    const rules = g[direction];
    const doomed = new Set<TaggedSgRule>();
    const unknown: RuleSpec[] = [];
    if (input.SecurityGroupRuleIds?.length) {
      for (const id of input.SecurityGroupRuleIds) {
        const r = rules.find((x) => x.ruleId === id);
        if (!r) throw notFound(id);
        doomed.add(r);
      }
    } else {
      for (const s of ruleSpecs(w, g, input)) {
        const r = rules.find((x) => ruleKey(x) === ruleKey(s));
        if (r) doomed.add(r);
        else unknown.push(s);
      }
    }
    const isDefaultVpc = w.ec2.vpcs.find((v) => v.id === g.vpcId)?.isDefault ?? false;
    // Outside the default VPC a rule that is not there fails the whole call; inside it, EC2 reports it back.
    if (unknown.length && !isDefaultVpc) {
      throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    }
    g[direction] = rules.filter((r) => !doomed.has(r));
    const revoked: RevokedSecurityGroupRule[] = [...doomed].map((r) => ({
      SecurityGroupRuleId: r.ruleId, GroupId: g.id, IsEgress: direction === 'egress', IpProtocol: r.ipProtocol,
      FromPort: r.fromPort ?? -1, ToPort: r.toPort ?? -1,
      ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
      ...(r.referencedGroupId ? { ReferencedGroupId: r.referencedGroupId } : {}),
      ...(r.description ? { Description: r.description } : {}),
    }));
    return {
      Return: true,
      RevokedSecurityGroupRules: revoked,
      ...(unknown.length ? { UnknownIpPermissions: permissionsOut(w, unknown) } : {}),
    };
  };
}

const describeSecurityGroupRules: Handler = (ctx, input: DescribeSecurityGroupRulesRequest) => {
  const w = ctx.world;
  const all = w.ec2.securityGroups.flatMap((g) => [
    ...g.ingress.map((r) => ({ g, r: r as TaggedSgRule, egress: false })),
    ...g.egress.map((r) => ({ g, r: r as TaggedSgRule, egress: true })),
  ]);
  for (const id of input.SecurityGroupRuleIds ?? []) if (!all.some((x) => x.r.ruleId === id)) throw notFound(id);
  const found = all.filter(
    (x) =>
      (!input.SecurityGroupRuleIds?.length || input.SecurityGroupRuleIds.includes(x.r.ruleId)) &&
      matchesFilters(input.Filters, { 'group-id': x.g.id, 'security-group-rule-id': x.r.ruleId }, x.r.tags ?? []),
  );
  const { items, nextToken } = page(found, input.MaxResults, input.NextToken);
  return { SecurityGroupRules: items.map((x) => ruleOut(w, x.g, x.r, x.egress)), NextToken: nextToken };
};

/** Handlers for security groups and their rules. */
export const securityGroupHandlers: Record<string, Handler> = {
  CreateSecurityGroup: createSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups,
  DeleteSecurityGroup: deleteSecurityGroup,
  AuthorizeSecurityGroupIngress: authorize('ingress'),
  AuthorizeSecurityGroupEgress: authorize('egress'),
  RevokeSecurityGroupIngress: revoke('ingress'),
  RevokeSecurityGroupEgress: revoke('egress'),
  DescribeSecurityGroupRules: describeSecurityGroupRules,
};
