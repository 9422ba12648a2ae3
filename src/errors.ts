/**
 * The error hierarchy. Every failure a user can meet is one of these, with a message in the
 * form "what happened: why" and, where there is one, a suggestion. Only `cli.ts` prints them
 * and turns them into an exit code.
 */

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** Longest user value echoed whole in a message; longer ones are cut (a 5 MB value is no message). */
export const ECHO_MAX = 60;

/** A user's value as a message may echo it: at most ECHO_MAX characters, then "…". */
export function clip(value: string, max = ECHO_MAX): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

export class WizardError extends Error {
  readonly exitCode: number = EXIT.failed;
  constructor(message: string, readonly suggestion?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input (a flag, a config value, a missing answer): exit 2, nothing was written. */
export class UsageError extends WizardError {
  override readonly exitCode: number = EXIT.usage;
}

/** A required answer nobody gave in a run that may not prompt. */
export class MissingInputError extends UsageError {
  constructor(readonly missing: { flag: string; key: string }[]) {
    // Answers that are not config values (the go-ahead to apply) have no config key to name.
    const CONTROL: Record<string, string> = { yes: 'to apply the plan without asking', adopt: 'to take over resources not made by asg-wizard' };
    const onlyControl = missing.every((m) => m.key in CONTROL);
    super(
      `missing input: ${missing.map((m) => (m.key in CONTROL ? `${m.flag} (${CONTROL[m.key]})` : `${m.flag} (config ${m.key})`)).join(', ')}`,
      onlyControl
        ? 'nothing runs unattended without it; or run in a terminal to be asked'
        : 'give them as flags or in the --config file, or run in a terminal to be asked',
    );
  }
}

/** Credentials or region missing or expired: exit 2, the fix is the user's. */
export class CredentialsError extends UsageError {}

/** AWS refused a call: the step, the operation and AWS's own code. */
export class AwsError extends WizardError {
  constructor(
    readonly step: string,
    readonly operation: string,
    readonly code: string,
    awsMessage: string,
    suggestion?: string,
    options?: { cause?: unknown },
  ) {
    super(`${step}: ${operation} failed: ${code}: ${awsMessage}`, suggestion, options);
  }
}

/**
 * The endpoint (an emulator, say) does not implement an operation the run needs to write with:
 * it names the endpoint, the operation and the HTTP status it answered.
 */
export class UnimplementedOperationError extends WizardError {
  constructor(readonly endpoint: string, readonly service: string, readonly operation: string, readonly status: number, body: string, options?: { cause?: unknown }) {
    super(`${endpoint} does not implement ${service} ${operation} (HTTP ${status}, ${body})`, unimplementedHint(operation), options);
  }
}

function unimplementedHint(operation: string): string {
  if (/NotificationConfiguration/.test(operation)) return 'leave the Auto Scaling notifications out against this endpoint: --no-notifications';
  if (/InstanceRefresh/.test(operation)) return 'a new image or template version is rolled out by an instance refresh, which this endpoint lacks: run against AWS';
  return 'this endpoint is not AWS and lacks it: leave out what needs it, or run against AWS';
}

/** The plan cannot be carried out as asked (conflicts, refused adoption). */
export class PlanError extends WizardError {}

/** A wait ran out of time; says what was still pending. */
export class TimeoutError extends WizardError {}

/** The user said no, or pressed Ctrl-C. */
export class AbortError extends WizardError {
  override readonly exitCode: number = EXIT.interrupted;
}

/** The AWS error code of an SDK error (its `name`, which SDK v3 sets to the code or shape name). */
export function awsCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && '$metadata' in err) return (err as unknown as Error).name;
  return undefined;
}

/** True if `err` is the AWS error `code` (one name or several). */
export function isAwsError(err: unknown, ...codes: string[]): boolean {
  const code = awsCode(err);
  return code !== undefined && codes.includes(code);
}

const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId',
  'UnrecognizedClientException', 'AuthFailure', 'SignatureDoesNotMatch', 'TokenRefreshRequired',
]);

/**
 * Wraps an SDK failure with the step and operation it happened in. Credential problems become
 * a CredentialsError with the fix; everything else an AwsError with AWS's code.
 */
export function wrapAwsError(err: unknown, step: string, operation: string): Error {
  // Named by the step, as AWS errors are.
  if (err instanceof UnimplementedOperationError) return new WizardError(`${step}: ${err.message}`, err.suggestion, { cause: err });
  if (err instanceof WizardError) return err;
  const e = err as Error & { $metadata?: unknown };
  const name = e?.name ?? 'Error';
  if (CREDENTIAL_CODES.has(name) || /Could not load credentials|Token is expired|SSO session/i.test(e?.message ?? '')) {
    return new CredentialsError(
      `no valid AWS credentials: ${e.message}`,
      'run `aws configure` or `aws sso login --profile NAME`, set AWS_PROFILE, or try it without an account: --sandbox',
      { cause: err },
    );
  }
  if (/Region is missing/i.test(e?.message ?? '')) {
    return new CredentialsError('no AWS region: none given and none in the profile', 'pass --region (e.g. --region ap-northeast-2) or set AWS_REGION; or try it with no AWS account: add --sandbox', { cause: err });
  }
  if (e && '$metadata' in e) {
    const a = e as { operation?: string; resource?: string };
    const op = a.operation ? `${a.operation}${a.resource ? ` ${a.resource}` : ''}` : operation;
    return new AwsError(step, op, name, e.message, suggestionFor(name), { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

function suggestionFor(code: string): string | undefined {
  if (code === 'UnauthorizedOperation' || code === 'AccessDenied' || code === 'AccessDeniedException') {
    return 'the credentials in use lack this permission: see README "Permissions"';
  }
  if (code === 'RequestLimitExceeded' || code === 'Throttling') return 'AWS is throttling this account: wait a minute and run again';
  return undefined;
}

/**
 * Runs one AWS call for an adapter, marking a failure with the operation and the resource it
 * was about; the SDK error itself goes on (its `name` still matches AWS's code), and the step
 * runner turns it into an AwsError naming the step.
 */
export async function awsCall<T>(operation: string, resource: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err && typeof err === 'object' && '$metadata' in err) {
      Object.assign(err, { operation, ...(resource ? { resource } : {}) });
    }
    throw err;
  }
}

/**
 * Runs a look-up whose "not found" AWS answers with an error (`LoadBalancerNotFoundException`,
 * `NoSuchEntity`, …): that error becomes `undefined`, any other goes on.
 */
export async function undefinedIfNotFound<T>(codes: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isAwsError(err, ...codes)) return undefined;
    throw err;
  }
}
