/**
 * `--certificate-arn`, checked before anything is written: a listener takes only an ACM
 * certificate of its own region that is issued, and says so only at CreateListener, after the
 * load balancer has been built (`CertificateNotFound` for a missing or foreign one,
 * `UnsupportedCertificate` for one still pending validation).
 */
import { UsageError } from '../errors.js';
import type { StepContext } from '../engine/types.js';

const FLAG = '--certificate-arn (alb.certificateArn)';

/** The region an ACM certificate ARN names (`arn:aws:acm:REGION:ACCOUNT:certificate/ID`). */
export function certificateRegion(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\//.exec(arn)?.[1];
}

/** Throws a UsageError naming the flag unless the run's certificate (if any) can serve an HTTPS listener. */
export async function checkCertificate(ctx: StepContext): Promise<void> {
  const arn = ctx.config.alb.certificateArn;
  if (!arn) return;
  const region = certificateRegion(arn);
  if (region !== ctx.region) {
    throw new UsageError(
      `${FLAG} = ${arn}: the certificate is in ${region ?? 'no region'}, the load balancer in ${ctx.region}; a listener takes certificates of its own region only`,
      `request or import the certificate in ${ctx.region} (aws acm request-certificate --region ${ctx.region} …) and give its ARN`,
    );
  }
  const cert = await ctx.aws.acm.certificate(arn);
  if (!cert) {
    throw new UsageError(`${FLAG} = ${arn}: no such certificate in ACM (${ctx.region}, account ${ctx.account})`, `list yours with: aws acm list-certificates --region ${ctx.region}`);
  }
  if (cert.status !== 'ISSUED') {
    const why = cert.status === 'PENDING_VALIDATION' ? 'finish its validation (the DNS record or e-mail ACM asked for), then run again'
      : cert.status === 'EXPIRED' ? 'renew or reimport it, or give another certificate'
        : 'give an issued certificate';
    throw new UsageError(`${FLAG} = ${arn}: the certificate (${cert.domainName}) is ${cert.status}; an HTTPS listener needs an ISSUED one`, why);
  }
}
