/** Resources pushed straight into a sandbox world, for tests of what sits on top of them. */
import type { World } from '../../src/sandbox/types.js';

export const TG_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/web-tg/0123456789abcdef';
export const LB_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web-alb/0123456789abcdef';

/** An active internet-facing load balancer in the default VPC, its target group `web-tg` and an HTTP:80 listener. */
export function pushLoadBalancer(w: World, now: number, securityGroupId: string): void {
  w.elbv2.loadBalancers.push({
    arn: LB_ARN, name: 'web-alb', dnsName: 'web-alb-1.ap-northeast-2.elb.amazonaws.com', scheme: 'internet-facing', type: 'application',
    vpcId: w.ec2.vpcs[0]!.id, subnetIds: w.ec2.subnets.slice(0, 2).map((s) => s.id), securityGroupIds: [securityGroupId], ipAddressType: 'ipv4',
    createdAt: now - 600_000, activeAt: now - 300_000, tags: [],
  });
  w.elbv2.targetGroups.push({
    arn: TG_ARN, name: 'web-tg', protocol: 'HTTP', port: 80, vpcId: w.ec2.vpcs[0]!.id, targetType: 'instance',
    healthCheck: { protocol: 'HTTP', path: '/', port: 'traffic-port', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200' },
    deregistrationDelaySeconds: 300, targets: [], createdAt: now - 600_000, tags: [],
  });
  w.elbv2.listeners.push({
    arn: `${LB_ARN.replace(':loadbalancer/', ':listener/')}/abcdef0123456789`, loadBalancerArn: LB_ARN, protocol: 'HTTP', port: 80,
    certificateArns: [], defaultActions: [{ Type: 'forward', TargetGroupArn: TG_ARN }], tags: [],
  });
}
