/**
 * The sandbox's stand-in for an HTTP GET from the caller's machine, as a browser or `curl` there
 * would see it. To a load balancer's URL: the DNS name resolves once the load balancer is
 * active, its security groups must admit the caller, the listener on the URL's port forwards to
 * a healthy target (round-robin), and the instance answers with the page the lab's user data
 * serves. To an instance's public IP: it must be running and one of its security groups must
 * admit the caller's IP on the port; then its web server answers, or — for the completion
 * signal only — the signal's own server once the user data has finished.
 *
 * Nothing here is persisted by itself: a caller that needs the effects (`cpuBurnUntil`, the
 * round-robin position) kept on disk runs it inside `Sandbox.transact()`.
 */
import { makeContext } from './store.js';
import { instanceLoadToken, instanceServesHttp, instanceState, loadGuarded, userDataSignal } from './instance-model.js';
import { signalLine, USER_DATA_DONE_PATH } from '../contract/user-data.js';
import { checkLoadToken, instancePage, LOAD_ENDPOINT, LOAD_TOKEN, loadAccepted, readLoadSeconds } from '../contract/web-server.js';
import { targetHealth, type TargetHealth } from './target-health.js';
import type { InstanceRecord, LoadBalancerRecord, SimContext, TargetGroupRecord, TargetRecord, World } from './types.js';
import { ipInCidr, liveLoadBalancers } from './elbv2-common.js';
import { loadBalancerState } from './elbv2-load-balancers.js';
import { actionTargetGroupArns } from './elbv2-listeners.js';

/** Request headers, by lower-case name. */
export type RequestHeaders = Record<string, string>;

/** What the GET got: `status` 0 means no HTTP answer at all (DNS, connection refused, timed out). */
export interface SandboxHttpResponse {
  status: number;
  body: string;
  /** The instance that answered, when one did. */
  instanceId?: string;
  az?: string;
}

/** Whether one of the load balancer's groups admits `ip` on TCP `port` (a network one without groups admits all). */
function admitsCaller(world: World, lb: LoadBalancerRecord, ip: string, port: number): boolean {
  if (lb.securityGroupIds.length === 0) return lb.type === 'network';
  return groupsAdmit(world, lb.securityGroupIds, ip, port);
}

/** Whether one of the security groups admits `ip` on TCP `port` by a CIDR rule. */
function groupsAdmit(world: World, groupIds: string[], ip: string, port: number): boolean {
  const groups = world.ec2.securityGroups.filter((g) => groupIds.includes(g.id));
  return groups.some((g) => g.ingress.some((r) => {
    const portOk = r.ipProtocol === '-1' || (r.ipProtocol === 'tcp' && (r.fromPort ?? 0) <= port && port <= (r.toPort ?? 65535));
    return portOk && !!r.cidrIpv4 && ipInCidr(ip, r.cidrIpv4);
  }));
}

type Candidate = { tg: TargetGroupRecord; target: TargetRecord; health: TargetHealth };

/** The target the load balancer sends this request to, or undefined when none can take it. */
function pickTarget(ctx: SimContext, lb: LoadBalancerRecord, tgs: TargetGroupRecord[]): Candidate | undefined {
  const candidates: Candidate[] = [];
  for (const tg of tgs) {
    for (const target of tg.targets) {
      if (target.deregisteredAt !== undefined) continue;
      candidates.push({ tg, target, health: targetHealth(ctx, tg, target) });
    }
  }
  const healthy = candidates.filter((c) => c.health.State === 'healthy');
  // With no healthy target at all, an ALB "fails open" and routes to the unhealthy ones.
  const pool = healthy.length ? healthy : candidates.filter((c) => c.health.State === 'unhealthy');
  if (pool.length === 0) return undefined;
  const n = lb.rrNext ?? 0;
  lb.rrNext = n + 1;
  return pool[n % pool.length];
}

/**
 * What the lab's web server (`assets/user-data.sh`) on `instance` answers to `u`: its page, the
 * load endpoint, the completion signal's file in its root, else Apache's 404.
 */
function webServer(ctx: SimContext, instance: InstanceRecord, u: URL, headers: RequestHeaders): SandboxHttpResponse {
  const who = { instanceId: instance.id, az: instance.az };
  if (u.pathname === USER_DATA_DONE_PATH) {
    // The signal writes its file into the web server's root.
    const signal = userDataSignal(ctx, instance);
    return signal ? { status: 200, body: `${signalLine(signal.exit ?? '-')}\n`, ...who } : { status: 404, body: '404 Not Found', ...who };
  }
  if (u.pathname === '/' || u.pathname === '/index.php') return { status: 200, body: instancePage(who), ...who };
  if (u.pathname === LOAD_ENDPOINT.path || u.pathname === '/load.php') {
    // A web server baked with the guarded load.php asks for the token its instance keeps.
    if (loadGuarded(ctx, instance)) {
      const ok = checkLoadToken(instanceLoadToken(instance), headers[LOAD_TOKEN.header.toLowerCase()]);
      if (ok !== true) return { ...ok, ...who };
    }
    const load = readLoadSeconds(u.searchParams.get(LOAD_ENDPOINT.param));
    if ('status' in load) return { ...load, ...who };
    // Real seconds on the sandbox clock (not scaled): the caller asked for that much load.
    if (instance.cpuBurnUntil === undefined || instance.cpuBurnUntil <= ctx.now) instance.cpuBurnFrom = ctx.now;
    instance.cpuBurnUntil = Math.max(instance.cpuBurnUntil ?? 0, ctx.now + load.seconds * 1000);
    return { status: 200, body: loadAccepted(load.seconds, instance.id), ...who };
  }
  return { status: 404, body: '404 Not Found', ...who };
}

/** What the chosen target answers to `url`. */
function serve(ctx: SimContext, picked: Candidate, url: URL, headers: RequestHeaders): SandboxHttpResponse {
  const instance = ctx.world.ec2.instances.find((i) => i.id === picked.target.id);
  if (picked.health.Reason === 'Target.Timeout') return { status: 504, body: '504 Gateway Time-out' };
  if (!instance || !instanceServesHttp(ctx, instance)) return { status: 502, body: '502 Bad Gateway' };
  return webServer(ctx, instance, url, headers);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A GET to an instance's public IP: what answers on port 80 of the instance, if the caller may reach it. */
function getFromInstance(ctx: SimContext, host: string, u: URL, headers: RequestHeaders): SandboxHttpResponse {
  const w = ctx.world;
  const rec = w.ec2.instances.find((i) => i.publicIp === host && instanceState(ctx, i) !== 'terminated');
  if (!rec) return { status: 0, body: `Connection timed out: nothing answers at ${host}` };
  const state = instanceState(ctx, rec);
  if (state !== 'running') return { status: 0, body: `Connection timed out: ${rec.id} at ${host} is ${state}` };
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (!groupsAdmit(w, rec.securityGroupIds, w.callerIp, port)) {
    return { status: 0, body: `Connection timed out: the security groups of ${rec.id} do not admit ${w.callerIp} on TCP port ${port}` };
  }
  if (port !== 80 || u.protocol !== 'http:') return { status: 0, body: `Connection refused: nothing listens on ${host}:${port}` };
  if (instanceServesHttp(ctx, rec)) return webServer(ctx, rec, u, headers);
  const who = { instanceId: rec.id, az: rec.az };
  const signal = userDataSignal(ctx, rec);
  const donePage = signal ? `${signalLine(signal.exit ?? '-')}\n` : undefined;
  // No web server: once finished, the signal serves its own file (python3 -m http.server).
  if (donePage) return u.pathname === USER_DATA_DONE_PATH ? { status: 200, body: donePage, ...who } : { status: 404, body: 'Error response: 404 File not found', ...who };
  return { status: 0, body: `Connection refused: nothing listens on ${host}:80 yet` };
}

/** GETs `url` (http://<load balancer DNS name>/… or http://<instance public IP>/…) inside the sandbox. */
export function sandboxHttpGet(ctx: SimContext, url: string, requestHeaders: RequestHeaders = {}): SandboxHttpResponse {
  const headers = Object.fromEntries(Object.entries(requestHeaders).map(([k, v]) => [k.toLowerCase(), v]));
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 0, body: `Malformed URL: ${url}` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { status: 0, body: `Unsupported protocol: ${u.protocol}` };
  const w = ctx.world;
  const host = u.hostname.toLowerCase();
  if (IPV4.test(host)) return getFromInstance(ctx, host, u, headers);
  const lb = liveLoadBalancers(w).find((l) => l.dnsName.toLowerCase() === host);
  if (!lb) return { status: 0, body: `Could not resolve host: ${host}` };
  if (loadBalancerState(ctx, lb) !== 'active') {
    return { status: 0, body: `Connection refused: load balancer ${lb.name} is still provisioning (${host} does not answer until it is active)` };
  }
  if (lb.scheme === 'internal') {
    return { status: 0, body: `Connection timed out: ${lb.name} is an internal load balancer, reachable only from inside ${lb.vpcId}` };
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (!admitsCaller(w, lb, w.callerIp, port)) {
    return { status: 0, body: `Connection timed out: the load balancer's security groups do not admit ${w.callerIp} on TCP port ${port}` };
  }
  const listener = w.elbv2.listeners.find((l) => l.loadBalancerArn === lb.arn && l.port === port);
  if (!listener) return { status: 0, body: `Connection refused: ${lb.name} has no listener on port ${port}` };
  const secure = listener.protocol === 'HTTPS';
  if (secure && u.protocol === 'http:') return { status: 400, body: '400 The plain HTTP request was sent to HTTPS port' };
  if (!secure && u.protocol === 'https:') return { status: 0, body: `SSL handshake failed: the listener on port ${port} speaks ${listener.protocol}` };

  const action = [...listener.defaultActions].sort((a, b) => Number(a.Order ?? 0) - Number(b.Order ?? 0))[0];
  if (!action) return { status: 503, body: '503 Service Temporarily Unavailable' };
  if (action.Type === 'fixed-response') {
    const cfg = action.FixedResponseConfig as { StatusCode?: string; MessageBody?: string } | undefined;
    return { status: Number(cfg?.StatusCode ?? 200), body: cfg?.MessageBody ?? '' };
  }
  if (action.Type === 'redirect') {
    const cfg = action.RedirectConfig as { StatusCode?: string } | undefined;
    return { status: cfg?.StatusCode === 'HTTP_302' ? 302 : 301, body: '' };
  }
  const arns = actionTargetGroupArns(action);
  const tgs = w.elbv2.targetGroups.filter((tg) => arns.includes(tg.arn));
  const picked = pickTarget(ctx, lb, tgs);
  if (!picked) return { status: 503, body: '503 Service Temporarily Unavailable' };
  return serve(ctx, picked, u, headers);
}

/** `sandboxHttpGet` with a context made for `world` on its clock now. */
export function sandboxHttpGetWorld(world: World, url: string): SandboxHttpResponse {
  return sandboxHttpGet(makeContext(world, 'HttpGet'), url);
}
