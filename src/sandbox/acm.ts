/**
 * AWS Certificate Manager, as far as a load balancer's HTTPS listener needs it: requested
 * certificates (pending validation: the sandbox has no DNS to validate them, so they stay so
 * and time out after 72 hours, as AWS's do), imported ones (issued, expired past their
 * NotAfter), describe, list, delete (refused while a listener uses it). `certificateStatus`
 * is what CreateListener checks.
 */
import { X509Certificate, createPrivateKey, randomUUID } from 'node:crypto';
import {
  InvalidArnException, ResourceInUseException, ResourceNotFoundException, ValidationException,
} from '@aws-sdk/client-acm';
import { modeledError } from './errors.js';
import type { CertificateRecord, ServiceSim, SimContext, Tag, World } from './types.js';

/** AWS gives up on a certificate's validation after 72 hours (not scaled: a fixed rule, not a latency). */
const VALIDATION_TIMEOUT_MS = 72 * 3_600_000;

const ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]+$/;

export type CertificateStatus = 'PENDING_VALIDATION' | 'ISSUED' | 'EXPIRED' | 'VALIDATION_TIMED_OUT';

/** The account's certificates (a file older than the ACM simulation has none). */
export function certificates(world: World): CertificateRecord[] {
  world.acm ??= { certificates: [] };
  return world.acm.certificates;
}

/** A certificate's status now. */
export function certificateStatus(ctx: SimContext, c: CertificateRecord): CertificateStatus {
  if (c.type === 'IMPORTED') return c.notAfter !== undefined && ctx.now > c.notAfter ? 'EXPIRED' : 'ISSUED';
  return ctx.now >= c.createdAt + VALIDATION_TIMEOUT_MS ? 'VALIDATION_TIMED_OUT' : 'PENDING_VALIDATION';
}

/** The certificate `arn` names in this account and region, or undefined. */
export function findCertificate(world: World, arn: string): CertificateRecord | undefined {
  return certificates(world).find((c) => c.arn === arn);
}

function get(ctx: SimContext, arn: unknown): CertificateRecord {
  const a = String(arn ?? '');
  if (!ARN.test(a)) throw modeledError(InvalidArnException, `The certificate ARN ${a} is not valid.`);
  const c = findCertificate(ctx.world, a);
  if (!c) throw modeledError(ResourceNotFoundException, `Could not find certificate ${a}.`);
  return c;
}

/** Load balancers whose listeners use the certificate. */
function inUseBy(world: World, arn: string): string[] {
  return [...new Set(world.elbv2.listeners.filter((l) => l.certificateArns.includes(arn)).map((l) => l.loadBalancerArn))];
}

function detail(ctx: SimContext, c: CertificateRecord) {
  const status = certificateStatus(ctx, c);
  return {
    CertificateArn: c.arn,
    DomainName: c.domainName,
    SubjectAlternativeNames: c.subjectAlternativeNames,
    Status: status,
    Type: c.type,
    CreatedAt: new Date(c.createdAt),
    ...(c.type === 'IMPORTED' ? { ImportedAt: new Date(c.createdAt) } : {}),
    ...(c.notBefore !== undefined ? { NotBefore: new Date(c.notBefore) } : {}),
    ...(c.notAfter !== undefined ? { NotAfter: new Date(c.notAfter) } : {}),
    InUseBy: inUseBy(ctx.world, c.arn),
    KeyAlgorithm: 'EC_prime256v1',
    ...(c.type === 'AMAZON_ISSUED' ? {
      DomainValidationOptions: [c.domainName, ...c.subjectAlternativeNames.filter((n) => n !== c.domainName)].map((d) => ({
        DomainName: d, ValidationDomain: d, ValidationMethod: 'DNS', ValidationStatus: status === 'PENDING_VALIDATION' ? 'PENDING_VALIDATION' : 'FAILED',
      })),
    } : {}),
  };
}

function newArn(ctx: SimContext): string {
  return `arn:aws:acm:${ctx.world.region}:${ctx.world.accountId}:certificate/${randomUUID()}`;
}

const toText = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v ?? ''));

export const acmSim: ServiceSim = {
  clientName: 'ACMClient',
  handlers: {
    RequestCertificate: (ctx, input: { DomainName?: string; SubjectAlternativeNames?: string[]; IdempotencyToken?: string; Tags?: Tag[] }) => {
      const domain = String(input.DomainName ?? '');
      if (!/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i.test(domain)) throw modeledError(ValidationException, `1 validation error detected: Value '${domain}' at 'domainName' failed to satisfy constraint`);
      const prior = input.IdempotencyToken ? certificates(ctx.world).find((c) => c.idempotencyToken === input.IdempotencyToken && c.domainName === domain) : undefined;
      if (prior) return { CertificateArn: prior.arn };
      const c: CertificateRecord = {
        arn: newArn(ctx), domainName: domain, subjectAlternativeNames: input.SubjectAlternativeNames ?? [domain], type: 'AMAZON_ISSUED',
        createdAt: ctx.now, ...(input.IdempotencyToken ? { idempotencyToken: input.IdempotencyToken } : {}), tags: input.Tags ?? [],
      };
      certificates(ctx.world).push(c);
      return { CertificateArn: c.arn };
    },

    ImportCertificate: (ctx, input: { Certificate?: unknown; PrivateKey?: unknown; CertificateArn?: string; Tags?: Tag[] }) => {
      let x509: X509Certificate;
      try {
        x509 = new X509Certificate(toText(input.Certificate));
      } catch {
        throw modeledError(ValidationException, 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
      }
      try {
        if (!x509.checkPrivateKey(createPrivateKey(toText(input.PrivateKey)))) throw new Error('mismatch');
      } catch {
        throw modeledError(ValidationException, 'The private key does not match the public key in the certificate.');
      }
      const domain = /CN=([^\n,/]+)/.exec(x509.subject)?.[1] ?? '';
      const sans = (x509.subjectAltName ?? '').split(/,\s*/).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
      const fields = { domainName: domain, subjectAlternativeNames: sans.length ? sans : [domain], notAfter: Date.parse(x509.validTo), notBefore: Date.parse(x509.validFrom) };
      if (input.CertificateArn) {
        // Reimport in place: the ARN, and every listener using it, stay.
        const c = get(ctx, input.CertificateArn);
        Object.assign(c, fields);
        return { CertificateArn: c.arn };
      }
      const c: CertificateRecord = { arn: newArn(ctx), type: 'IMPORTED', createdAt: ctx.now, tags: input.Tags ?? [], ...fields };
      certificates(ctx.world).push(c);
      return { CertificateArn: c.arn };
    },

    DescribeCertificate: (ctx, input: { CertificateArn?: string }) => ({ Certificate: detail(ctx, get(ctx, input.CertificateArn)) }),

    ListCertificates: (ctx, input: { CertificateStatuses?: string[] }) => ({
      CertificateSummaryList: certificates(ctx.world)
        .map((c) => detail(ctx, c))
        .filter((d) => !input.CertificateStatuses?.length || input.CertificateStatuses.includes(d.Status))
        .map((d) => ({ CertificateArn: d.CertificateArn, DomainName: d.DomainName, Status: d.Status, Type: d.Type, InUse: d.InUseBy.length > 0 })),
    }),

    DeleteCertificate: (ctx, input: { CertificateArn?: string }) => {
      const c = get(ctx, input.CertificateArn);
      if (inUseBy(ctx.world, c.arn).length) throw modeledError(ResourceInUseException, `Certificate ${c.arn} in use.`);
      const list = certificates(ctx.world);
      list.splice(list.indexOf(c), 1);
      return {};
    },
  },
};
