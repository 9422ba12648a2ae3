/**
 * Elastic Load Balancing v2 as one simulated service, assembled from its parts by AWS noun:
 * load balancers, target groups, targets, listeners; plus the tag commands that span them.
 */
import {
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbError, modeledError } from './errors.js';
import type { Handler, ServiceSim, Tag, World } from './types.js';
import { liveLoadBalancers, mergeTags, sdkElbTags, validateTags } from './elbv2-common.js';
import { loadBalancerHandlers } from './elbv2-load-balancers.js';
import { targetGroupHandlers } from './elbv2-target-groups.js';
import { targetHandlers, targetsTick } from './elbv2-targets.js';
import { listenerHandlers } from './elbv2-listeners.js';

/** The record behind a taggable ARN; an unknown one throws the NotFound of its kind, as AWS does. */
function taggable(world: World, arn: string): { tags: Tag[] } {
  const kind = /^arn:aws[a-z-]*:elasticloadbalancing:[^:]+:\d{12}:([a-z-]+)\//.exec(arn)?.[1];
  switch (kind) {
    case 'loadbalancer': {
      const lb = liveLoadBalancers(world).find((l) => l.arn === arn);
      if (!lb) throw modeledError(LoadBalancerNotFoundException, `Load balancer '${arn}' not found`);
      return lb;
    }
    case 'targetgroup': {
      const tg = world.elbv2.targetGroups.find((t) => t.arn === arn);
      if (!tg) throw modeledError(TargetGroupNotFoundException, `Target group '${arn}' not found`);
      return tg;
    }
    case 'listener': {
      const l = world.elbv2.listeners.find((x) => x.arn === arn);
      if (!l) throw modeledError(ListenerNotFoundException, `Listener '${arn}' not found`);
      return l;
    }
    case 'listener-rule':
      // The sandbox keeps no rules besides listeners' default actions.
      throw modeledError(RuleNotFoundException, `Rule '${arn}' not found`);
    default:
      throw elbError('ValidationError', `'${arn}' is not a valid resource ARN`);
  }
}

function resourceArns(input: { ResourceArns?: string[] }): string[] {
  const arns = input.ResourceArns ?? [];
  if (arns.length === 0) throw elbError('ValidationError', 'At least one resource ARN must be specified');
  if (arns.length > 20) throw elbError('ValidationError', `1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20`);
  return arns;
}

const addTags: Handler = (ctx, input: { ResourceArns?: string[]; Tags?: { Key?: string; Value?: string }[] }) => {
  const tags = validateTags(input.Tags);
  if (tags.length === 0) throw elbError('ValidationError', 'At least one tag must be specified');
  // Resolve all first: a bad ARN tags nothing.
  const records = resourceArns(input).map((arn) => ({ arn, rec: taggable(ctx.world, arn) }));
  const merged = records.map(({ arn, rec }) => mergeTags(arn, rec.tags, tags));
  records.forEach(({ rec }, i) => { rec.tags = merged[i]!; });
  return {};
};

const removeTags: Handler = (ctx, input: { ResourceArns?: string[]; TagKeys?: string[] }) => {
  const keys = input.TagKeys ?? [];
  if (keys.length === 0) throw elbError('ValidationError', 'At least one tag key must be specified');
  const records = resourceArns(input).map((arn) => taggable(ctx.world, arn));
  for (const rec of records) rec.tags = rec.tags.filter((t) => !keys.includes(t.Key));
  return {};
};

const describeTags: Handler = (ctx, input: { ResourceArns?: string[] }) => ({
  TagDescriptions: resourceArns(input).map((arn) => ({ ResourceArn: arn, Tags: sdkElbTags(taggable(ctx.world, arn).tags) })),
});

/** The Elastic Load Balancing v2 simulation. */
export const elbv2Sim: ServiceSim = {
  clientName: 'ElasticLoadBalancingV2Client',
  handlers: {
    ...loadBalancerHandlers,
    ...targetGroupHandlers,
    ...targetHandlers,
    ...listenerHandlers,
    AddTags: addTags,
    RemoveTags: removeTags,
    DescribeTags: describeTags,
  },
  tick(ctx) {
    targetsTick(ctx);
  },
};
