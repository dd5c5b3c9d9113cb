// Self-managed certificates against the real API server, with real `serve` processes (webhooks
// only, --no-controller: the certificate manager runs on the Lease holder whatever the controller
// flag) and kubelet's Secret volume played by harness/secret-volume.ts: a replica started before
// the Secret exists waits without serving; the leader issues the Secret and patches caBundle into
// the two webhook configurations it is given by name; a second replica taking the Lease leaves
// both alone; a renewal requested by annotation replaces the CA with the old one kept in the bundle
// for the overlap, the replicas serve the new certificate without a restart, then the old CA goes.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/control-plane.js';
import { builtCli } from '../../harness/paths.js';
import { startProcess, type ManagedProcess } from '../../harness/processes.js';
import { mirrorSecret, type SecretVolume } from '../../harness/secret-volume.js';
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import { cluster, eventually, freshNamespace, kubectl } from '../harness/cluster.js';

const SERVICE = 'certs-webhook';
const SECRET = 'certs-webhook-tls';
const OVERLAP_S = 6;

interface Replica {
  name: string;
  port: number;
  process: ManagedProcess;
}

let namespace: string;
let dir: string;
let http: KubeHttp;
let volume: SecretVolume | undefined;
const replicas: Replica[] = [];
const configurations = { mutating: '', validating: '' };

const pems = (bundle: string) =>
  bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const fingerprints = (bundle: string) => pems(bundle).map((pem) => new X509Certificate(pem).fingerprint256);
type Secret = {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  type: string;
  data: Record<string, string>;
};
const secretPath = () => `/api/v1/namespaces/${namespace}/secrets/${SECRET}`;
const readSecret = () =>
  http.getJSON(secretPath()).then(
    (s) => s as Secret,
    () => undefined,
  );
const decoded = (secret: Secret, key: string) => Buffer.from(secret.data[key]!, 'base64').toString();

async function caBundles(): Promise<string[]> {
  const out: string[] = [];
  for (const [kind, name] of Object.entries(configurations)) {
    const c = (await http.getJSON(
      `/apis/admissionregistration.k8s.io/v1/${kind}webhookconfigurations/${name}`,
    )) as {
      webhooks: { clientConfig: { caBundle?: string } }[];
    };
    for (const w of c.webhooks) out.push(w.clientConfig.caBundle ?? '');
  }
  return out;
}

async function launch(name: string): Promise<Replica> {
  const port = await freePort();
  const child = startProcess(
    `certs-${name}`,
    process.execPath,
    [
      builtCli(),
      'serve',
      '--host=127.0.0.1',
      `--port=${port}`,
      `--kubeconfig=${cluster().kubeconfig}`,
      '--no-controller',
      '--drain-delay-seconds=0',
      `--tls-cert-file=${join(dir, 'tls', 'tls.crt')}`,
      `--tls-private-key-file=${join(dir, 'tls', 'tls.key')}`,
      `--leader-election-namespace=${namespace}`,
      '--leader-election-name=certs',
      '--self-managed-certificates',
      `--certificate-secret=${SECRET}`,
      `--certificate-namespace=${namespace}`,
      `--service-name=${SERVICE}`,
      `--webhook-configurations=${configurations.mutating},${configurations.validating}`,
      '--certificate-check-interval=1s',
      `--ca-overlap=${OVERLAP_S}s`,
    ],
    dir,
    { ...process.env, POD_NAME: name },
  );
  const replica = { name, port, process: child };
  replicas.push(replica);
  return replica;
}

/** The serving certificate a replica presents, verified against `ca` for the Service's name. */
function served(replica: Replica, ca: string): Promise<{ serial?: string; status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: replica.port,
        path: '/readyz',
        servername: `${SERVICE}.${namespace}.svc`,
        ca,
        agent: false,
        timeout: 2000,
      },
      (res) => {
        const serial = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber;
        res.resume();
        resolve({ serial, status: res.statusCode });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

const leaseHolder = async () =>
  (
    (await http
      .getJSON(`/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/certs`)
      .catch(() => undefined)) as { spec?: { holderIdentity?: string } } | undefined
  )?.spec?.holderIdentity;

beforeAll(async () => {
  namespace = await freshNamespace('certs');
  configurations.mutating = `${namespace}-mutating`;
  configurations.validating = `${namespace}-validating`;
  dir = await mkdtemp(join(tmpdir(), 'frappe-admission-certs-'));
  http = kubeHttp(loadKubeConfig(cluster().kubeconfig), 'certificates-test');
  // Two dummy configurations by URL, two webhooks each; their rules match nothing the run uses.
  for (const [kind, name] of Object.entries(configurations)) {
    const webhook = (n: number) => ({
      name: `w${n}.certs.example.com`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Ignore',
      clientConfig: { url: `https://127.0.0.1:1/w${n}` },
      rules: [
        {
          apiGroups: ['certs.example.com'],
          apiVersions: ['v1'],
          operations: ['CREATE'],
          resources: ['nothings'],
        },
      ],
    });
    const applied = await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: kind === 'mutating' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration',
        metadata: { name },
        webhooks: [webhook(1), webhook(2)],
      }),
    );
    if (applied.code !== 0) throw new Error(applied.stderr);
  }
});

afterAll(async () => {
  await volume?.stop();
  await Promise.all(replicas.map((r) => r.process.stop(5000)));
  await kubectl(['delete', 'mutatingwebhookconfiguration', configurations.mutating, '--ignore-not-found']);
  await kubectl([
    'delete',
    'validatingwebhookconfiguration',
    configurations.validating,
    '--ignore-not-found',
  ]);
  await rm(dir, { recursive: true, force: true });
});

describe('self-managed certificates (real API server, real serve processes; kubelet played by the test)', () => {
  let first: Replica;
  let second: Replica;
  let issued: Secret;

  it('the leader issues the Secret and patches caBundle into both configurations; it waits for the files meanwhile', async () => {
    first = await launch('replica-a');
    issued = await eventually(readSecret, 30_000);
    expect(issued.type).toBe('kubernetes.io/tls');
    expect(Object.keys(issued.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    const ca = decoded(issued, 'ca.crt');
    expect(pems(ca)).toHaveLength(1);
    const serving = new X509Certificate(decoded(issued, 'tls.crt'));
    expect(serving.subjectAltName).toContain(`DNS:${SERVICE}.${namespace}.svc`);
    expect(serving.verify(new X509Certificate(ca).publicKey)).toBe(true);
    // All four webhooks (two per configuration) carry the Secret's ca.crt.
    await eventually(async () =>
      (await caBundles()).every((b) => b === issued.data['ca.crt']) ? true : undefined,
    );
    // No mounted files yet: the replica waits, not listening (so not ready), and says so.
    expect((await served(first, ca)).error).toBe('ECONNREFUSED');
    volume = mirrorSecret({
      kubeconfig: cluster().kubeconfig,
      namespace,
      name: SECRET,
      dir: join(dir, 'tls'),
    });
    // Logged before the files could appear; lines are written in batches (every 250 ms), so it may
    // reach the log after the patches. (Checked after the mount starts, so a failure here stays here.)
    await eventually(async () =>
      (await first.process.tail(100_000)).includes('waiting for the certificate files') ? true : undefined,
    );
    const answer = await eventually(async () => {
      const r = await served(first, ca);
      return r.status === 200 ? r : undefined;
    }, 20_000);
    expect(answer.serial).toBe(serving.serialNumber);
  });

  it('a second replica serves the same files and, leading after the first stops, rewrites nothing', async () => {
    second = await launch('replica-b');
    const ca = decoded(issued, 'ca.crt');
    await eventually(async () => ((await served(second, ca)).status === 200 ? true : undefined), 20_000);
    expect((await leaseHolder())?.startsWith('replica-a_')).toBe(true);
    await first.process.stop(5000); // SIGTERM releases the Lease
    await eventually(
      async () => ((await leaseHolder())?.startsWith('replica-b_') ? true : undefined),
      20_000,
    );
    await eventually(async () =>
      (await second.process.tail(200)).includes('"msg":"leading"') ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 3500)); // three check intervals as leader
    const now = (await readSecret())!;
    expect(now.metadata.resourceVersion).toBe(issued.metadata.resourceVersion);
    expect(now.data).toEqual(issued.data);
    expect(await caBundles()).toEqual(Array(4).fill(issued.data['ca.crt']));
    expect(await second.process.tail(200)).not.toContain('certificates issued');
  });

  it('a requested CA renewal keeps the old CA in caBundle for the overlap, is served without a restart, then the old CA goes', async () => {
    const oldCA = decoded(issued, 'ca.crt');
    const annotated = await kubectl([
      'annotate',
      'secret',
      SECRET,
      '-n',
      namespace,
      'frappe-admission.vyogo.tech/renew=ca',
    ]);
    expect(annotated.stderr).toBe('');
    const renewed = await eventually(async () => {
      const s = await readSecret();
      return s && s.data['ca.crt'] !== issued.data['ca.crt'] ? s : undefined;
    });
    const bundle = decoded(renewed, 'ca.crt');
    // The new CA first, the replaced one kept; the request annotation consumed; an overlap end set.
    expect(fingerprints(bundle)).toHaveLength(2);
    expect(fingerprints(bundle)[1]).toBe(fingerprints(oldCA)[0]);
    expect(renewed.metadata.annotations?.['frappe-admission.vyogo.tech/renew']).toBeUndefined();
    expect(renewed.metadata.annotations?.['frappe-admission.vyogo.tech/previous-ca-until']).toBeDefined();
    const newServing = new X509Certificate(decoded(renewed, 'tls.crt'));
    expect(newServing.verify(new X509Certificate(pems(bundle)[0]!).publicKey)).toBe(true);
    await eventually(async () =>
      (await caBundles()).every((b) => b === renewed.data['ca.crt']) ? true : undefined,
    );
    // The replica (the leader; the other is gone) reloads the mounted files: the new serial, trusted by the bundle.
    await eventually(async () =>
      (await served(second, bundle)).serial === newServing.serialNumber ? true : undefined,
    );
    // Log lines are written in batches (every 250 ms): wait for the one that says it.
    await eventually(async () =>
      (await second.process.tail(300)).includes('"msg":"certificates renewed"') ? true : undefined,
    );
    // After the overlap: only the new CA, in the Secret and in every webhook.
    const dropped = await eventually(
      async () => {
        const s = await readSecret();
        return s && pems(decoded(s, 'ca.crt')).length === 1 ? s : undefined;
      },
      (OVERLAP_S + 10) * 1000,
    );
    expect(fingerprints(decoded(dropped, 'ca.crt'))).toEqual([fingerprints(bundle)[0]]);
    expect(dropped.data['tls.crt']).toBe(renewed.data['tls.crt']);
    await eventually(async () =>
      (await caBundles()).every((b) => b === dropped.data['ca.crt']) ? true : undefined,
    );
    // The old CA no longer verifies what is served.
    expect((await served(second, oldCA)).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
