/**
 * EC2's network side as the sandbox simulates it, assembled by AWS noun: zones (`ec2-zones.ts`),
 * VPCs and subnets (`ec2-vpc.ts`), internet gateways, Elastic IPs and NAT gateways
 * (`ec2-gateways.ts`), route tables (`ec2-route-tables.ts`), security groups
 * (`ec2-security-groups.ts`) and tags on any EC2 resource (`ec2-tags.ts`).
 */
import { ec2Error } from './errors.js';
import { vpcHandlers } from './ec2-vpc.js';
import { zoneHandlers } from './ec2-zones.js';
import { forgetOldNatGateways, gatewayHandlers } from './ec2-gateways.js';
import { routeTableHandlers } from './ec2-route-tables.js';
import { securityGroupHandlers } from './ec2-security-groups.js';
import { tagHandlers } from './ec2-tags.js';
import type { Handler, SimContext } from './types.js';

/** `DryRun: true` answers as EC2 does once the caller is allowed: an error saying it would have worked. */
function withDryRun(handler: Handler): Handler {
  return (ctx, input) => {
    if ((input as { DryRun?: boolean } | undefined)?.DryRun) {
      throw ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    }
    return handler(ctx, input);
  };
}

const all: Record<string, Handler> = {
  ...zoneHandlers,
  ...vpcHandlers,
  ...gatewayHandlers,
  ...routeTableHandlers,
  ...securityGroupHandlers,
  ...tagHandlers,
};

/** Every EC2 network command the sandbox answers, by command name (`CreateVpc`). */
export const networkHandlers: Record<string, Handler> = Object.fromEntries(
  Object.entries(all).map(([name, h]) => [name, withDryRun(h)]),
);

/**
 * What the network does on its own. NAT gateway states are derived from their timestamps, so
 * the only work is dropping gateways deleted over an hour ago, as AWS stops listing them.
 */
export function networkTick(ctx: SimContext): void {
  forgetOldNatGateways(ctx);
}
