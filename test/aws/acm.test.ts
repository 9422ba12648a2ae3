/** The ACM adapter against a mocked client: the certificate mapped, "not found" as undefined, other errors as they are. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ACMClient, AccessDeniedException, DescribeCertificateCommand, ResourceNotFoundException } from '@aws-sdk/client-acm';
import { AcmApi } from '../../src/aws/acm.js';

const ARN = 'arn:aws:acm:ap-northeast-2:123456789012:certificate/0f4e1b2c-3d4e-5f60-7a8b-9c0d1e2f3a4b';
const meta = { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };
const acmMock = mockClient(ACMClient);

beforeEach(() => {
  acmMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
});
afterEach(() => {
  acmMock.reset();
});

describe('AcmApi.certificate', () => {
  const api = () => new AcmApi(new ACMClient({ region: 'ap-northeast-2' }));

  it('maps the certificate', async () => {
    const notAfter = new Date('2030-01-01T00:00:00Z');
    acmMock.on(DescribeCertificateCommand, { CertificateArn: ARN }).resolves({
      Certificate: { CertificateArn: ARN, DomainName: 'www.example.com', Status: 'ISSUED', Type: 'AMAZON_ISSUED', NotAfter: notAfter },
    });
    expect(await api().certificate(ARN)).toEqual({ arn: ARN, domainName: 'www.example.com', status: 'ISSUED', type: 'AMAZON_ISSUED', notAfter });
  });

  it('is undefined for a certificate ACM does not know, and passes other errors on with the operation', async () => {
    acmMock.on(DescribeCertificateCommand)
      .rejectsOnce(new ResourceNotFoundException({ $metadata: meta, message: `Could not find certificate ${ARN}.` }))
      .rejectsOnce(new AccessDeniedException({ $metadata: meta, message: 'no' }));
    expect(await api().certificate(ARN)).toBeUndefined();
    const err = await api().certificate(ARN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(err).toMatchObject({ operation: 'DescribeCertificate', resource: ARN });
  });
});
