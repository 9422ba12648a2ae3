/**
 * ACM in the sandbox, as an HTTPS listener meets it: imported certificates are issued (and
 * expire), requested ones stay pending validation (then time out after 72 hours), and
 * CreateListener refuses a certificate that does not exist here (another region, a typo) with
 * CertificateNotFound and one not issued with UnsupportedCertificate, as AWS does.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteCertificateCommand, DescribeCertificateCommand, ImportCertificateCommand, ListCertificatesCommand, RequestCertificateCommand,
  ResourceInUseException, ResourceNotFoundException,
} from '@aws-sdk/client-acm';
import {
  CertificateNotFoundException, CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';
import { CERT_PEM, DAY_CERT_PEM, DAY_KEY_PEM, KEY_PEM } from '../helpers/certificates.js';

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

function setup() {
  const sandbox = new Sandbox({ file: join(mkdtempSync(join(tmpdir(), 'asgw-acm-')), 'sandbox.json') });
  const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
  const advance = (ms: number) => {
    sandbox.world.clock.offsetMs += ms;
  };
  return { sandbox, aws, advance };
}

const importCert = async (aws: AwsClients, cert = CERT_PEM, key = KEY_PEM) =>
  (await aws.acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(cert), PrivateKey: Buffer.from(key) }))).CertificateArn!;
const statusOf = async (aws: AwsClients, arn: string) => (await aws.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!;

/** An application load balancer with a target group, ready for listeners. */
async function loadBalancer(aws: AwsClients, sandbox: Sandbox) {
  const vpc = sandbox.world.ec2.vpcs.find((v) => v.isDefault)!;
  const subnets = sandbox.world.ec2.subnets.filter((s) => s.vpcId === vpc.id).slice(0, 2).map((s) => s.id);
  const lb = (await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: subnets }))).LoadBalancers![0]!;
  const tg = (await aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: vpc.id }))).TargetGroups![0]!;
  return (certificateArn: string, port = 443) => aws.elbv2.send(new CreateListenerCommand({
    LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTPS', Port: port, Certificates: [{ CertificateArn: certificateArn }],
    DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
  }));
}

describe('ACM certificates', () => {
  it('an imported certificate is issued for its name, listed, and expires after its NotAfter', async () => {
    const { aws, advance } = setup();
    const arn = await importCert(aws);
    expect(arn).toMatch(/^arn:aws:acm:ap-northeast-2:123456789012:certificate\/[0-9a-f-]{36}$/);
    expect(await statusOf(aws, arn)).toMatchObject({ DomainName: 'www.example.com', Status: 'ISSUED', Type: 'IMPORTED' });
    const day = await importCert(aws, DAY_CERT_PEM, DAY_KEY_PEM);
    advance(2 * 86_400_000);
    expect((await statusOf(aws, day)).Status).toBe('EXPIRED');
    const issued = await aws.acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    expect(issued.CertificateSummaryList!.map((c) => c.CertificateArn)).toEqual([arn]);
    const mismatch = await errorOf(importCert(aws, CERT_PEM, DAY_KEY_PEM));
    expect(mismatch?.name).toBe('ValidationException');
  });

  it('a requested certificate stays pending validation, and times out after 72 hours', async () => {
    const { aws, advance } = setup();
    const { CertificateArn } = await aws.acm.send(new RequestCertificateCommand({ DomainName: 'www.example.com', ValidationMethod: 'DNS' }));
    expect((await statusOf(aws, CertificateArn!)).Status).toBe('PENDING_VALIDATION');
    advance(72 * 3_600_000);
    expect((await statusOf(aws, CertificateArn!)).Status).toBe('VALIDATION_TIMED_OUT');
  });

  it('an unknown certificate is ResourceNotFoundException', async () => {
    const { aws } = setup();
    const err = await errorOf(statusOf(aws, 'arn:aws:acm:ap-northeast-2:123456789012:certificate/00000000-0000-0000-0000-000000000000'));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('an HTTPS listener\'s certificate', () => {
  it('must exist in this region: unknown and foreign ARNs are CertificateNotFound', async () => {
    const { aws, sandbox } = setup();
    const listen = await loadBalancer(aws, sandbox);
    const unknown = await errorOf(listen('arn:aws:acm:ap-northeast-2:123456789012:certificate/00000000-0000-0000-0000-000000000000'));
    expect(unknown).toBeInstanceOf(CertificateNotFoundException);
    const arn = await importCert(aws);
    const foreign = await errorOf(listen(arn.replace(':ap-northeast-2:', ':us-east-1:')));
    expect(foreign).toBeInstanceOf(CertificateNotFoundException);
    expect(foreign?.message).toMatch(/^Certificate 'arn:aws:acm:us-east-1:.*' not found$/);
  });

  it('must be issued: pending or expired is UnsupportedCertificate; an issued one is taken and then in use', async () => {
    const { aws, sandbox, advance } = setup();
    const listen = await loadBalancer(aws, sandbox);
    const { CertificateArn: pending } = await aws.acm.send(new RequestCertificateCommand({ DomainName: 'www.example.com' }));
    const err = await errorOf(listen(pending!));
    expect(err?.name).toBe('UnsupportedCertificate');
    expect((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    const arn = await importCert(aws);
    await listen(arn);
    expect((await statusOf(aws, arn)).InUseBy).toHaveLength(1);
    expect(await errorOf(aws.acm.send(new DeleteCertificateCommand({ CertificateArn: arn })))).toBeInstanceOf(ResourceInUseException);
    const day = await importCert(aws, DAY_CERT_PEM, DAY_KEY_PEM);
    advance(2 * 86_400_000);
    expect((await errorOf(listen(day, 8443)))?.name).toBe('UnsupportedCertificate');
  });
});
