// A real HTTPS webhook server for tests: certificates from a test CA, the real engine (or an
// injected one), logs captured line by line, requests over node's https with the CA trusted.
import { mkdtemp, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { staticClusterView } from '../../src/api/static-cluster-view.js';
import { operatorConfig } from '../../src/defaults/config.js';
import { createCA, issueCertificate, type CertificateFiles } from '../../harness/pki.js';
import type { Engine } from '../../src/webhooks/decide.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhooks/server.js';

export interface TestServer {
  server: WebhookServer;
  ca: Buffer;
  dir: string;
  caFiles: CertificateFiles;
  logs: Record<string, unknown>[];
  port: number;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<Answer>;
  get(path: string): Promise<Answer>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

export async function testCertificates(keyType: 'ec' | 'rsa' = 'ec') {
  const dir = await mkdtemp(join(tmpdir(), 'fa-webhook-'));
  const ca = await createCA(dir, 'webhook-test-ca');
  const serving = await issueCertificate(dir, ca, {
    name: 'serving',
    commonName: '127.0.0.1',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
    keyType,
  });
  return { dir, ca, serving };
}

export function send(
  port: number,
  ca: Buffer,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        ca,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function startTestServer(
  options: {
    objects?: unknown[];
    engine?: Engine;
    keyType?: 'ec' | 'rsa';
    certFile?: string;
    keyFile?: string;
    /** Require client certificates signed by this CA bundle (serve --client-ca-file). */
    clientCAFile?: string;
    dir?: string;
    pollMs?: number;
  } = {},
): Promise<TestServer> {
  const certs = options.certFile ? undefined : await testCertificates(options.keyType);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await startWebhookServer({
    context: {
      view: staticClusterView(options.objects ?? [], { storageClassesKnown: true }),
      config: operatorConfig(),
    },
    logger: pino(sink),
    certFile: options.certFile ?? certs!.serving.cert,
    keyFile: options.keyFile ?? certs!.serving.key,
    clientCAFile: options.clientCAFile,
    host: '127.0.0.1',
    port: 0,
    ready: () => true,
    drainDelaySeconds: 0,
    engine: options.engine,
    certificatePollIntervalMs: options.pollMs,
  });
  const caFiles = certs?.ca ?? {
    cert: join(options.dir ?? '', 'ca.crt'),
    key: join(options.dir ?? '', 'ca.key'),
  };
  const ca = await readFile(caFiles.cert);
  const port = server.address.port;
  return {
    server,
    ca,
    dir: certs?.dir ?? options.dir ?? '',
    caFiles,
    logs,
    port,
    post: (path, body, headers) => send(port, ca, 'POST', path, body, headers),
    get: (path) => send(port, ca, 'GET', path),
  };
}

/** One POST over a shared (keep-alive) agent: the status and headers, or the transport error. */
export function postOver(
  agent: import('node:https').Agent,
  port: number,
  path: string,
  body: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> } | { error: unknown }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', (error) => resolve({ error }));
    req.end(body);
  });
}
