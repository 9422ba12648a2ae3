/**
 * A security group that must hold exactly the wanted ingress rules: the bake's, the load
 * balancer's and the instances' groups are all planned and applied this way. Its typed change
 * lists every call: create (tagged in the call) and authorize, or tag (adoption), revoke and
 * authorize.
 */
import type { StackConfig } from '../config/schema.js';
import type { IngressRule, SecurityGroup } from '../aws/ec2-network.js';
import { sameRule } from '../aws/ec2-network.js';
import { isRef, produce, ref, show, type Id, type RefValues } from '../engine/refs.js';
import type { PlanRow, StepContext, StepId } from '../engine/types.js';
import { ADOPT_REASON, isOurs, presentAction, row, stackTags } from './common.js';

export const SG = 'AWS::EC2::SecurityGroup';

/** An ingress rule whose source group may still be to be made. */
export type WantedRule = Omit<IngressRule, 'sourceGroupId'> & { sourceGroupId?: Id };

export type SecurityGroupChange =
  | { op: 'create'; vpcId: Id; name: string; description: string; tags: { Key: string; Value: string }[]; authorize: WantedRule[] }
  | { op: 'update'; groupId: string; tag?: { Key: string; Value: string }[]; revoke: IngressRule[]; authorize: WantedRule[] };

const ruleText = (r: WantedRule, sgNames: Record<string, string>) =>
  `${r.fromPort}/${r.protocol} from ${r.cidr ?? (typeof r.sourceGroupId === 'string' ? sgNames[r.sourceGroupId] ?? r.sourceGroupId : show(r.sourceGroupId))}`;

/** A wanted rule is held when an existing rule is the same (a rule from a group still to be made never is). */
function holds(have: IngressRule, want: WantedRule): boolean {
  return !isRef(want.sourceGroupId) && sameRule(have, want as IngressRule);
}

export interface PlannedGroup {
  step: StepId;
  /** Row key within the step. */
  local: string;
  name: string;
  description: string;
  vpcId: Id;
  sg: SecurityGroup | undefined;
  want: WantedRule[];
  /** Names of source groups by id, for the plan's words. */
  sgNames?: Record<string, string>;
}

/** The row of a group that must hold exactly `want`. */
export function planSecurityGroup(config: StackConfig, p: PlannedGroup): PlanRow<SecurityGroupChange> {
  const names = p.sgNames ?? {};
  const detail = p.want.map((r) => ruleText(r, names)).join(', ') || 'no ingress';
  const { sg } = p;
  if (!sg) {
    return row(p.step, p.local, 'create', SG, p.name, {
      detail,
      change: { op: 'create', vpcId: p.vpcId, name: p.name, description: p.description, tags: stackTags(config, p.name), authorize: p.want },
    });
  }
  const action = presentAction(sg.tags, config);
  const missing = p.want.filter((w) => !sg.ingress.some((h) => holds(h, w)));
  // Rules we did not ask for (SSH from anywhere, say) go only from a group that is ours.
  const extra = isOurs(sg.tags, config) ? sg.ingress.filter((h) => !p.want.some((w) => holds(h, w))) : [];
  const changes = [
    ...missing.map((r) => ({ field: 'Ingress', from: null, to: ruleText(r, names) })),
    ...extra.map((r) => ({ field: 'Ingress', from: ruleText(r, names), to: null })),
  ];
  const change: SecurityGroupChange = { op: 'update', groupId: sg.id, ...(action === 'adopt' ? { tag: stackTags(config) } : {}), revoke: extra, authorize: missing };
  if (action === 'adopt') return row(p.step, p.local, 'adopt', SG, p.name, { id: sg.id, detail, changes, reason: ADOPT_REASON, change });
  return row(p.step, p.local, changes.length ? 'update' : 'reuse', SG, p.name, { id: sg.id, detail, changes, ...(changes.length ? { change } : {}) });
}

/** Carries out a group's row; records its id (`#id`). */
export async function applySecurityGroup(ctx: StepContext, r: PlanRow<SecurityGroupChange>, refs: RefValues): Promise<void> {
  const net = ctx.aws.network;
  if (!r.change) {
    if (r.id) produce(refs, r, 'id', r.id);
    return;
  }
  const c = refs.resolve(r.change);
  ctx.progress.update(`security group ${r.name}`);
  await ctx.forRow(r, async () => {
    if (c.op === 'create') {
      const id = await net.createSecurityGroup(c.vpcId, c.name, c.description, c.tags);
      produce(refs, r, 'id', id);
      await net.authorizeIngress(id, c.authorize);
      return;
    }
    produce(refs, r, 'id', c.groupId);
    if (c.tag) await net.tagResources([c.groupId], c.tag);
    await net.revokeIngress(c.groupId, c.revoke);
    await net.authorizeIngress(c.groupId, c.authorize);
  });
}

/** The group's id in a plan: known, or a ref to its row. */
export function groupId(r: PlanRow<SecurityGroupChange>): Id {
  return r.id ?? ref(r.key, 'id', r.name);
}
