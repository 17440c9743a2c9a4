/** Self-signed certificates made with openssl, for the fixture and for the negative cases. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CertificateAndKey {
  certificatePem: string;
  privateKeyPem: string;
}

export async function selfSignedCertificate(
  subject: { commonName: string; organization: string },
  dnsNames: string[],
): Promise<CertificateAndKey> {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-cert-'));
  const certificateFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  try {
    await execFileAsync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', `/CN=${subject.commonName}/O=${subject.organization}`,
      '-addext', `subjectAltName=${dnsNames.map((name) => `DNS:${name}`).join(',')}`,
      '-keyout', keyFile, '-out', certificateFile,
    ]);
    return { certificatePem: await readFile(certificateFile, 'utf8'), privateKeyPem: await readFile(keyFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
