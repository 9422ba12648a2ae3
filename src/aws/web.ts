/**
 * Plain HTTP the steps need beside the AWS API: GETs of the load balancer's URL (verify, the
 * bake's page check) and the caller's public IP (the bake group admits only it). Against the
 * sandbox the same interface is answered by the simulated load balancers and instances.
 */
import type { Sandbox } from '../sandbox/index.js';

export interface HttpAnswer { status: number; body: string }

export interface WebApi {
  /** GET `url` (with `headers`); status 0 when nothing answered (refused, timed out). */
  get(url: string, timeoutMs?: number, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** The caller's public IPv4 address as the internet sees it. */
  publicIp(): Promise<string>;
}

export const realWeb: WebApi = {
  async get(url, timeoutMs = 5000, headers = {}) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', headers });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { status: 0, body: (err as Error).message };
    }
  },
  async publicIp() {
    // AWS's own echo service, the one its docs point to.
    const res = await fetch('https://checkip.amazonaws.com', { signal: AbortSignal.timeout(5000) });
    const ip = (await res.text()).trim();
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`checkip.amazonaws.com answered ${JSON.stringify(ip.slice(0, 40))}`);
    return ip;
  },
};

/** The same interface, answered by the sandbox. */
export function sandboxWeb(sandbox: Sandbox): WebApi {
  return {
    async get(url, _timeoutMs, headers = {}) {
      // A GET changes the account (the round-robin position, a CPU burn): one transaction.
      const r = await sandbox.httpGet(url, headers);
      return { status: r.status, body: r.body };
    },
    async publicIp() {
      return sandbox.world.callerIp;
    },
  };
}
