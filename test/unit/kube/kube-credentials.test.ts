// Credentials without client-node: the pod's service account (token re-read as it rotates, CA
// file), the kubeconfig subset, clear errors for missing files, and a 401 that re-reads the token
// through a real HTTPS server. Paths and env are injected; nothing is mocked.
import { createServer, type Server } from 'node:https';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeHttp } from '../../../src/kube/kube-http.js';
import {
  CredentialsError,
  inClusterCredentials,
  kubeconfigCredentials,
  loadCredentials,
  tokenFileReader,
} from '../../../src/kube/kube-credentials.js';
import { createCA, issueCertificate, type CertificateFiles } from '../../../harness/pki.js';

let dir: string;
let ca: CertificateFiles;
let serving: CertificateFiles;
let client: CertificateFiles;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fa-credentials-'));
  ca = await createCA(dir, 'test-ca');
  serving = await issueCertificate(dir, ca, {
    name: 'serving',
    commonName: '127.0.0.1',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
  });
  client = await issueCertificate(dir, ca, { name: 'client', commonName: 'admin', usage: 'clientAuth' });
});

async function serviceAccountDir(token = 'token-1\n') {
  const sa = await mkdtemp(join(dir, 'sa-'));
  await writeFile(join(sa, 'token'), token);
  await writeFile(join(sa, 'ca.crt'), await readFile(ca.cert));
  await writeFile(join(sa, 'namespace'), 'frappe-admission-system');
  return sa;
}

const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('tokenFileReader', () => {
  it('re-reads the file once the token is older than the maximum age', async () => {
    const sa = await serviceAccountDir();
    let now = 1_000;
    const reader = tokenFileReader(join(sa, 'token'), { maxAgeMs: 60_000, now: () => now });
    expect(reader.token()).toBe('token-1');
    await writeFile(join(sa, 'token'), 'token-2');
    now += 59_999;
    expect(reader.token()).toBe('token-1');
    now += 1;
    expect(reader.token()).toBe('token-2');
  });

  it('re-reads at once after invalidate() (a 401)', async () => {
    const sa = await serviceAccountDir();
    const reader = tokenFileReader(join(sa, 'token'), { now: () => 0 });
    expect(reader.token()).toBe('token-1');
    await writeFile(join(sa, 'token'), 'token-2');
    reader.invalidate();
    expect(reader.token()).toBe('token-2');
  });

  it('keeps the last token when a re-read fails, and fails clearly when it never had one', async () => {
    const sa = await serviceAccountDir();
    let now = 0;
    const reader = tokenFileReader(join(sa, 'token'), { maxAgeMs: 10, now: () => now });
    expect(reader.token()).toBe('token-1');
    await writeFile(join(sa, 'token'), '');
    now = 100;
    expect(reader.token()).toBe('token-1');
    const missing = tokenFileReader(join(sa, 'nope'));
    expect(() => missing.token()).toThrow(`cannot read token file ${join(sa, 'nope')}: ENOENT`);
  });
});

describe('inClusterCredentials', () => {
  it('reads the service host and port, the CA file and the token', async () => {
    const sa = await serviceAccountDir();
    const credentials = inClusterCredentials({ env, dir: sa });
    expect(credentials.server.href).toBe('https://10.96.0.1/');
    expect(credentials.server.port).toBe('');
    expect(String(credentials.tls.ca)).toBe(await readFile(ca.cert, 'utf8'));
    expect(credentials.headers()).toEqual({ authorization: 'Bearer token-1' });
    const v6 = inClusterCredentials({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
      dir: sa,
    });
    expect(v6.server.host).toBe('[fd00::1]:6443');
  });

  it('fails clearly when the CA or token file is missing, or not in a cluster', async () => {
    const sa = await mkdtemp(join(dir, 'empty-'));
    expect(() => inClusterCredentials({ env, dir: sa })).toThrow(
      `cannot read service-account CA file ${join(sa, 'ca.crt')}: ENOENT`,
    );
    await writeFile(join(sa, 'ca.crt'), await readFile(ca.cert));
    expect(() => inClusterCredentials({ env, dir: sa })).toThrow(
      `cannot read token file ${join(sa, 'token')}: ENOENT`,
    );
    expect(() => inClusterCredentials({ env: {}, dir: sa })).toThrow(CredentialsError);
  });
});

describe('kubeconfigCredentials', () => {
  const kubeconfig = async (user: string, cluster = 'server: https://127.0.0.1:6443') => {
    const file = join(await mkdtemp(join(dir, 'kc-')), 'config');
    await writeFile(
      file,
      `apiVersion: v1
kind: Config
current-context: main
contexts:
  - name: main
    context: { cluster: c, user: u }
  - name: other
    context: { cluster: c, user: nobody }
clusters:
  - name: c
    cluster:
      ${cluster}
users:
  - name: u
    user:
${user
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`,
    );
    return file;
  };

  it('reads inline client certificates and CA data', async () => {
    const b64 = async (f: string) => (await readFile(f)).toString('base64');
    const file = await kubeconfig(
      `client-certificate-data: ${await b64(client.cert)}\nclient-key-data: ${await b64(client.key)}`,
      `server: https://127.0.0.1:6443\n      certificate-authority-data: ${await b64(ca.cert)}`,
    );
    const credentials = kubeconfigCredentials(file);
    expect(credentials.server.href).toBe('https://127.0.0.1:6443/');
    expect(String(credentials.tls.ca)).toBe(await readFile(ca.cert, 'utf8'));
    expect(String(credentials.tls.cert)).toBe(await readFile(client.cert, 'utf8'));
    expect(String(credentials.tls.key)).toBe(await readFile(client.key, 'utf8'));
    expect(credentials.headers()).toEqual({});
    expect(credentials.applyToRequest).toBeUndefined();
  });

  it('reads file references, a token, a token file and basic auth', async () => {
    const withFiles = kubeconfigCredentials(
      await kubeconfig(
        `client-certificate: ${client.cert}\nclient-key: ${client.key}\ntoken: abc`,
        `server: https://127.0.0.1:6443\n      certificate-authority: ${ca.cert}\n      tls-server-name: api.example`,
      ),
    );
    expect(String(withFiles.tls.cert)).toBe(await readFile(client.cert, 'utf8'));
    expect(withFiles.tls.servername).toBe('api.example');
    expect(withFiles.headers()).toEqual({ authorization: 'Bearer abc' });

    const sa = await serviceAccountDir('from-file');
    const tokenFile = kubeconfigCredentials(await kubeconfig(`tokenFile: ${join(sa, 'token')}`));
    expect(tokenFile.headers()).toEqual({ authorization: 'Bearer from-file' });
    expect(tokenFile.unauthorized()).toBe(true);

    const basic = kubeconfigCredentials(await kubeconfig('username: admin\npassword: secret'));
    expect(basic.headers()).toEqual({
      authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}`,
    });
    expect(basic.unauthorized()).toBe(false);
  });

  it('resolves relative paths against the kubeconfig directory', async () => {
    const file = await kubeconfig(
      'token: t',
      'server: https://127.0.0.1:6443\n      certificate-authority: ca.pem',
    );
    await writeFile(join(file, '..', 'ca.pem'), 'PEM');
    expect(String(kubeconfigCredentials(file).tls.ca)).toBe('PEM');
  });

  it('leaves exec plugins to client-node, loaded only when a request needs it', async () => {
    const file = await kubeconfig(
      'exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: /bin/false',
    );
    const credentials = kubeconfigCredentials(file);
    expect(credentials.server.href).toBe('https://127.0.0.1:6443/');
    expect(credentials.applyToRequest).toBeTypeOf('function');
  });

  it('fails clearly on missing files, contexts and halves of a key pair', async () => {
    expect(() => kubeconfigCredentials(join(dir, 'absent'))).toThrow(
      `cannot read kubeconfig ${join(dir, 'absent')}: ENOENT`,
    );
    const file = await kubeconfig(`client-certificate: ${join(dir, 'gone.crt')}\nclient-key: ${client.key}`);
    expect(() => kubeconfigCredentials(file)).toThrow(
      `cannot read client certificate ${join(dir, 'gone.crt')}`,
    );
    expect(() => kubeconfigCredentials(file, { context: 'missing' })).toThrow('has no context missing');
    const half = await kubeconfig(`client-key: ${client.key}`);
    expect(() => kubeconfigCredentials(half)).toThrow('a client certificate or key without the other');
  });

  it('loadCredentials: a file given, else in-cluster, else ~/.kube/config, else a clear error', async () => {
    const sa = await serviceAccountDir();
    expect(loadCredentials(undefined, { env, serviceAccountDir: sa }).server.hostname).toBe('10.96.0.1');
    const home = await mkdtemp(join(dir, 'home-'));
    expect(() => loadCredentials(undefined, { env: {}, home })).toThrow('no kubeconfig');
  });
});

describe('kubeHttp with a rotating token', () => {
  let server: Server;
  let port: number;
  let accepted = 'token-2';
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer(
      { cert: await readFile(serving.cert), key: await readFile(serving.key) },
      (req, res) => {
        seen.push(String(req.headers.authorization));
        const ok = req.headers.authorization === `Bearer ${accepted}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { kind: 'List', items: [] } : { message: 'Unauthorized' }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('re-reads the token file after a 401 and retries once', async () => {
    const sa = await serviceAccountDir('token-1');
    const http = kubeHttp(
      inClusterCredentials({
        env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) },
        dir: sa,
      }),
    );
    await writeFile(join(sa, 'token'), 'token-2'); // rotated after the first read
    await expect(http.getJSON('/api/v1/namespaces')).resolves.toEqual({ kind: 'List', items: [] });
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
    accepted = 'token-3';
    await expect(http.getJSON('/api/v1/namespaces')).rejects.toMatchObject({ statusCode: 401 });
  });
});
