/**
 * EC2 as one simulated service, assembled from its parts by AWS noun: the network (VPCs,
 * subnets, gateways, route tables, security groups, tags) and compute (instances, images,
 * launch templates, instance types).
 */
import type { ServiceSim } from './types.js';
import { networkHandlers, networkTick } from './ec2-network.js';
import { computeHandlers, computeTick } from './ec2-compute.js';

export const ec2Sim: ServiceSim = {
  clientName: 'EC2Client',
  handlers: { ...networkHandlers, ...computeHandlers },
  tick(ctx) {
    networkTick(ctx);
    computeTick(ctx);
  },
};
