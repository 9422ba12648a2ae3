/**
 * Endpoints that are not AWS (LocalStack, moto) lack some operations, and answer them with an
 * HTML error page, or a 501. The SDK reports such a page as an XML parse error ("… inspect the
 * hidden field {error}.$response"), which says nothing about the cause. Here, in one place, such
 * an answer is recognised; `clients.ts` then takes a read of it as "nothing there" (with one
 * warning per operation) and fails a write with one line naming the endpoint, the operation and
 * the HTTP status.
 */

/** What an endpoint answered instead of an AWS answer. */
export interface UnimplementedAnswer {
  status: number;
  /** A few words on the body: `an HTML page`, `not an AWS answer`. */
  body: string;
}

/** AWS's own codes for "no such operation here". */
const NO_SUCH_OPERATION = new Set(['InvalidAction', 'UnknownOperationException', 'NotImplemented', 'NotImplementedException']);

function header(headers: Record<string, string> | undefined, name: string): string {
  return Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';
}

/**
 * The endpoint's answer when `err` says it does not implement the operation: a 404, 405 or 501
 * whose body is not an AWS answer (an HTML page, or one the SDK could not parse), any 501, or
 * AWS's own "no such action" codes. Undefined for every other error (AWS's own 404s, such as
 * SNS's NotFound, carry an AWS error document and stay what they are).
 */
export function unimplementedAnswer(err: unknown): UnimplementedAnswer | undefined {
  if (!err || typeof err !== 'object' || !('$metadata' in err)) return undefined;
  const e = err as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return undefined;
  const html = /html/i.test(header(e.$response?.headers, 'content-type'));
  const unparsed = /Deserialization error|parse error/i.test(e.message ?? '');
  if ([404, 405, 501].includes(status) && (html || unparsed)) return { status, body: html ? 'an HTML page, not an AWS answer' : 'not an AWS answer' };
  if (status === 501) return { status, body: e.message || 'not implemented' };
  if (NO_SUCH_OPERATION.has(e.name)) return { status, body: e.name };
  return undefined;
}
