/**
 * EC2 instances as more than one service sees them: RunInstances and Auto Scaling both launch
 * through `launchInstance`, and everyone reads the state through `instanceState`, which derives
 * it from the record's timestamps on the sandbox clock.
 */
import type { InstanceRecord, SimContext, Tag } from './types.js';
import { TIMES } from './timings.js';
import { unwrapUserData, type UnwrappedUserData } from '../contract/user-data.js';
import { LOAD_TOKEN, parseLoadToken } from '../contract/web-server.js';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/** EC2's state code for each name. */
export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80,
};

export function instanceState(ctx: SimContext, rec: InstanceRecord): InstanceStateName {
  if (rec.terminatedAt !== undefined && ctx.now >= rec.terminatedAt) return 'terminated';
  if (rec.terminatingAt !== undefined) return 'shutting-down';
  return ctx.now >= rec.runningAt ? 'running' : 'pending';
}

/** Whether the instance answers HTTP on port 80 now (its web server is up). */
export function instanceServesHttp(ctx: SimContext, rec: InstanceRecord): boolean {
  return instanceState(ctx, rec) === 'running' && rec.serviceUpAt !== undefined && ctx.now >= rec.serviceUpAt;
}

export interface LaunchOptions {
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  userData?: string;
  httpTokens?: 'required' | 'optional';
  iamInstanceProfileArn?: string;
  launchTemplate?: { id: string; name: string; version: string };
  clientToken?: string;
  associatePublicIp?: boolean;
  tags?: Tag[];
  volumeTags?: Tag[];
}

function decodeUserData(b64: string | undefined): string {
  if (!b64) return '';
  try {
    return Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return '';
  }
}

/** What the instance's user data runs, when asg-wizard's completion signal was added to it. */
export function instanceUserData(rec: InstanceRecord): UnwrappedUserData | undefined {
  return unwrapUserData(decodeUserData(rec.userData));
}

/**
 * Whether the user data has finished and signalled it (with the status the signal reports), as
 * of now: undefined while it runs, or when it carries no signal.
 */
export function userDataSignal(ctx: SimContext, rec: InstanceRecord): { exit: number | undefined } | undefined {
  if (rec.userDataDoneAt === undefined || ctx.now < rec.userDataDoneAt || instanceState(ctx, rec) === 'pending') return undefined;
  const u = instanceUserData(rec);
  return u ? { exit: u.exitStatus } : undefined;
}

/**
 * Launches one instance (no validation: callers check the image, subnet and groups exist and
 * throw AWS's error first). Whether it will serve HTTP follows from what it runs: an image baked
 * with the web server, or user data that installs it (the completion signal is not counted).
 */
export function launchInstance(ctx: SimContext, opts: LaunchOptions): InstanceRecord {
  const w = ctx.world;
  const subnet = w.ec2.subnets.find((s) => s.id === opts.subnetId);
  if (!subnet) throw new Error(`launchInstance: unknown subnet ${opts.subnetId}`);
  const image = w.ec2.images.find((i) => i.id === opts.imageId);
  const runningAt = ctx.now + ctx.duration(TIMES.instancePendingToRunning);
  const userData = decodeUserData(opts.userData);
  // The user data runs to its end after boot; it serves the page only if it installs a web
  // server (the lab's does: httpd) — judged on the user's own parts, not on the signal we add.
  // Finishing (the signal) and serving are different things.
  const userDataDoneAt = userData ? runningAt + ctx.duration(TIMES.userDataFromBoot) : undefined;
  const own = unwrapUserData(userData)?.parts.map((p) => p.body).join('\n') ?? userData;
  let serviceUpAt: number | undefined;
  if (image?.servesHttp) serviceUpAt = runningAt + ctx.duration(TIMES.serviceFromBootBaked);
  else if (/\b(httpd|nginx|apache2)\b/.test(own)) serviceUpAt = userDataDoneAt;
  const index = w.ec2.instances.filter((i) => i.subnetId === subnet.id).length + 10;
  const base = subnet.cidr.split('/')[0]!.split('.').map(Number);
  const privateIp = `${base[0]}.${base[1]}.${base[2]! + Math.floor(index / 250)}.${(index % 250) + 4}`;
  const publicIp = (opts.associatePublicIp ?? subnet.mapPublicIpOnLaunch)
    ? `3.${(w.seq >> 8) & 255}.${w.seq & 255}.${(index * 7) % 250 + 1}`
    : undefined;
  const rec: InstanceRecord = {
    id: ctx.newId('i'),
    imageId: opts.imageId,
    instanceType: opts.instanceType,
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    az: subnet.az,
    privateIp,
    ...(publicIp ? { publicIp } : {}),
    securityGroupIds: opts.securityGroupIds,
    ...(opts.userData ? { userData: opts.userData } : {}),
    httpTokens: opts.httpTokens ?? 'optional',
    ...(opts.iamInstanceProfileArn ? { iamInstanceProfileArn: opts.iamInstanceProfileArn } : {}),
    ...(opts.launchTemplate ? { launchTemplate: opts.launchTemplate } : {}),
    ...(opts.clientToken ? { clientToken: opts.clientToken } : {}),
    tags: opts.tags ?? [],
    volumeTags: opts.volumeTags ?? [],
    volumeId: ctx.newId('vol'),
    launchedAt: ctx.now,
    runningAt,
    checksOkAt: runningAt + ctx.duration(TIMES.instanceRunningToChecksOk),
    ...(serviceUpAt !== undefined ? { serviceUpAt } : {}),
    ...(userDataDoneAt !== undefined ? { userDataDoneAt } : {}),
  };
  w.ec2.instances.push(rec);
  return rec;
}

/** Starts a termination (idempotent); the instance is `terminated` after shutting down. */
export function terminateInstance(ctx: SimContext, rec: InstanceRecord, reason = 'Client.UserInitiatedShutdown: User initiated shutdown'): void {
  if (rec.terminatingAt !== undefined) return;
  rec.terminatingAt = ctx.now;
  rec.terminatedAt = ctx.now + ctx.duration(TIMES.instanceShuttingDown);
  rec.stateReason = reason;
}

/**
 * Whether the instance's `/load` asks for the stack's load token: its image was baked with a
 * load.php that does, or its own user data installs one (the bake instance).
 */
export function loadGuarded(ctx: SimContext, rec: InstanceRecord): boolean {
  const image = ctx.world.ec2.images.find((i) => i.id === rec.imageId);
  return !!image?.loadGuarded || decodeUserData(rec.userData).includes(LOAD_TOKEN.phpKey);
}

/** The load token the instance keeps (written at boot by its launch template's user data), if any. */
export function instanceLoadToken(rec: InstanceRecord): string | undefined {
  return parseLoadToken(decodeUserData(rec.userData));
}
