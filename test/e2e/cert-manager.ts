/**
 * What cert-manager and trust-manager would add to a cluster for a set of manifests, made with
 * openssl from the fields of the objects alone: each Certificate's Secret (issued by its
 * ClusterIssuer: selfSigned, or ca backed by another Certificate's Secret), and each trust-manager
 * Bundle's ConfigMap in every namespace of the manifests. A wrong secretName, dnsNames, issuerRef
 * or key in the synthesized objects shows up as a pod that cannot mount its files or a failed TLS check.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Manifest } from './manifests';

const execFileAsync = promisify(execFile);

/** cert-manager's cluster resource namespace (where ClusterIssuers find CA Secrets) and trust-manager's trust namespace. */
const CLUSTER_RESOURCE_NAMESPACE = 'cert-manager';

interface Issued {
  certificatePem: string;
  privateKeyPem: string;
  caPem: string;
}

type Spec = Record<string, any>;

/** The manifests plus the Secrets and ConfigMaps the two controllers would write. */
export async function withCertManagerOutputs(manifests: Manifest[]): Promise<Manifest[]> {
  const certificates = manifests.filter((m) => m.apiVersion === 'cert-manager.io/v1' && m.kind === 'Certificate');
  const issuers = new Map(manifests.filter((m) => m.kind === 'ClusterIssuer').map((m) => [m.metadata.name, (m as any).spec as Spec]));
  const issued = new Map<string, Issued>(); // by namespace/secretName
  const dir = await mkdtemp(join(tmpdir(), 'e2e-cert-manager-'));
  try {
    // Issue in rounds: a CA issuer's Secret must exist before it signs.
    for (let pending = [...certificates]; pending.length > 0;) {
      const ready = pending.filter((c) => signerOf(c, issuers, issued) !== undefined);
      if (ready.length === 0) throw new Error(`no issuer can sign ${pending.map((c) => c.metadata.name).join(', ')}`);
      for (const certificate of ready) {
        const spec = (certificate as any).spec as Spec;
        issued.set(`${certificate.metadata.namespace}/${spec.secretName}`, await issue(dir, spec, signerOf(certificate, issuers, issued)!));
      }
      pending = pending.filter((c) => !ready.includes(c));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const secrets = certificates.map((certificate): Manifest => {
    const spec = (certificate as any).spec as Spec;
    const { certificatePem, privateKeyPem, caPem } = issued.get(`${certificate.metadata.namespace}/${spec.secretName}`)!;
    return {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
      metadata: { name: spec.secretName, namespace: certificate.metadata.namespace, labels: spec.secretTemplate?.labels },
      data: base64({ 'tls.crt': certificatePem, 'tls.key': privateKeyPem, 'ca.crt': caPem }),
    };
  });
  const namespaces = [...new Set(manifests.map((m) => m.metadata.namespace).filter((n): n is string => n !== undefined))];
  const bundles = manifests.filter((m) => m.apiVersion === 'trust.cert-manager.io/v1alpha1' && m.kind === 'Bundle').flatMap((bundle) => {
    const spec = (bundle as any).spec as Spec;
    const content = spec.sources.map((source: Spec) => {
      const secret = secrets.find((s) => s.metadata.name === source.secret.name && s.metadata.namespace === CLUSTER_RESOURCE_NAMESPACE);
      return Buffer.from(secret?.data?.[source.secret.key] ?? '', 'base64').toString('utf8');
    }).join('');
    return namespaces.map((namespace): Manifest => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: bundle.metadata.name, namespace }, data: { [spec.target.configMap.key]: content } as any,
    }));
  });
  return [...manifests, ...secrets, ...bundles];
}

/** The issuer of a Certificate once it can sign: 'self', or the CA pair of a ca ClusterIssuer. */
function signerOf(certificate: Manifest, issuers: Map<string, Spec>, issued: Map<string, Issued>): 'self' | Issued | undefined {
  const ref = (certificate as any).spec.issuerRef;
  if (ref.kind !== 'ClusterIssuer') throw new Error(`only ClusterIssuers are emulated, not ${ref.kind}`);
  const issuer = issuers.get(ref.name);
  if (!issuer) throw new Error(`Certificate ${certificate.metadata.name}: no ClusterIssuer ${ref.name}`);
  if (issuer.selfSigned) return 'self';
  if (issuer.ca) return issued.get(`${CLUSTER_RESOURCE_NAMESPACE}/${issuer.ca.secretName}`);
  throw new Error(`ClusterIssuer ${ref.name}: only selfSigned and ca are emulated`);
}

async function issue(dir: string, spec: Spec, signer: 'self' | Issued): Promise<Issued> {
  const file = (name: string) => join(dir, `${spec.secretName}.${name}`);
  const { algorithm, size } = spec.privateKey;
  await openssl(['genpkey', '-out', file('key'), ...(algorithm === 'ECDSA'
    ? ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:P-${size}`]
    : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${size}`])]);
  const usages: string[] = spec.usages ?? [];
  const extensions = spec.isCA
    ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign']
    : [
      'basicConstraints=critical,CA:FALSE',
      `keyUsage=critical,${usages.filter((u) => u !== 'server auth').map((u) => u.replace(/ (\w)/, (_, c: string) => c.toUpperCase())).join(',')}`,
      ...(usages.includes('server auth') ? ['extendedKeyUsage=serverAuth'] : []),
      `subjectAltName=${(spec.dnsNames ?? []).map((n: string) => `DNS:${n}`).join(',')}`,
    ];
  await writeFile(file('ext'), `${extensions.join('\n')}\n`);
  const subject = `/CN=${spec.commonName}${(spec.subject?.organizations ?? []).map((o: string) => `/O=${o}`).join('')}`;
  const days = String(Number(String(spec.duration ?? '2160h').replace(/h$/, '')) / 24);
  await openssl(['req', '-new', '-key', file('key'), '-subj', subject, '-out', file('csr')]);
  if (signer === 'self') {
    await openssl(['x509', '-req', '-in', file('csr'), '-key', file('key'), '-days', days, '-extfile', file('ext'), '-out', file('crt')]);
  } else {
    await writeFile(file('ca.crt'), signer.certificatePem);
    await writeFile(file('ca.key'), signer.privateKeyPem, { mode: 0o600 });
    await openssl(['x509', '-req', '-in', file('csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-days', days, '-extfile', file('ext'), '-out', file('crt')]);
  }
  const certificatePem = await readFile(file('crt'), 'utf8');
  return { certificatePem, privateKeyPem: await readFile(file('key'), 'utf8'), caPem: signer === 'self' ? certificatePem : signer.certificatePem };
}

function base64(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
}

async function openssl(args: string[]): Promise<void> {
  await execFileAsync('openssl', args);
}
