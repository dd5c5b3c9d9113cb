// `helm upgrade` from the previous chart and operator to the working tree's, through a Service in a
// network namespace this test makes (harness/netns-plane.ts, 10.215.0.0/24): there are no release
// tags, so the previous release is a fixed earlier commit (PREVIOUS: its chart, its CRDs and its
// serve, built from `git archive`). cert-manager mode, cert-manager played by the test
// (harness/cert-manager-player.ts), webhooks only (controller.enabled=false: nothing but the webhooks
// may touch the objects). Benches and sites are created through the previous webhooks; then, as
// docs/upgrade.md instructs, the new CRDs are applied first (Helm never upgrades CRDs), `helm upgrade`
// runs, and the Deployment rolls as kubelet and the EndpointSlice controller would roll it (the new
// pod started and ready on a second address, then the old one taken out of the endpoints and sent
// SIGTERM) while a loop creates sites through the webhooks, failurePolicy Fail: no request may fail,
// and every object keeps its spec, generation and resourceVersion; a server-side dry-run re-apply of
// the original manifests through the new webhooks gives the same specs (no re-defaulting).
import { execFileSync } from 'node:child_process';
import { cpSync, statSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certManagerCrds, certManagerPlayer } from '../../harness/cert-manager-player.js';
import { installCrds, runCommand } from '../../harness/control-plane.js';
import { startNetnsPlane, type Deployment, type NetnsPlane, type Pod } from '../../harness/netns-plane.js';
import { projectRoot } from '../../harness/paths.js';
import { waitFor } from '../../harness/processes.js';
import { chartDir } from '../../scripts/chart.js';
import { caBundles, helmIn, installChart, siteJson, WEBHOOK_CONFIGURATIONS } from './chart-install.js';

/**
 * The previous release: the chart as first regenerated after the databaseUser default (the chart's
 * CRDs lack status.dropJobRetry, the Deployment has no self-managed flags, the values no
 * prometheusRule, grafanaDashboard or certificates.selfManaged).
 */
const PREVIOUS = '45a5c9aca7d70d22e99956516a982a18436327c0';
const RELEASE = 'fa';
const NS = 'fa-system';
const FULLNAME = 'fa-frappe-admission';
const SERVICE = { name: FULLNAME, namespace: NS, port: 9443 };

let np: NetnsPlane;
let previous: string;
let oldPod: Pod;

/** PREVIOUS's chart, CRDs and src, with its CLI built (tsc with this tree's node_modules). */
async function previousRelease(): Promise<string> {
  const root = projectRoot();
  try {
    execFileSync('git', ['-C', root, 'cat-file', '-e', `${PREVIOUS}^{commit}`], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `the upgrade test needs git and the repository's history (commit ${PREVIOUS}, a full clone): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'frappe-admission-previous-'));
  const paths = [
    'src',
    'charts/frappe-admission',
    'crds',
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ];
  execFileSync('tar', ['-x', '-C', dir], {
    input: execFileSync('git', ['-C', root, 'archive', PREVIOUS, ...paths], { maxBuffer: 256 * 1024 * 1024 }),
  });
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  const built = await runCommand(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(dir, 'tsconfig.build.json'),
  ]);
  if (built.code !== 0) throw new Error(`building ${PREVIOUS} failed:\n${built.stdout}${built.stderr}`);
  // As `npm run build` does: the Job scripts beside the compiled code.
  cpSync(join(dir, 'src'), join(dir, 'dist', 'src'), {
    recursive: true,
    filter: (p) => statSync(p).isDirectory() || p.endsWith('.sh'),
  });
  return dir;
}

beforeAll(async () => {
  [previous, np] = await Promise.all([
    previousRelease(),
    startNetnsPlane({ prefix: 'fa-up', subnet: '10.215.0', addressCount: 2 }),
  ]);
  await installCrds(np.plane, await certManagerCrds());
  await installChart(np, {
    name: RELEASE,
    namespace: NS,
    chart: join(previous, 'charts', 'frappe-admission'),
  });
  const cm = certManagerPlayer(np.kubectl, join(np.dir, 'cert-manager'));
  await cm.issueAll(NS);
  await cm.injectCA(WEBHOOK_CONFIGURATIONS.map((kind) => ({ kind, name: FULLNAME })));
  await np.setEndpoints(SERVICE, [{ address: np.addresses[0]!, ready: true }]);
  oldPod = await np.startPod({
    name: 'fa-old',
    address: np.addresses[0]!,
    deployment: await np.getJson<Deployment>(['deployment', FULLNAME, '-n', NS]),
    cli: join(previous, 'dist', 'src', 'cli.js'),
  });
  await oldPod.ready();
}, 300_000);

afterAll(async () => {
  await np?.stop();
  if (previous) await rm(previous, { recursive: true, force: true });
});

interface Stored {
  metadata: { generation: number; resourceVersion: string };
  spec: Record<string, unknown>;
}
const bench = (name: string, namespace: string) =>
  JSON.stringify({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name, namespace },
    spec: { frappeVersion: 'version-15', apps: [{ name: 'erpnext', source: 'image' }], storageSize: '20Gi' },
  });
const MANIFESTS = [
  { kind: 'frappebench', name: 'erpnext', namespace: 'erp', manifest: bench('erpnext', 'erp') },
  { kind: 'frappebench', name: 'shop', namespace: 'retail', manifest: bench('shop', 'retail') },
  { kind: 'frappesite', name: 'acme', namespace: 'erp', manifest: siteJson('acme', 'erp', 'erpnext') },
  { kind: 'frappesite', name: 'globex', namespace: 'erp', manifest: siteJson('globex', 'erp', 'erpnext') },
  { kind: 'frappesite', name: 'kiosk', namespace: 'retail', manifest: siteJson('kiosk', 'retail', 'shop') },
];
const failurePolicies = async () =>
  (
    await Promise.all(
      WEBHOOK_CONFIGURATIONS.map(async (kind) =>
        (await np.getJson<{ webhooks: { failurePolicy: string }[] }>([kind, FULLNAME])).webhooks.map(
          (w) => w.failurePolicy,
        ),
      ),
    )
  ).flat();
const crdText = async () => np.must(['get', 'crd', 'frappesites.vyogo.tech', '-o', 'json']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('helm upgrade from the previous chart and serve (commit PREVIOUS) to the working tree (cert-manager played by the test)', () => {
  it('CRDs first, then helm upgrade and a rolling restart under load: no failed request, no object lost or re-defaulted', async () => {
    expect(await crdText()).not.toContain('dropJobRetry'); // the previous CRDs really are older
    expect(await failurePolicies()).toEqual(['Fail', 'Fail', 'Fail', 'Fail']);
    await np.must(['create', 'namespace', 'erp']);
    await np.must(['create', 'namespace', 'retail']);
    const recorded = new Map<string, Stored>();
    for (const { kind, name, namespace, manifest } of MANIFESTS) {
      await np.must(['apply', '--server-side', '-f', '-'], manifest);
      recorded.set(`${kind}/${name}`, await np.getJson<Stored>([kind, name, '-n', namespace]));
    }
    // Defaulted by the previous mutating webhook.
    expect(recorded.get('frappesite/acme')!.spec.dbConfig).toHaveProperty('databaseName');
    const bundles = await caBundles(np, FULLNAME);

    const started = Date.now();
    const load = np.load((n) => siteJson(`load-${n}`));
    await sleep(2000);
    // docs/upgrade.md: the CRDs first (Helm never upgrades them), then the release.
    await installCrds(np.plane, join(chartDir(), 'crds'), { forceConflicts: true });
    expect(await crdText()).toContain('dropJobRetry');
    await helmIn(np, ['upgrade', RELEASE, chartDir(), `--namespace=${NS}`, '--reset-then-reuse-values']);
    // The rollout (maxSurge 1, maxUnavailable 0): the new pod first, in the endpoints once ready…
    const newPod = await np.startPod({
      name: 'fa-new',
      address: np.addresses[1]!,
      deployment: await np.getJson<Deployment>(['deployment', FULLNAME, '-n', NS]),
    });
    await newPod.ready();
    await np.setEndpoints(SERVICE, [
      { address: np.addresses[0]!, ready: true },
      { address: np.addresses[1]!, ready: true },
    ]);
    await sleep(2000);
    // …then the old one leaves the endpoints and gets SIGTERM at the same time, as on a pod deletion.
    await Promise.all([
      np.setEndpoints(SERVICE, [
        { address: np.addresses[0]!, ready: false },
        { address: np.addresses[1]!, ready: true },
      ]),
      oldPod.stop(30_000),
    ]);
    await sleep(2000);
    const { requests, failures } = await load.stop();
    console.log(
      `helm upgrade and rollout: ${requests} requests through the webhooks in ${Date.now() - started} ms, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect(oldPod.process.child.exitCode).toBe(0);
    // Both generations answered the loop: the old one until it had drained, the new one after.
    const served = /"name":"load-\d+"/;
    const oldLog = await oldPod.process.tail(100_000);
    expect(oldLog).toMatch(served);
    expect(oldLog).toContain('draining');
    await waitFor(
      async () => served.test(await newPod.process.tail(100_000)),
      10_000,
      async () => `the new serve answered none of the loop:\n${await newPod.process.tail(20)}`,
    );

    const status = JSON.parse(await helmIn(np, ['status', RELEASE, `--namespace=${NS}`, '-o', 'json'])) as {
      version: number;
      info: { status: string };
    };
    expect(status).toMatchObject({ version: 2, info: { status: 'deployed' } });
    expect(await failurePolicies()).toEqual(['Fail', 'Fail', 'Fail', 'Fail']);
    expect(await caBundles(np, FULLNAME)).toEqual(bundles); // helm's three-way merge kept the injected caBundle

    for (const { kind, name, namespace, manifest } of MANIFESTS) {
      const before = recorded.get(`${kind}/${name}`)!;
      const now = await np.getJson<Stored>([kind, name, '-n', namespace]);
      expect(now.spec, `${kind}/${name}`).toEqual(before.spec);
      expect(now.metadata.generation, `${kind}/${name}`).toBe(before.metadata.generation);
      expect(now.metadata.resourceVersion, `${kind}/${name}`).toBe(before.metadata.resourceVersion);
      const reapplied = JSON.parse(
        await np.must(['apply', '--server-side', '--dry-run=server', '-o', 'json', '-f', '-'], manifest),
      ) as Stored;
      expect(reapplied.spec, `${kind}/${name} re-applied`).toEqual(before.spec);
    }
  });
});
