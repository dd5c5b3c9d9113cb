// cert-manager and its CA injector, played by tests. A real cert-manager controller cannot be built
// here (its command module is not served by the Go module proxy), but its CRDs can
// (scripts/cert-manager-crds.sh), so the chart's Issuers and Certificates are real objects judged by
// the API server, and this player does what the controllers would with them: it reads each
// Certificate and writes the Secret it asks for (selfSigned Issuer → a self-signed CA; CA Issuer →
// a leaf signed by the CA in the Issuer's Secret, with the Certificate's commonName and dnsNames),
// and, as cainjector, copies `ca.crt` of the Certificate named by `cert-manager.io/inject-ca-from`
// into every caBundle of a webhook configuration. Keys are ECDSA P-256 (harness/pki.ts, openssl).
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandResult } from './control-plane.js';
import { projectRoot } from './paths.js';
import { createCA, issueCertificate } from './pki.js';

type Kubectl = (args: string[], input?: string) => Promise<CommandResult>;

interface Certificate {
  metadata: { name: string; namespace: string };
  spec: {
    secretName: string;
    commonName?: string;
    dnsNames?: string[];
    isCA?: boolean;
    usages?: string[];
    issuerRef: { name: string; kind?: string };
  };
}
interface Issuer {
  spec: { selfSigned?: object; ca?: { secretName: string } };
}
type Secret = { data: Record<string, string> };

export interface CertManagerPlayer {
  /** Issues every Certificate of the namespace: the self-signed ones (CAs) first, then the rest. */
  issueAll(namespace: string): Promise<void>;
  /** Issues one Certificate again (a renewal: a new key, same issuer), updating its Secret. */
  issue(namespace: string, name: string): Promise<void>;
  /** cainjector: each webhook's caBundle from the `inject-ca-from` Certificate's Secret's ca.crt. */
  injectCA(configurations: { kind: string; name: string }[]): Promise<void>;
}

/** scripts/cert-manager-crds.sh: cert-manager's own CRDs (downloaded when missing); their directory. */
export async function certManagerCrds(): Promise<string> {
  const child = spawn('bash', [join(projectRoot(), 'scripts', 'cert-manager-crds.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`scripts/cert-manager-crds.sh failed (exit code ${code})`);
  return stdout.trim().split('\n').pop()!;
}

export function certManagerPlayer(kubectl: Kubectl, dir: string): CertManagerPlayer {
  let serial = 0;
  const get = async <T>(args: string[]): Promise<T> => {
    const result = await kubectl(['get', ...args, '-o', 'json']);
    if (result.code !== 0) throw new Error(`kubectl get ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');

  const issueCertificateObject = async (certificate: Certificate) => {
    const { namespace, name } = certificate.metadata;
    const { spec } = certificate;
    if ((spec.issuerRef.kind ?? 'Issuer') !== 'Issuer')
      throw new Error(`${name}: only namespaced Issuers are played`);
    const issuer = await get<Issuer>(['issuer.cert-manager.io', spec.issuerRef.name, '-n', namespace]);
    const work = join(dir, `${name}-${++serial}`);
    await mkdir(work, { recursive: true });
    let data: Record<string, string>;
    if (issuer.spec.selfSigned && spec.isCA) {
      const ca = await createCA(work, spec.commonName ?? name);
      const cert = await readFile(ca.cert);
      data = { 'tls.crt': b64(cert), 'tls.key': b64(await readFile(ca.key)), 'ca.crt': b64(cert) };
    } else if (issuer.spec.ca && !spec.isCA) {
      const caSecret = await get<Secret>(['secret', issuer.spec.ca.secretName, '-n', namespace]);
      const ca = { cert: join(work, 'issuer.crt'), key: join(work, 'issuer.key') };
      await writeFile(ca.cert, Buffer.from(caSecret.data['tls.crt']!, 'base64'));
      await writeFile(ca.key, Buffer.from(caSecret.data['tls.key']!, 'base64'));
      const leaf = await issueCertificate(work, ca, {
        name: 'tls',
        commonName: spec.commonName ?? spec.dnsNames?.[0] ?? name,
        dnsNames: spec.dnsNames ?? [],
        usage: spec.usages?.includes('client auth') ? 'clientAuth' : 'serverAuth',
      });
      data = {
        'tls.crt': b64(await readFile(leaf.cert)),
        'tls.key': b64(await readFile(leaf.key)),
        'ca.crt': caSecret.data['tls.crt']!,
      };
    } else {
      throw new Error(`${name}: only self-signed CAs and CA-issued leaves are played`);
    }
    const applied = await kubectl(
      ['apply', '--server-side', '--field-manager=cert-manager-certificates-issuing', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name: spec.secretName,
          namespace,
          annotations: {
            'cert-manager.io/certificate-name': name,
            'cert-manager.io/issuer-name': spec.issuerRef.name,
            'cert-manager.io/issuer-kind': 'Issuer',
          },
        },
        data,
      }),
    );
    if (applied.code !== 0) throw new Error(`writing Secret ${spec.secretName}: ${applied.stderr}`);
  };

  return {
    issueAll: async (namespace) => {
      const { items } = await get<{ items: Certificate[] }>(['certificate.cert-manager.io', '-n', namespace]);
      if (items.length === 0) throw new Error(`no Certificate in ${namespace}`);
      // Self-signed first (the CAs), as cert-manager gets there by waiting for the CA Issuer to be Ready.
      for (const certificate of [...items].sort((a, b) => Number(!a.spec.isCA) - Number(!b.spec.isCA)))
        await issueCertificateObject(certificate);
    },
    issue: async (namespace, name) =>
      issueCertificateObject(await get<Certificate>(['certificate.cert-manager.io', name, '-n', namespace])),
    injectCA: async (configurations) => {
      for (const { kind, name } of configurations) {
        const configuration = await get<{
          metadata: { annotations?: Record<string, string> };
          webhooks: unknown[];
        }>([kind, name]);
        const from = configuration.metadata.annotations?.['cert-manager.io/inject-ca-from'];
        if (!from) throw new Error(`${kind} ${name} has no cert-manager.io/inject-ca-from annotation`);
        const [namespace, certificateName] = from.split('/') as [string, string];
        const certificate = await get<Certificate>([
          'certificate.cert-manager.io',
          certificateName,
          '-n',
          namespace,
        ]);
        const secret = await get<Secret>(['secret', certificate.spec.secretName, '-n', namespace]);
        const caBundle = secret.data['ca.crt'];
        if (!caBundle) throw new Error(`Secret ${certificate.spec.secretName} has no ca.crt`);
        const patch = configuration.webhooks.map((_, i) => ({
          op: 'add',
          path: `/webhooks/${i}/clientConfig/caBundle`,
          value: caBundle,
        }));
        const patched = await kubectl(['patch', kind, name, '--type=json', '-p', JSON.stringify(patch)]);
        if (patched.code !== 0) throw new Error(`injecting caBundle into ${kind} ${name}: ${patched.stderr}`);
      }
    },
  };
}
