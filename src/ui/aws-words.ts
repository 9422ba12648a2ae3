/**
 * AWS's state codes in words a person reads without the API reference: a target's health
 * reason (`Elb.InitialHealthChecking` → "initial health checks", from the TargetHealth API
 * reference, src/sandbox/BEHAVIOUR.md "Target health reasons") and a group instance's
 * lifecycle state. Pure; an unknown code is shown as it is.
 */

const TARGET_REASONS: Record<string, string> = {
  'Elb.RegistrationInProgress': 'registering with the load balancer',
  'Elb.InitialHealthChecking': 'initial health checks',
  'Elb.InternalError': 'health checks failed inside the load balancer',
  'Target.ResponseCodeMismatch': 'health check got the wrong HTTP status',
  'Target.Timeout': 'health check timed out',
  'Target.FailedHealthChecks': 'health checks failing (no connection or a malformed answer)',
  'Target.NotRegistered': 'not registered',
  'Target.NotInUse': 'not in use (no load balancer, or its AZ is not enabled)',
  'Target.DeregistrationInProgress': 'deregistering (connections draining)',
  'Target.InvalidState': 'stopped or terminated',
  'Target.IpUnusable': 'IP address unusable',
  'Target.HealthCheckDisabled': 'health checks disabled',
};

/** A target health reason code in words (`Elb.InitialHealthChecking` → "initial health checks"). */
export function targetReason(code: string | null | undefined): string {
  if (!code) return '';
  return TARGET_REASONS[code] ?? code;
}

/** A target's state and reason, as one phrase ("initial: initial health checks" reads badly, so the reason alone when there is one). */
export function targetState(state: string, reason?: string | null): string {
  if (!reason) return state;
  return `${state} (${targetReason(reason)})`;
}

const LIFECYCLE: Record<string, string> = {
  Pending: 'launching',
  'Pending:Wait': 'launching (waiting on a lifecycle hook)',
  'Pending:Proceed': 'launching',
  InService: 'in service',
  Terminating: 'terminating',
  'Terminating:Wait': 'terminating (waiting on a lifecycle hook)',
  'Terminating:Proceed': 'terminating',
  Terminated: 'terminated',
  Detaching: 'detaching',
  Standby: 'standby',
};

/** A group instance's lifecycle state in words (`Pending` → "launching"). */
export function lifecycleState(state: string): string {
  return LIFECYCLE[state] ?? state;
}

/** "about 3–10 min" from seconds: how long AWS typically takes, for a progress line. */
export function typicalTime(lowSeconds: number, highSeconds: number): string {
  const min = (s: number) => Math.max(1, Math.round(s / 60));
  const [lo, hi] = [min(lowSeconds), min(highSeconds)];
  return lo === hi ? `about ${hi} min` : `${lo}–${hi} min`;
}
