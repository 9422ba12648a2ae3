/**
 * Self-signed test certificates (EC P-256) for ACM's ImportCertificate in the sandbox: one valid for
 * a hundred years, one for a day (expired once the sandbox clock moves two days on). Test data only.
 */
import { ImportCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

export const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBizCCATGgAwIBAgIUOdfvt/fqm20lwoe0/kDNx9YA6kowCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPd3d3LmV4YW1wbGUuY29tMCAXDTI2MTIwMTE1MzM0NloYDzIx
MjYxMTA3MTUzMzQ2WjAaMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5jb20wWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQzZtY/vInDGtz6vqleoya2u/FpxzqzJeU2QE6v
XPNfgEBM5Ii23K669RebKvII05v9RVkzY6vecVvIUxH3Wo2po1MwUTAdBgNVHQ4E
FgQU29GiQFzSzGCFBiRTRVBkpxjNRoswHwYDVR0jBBgwFoAU29GiQFzSzGCFBiRT
RVBkpxjNRoswDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBRpi/c
N4BrWAT4CtLa4L6UhNGJ12frr31qt8chyG3CogIhAMDpTEfBP9ps2rd0FJ8Rwqjo
SKvypcQZkCES3zAgPf+R
-----END CERTIFICATE-----
`;
export const KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZIbz31uI9IYOSOs1
QEe6E4p2+aAs1LsiBWCbQc7aYs2hRANCAAQzZtY/vInDGtz6vqleoya2u/Fpxzqz
JeU2QE6vXPNfgEBM5Ii23K669RebKvII05v9RVkzY6vecVvIUxH3Wo2p
-----END PRIVATE KEY-----
`;
export const DAY_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBjTCCATOgAwIBAgIUbA71Ei/ue9vxwG4sDnA+kkoHqfQwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRc2hvcnQuZXhhbXBsZS5jb20wHhcNMjYxMjAxMTUzMzQ2WhcN
MjYxMjAyMTUzMzQ2WjAcMRowGAYDVQQDDBFzaG9ydC5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABHYk+hKve7cnfb5dHYg9bXnZaWQBMYRFEo23
LHhrdGqAa99iWmn/Luy0KGXVlzpUA8sU7bqSe/5A0FDYJQai3HujUzBRMB0GA1Ud
DgQWBBQfGWljwRflwTPHmNyX87GIKkfhXTAfBgNVHSMEGDAWgBQfGWljwRflwTPH
mNyX87GIKkfhXTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCp
1k6uBBeUh+AX+n0eiu39hD5arzznbe3gM7G8VVgihwIgS8IfWKH/TRE/K1WPInuW
nEnZMtztbKoZPl1qq0nuGlI=
-----END CERTIFICATE-----
`;
export const DAY_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjKnhUUIEjM+KMEdr
Dh73JljinnCOam8h7UiCEN4rOv2hRANCAAR2JPoSr3u3J32+XR2IPW152WlkATGE
RRKNtyx4a3RqgGvfYlpp/y7stChl1Zc6VAPLFO26knv+QNBQ2CUGotx7
-----END PRIVATE KEY-----
`;

/** Imports a test certificate into the sandbox account in `file` (as `aws acm import-certificate` would); returns its ARN. */
export async function importCertificate(file: string, which: 'century' | 'day' = 'century'): Promise<string> {
  const sandbox = new Sandbox({ file });
  const aws = new AwsClients({ region: sandbox.world.region, sandbox });
  const [cert, key] = which === 'day' ? [DAY_CERT_PEM, DAY_KEY_PEM] : [CERT_PEM, KEY_PEM];
  const out = await aws.acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(cert), PrivateKey: Buffer.from(key) }));
  return out.CertificateArn!;
}

/** Requests a certificate in the sandbox account (it stays pending validation); returns its ARN. */
export async function requestCertificate(file: string, domain = 'www.example.com'): Promise<string> {
  const sandbox = new Sandbox({ file });
  const aws = new AwsClients({ region: sandbox.world.region, sandbox });
  const out = await aws.acm.send(new RequestCertificateCommand({ DomainName: domain, ValidationMethod: 'DNS' }));
  return out.CertificateArn!;
}
