/**
 * ACM: the one call the load balancer step needs, to check a `--certificate-arn` before
 * anything is built (a listener refuses a certificate that is missing, in another region or
 * not issued, and only after the load balancer exists).
 */
import { DescribeCertificateCommand, type ACMClient } from '@aws-sdk/client-acm';
import { awsCall, undefinedIfNotFound } from '../errors.js';

export interface Certificate {
  arn: string;
  domainName: string;
  /** PENDING_VALIDATION | ISSUED | INACTIVE | EXPIRED | VALIDATION_TIMED_OUT | REVOKED | FAILED */
  status: string;
  /** AMAZON_ISSUED | IMPORTED | PRIVATE */
  type?: string;
  notAfter?: Date;
}

export class AcmApi {
  constructor(private readonly client: ACMClient) {}

  /** The certificate, or undefined when ACM in this region does not know it. */
  async certificate(arn: string): Promise<Certificate | undefined> {
    return undefinedIfNotFound(['ResourceNotFoundException'], async () => {
      const out = await awsCall('DescribeCertificate', arn, () => this.client.send(new DescribeCertificateCommand({ CertificateArn: arn })));
      const c = out.Certificate;
      if (!c) return undefined;
      return {
        arn: c.CertificateArn ?? arn, domainName: c.DomainName ?? '', status: c.Status ?? 'unknown',
        ...(c.Type ? { type: c.Type } : {}), ...(c.NotAfter ? { notAfter: c.NotAfter } : {}),
      };
    });
  }
}
