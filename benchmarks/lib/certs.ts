// Throwaway certificates for benchmarks and fuzzing (openssl, which every Debian machine has).
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServingCert {
  dir: string;
  cert: string;
  key: string;
}

/** A self-signed ECDSA P-256 (or RSA 2048) serving certificate for 127.0.0.1. */
export async function selfSignedCert(type: 'ec' | 'rsa' = 'ec'): Promise<ServingCert> {
  const dir = await mkdtemp(join(tmpdir(), 'fa-bench-'));
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  const keyArgs =
    type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  await run('openssl', [
    'req',
    '-x509',
    ...keyArgs,
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { dir, cert, key };
}
