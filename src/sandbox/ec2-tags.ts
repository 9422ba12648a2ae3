/**
 * EC2's generic tagging calls over every resource the sandbox holds. A volume's tags live on the
 * instance it belongs to (`volumeTags`), an Elastic IP's on its address record, a rule's on the rule.
 */
import type { CreateTagsRequest, DeleteTagsRequest, DescribeTagsRequest, TagDescription } from '@aws-sdk/client-ec2';
import { ec2Error } from './errors.js';
import { matchesFilters, page } from './ec2-common.js';
import { addresses, notFound, type TaggedSgRule } from './ec2-net-model.js';
import type { Handler, Tag, World } from './types.js';

/** A taggable resource: its id, the `resource-type` EC2 reports, and its (mutable) tag list. */
interface Taggable {
  id: string;
  type: string;
  tags: Tag[];
}

/** Every taggable resource in the account, in a stable order. */
function taggables(w: World): Taggable[] {
  const e = w.ec2;
  const rules: Taggable[] = e.securityGroups.flatMap((g) =>
    [...g.ingress, ...g.egress].map((r) => {
      const rule = r as TaggedSgRule;
      rule.tags ??= [];
      return { id: rule.ruleId, type: 'security-group-rule', tags: rule.tags };
    }),
  );
  return [
    ...e.vpcs.map((r) => ({ id: r.id, type: 'vpc', tags: r.tags })),
    ...e.subnets.map((r) => ({ id: r.id, type: 'subnet', tags: r.tags })),
    ...e.routeTables.map((r) => ({ id: r.id, type: 'route-table', tags: r.tags })),
    ...e.internetGateways.map((r) => ({ id: r.id, type: 'internet-gateway', tags: r.tags })),
    ...e.natGateways.map((r) => ({ id: r.id, type: 'natgateway', tags: r.tags })),
    ...e.securityGroups.map((r) => ({ id: r.id, type: 'security-group', tags: r.tags })),
    ...rules,
    ...addresses(w).map((r) => ({ id: r.allocationId, type: 'elastic-ip', tags: r.tags })),
    ...e.instances.map((r) => ({ id: r.id, type: 'instance', tags: r.tags })),
    ...e.instances.map((r) => ({ id: r.volumeId, type: 'volume', tags: r.volumeTags })),
    ...e.images.filter((r) => r.deregisteredAt === undefined).map((r) => ({ id: r.id, type: 'image', tags: r.tags })),
    ...e.snapshots.map((r) => ({ id: r.id, type: 'snapshot', tags: r.tags })),
    ...e.launchTemplates.map((r) => ({ id: r.id, type: 'launch-template', tags: r.tags })),
  ];
}

/** The resources a tag call names; the first unknown one fails the call with its type's NotFound. */
function resolve(w: World, ids: string[] | undefined): Taggable[] {
  if (!ids?.length) throw ec2Error('MissingParameter', 'The request must contain the parameter resourceIdSet');
  const all = taggables(w);
  return ids.map((id) => {
    const hit = all.find((t) => t.id === id);
    if (!hit) throw notFound(id);
    return hit;
  });
}

/** EC2's per-resource tag quota. */
const MAX_TAGS = 50;

const createTags: Handler = (ctx, input: CreateTagsRequest) => {
  const targets = resolve(ctx.world, input.Resources);
  if (!input.Tags?.length) throw ec2Error('MissingParameter', 'The request must contain the parameter tagSet');
  const tags: Tag[] = input.Tags.map((t) => {
    if (!t.Key) throw ec2Error('InvalidParameterValue', 'Tag key must have a value');
    if (t.Key.toLowerCase().startsWith('aws:')) throw ec2Error('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
    if (t.Key.length > 128) throw ec2Error('InvalidParameterValue', `Tag key exceeds the maximum length of 128 characters`);
    if ((t.Value ?? '').length > 256) throw ec2Error('InvalidParameterValue', `Tag value exceeds the maximum length of 256 characters`);
    return { Key: t.Key, Value: t.Value ?? '' };
  });
  // All or nothing: check every resource's quota before changing any.
  for (const r of targets) {
    const keys = new Set([...r.tags.map((t) => t.Key), ...tags.map((t) => t.Key)]);
    if (keys.size > MAX_TAGS) throw ec2Error('TagLimitExceeded', `The maximum number of Tags for a resource has been reached.`);
  }
  for (const r of targets) {
    for (const t of tags) {
      const existing = r.tags.find((x) => x.Key === t.Key);
      if (existing) existing.Value = t.Value;
      else r.tags.push({ ...t });
    }
  }
  return {};
};

const deleteTags: Handler = (ctx, input: DeleteTagsRequest) => {
  const targets = resolve(ctx.world, input.Resources);
  for (const r of targets) {
    const keep = r.tags.filter((t) => {
      // No tag list deletes every tag; a key with a value deletes it only if the value matches.
      if (!input.Tags?.length) return false;
      return !input.Tags.some((d) => d.Key === t.Key && (d.Value === undefined || d.Value === t.Value));
    });
    r.tags.splice(0, r.tags.length, ...keep);
  }
  return {};
};

const describeTags: Handler = (ctx, input: DescribeTagsRequest) => {
  const out: TagDescription[] = [];
  for (const r of taggables(ctx.world)) {
    for (const t of r.tags) {
      if (matchesFilters(input.Filters, { key: t.Key, value: t.Value, 'resource-id': r.id, 'resource-type': r.type }, r.tags)) {
        out.push({ Key: t.Key, Value: t.Value, ResourceId: r.id, ResourceType: r.type as TagDescription['ResourceType'] });
      }
    }
  }
  const { items, nextToken } = page(out, input.MaxResults, input.NextToken);
  return { Tags: items, NextToken: nextToken };
};

/** Handlers for CreateTags, DeleteTags and DescribeTags. */
export const tagHandlers: Record<string, Handler> = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
};
