/**
 * A `--certificate-arn` the HTTPS listener would refuse is found out before anything is
 * written (exit 2, one line naming the flag): another region (from the ARN), a certificate ACM
 * does not know, one not issued. Without the check AWS says so only at CreateListener, after
 * the load balancer is built.
 */
import { describe, it, expect } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';
import { importCertificate, requestCertificate } from '../helpers/certificates.js';

const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';

describe('--certificate-arn is checked before any write', () => {
  it('a certificate of another region: exit 2 naming the flag and both regions', async () => {
    const file = tmpSandboxFile();
    const arn = (await importCertificate(file)).replace(':ap-northeast-2:', ':us-east-1:');
    const r = await runWizard(file, ['up', '--yes', '--certificate-arn', arn]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`error: --certificate-arn (alb.certificateArn) = ${arn}: the certificate is in us-east-1, the load balancer in ap-northeast-2; a listener takes certificates of its own region only`);
    expect(r.writes).toEqual([]);
  });

  it('a certificate ACM does not know: exit 2, nothing written', async () => {
    const arn = 'arn:aws:acm:ap-northeast-2:123456789012:certificate/0f4e1b2c-3d4e-5f60-7a8b-9c0d1e2f3a4b';
    const r = await runWizard(tmpSandboxFile(), ['up', '--yes', '--certificate-arn', arn]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error: --certificate-arn \(alb\.certificateArn\) = arn:aws:acm:\S+: no such certificate in ACM \(ap-northeast-2, account 123456789012\)$/);
    expect(r.stderr).toMatch(/^hint: list yours with: aws acm list-certificates --region ap-northeast-2$/m);
    expect(r.writes).toEqual([]);
  });

  it('a certificate still pending validation: exit 2, nothing written, also for plan', async () => {
    const file = tmpSandboxFile();
    const arn = await requestCertificate(file);
    const r = await runWizard(file, ['up', '--yes', '--certificate-arn', arn]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/: the certificate \(www\.example\.com\) is PENDING_VALIDATION; an HTTPS listener needs an ISSUED one$/);
    expect(r.writes).toEqual([]);
    expect((await runWizard(file, ['plan', '--certificate-arn', arn])).code).toBe(2);
  });

  it('an issued certificate of the region passes, and the HTTPS listener uses it', async () => {
    const file = tmpSandboxFile();
    const arn = await importCertificate(file);
    const r = await runWizard(file, ['plan', '--certificate-arn', arn]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+ create +AWS::ElasticLoadBalancingV2::Listener +Web-ALB:443 +HTTPS:443 → Web-TG/);
  });
});
