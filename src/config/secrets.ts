/**
 * Answers that may carry a secret, which a saved plan never holds: a monitoring agent's install
 * command (it carries the agent's licence key) and a webhook URL with credentials, a query or a
 * fragment (where vendors put their tokens).
 */
import { getPath, type PartialInput } from './load.js';
import type { Secret } from '../engine/plan-file.js';

/** Config keys whose values may be secret. */
export const SECRET_KEYS = ['image.monitoringCommand', 'notifications.endpoint'] as const;

/** Whether a subscription endpoint may hold a secret (a URL with userinfo, query or fragment). */
function secretEndpoint(endpoint: string): boolean {
  if (!/^https?:\/\//i.test(endpoint)) return false;
  try {
    const u = new URL(endpoint);
    return !!(u.username || u.password || u.search || u.hash);
  } catch {
    return false;
  }
}

/** The secret answers in `input`, by config key. */
export function secretsOf(input: PartialInput): Secret[] {
  const out: Secret[] = [];
  const command = getPath(input, 'image.monitoringCommand');
  if (typeof command === 'string' && command) out.push({ key: 'image.monitoringCommand', value: command });
  const endpoint = getPath(input, 'notifications.endpoint');
  if (typeof endpoint === 'string' && secretEndpoint(endpoint)) out.push({ key: 'notifications.endpoint', value: endpoint });
  return out;
}
