/** Elastic Load Balancing v2 calls the steps use: load balancers, target groups, listeners, target health. */
import {
  AddTagsCommand, CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand,
  DeleteLoadBalancerCommand, DeleteTargetGroupCommand, DescribeListenersCommand, DescribeLoadBalancersCommand,
  DescribeTagsCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ModifyListenerCommand,
  ModifyTargetGroupCommand, waitUntilLoadBalancerAvailable, waitUntilLoadBalancersDeleted,
  type ElasticLoadBalancingV2Client, type Listener as SdkListener, type LoadBalancer as SdkLoadBalancer,
  type TargetGroup as SdkTargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsCall, undefinedIfNotFound } from '../errors.js';
import { tagMap, type TagMap } from './tags.js';
import type { SdkTags } from './ec2-network.js';
import { runWaiter, type WaitOptions } from './waiter.js';

export interface LoadBalancer {
  arn: string; name: string; dnsName: string; scheme: string; type: string; vpcId: string; state: string;
  subnetIds: string[]; azs: string[]; securityGroupIds: string[]; tags: TagMap;
}
export interface TargetGroup {
  arn: string; name: string; protocol: string; port: number; vpcId: string; targetType: string;
  healthCheckPath: string; loadBalancerArns: string[]; tags: TagMap;
}
export interface Listener { arn: string; loadBalancerArn: string; protocol: string; port: number; targetGroupArn?: string; certificateArns: string[] }
export interface TargetHealth { id: string; port: number; az?: string; state: string; reason?: string; description?: string }

function toLb(l: SdkLoadBalancer, tags: TagMap): LoadBalancer {
  return {
    arn: l.LoadBalancerArn!, name: l.LoadBalancerName!, dnsName: l.DNSName!, scheme: l.Scheme!, type: l.Type!, vpcId: l.VpcId!,
    state: l.State?.Code ?? 'unknown', subnetIds: (l.AvailabilityZones ?? []).map((z) => z.SubnetId!),
    azs: (l.AvailabilityZones ?? []).map((z) => z.ZoneName!), securityGroupIds: l.SecurityGroups ?? [], tags,
  };
}

function toTg(t: SdkTargetGroup, tags: TagMap): TargetGroup {
  return {
    arn: t.TargetGroupArn!, name: t.TargetGroupName!, protocol: t.Protocol ?? '', port: t.Port ?? 0, vpcId: t.VpcId ?? '',
    targetType: t.TargetType ?? 'instance', healthCheckPath: t.HealthCheckPath ?? '/', loadBalancerArns: t.LoadBalancerArns ?? [], tags,
  };
}

function toListener(l: SdkListener): Listener {
  const forward = l.DefaultActions?.find((a) => a.Type === 'forward');
  const tgArn = forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
  return {
    arn: l.ListenerArn!, loadBalancerArn: l.LoadBalancerArn!, protocol: l.Protocol!, port: l.Port!,
    ...(tgArn ? { targetGroupArn: tgArn } : {}), certificateArns: (l.Certificates ?? []).map((c) => c.CertificateArn!),
  };
}

/** The Elastic Load Balancing v2 adapter. */
export class Elbv2Api {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  private async tagsOf(arns: string[]): Promise<Map<string, TagMap>> {
    const out = new Map<string, TagMap>();
    // DescribeTags takes at most 20 ARNs a call.
    for (let i = 0; i < arns.length; i += 20) {
      const chunk = arns.slice(i, i + 20);
      const res = await awsCall('DescribeTags', undefined, () => this.client.send(new DescribeTagsCommand({ ResourceArns: chunk })));
      for (const d of res.TagDescriptions ?? []) out.set(d.ResourceArn!, tagMap(d.Tags));
    }
    return out;
  }

  /** The load balancer of that name, or undefined (AWS answers LoadBalancerNotFound). */
  async findLoadBalancer(name: string): Promise<LoadBalancer | undefined> {
    return undefinedIfNotFound(['LoadBalancerNotFoundException'], async () => {
      const res = await awsCall('DescribeLoadBalancers', name, () => this.client.send(new DescribeLoadBalancersCommand({ Names: [name] })));
      const lb = res.LoadBalancers?.[0];
      if (!lb) return undefined;
      const tags = await this.tagsOf([lb.LoadBalancerArn!]);
      return toLb(lb, tags.get(lb.LoadBalancerArn!) ?? {});
    });
  }

  async findTargetGroup(name: string): Promise<TargetGroup | undefined> {
    return undefinedIfNotFound(['TargetGroupNotFoundException'], async () => {
      const res = await awsCall('DescribeTargetGroups', name, () => this.client.send(new DescribeTargetGroupsCommand({ Names: [name] })));
      const tg = res.TargetGroups?.[0];
      if (!tg) return undefined;
      const tags = await this.tagsOf([tg.TargetGroupArn!]);
      return toTg(tg, tags.get(tg.TargetGroupArn!) ?? {});
    });
  }

  /**
   * The load balancer and the target group of those names, each or both undefined, with the tags
   * of both read in one DescribeTags (it takes up to 20 ARNs) instead of one call each.
   */
  async findLoadBalancerAndTargetGroup(lbName: string, tgName: string): Promise<{ lb?: LoadBalancer; tg?: TargetGroup }> {
    const [lb, tg] = await Promise.all([
      undefinedIfNotFound(['LoadBalancerNotFoundException'], async () => {
        const res = await awsCall('DescribeLoadBalancers', lbName, () => this.client.send(new DescribeLoadBalancersCommand({ Names: [lbName] })));
        return res.LoadBalancers?.[0];
      }),
      undefinedIfNotFound(['TargetGroupNotFoundException'], async () => {
        const res = await awsCall('DescribeTargetGroups', tgName, () => this.client.send(new DescribeTargetGroupsCommand({ Names: [tgName] })));
        return res.TargetGroups?.[0];
      }),
    ]);
    const arns = [lb?.LoadBalancerArn, tg?.TargetGroupArn].filter((a): a is string => !!a);
    const tags = arns.length ? await this.tagsOf(arns) : new Map<string, TagMap>();
    return {
      ...(lb ? { lb: toLb(lb, tags.get(lb.LoadBalancerArn!) ?? {}) } : {}),
      ...(tg ? { tg: toTg(tg, tags.get(tg.TargetGroupArn!) ?? {}) } : {}),
    };
  }

  async listeners(loadBalancerArn: string): Promise<Listener[]> {
    const out: Listener[] = [];
    let marker: string | undefined;
    do {
      const res = await awsCall('DescribeListeners', loadBalancerArn, () =>
        this.client.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, ...(marker ? { Marker: marker } : {}) })),
      );
      out.push(...(res.Listeners ?? []).map(toListener));
      marker = res.NextMarker;
    } while (marker);
    return out;
  }

  async createLoadBalancer(p: { name: string; subnetIds: string[]; securityGroupIds: string[]; tags: SdkTags }): Promise<LoadBalancer> {
    const res = await awsCall('CreateLoadBalancer', p.name, () =>
      this.client.send(new CreateLoadBalancerCommand({
        Name: p.name, Type: 'application', Scheme: 'internet-facing', IpAddressType: 'ipv4',
        Subnets: p.subnetIds, SecurityGroups: p.securityGroupIds, Tags: p.tags,
      })),
    );
    const tags: TagMap = Object.fromEntries(p.tags.map((t) => [t.Key, t.Value]));
    return toLb(res.LoadBalancers![0]!, tags);
  }

  /** Waits until the load balancer is `active` (AWS: 2–4 minutes). */
  async waitForLoadBalancer(arn: string, wait: WaitOptions): Promise<void> {
    await runWaiter(`load balancer ${arn.split('/').slice(-2, -1)[0] ?? arn} to become active`, wait,
      (w) => waitUntilLoadBalancerAvailable({ client: this.client, ...w }, { LoadBalancerArns: [arn] }),
      async () => {
        const out = await awsCall('DescribeLoadBalancers', arn, () => this.client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })));
        const s = out.LoadBalancers?.[0]?.State;
        return s ? `${s.Code ?? 'unknown'}${s.Reason ? ` (${s.Reason})` : ''}` : 'not found';
      });
  }

  async createTargetGroup(p: { name: string; vpcId: string; port: number; healthCheckPath: string; tags: SdkTags }): Promise<TargetGroup> {
    const res = await awsCall('CreateTargetGroup', p.name, () =>
      this.client.send(new CreateTargetGroupCommand({
        Name: p.name, Protocol: 'HTTP', Port: p.port, VpcId: p.vpcId, TargetType: 'instance',
        HealthCheckProtocol: 'HTTP', HealthCheckPath: p.healthCheckPath, HealthCheckEnabled: true, Tags: p.tags,
      })),
    );
    const tags: TagMap = Object.fromEntries(p.tags.map((t) => [t.Key, t.Value]));
    return toTg(res.TargetGroups![0]!, tags);
  }

  async setHealthCheckPath(arn: string, path: string): Promise<void> {
    await awsCall('ModifyTargetGroup', arn, () => this.client.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: path })));
  }

  async createListener(p: { loadBalancerArn: string; port: number; protocol: 'HTTP' | 'HTTPS'; targetGroupArn: string; certificateArn?: string; tags: SdkTags }): Promise<Listener> {
    const res = await awsCall('CreateListener', `${p.protocol}:${p.port}`, () =>
      this.client.send(new CreateListenerCommand({
        LoadBalancerArn: p.loadBalancerArn, Port: p.port, Protocol: p.protocol,
        ...(p.certificateArn ? { Certificates: [{ CertificateArn: p.certificateArn }] } : {}),
        DefaultActions: [{ Type: 'forward', TargetGroupArn: p.targetGroupArn }], Tags: p.tags,
      })),
    );
    return toListener(res.Listeners![0]!);
  }

  async setListenerTarget(listenerArn: string, targetGroupArn: string): Promise<void> {
    await awsCall('ModifyListener', listenerArn, () =>
      this.client.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] })),
    );
  }

  async targetHealth(targetGroupArn: string): Promise<TargetHealth[]> {
    const res = await awsCall('DescribeTargetHealth', targetGroupArn, () => this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })));
    return (res.TargetHealthDescriptions ?? []).map((d) => ({
      id: d.Target!.Id!, port: d.Target!.Port ?? 0, ...(d.Target!.AvailabilityZone ? { az: d.Target!.AvailabilityZone } : {}),
      state: d.TargetHealth?.State ?? 'unknown',
      ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
      ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
    }));
  }

  /** Tags an existing resource (only for adoption, which the user agreed to). */
  async tagResource(arn: string, tags: SdkTags): Promise<void> {
    await awsCall('AddTags', arn, () => this.client.send(new AddTagsCommand({ ResourceArns: [arn], Tags: tags })));
  }

  async deleteListener(arn: string): Promise<void> {
    await awsCall('DeleteListener', arn, () => this.client.send(new DeleteListenerCommand({ ListenerArn: arn })));
  }

  async deleteLoadBalancer(arn: string, wait: WaitOptions): Promise<void> {
    await awsCall('DeleteLoadBalancer', arn, () => this.client.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })));
    await awsCall('waitUntilLoadBalancersDeleted', arn, () => waitUntilLoadBalancersDeleted({ client: this.client, ...wait }, { LoadBalancerArns: [arn] }));
  }

  async deleteTargetGroup(arn: string): Promise<void> {
    await awsCall('DeleteTargetGroup', arn, () => this.client.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })));
  }
}
