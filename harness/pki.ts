// Certificates for a local control plane, made with openssl (every Debian machine has it): a CA,
// serving certificates with IP SANs, client certificates (O= groups), a service-account key.
// ECDSA P-256 throughout: cheaper handshakes than RSA.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const openssl = (args: string[]) => promisify(execFile)('openssl', args);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface CertificateFiles {
  cert: string;
  key: string;
}

export async function createCA(dir: string, commonName: string): Promise<CertificateFiles> {
  const files = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await openssl([
    'req',
    '-x509',
    ...EC,
    '-keyout',
    files.key,
    '-out',
    files.cert,
    '-days',
    '30',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  return files;
}

export interface LeafOptions {
  name: string;
  commonName: string;
  organization?: string;
  usage: 'serverAuth' | 'clientAuth';
  ipAddresses?: string[];
  dnsNames?: string[];
  /** ECDSA P-256 (default) or RSA 2048. */
  keyType?: 'ec' | 'rsa';
}

/** A certificate signed by the CA; files `<name>.crt` and `<name>.key` in dir. */
export async function issueCertificate(
  dir: string,
  ca: CertificateFiles,
  options: LeafOptions,
): Promise<CertificateFiles> {
  const files = { cert: join(dir, `${options.name}.crt`), key: join(dir, `${options.name}.key`) };
  const csr = join(dir, `${options.name}.csr`);
  const extensions = join(dir, `${options.name}.ext`);
  const sans = [
    ...(options.ipAddresses ?? []).map((ip) => `IP:${ip}`),
    ...(options.dnsNames ?? []).map((d) => `DNS:${d}`),
  ];
  await writeFile(
    extensions,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${options.usage}`,
      ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
    ].join('\n'),
  );
  const subject = `/CN=${options.commonName}${options.organization ? `/O=${options.organization}` : ''}`;
  const keyArgs = options.keyType === 'rsa' ? ['-newkey', 'rsa:2048', '-nodes'] : EC;
  await openssl(['req', '-new', ...keyArgs, '-keyout', files.key, '-out', csr, '-subj', subject]);
  // A random positive serial of its own: -CAcreateserial shares <ca>.srl, and certificates issued
  // at once (the control plane issues four) raced on it ("Unable to load number from ca.srl").
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${serial.toString('hex')}`,
    '-out',
    files.cert,
    '-days',
    '30',
    '-extfile',
    extensions,
  ]);
  return files;
}

/** An RSA key pair for signing service-account tokens (`sa.key`, `sa.pub`). */
export async function createServiceAccountKey(dir: string): Promise<{ key: string; pub: string }> {
  const key = join(dir, 'sa.key');
  const pub = join(dir, 'sa.pub');
  await openssl(['genrsa', '-out', key, '2048']);
  await openssl(['rsa', '-in', key, '-pubout', '-out', pub]);
  return { key, pub };
}
