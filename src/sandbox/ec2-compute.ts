/**
 * EC2 compute: instances (RunInstances … GetConsoleOutput), with images, launch templates and
 * instance types from their own files. Instances launch through `launchInstance` (shared with
 * Auto Scaling) and their state is derived from timestamps on every read, so the SDK's waiters
 * poll a lifecycle that advances with the sandbox clock.
 */
import { ec2Error } from './errors.js';
import { matchesFilters, page, sdkTags, type Filter } from './ec2-common.js';
import {
  checkDryRun, checkIdFormat, checkTerminatedToken, forgetReleasedTokens, notFoundMessage, priorResult, rememberResult, rememberTokenRelease,
} from './ec2-compute-common.js';
import { imageHandlers } from './ec2-images.js';
import { launchTemplateHandlers } from './ec2-launch-templates.js';
import { instanceTypeHandlers, instanceTypeInfo } from './ec2-instance-types.js';
import { resolveLaunch } from './ec2-run-instances.js';
import {
  instanceState, launchInstance, STATE_CODES, terminateInstance, userDataSignal, type InstanceStateName,
} from './instance-model.js';
import { signalLine } from '../contract/user-data.js';
import type { Handler, InstanceRecord, SimContext } from './types.js';

export { resolveLaunch } from './ec2-run-instances.js';

/** EC2 keeps terminated instances visible for about an hour. */
const TERMINATED_VISIBLE_MS = 3_600_000;

/** The reservation an instance belongs to (Auto Scaling's launches get one derived from the id). */
function reservationOf(rec: InstanceRecord): string {
  return rec.reservationId ?? `r-${rec.id.slice(2)}`;
}

const dashed = (ip: string) => ip.replace(/\./g, '-');

/** One instance in the SDK's `Instance` shape, as of now. */
export function sdkInstance(ctx: SimContext, rec: InstanceRecord) {
  const w = ctx.world;
  const state = instanceState(ctx, rec);
  const gone = state === 'terminated';
  const east1 = w.region === 'us-east-1';
  const vpc = w.ec2.vpcs.find((v) => v.id === rec.vpcId);
  const publicIp = gone ? undefined : rec.publicIp;
  const publicDns = publicIp && vpc?.enableDnsHostnames !== false
    ? `ec2-${dashed(publicIp)}.${east1 ? 'compute-1' : `${w.region}.compute`}.amazonaws.com` : '';
  const privateDns = gone ? '' : `ip-${dashed(rec.privateIp)}.${east1 ? 'ec2.internal' : `${w.region}.compute.internal`}`;
  const groups = gone ? [] : rec.securityGroupIds.map((id) => ({ GroupId: id, GroupName: w.ec2.securityGroups.find((g) => g.id === id)?.name ?? '' }));
  const image = w.ec2.images.find((i) => i.id === rec.imageId);
  const reason = state === 'pending' ? { Code: 'pending', Message: 'pending' }
    : rec.stateReason ? { Code: rec.stateReason.split(':')[0], Message: rec.stateReason } : undefined;
  const profile = rec.iamInstanceProfileArn
    ? { Arn: rec.iamInstanceProfileArn, Id: w.iam.instanceProfiles.find((p) => p.arn === rec.iamInstanceProfileArn)?.id ?? 'AIPA0000000000000000' }
    : undefined;
  const eniId = `eni-${rec.id.slice(2)}`;
  return {
    AmiLaunchIndex: rec.amiLaunchIndex ?? 0,
    ImageId: rec.imageId,
    InstanceId: rec.id,
    InstanceType: rec.instanceType,
    LaunchTime: new Date(rec.launchedAt),
    Monitoring: { State: 'disabled' },
    Placement: { AvailabilityZone: rec.az, GroupName: '', Tenancy: 'default' },
    PrivateDnsName: privateDns,
    ...(gone ? {} : { PrivateIpAddress: rec.privateIp, SubnetId: rec.subnetId, VpcId: rec.vpcId }),
    ProductCodes: [],
    PublicDnsName: publicDns,
    ...(publicIp ? { PublicIpAddress: publicIp } : {}),
    State: { Code: STATE_CODES[state], Name: state },
    StateTransitionReason: rec.terminatingAt !== undefined
      ? `User initiated (${new Date(rec.terminatingAt).toISOString().replace('T', ' ').slice(0, 19)} GMT)` : '',
    ...(reason ? { StateReason: reason } : {}),
    Architecture: image?.architecture ?? 'x86_64',
    BlockDeviceMappings: gone ? [] : [{
      DeviceName: '/dev/xvda',
      Ebs: { AttachTime: new Date(rec.launchedAt), DeleteOnTermination: true, Status: state === 'pending' ? 'attaching' : 'attached', VolumeId: rec.volumeId },
    }],
    ClientToken: rec.clientToken ?? '',
    EbsOptimized: false,
    EnaSupport: true,
    Hypervisor: hypervisorOf(rec.instanceType),
    ...(profile ? { IamInstanceProfile: profile } : {}),
    NetworkInterfaces: gone ? [] : [{
      NetworkInterfaceId: eniId,
      SubnetId: rec.subnetId,
      VpcId: rec.vpcId,
      OwnerId: w.accountId,
      Status: 'in-use',
      PrivateIpAddress: rec.privateIp,
      PrivateDnsName: privateDns,
      ...(publicIp ? { Association: { PublicIp: publicIp, PublicDnsName: publicDns, IpOwnerId: 'amazon' } } : {}),
      Groups: groups,
      Attachment: { AttachmentId: `eni-attach-${rec.id.slice(2)}`, AttachTime: new Date(rec.launchedAt), DeleteOnTermination: true, DeviceIndex: 0, Status: 'attached', NetworkCardIndex: 0 },
      SourceDestCheck: true,
      InterfaceType: 'interface',
      Ipv6Addresses: [],
    }],
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    SecurityGroups: groups,
    SourceDestCheck: true,
    ...(rec.tags.length ? { Tags: sdkTags(rec.tags) } : {}),
    VirtualizationType: 'hvm',
    MetadataOptions: {
      State: 'applied', HttpTokens: rec.httpTokens, HttpPutResponseHopLimit: image?.public ? 2 : 1,
      HttpEndpoint: 'enabled', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'disabled',
    },
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: new Date(rec.launchedAt),
    BootMode: image?.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
    CurrentInstanceBootMode: image?.architecture === 'arm64' ? 'uefi' : 'legacy-bios',
  };
}

/** Reservations in first-seen order, each with its instances. */
function reservations(ctx: SimContext, recs: InstanceRecord[]) {
  const out = new Map<string, InstanceRecord[]>();
  for (const r of recs) {
    const id = reservationOf(r);
    out.set(id, [...(out.get(id) ?? []), r]);
  }
  return [...out].map(([id, list]) => ({
    ReservationId: id,
    OwnerId: ctx.world.accountId,
    Groups: [],
    Instances: list.map((r) => sdkInstance(ctx, r)),
  }));
}

/** The instances named by `ids` (all must exist: EC2 fails the whole call otherwise). */
function findInstances(ctx: SimContext, ids: string[]): InstanceRecord[] {
  for (const id of ids) checkIdFormat(id, 'i', 'InvalidInstanceID');
  const all = ctx.world.ec2.instances;
  const missing = ids.filter((id) => !all.some((i) => i.id === id));
  if (missing.length) throw ec2Error('InvalidInstanceID.NotFound', notFoundMessage('instance', missing));
  return [...new Set(ids)].map((id) => all.find((i) => i.id === id)!);
}

function checkNoIdsWithPaging(input: { InstanceIds?: string[]; MaxResults?: number }): void {
  if (input.InstanceIds?.length && input.MaxResults !== undefined) {
    throw ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
}

function statusOf(ctx: SimContext, rec: InstanceRecord, state: InstanceStateName) {
  if (state !== 'running') return { Status: 'not-applicable' };
  const ok = ctx.now >= rec.checksOkAt;
  return { Status: ok ? 'ok' : 'initializing', Details: [{ Name: 'reachability', Status: ok ? 'passed' : 'initializing' }] };
}

/** The type's hypervisor as EC2 reports it (t2 is Xen, later families Nitro). */
function hypervisorOf(type: string): 'xen' | 'nitro' {
  return instanceTypeInfo(type)?.hypervisor ?? 'xen';
}

/**
 * What the serial console shows: boot, cloud-init, and the user data's completion signal once
 * it has run. `live` is the console as of now (Nitro, `Latest`); otherwise it is the copy EC2
 * buffered at the last state change — at start, boot only (the user data runs after it), so
 * the signal shows in it only once the instance is stopped or terminated after finishing.
 */
function consoleText(ctx: SimContext, rec: InstanceRecord, live: boolean): { text: string; at: number } {
  const boot = (ms: number) => `[${(Math.max(0, ms) / 1000).toFixed(6).padStart(12)}]`;
  const t0 = rec.runningAt;
  const stamp = (ms: number) => new Date(ms).toUTCString();
  const lines = [
    `${boot(0)} Linux version 6.1.155-176.282.amzn2023.${rec.instanceType.match(/^[a-z]+\d+g/) ? 'aarch64' : 'x86_64'} (mockbuild@ip-10-0-0-1) #1 SMP`,
    `${boot(1200)} systemd[1]: Detected virtualization amazon.`,
    `${boot(4100)} cloud-init[1521]: Cloud-init v. 22.2.2 running 'init' at ${stamp(t0)}. Up 4.10 seconds.`,
    `${boot(5200)} cloud-init[1521]: ci-info: ++++++++++++++++++++Net device info+++++++++++++++++++++`,
    `${boot(6000)} cloud-init[1721]: Cloud-init v. 22.2.2 running 'modules:config' at ${stamp(t0 + 6000)}. Up 6.00 seconds.`,
    `${boot(7400)} cloud-init[1780]: Cloud-init v. 22.2.2 running 'modules:final' at ${stamp(t0 + 7400)}. Up 7.40 seconds.`,
  ];
  let at = t0;
  const postedAt = live ? ctx.now : rec.terminatingAt ?? t0;
  const signal = userDataSignal(ctx, rec);
  const doneAt = rec.userDataDoneAt;
  if (signal && doneAt !== undefined && doneAt <= postedAt && (live || rec.terminatingAt !== undefined)) {
    const up = doneAt - t0;
    lines.push(`${boot(up)} cloud-init[1780]: ${signalLine(signal.exit ?? '-')}`);
    lines.push(`${boot(up + 300)} cloud-init[1780]: Cloud-init v. 22.2.2 finished at ${stamp(doneAt + 300)}. Datasource DataSourceEc2.  Up ${((up + 300) / 1000).toFixed(2)} seconds`);
    at = doneAt;
  }
  return { text: `${lines.join('\r\n')}\r\n`, at: live ? at : postedAt };
}

const instanceHandlers: Record<string, Handler> = {
  RunInstances: (ctx, input) => {
    checkDryRun(input);
    const w = ctx.world;
    const prior = priorResult(ctx, 'RunInstances', input);
    if (prior) {
      const [reservationId, ...ids] = prior;
      const recs = w.ec2.instances.filter((i) => ids.includes(i.id));
      if (recs.some((r) => instanceState(ctx, r) !== 'terminated')) {
        return { ReservationId: reservationId, OwnerId: w.accountId, Groups: [], Instances: recs.map((r) => sdkInstance(ctx, r)) };
      }
      // Every instance of the token is gone: the token stays bound for a day, then is free.
      checkTerminatedToken(ctx, String(input.ClientToken), Math.max(0, ...recs.map((r) => r.terminatedAt ?? 0)) || undefined);
    }
    const min = input.MinCount;
    const max = input.MaxCount;
    if (min === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter MinCount');
    if (max === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter MaxCount');
    if (!Number.isInteger(min) || min < 1) throw ec2Error('InvalidParameterValue', `Value (${min}) for parameter minCount is invalid. Expected a positive integer.`);
    if (!Number.isInteger(max) || max < min) {
      throw ec2Error('InvalidParameterValue', `Value (${max}) for parameter maxCount is invalid. Expected an integer greater than or equal to minCount.`);
    }
    const opts = resolveLaunch(ctx, input);
    const reservationId = ctx.newId('r');
    const recs: InstanceRecord[] = [];
    for (let n = 0; n < max; n++) {
      const rec = launchInstance(ctx, { ...opts, ...(input.ClientToken ? { clientToken: String(input.ClientToken) } : {}) });
      rec.reservationId = reservationId;
      rec.amiLaunchIndex = n;
      recs.push(rec);
    }
    rememberResult(ctx, 'RunInstances', input, [reservationId, ...recs.map((r) => r.id)]);
    // RunInstances always answers pending, even when the instance runs by the next read (latency 0).
    const pending = { State: { Code: STATE_CODES.pending, Name: 'pending' }, StateReason: { Code: 'pending', Message: 'pending' } };
    return { ReservationId: reservationId, OwnerId: w.accountId, Groups: [], Instances: recs.map((r) => ({ ...sdkInstance(ctx, r), ...pending })) };
  },

  DescribeInstances: (ctx, input: { InstanceIds?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    checkNoIdsWithPaging(input);
    const w = ctx.world;
    let list = input.InstanceIds?.length ? findInstances(ctx, input.InstanceIds) : w.ec2.instances;
    list = list.filter((r) => {
      const state = instanceState(ctx, r);
      const groups = r.securityGroupIds;
      return matchesFilters(
        input.Filters,
        {
          'instance-id': r.id,
          'instance-state-name': state,
          'instance-state-code': String(STATE_CODES[state]),
          'vpc-id': r.vpcId,
          'subnet-id': r.subnetId,
          'network-interface.subnet-id': r.subnetId,
          'network-interface.vpc-id': r.vpcId,
          'availability-zone': r.az,
          'image-id': r.imageId,
          'instance-type': r.instanceType,
          'instance.group-id': groups,
          'group-id': groups,
          'network-interface.group-id': groups,
          'instance.group-name': groups.map((id) => w.ec2.securityGroups.find((g) => g.id === id)?.name ?? ''),
          'private-ip-address': r.privateIp,
          'ip-address': r.publicIp,
          'reservation-id': reservationOf(r),
          'client-token': r.clientToken,
          'iam-instance-profile.arn': r.iamInstanceProfileArn,
          'metadata-options.http-tokens': r.httpTokens,
          'owner-id': w.accountId,
        },
        r.tags,
      );
    });
    const { items, nextToken } = page(list, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { Reservations: reservations(ctx, items), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DescribeInstanceStatus: (ctx, input: { InstanceIds?: string[]; IncludeAllInstances?: boolean; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    checkNoIdsWithPaging(input);
    const all = input.InstanceIds?.length ? findInstances(ctx, input.InstanceIds) : ctx.world.ec2.instances;
    const rows = all
      .map((r) => ({ r, state: instanceState(ctx, r) }))
      .filter(({ state }) => input.IncludeAllInstances || state === 'running')
      .map(({ r, state }) => ({
        AvailabilityZone: r.az,
        InstanceId: r.id,
        InstanceState: { Code: STATE_CODES[state], Name: state },
        InstanceStatus: statusOf(ctx, r, state),
        SystemStatus: statusOf(ctx, r, state),
      }))
      .filter((s) =>
        matchesFilters(input.Filters, {
          'availability-zone': s.AvailabilityZone,
          'instance-state-name': s.InstanceState.Name,
          'instance-state-code': String(s.InstanceState.Code),
          'instance-status.status': s.InstanceStatus.Status,
          'system-status.status': s.SystemStatus.Status,
          'instance-status.reachability': s.InstanceStatus.Details?.[0]?.Status,
          'system-status.reachability': s.SystemStatus.Details?.[0]?.Status,
        }),
      );
    const { items, nextToken } = page(rows, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { InstanceStatuses: items, ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  TerminateInstances: (ctx, input: { InstanceIds?: string[]; DryRun?: boolean }) => {
    checkDryRun(input);
    if (!input.InstanceIds?.length) throw ec2Error('MissingParameter', 'The request must contain the parameter InstanceId');
    const recs = findInstances(ctx, input.InstanceIds);
    return {
      TerminatingInstances: recs.map((r) => {
        const prev = instanceState(ctx, r);
        terminateInstance(ctx, r);
        let cur = instanceState(ctx, r);
        // EC2 always answers shutting-down for a live instance, even when it will be gone by the next read.
        if (cur === 'terminated' && prev !== 'terminated') cur = 'shutting-down';
        return { InstanceId: r.id, CurrentState: { Code: STATE_CODES[cur], Name: cur }, PreviousState: { Code: STATE_CODES[prev], Name: prev } };
      }),
    };
  },

  GetConsoleOutput: (ctx, input: { InstanceId?: string; Latest?: boolean }) => {
    const [rec] = findInstances(ctx, [String(input.InstanceId ?? '')]);
    // Live output is a Nitro feature; EC2 refuses the flag on Xen types (BEHAVIOUR.md, "Console output").
    if (input.Latest && hypervisorOf(rec!.instanceType) !== 'nitro') {
      throw ec2Error('UnsupportedOperation', `The latest console output is not supported for instance type ${rec!.instanceType}: it is only available on instances built on the Nitro System.`);
    }
    if (instanceState(ctx, rec!) === 'pending') return { InstanceId: rec!.id, Timestamp: new Date(ctx.now) };
    const { text, at } = consoleText(ctx, rec!, !!input.Latest);
    return { InstanceId: rec!.id, Timestamp: new Date(at), Output: Buffer.from(text, 'utf8').toString('base64') };
  },
};

/** Every EC2 compute command the sandbox answers. */
export const computeHandlers: Record<string, Handler> = {
  ...instanceHandlers,
  ...imageHandlers,
  ...launchTemplateHandlers,
  ...instanceTypeHandlers,
};

/**
 * Forgets instances an hour (sandbox time) after they terminated, as EC2 stops listing them (their
 * ClientToken stays bound for the day), and tokens a day after.
 */
export function computeTick(ctx: SimContext): void {
  const list = ctx.world.ec2.instances;
  for (let i = list.length - 1; i >= 0; i--) {
    const rec = list[i]!;
    const t = rec.terminatedAt;
    if (t !== undefined && ctx.now >= t + TERMINATED_VISIBLE_MS) {
      if (rec.clientToken) rememberTokenRelease(ctx, rec.clientToken, t);
      list.splice(i, 1);
    }
  }
  forgetReleasedTokens(ctx);
}
