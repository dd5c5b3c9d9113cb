// cert-manager mode end to end through a Service, cert-manager itself played by the test: cert-manager's
// own CRDs (v1.21, scripts/cert-manager-crds.sh) in a control plane inside a network namespace this
// test makes (harness/netns-plane.ts, 10.214.0.0/24), a real `helm install` of the chart in its default
// cert-manager mode (webhooks only), whose Issuers and Certificates the API server judges against
// those CRDs. No cert-manager controller can be built here (its command module is not served), so
// harness/cert-manager-player.ts does its part from the installed objects: the CA Certificate's
// Secret, the serving Certificate's Secret signed by that CA for the dnsNames it lists, and
// cainjector's caBundle from the `cert-manager.io/inject-ca-from` annotation. `serve` runs with the
// installed Deployment's args, its Secret volume mirrored as kubelet would. Then the serving
// certificate is renewed (new key, same CA) under load: no request fails and caBundle stays as it was.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certManagerCrds,
  certManagerPlayer,
  type CertManagerPlayer,
} from '../../harness/cert-manager-player.js';
import { installCrds } from '../../harness/control-plane.js';
import { startNetnsPlane, type Deployment, type NetnsPlane, type Pod } from '../../harness/netns-plane.js';
import { projectRoot } from '../../harness/paths.js';
import { waitFor } from '../../harness/processes.js';
import { chartDir } from '../../scripts/chart.js';
import { caBundles, installChart, siteJson, WEBHOOK_CONFIGURATIONS } from './chart-install.js';

const RELEASE = 'fa';
const NS = 'fa-system';
const FULLNAME = 'fa-frappe-admission';
const SECRET = `${FULLNAME}-tls`;
const SERVING = `${FULLNAME}-serving`;
const CONFIGURATIONS = WEBHOOK_CONFIGURATIONS.map((kind) => ({ kind, name: FULLNAME }));

let np: NetnsPlane;
let cm: CertManagerPlayer;
let serve: Pod;

const secretData = async (name: string) =>
  (await np.getJson<{ data: Record<string, string> }>(['secret', name, '-n', NS])).data;
/** The subject alternative names of a base64 PEM certificate, as openssl prints them. */
const sans = (b64: string) =>
  execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], {
    input: Buffer.from(b64, 'base64'),
  }).toString();

beforeAll(async () => {
  np = await startNetnsPlane({ prefix: 'fa-cm', subnet: '10.214.0' });
  const address = np.addresses[0]!;
  await installCrds(np.plane, await certManagerCrds());
  await installChart(np, { name: RELEASE, namespace: NS, chart: chartDir() });
  cm = certManagerPlayer(np.kubectl, join(np.dir, 'cert-manager'));
  await cm.issueAll(NS);
  await cm.injectCA(CONFIGURATIONS);
  await np.must(['create', 'namespace', 'erp']);
  await np.setEndpoints({ name: FULLNAME, namespace: NS, port: 9443 }, [{ address, ready: true }]);
  serve = await np.startPod({
    name: 'fa-0',
    address,
    deployment: await np.getJson<Deployment>(['deployment', FULLNAME, '-n', NS]),
    flags: { '--drain-delay-seconds': '0' },
  });
  expect(serve.args.some((a) => a.startsWith('--self-managed'))).toBe(false);
  await serve.ready();
}, 300_000);

afterAll(async () => {
  await np?.stop();
});

describe('cert-manager mode through a Service (helm install, cert-manager CRDs real, cert-manager and cainjector played by the test)', () => {
  it('the chart asks for a CA and a serving certificate for the Service; with them, kubectl apply goes through both webhooks', async () => {
    const ca = await secretData(`${FULLNAME}-ca`);
    const tls = await secretData(SECRET);
    expect(tls['ca.crt']).toBe(ca['tls.crt']);
    expect(sans(tls['tls.crt']!)).toContain(`DNS:${FULLNAME}.${NS}.svc,`);
    expect(await caBundles(np, FULLNAME)).toEqual(Array(4).fill(ca['tls.crt']));

    await np.must(['apply', '-f', join(projectRoot(), 'examples', 'bench.yaml')]);
    const bench = await np.getJson<{ spec: Record<string, unknown> }>([
      'frappebench',
      'erpnext',
      '-n',
      'erp',
    ]);
    const site = JSON.parse(await np.must(['apply', '-f', '-', '-o', 'json'], siteJson('acme'))) as {
      spec: Record<string, unknown>;
    };
    // Written by the mutating webhook: the manifests name neither.
    expect(bench.spec.dbConfig).toMatchObject({ provider: 'mariadb' });
    expect(site.spec.dbConfig).toHaveProperty('databaseName');
    const invalid = await np.kubectl(['apply', '-f', join(projectRoot(), 'examples', 'invalid-site.yaml')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/admission webhook "validate-frappesite.vyogo.tech" denied the request: /);
    expect(invalid.stderr).toContain('S-REF-1');
  });

  it('a serving-certificate renewal (new key, same CA) under load fails no request and leaves caBundle as it was', async () => {
    const before = await secretData(SECRET);
    const bundles = await caBundles(np, FULLNAME);
    const load = np.load((n) => siteJson(`load-${n}`));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await cm.issue(NS, SERVING);
    await cm.injectCA(CONFIGURATIONS); // cainjector reacts to the Secret's change
    const after = await secretData(SECRET);
    expect(after['tls.crt']).not.toBe(before['tls.crt']);
    expect(after['tls.key']).not.toBe(before['tls.key']);
    await waitFor(
      async () => (await serve.process.tail(300)).includes('serving certificate reloaded'),
      30_000,
      async () => `serve never reloaded the renewed certificate:\n${await serve.process.tail(40)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { requests, failures } = await load.stop();
    console.log(
      `serving certificate renewal: ${requests} requests through the webhooks, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(10);
    expect(await caBundles(np, FULLNAME)).toEqual(bundles);
  });
});
