/**
 * AWS's state codes in words a person reads without the API reference: a target's health
 * reason (`Elb.InitialHealthChecking` → "initial health checks", from the TargetHealth API
 * reference, src/sandbox/BEHAVIOUR.md "Target health reasons"). Pure; an unknown code is shown
 * as it is.
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

/** A target's state as a phrase: its reason in words when AWS gives one (it says more than the state), else the state. */
export function targetState(state: string, reason?: string | null): string {
  return reason ? targetReason(reason) : state;
}
