// API-server benchmark (issue 5): what the webhooks cost a user of a real kube-apiserver.
// 1. Create 500 FrappeSites with both webhooks registered and 500 with them removed, alternated
//    (A B C A B C …) in fresh namespaces after a warm-up; print the times and the ratio (goal ≤ 1.15).
//    A third arm registers the bare fastify baseline server (allowed, no patch) in place of ours:
//    what any webhook costs in the API server, so the ratio can be split into floor and ours.
// 2. Server-side admission time of a site create (from the webhook's own metrics) with 100 sites
//    in the cluster and again with 10,000: cross-object rules read indexed caches, so the goal is
//    within 10%.
//
//   npm run bench:apiserver [-- --sites 500 --rounds 2 --load 10000]
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { freePort, installCrds, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { issueCertificate } from '../../harness/pki.js';
import { startProcess, waitFor } from '../../harness/processes.js';
import { buildWebhookConfigurations } from '../../src/webhooks/webhook-configuration.js';
import { readFile } from 'node:fs/promises';
import { startWebhookProcess } from '../../harness/webhook-process.js';
import { baselineServerCommand } from '../lib/process.js';
import { decisionMicrosPerRequest, decisionTotals } from '../lib/metrics-text.js';
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import { namespacedCollectionPath } from '../../src/api/kinds.js';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '2' },
    load: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const SITES = Number(values.sites);
const ROUNDS = Number(values.rounds);
const LOAD = Number(values.load);
const CONCURRENCY = Number(values.concurrency);

const site = (namespace: string, name: string) => ({
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeSite',
  metadata: { name, namespace },
  spec: { benchRef: { name: 'erpnext' }, siteName: `${name}.${namespace}.example.com` },
});

async function createSites(http: KubeHttp, namespace: string, count: number, prefix = 's'): Promise<number> {
  await http
    .sendJSON('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    })
    .catch(() => undefined);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < count) {
      const name = `${prefix}${next++}`;
      await http.sendJSON('POST', namespacedCollectionPath('FrappeSite', namespace), site(namespace, name));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The webhook's site CREATE decisions (mutate + validate). */
const SITE_CREATES = 'kind="FrappeSite",operation="CREATE"';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The bare baseline server (benchmarks/admission) registered under the same webhook names. */
async function baselineWebhooks(plane: ControlPlane) {
  const cert = await issueCertificate(plane.dir, plane.ca, {
    name: 'baseline',
    commonName: '127.0.0.1',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
  });
  const port = await freePort();
  const [node, ...args] = baselineServerCommand(port, cert);
  const server = startProcess('baseline', node as string, args, plane.dir);
  await waitFor(
    async () =>
      (await plane.kubectl(['get', '--raw', '/readyz'])).code === 0 && server.child.exitCode === null,
    10_000,
    () => server.tail(),
  );
  const yaml = buildWebhookConfigurations({
    target: {
      url: `https://127.0.0.1:${port}`,
      caBundle: (await readFile(plane.ca.cert)).toString('base64'),
    },
    namespace: 'frappe-admission-system',
  })
    .map((c) => stringify(c))
    .join('---\n');
  return {
    register: async () => void (await plane.kubectl(['apply', '-f', '-'], { input: yaml })),
    unregister: async () =>
      void (await plane.kubectl(['delete', '--ignore-not-found', '-f', '-'], { input: yaml })),
    stop: () => server.stop(),
  };
}

const plane = await startControlPlane();
try {
  await installCrds(plane);
  const webhook = await startWebhookProcess(plane);
  const http = kubeHttp(loadKubeConfig(plane.kubeconfig));
  console.log(
    `apiserver benchmark: ${SITES} FrappeSite creates per run, ${CONCURRENCY} at a time, ${ROUNDS} rounds (A B …)`,
  );

  const baseline = await baselineWebhooks(plane);
  // Warm-up: the API server builds its webhook clients and the servers JIT their hot paths.
  await createSites(http, 'warmup', 100);
  await webhook.unregister();
  await baseline.register();
  await createSites(http, 'warmup-baseline', 100);
  await baseline.unregister();

  const withHooks: number[] = [];
  const bare: number[] = [];
  const without: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await webhook.register();
    withHooks.push(await createSites(http, `with-${round}`, SITES));
    await webhook.unregister();
    without.push(await createSites(http, `without-${round}`, SITES));
    await baseline.register();
    bare.push(await createSites(http, `bare-${round}`, SITES));
    await baseline.unregister();
  }
  await webhook.register();
  await baseline.stop();
  const show = (label: string, times: number[]) =>
    console.log(
      `${label} ${times.map((t) => `${t.toFixed(2)} s`).join(', ')}  (${(SITES / median(times)).toFixed(0)} creates/s)`,
    );
  show('with our webhooks:        ', withHooks);
  show('with bare no-op webhooks: ', bare);
  show('without webhooks:         ', without);
  const ratio = (a: number[], b: number[]) => median(a.map((t, i) => t / (b[i] as number))).toFixed(3);
  console.log(`ratio with/without (median of rounds): ${ratio(withHooks, without)} (goal ≤ 1.15)`);
  console.log(
    `  of which any webhook (bare/without): ${ratio(bare, without)}; ours over a bare webhook: ${ratio(withHooks, bare)}`,
  );

  // Part 2: admission time at 100 sites, then at LOAD sites, from the webhook's own histogram.
  // Batches of creates (two decisions each: mutate, validate); the median batch mean, so that one
  // batch that caught a major GC of the webhook's grown heap, or the API server's CPU, does not decide.
  const BASE_SITES = 100;
  const BATCHES = 5;
  const BATCH_SITES = 100;
  const probe = async (label: string, namespace: string) => {
    const means: number[] = [];
    for (let batch = 0; batch < BATCHES; batch++) {
      const before = decisionTotals(await webhook.metrics(), SITE_CREATES);
      await createSites(http, namespace, BATCH_SITES, `probe${batch}-`);
      const after = decisionTotals(await webhook.metrics(), SITE_CREATES);
      means.push(decisionMicrosPerRequest(before, after));
    }
    const micros = median(means);
    console.log(
      `${label}: server-side admission time per decision ${micros.toFixed(1)} µs (median of ${BATCHES} batches of ${2 * BATCH_SITES} decisions; batches ${means.map((m) => m.toFixed(0)).join(', ')} µs)`,
    );
    return micros;
  };
  // Start part 2 from 100 sites: remove the ones part 1 made.
  for (let round = 0; round < ROUNDS; round++) {
    for (const namespace of [`with-${round}`, `without-${round}`, `bare-${round}`]) {
      await http.sendJSON('DELETE', namespacedCollectionPath('FrappeSite', namespace));
    }
  }
  for (const namespace of ['warmup', 'warmup-baseline'])
    await http.sendJSON('DELETE', namespacedCollectionPath('FrappeSite', namespace));
  await createSites(http, 'base', BASE_SITES, 'base');
  const small = await probe(`with ~${BASE_SITES} sites`, 'probe-small');
  const loadStarted = Date.now();
  await createSites(http, 'load', LOAD, 'load');
  console.log(`loaded ${LOAD} more sites in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);
  const large = await probe(`with ~${BASE_SITES + BATCHES * BATCH_SITES + LOAD} sites`, 'probe-large');
  console.log(`ratio large/small: ${(large / small).toFixed(3)} (goal within 10%: ≤ 1.10)`);
  await webhook.stop();
} finally {
  await plane.stop();
}
