// serve --client-ca-file over real HTTPS: the handshake needs a client certificate signed by that
// CA (the API server presents one when its AdmissionConfiguration kubeconfig says so); none, or
// one from another CA, gets no answer at all. The CA file is re-read when it changes.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCA, issueCertificate, type CertificateFiles } from '../../harness/pki.js';
import { startTestServer, testCertificates, type TestServer } from './server-fixture.js';

const VALIDATE_SITE = '/validate-vyogo-tech-v1alpha1-frappesite';
const review = await readFile(new URL('../fixtures/admission/site-create.json', import.meta.url), 'utf8');

/** A CA of its own directory (issueCertificate keeps a serial file next to the CA) and one client. */
async function clientCA(name: string) {
  const dir = await mkdtemp(join(tmpdir(), `fa-${name}-`));
  const ca = await createCA(dir, `${name}-ca`);
  const client = await issueCertificate(dir, ca, { name, commonName: name, usage: 'clientAuth' });
  return { dir, ca, client };
}

type Outcome = { status: number; body: string } | { refused: string };

/** One POST on a fresh connection, presenting `client` if given: the answer, or why there was none. */
async function post(t: TestServer, client?: CertificateFiles): Promise<Outcome> {
  const identity = client && { cert: await readFile(client.cert), key: await readFile(client.key) };
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.port,
        path: VALIDATE_SITE,
        method: 'POST',
        ca: t.ca,
        agent: false,
        ...identity,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message }));
    req.end(review);
  });
}

async function until(probe: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const refused = (outcome: Outcome) => 'refused' in outcome;

const answered = (outcome: Outcome) =>
  'status' in outcome && outcome.status === 200 && JSON.parse(outcome.body).response?.allowed === true;

describe('serve --client-ca-file', () => {
  it('answers a client certified by the CA; refuses one without a certificate or from another CA', async () => {
    const apiserver = await clientCA('apiserver');
    const intruder = await clientCA('intruder');
    const t = await startTestServer({ clientCAFile: apiserver.ca.cert });
    try {
      const right = await post(t, apiserver.client);
      expect(answered(right), JSON.stringify(right)).toBe(true);

      // No answer: without a certificate OpenSSL ends the handshake with an alert; with one from
      // another CA node destroys the connection as soon as the handshake completes. The client may
      // see either as an alert or a reset (TLS 1.3: it has already sent its request by then).
      const none = await post(t);
      expect(refused(none), JSON.stringify(none)).toBe(true);
      const other = await post(t, intruder.client);
      expect(refused(other), JSON.stringify(other)).toBe(true);
      // Only the certified request reached the application.
      expect(t.logs.filter((line) => line.msg === 'admission')).toHaveLength(1);
    } finally {
      await t.server.close();
    }
  });

  it('re-reads the CA file when it changes: the new CA admits, the old one no longer does', async () => {
    const first = await clientCA('first');
    const second = await clientCA('second');
    const dir = await mkdtemp(join(tmpdir(), 'fa-client-ca-'));
    const caFile = join(dir, 'ca.crt');
    await writeFile(caFile, await readFile(first.ca.cert));
    const t = await startTestServer({ clientCAFile: caFile, pollMs: 60_000 });
    try {
      expect(answered(await post(t, first.client))).toBe(true);
      expect(answered(await post(t, second.client))).toBe(false);
      await writeFile(caFile, await readFile(second.ca.cert));
      await until(async () => answered(await post(t, second.client)));
      expect(refused(await post(t, first.client))).toBe(true);
      expect(t.logs.some((line) => line.msg === 'client CA reloaded')).toBe(true);
    } finally {
      await t.server.close();
    }
  });

  it('keeps requiring client certificates after the serving certificate is rotated', async () => {
    const apiserver = await clientCA('apiserver');
    const { dir, ca, serving } = await testCertificates();
    const certFile = join(dir, 'live.crt');
    const keyFile = join(dir, 'live.key');
    await writeFile(certFile, await readFile(serving.cert));
    await writeFile(keyFile, await readFile(serving.key));
    const t = await startTestServer({
      certFile,
      keyFile,
      dir,
      clientCAFile: apiserver.ca.cert,
      pollMs: 60_000,
    });
    try {
      expect(answered(await post(t, apiserver.client))).toBe(true);
      const next = await issueCertificate(dir, ca, {
        name: 'next',
        commonName: '127.0.0.1',
        usage: 'serverAuth',
        ipAddresses: ['127.0.0.1'],
      });
      // The key first, then the certificate: the pair loads once both are written.
      await writeFile(keyFile, await readFile(next.key));
      await writeFile(certFile, await readFile(next.cert));
      await until(async () => t.logs.some((line) => line.msg === 'serving certificate reloaded'));
      // setSecureContext() replaces the whole context: the client CA must come along with the pair.
      expect(answered(await post(t, apiserver.client))).toBe(true);
      expect(refused(await post(t))).toBe(true);
    } finally {
      await t.server.close();
    }
  });

  it('refuses to start with a CA file that holds no CA certificate, naming the file', async () => {
    const { serving } = await testCertificates();
    await expect(startTestServer({ clientCAFile: serving.cert })).rejects.toThrow(
      `${serving.cert}: CN=127.0.0.1 is not a CA`,
    );
  });
});
