// Controller benchmark (issue 10): N FrappeSites on N/10 FrappeBenches (one bench and its ten
// sites per namespace) created at once, 8 at a time, by a plain client through the webhooks, with
// one operator (`frappe-admission serve`, the controller behind its Lease) running and the kubelet,
// KEDA and mariadb-operator played by harness/kubelet.ts. Printed per N:
// - time to converge: every child of API.md §8 present, every bench and site Ready with
//   observedGeneration == generation (benchmarks/controller/observer.ts);
// - the operator's writes as the API server's audit log has them (user agent `frappe-admission`,
//   Lease renewals apart): during convergence, while settling, and over a window at rest (goal 0);
// - the operator's RSS (VmRSS sampled every 250 ms: peak, at rest) and CPU time;
// - reconciles per second (frappe_operator_reconciliation_total);
// - the floor measured in the same run, operator stopped: the same benches and sites created the
//   same way in fresh namespaces, then as many objects as the controller created (copies of its
//   children, kind by kind) by a plain client at the same concurrency; convergence/floor (goal ≤ 1.5);
// - the write floor: the floor plus every other write the convergence made (the operator's status
//   patches, Events, finalizer patches; the played kubelet's and operators' status patches),
//   replayed by the plain client on the floor's copies (replay.ts); convergence/write floor is the
//   controller's overhead over the API work the run needed.
// Then time(N_max)/time(N_min) (goal ≤ 10 for 10× the sites) and the operator's RSS with --rss-sites
// sites (created while it is stopped; RSS once its caches have synced, then while it works).
//
//   npm run bench:controller [-- --sites 100,1000 --rounds 1 --rest 60 --rss-sites 10000 --rss-minutes 10 --keep]
// (--keep leaves the control plane's directory, with the operators' logs and the audit log.)
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { installCrds, startControlPlane } from '../../harness/control-plane.js';
import { metricSum } from '../lib/metrics-text.js';
import { installForeignCrds, KEDA_KINDS, MARIADB_KINDS } from '../../harness/foreign-crds.js';
import { playKubelet } from '../../harness/kubelet.js';
import { startOperatorProcess, type OperatorProcess } from '../../harness/operator-process.js';
import { startWebhookProcess } from '../../harness/webhook-process.js';
import { namespacedCollectionPath } from '../../src/api/kinds.js';
import { LABELS, MANAGED_BY } from '../../src/builders/child.js';
import { kubeHttp, loadKubeConfig, statusOf, type KubeHttp } from '../../src/kube/kube-http.js';
import { cpuSeconds, rssMiB } from '../lib/process.js';
import { AuditReader, breakdown, creations, isLease, type AuditEvent } from './audit.js';
import { countByResource, floorObjects, resourceLabel } from './floor.js';
import { Observer } from './observer.js';
import { replayItems, replayedWrites } from './replay.js';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '100,1000' },
    rounds: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '8' },
    settle: { type: 'string', default: '10' },
    rest: { type: 'string', default: '60' },
    timeout: { type: 'string', default: '1800' },
    'rss-sites': { type: 'string', default: '10000' },
    'rss-minutes': { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
});
const SITE_COUNTS = values.sites.split(',').filter(Boolean).map(Number);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const SETTLE_S = Number(values.settle);
const REST_S = Number(values.rest);
const TIMEOUT_S = Number(values.timeout);
const RSS_SITES = Number(values['rss-sites']);
const RSS_MINUTES = Number(values['rss-minutes']);
const SITES_PER_BENCH = 10;
const OPERATOR_AGENT = 'frappe-admission';
/** The user agent of the played kubelet, KEDA and mariadb-operator. */
const PLAYER_AGENT = 'frappe-admission-tests';
const MANAGED_SELECTOR = `labelSelector=${encodeURIComponent(`${LABELS.managedBy}=${MANAGED_BY}`)}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Number(process.hrtime.bigint()) / 1e9;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const log = (line: string) => console.log(line);

interface Item {
  path: string;
  body: unknown;
  method?: string;
}

/** POSTs every item, `CONCURRENCY` at a time; seconds taken and failures (first messages kept). */
async function createAll(http: KubeHttp, items: Item[]): Promise<{ seconds: number; failures: string[] }> {
  const started = now();
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as Item;
      await http
        .sendJSON(
          item.method ?? 'POST',
          item.path,
          item.body,
          item.method === 'PATCH' ? 'application/merge-patch+json' : undefined,
        )
        .catch((error: unknown) => {
          failures.push(`${item.path}: ${(error as Error).message}`);
        });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: now() - started, failures };
}

async function createNamespaces(http: KubeHttp, names: string[]): Promise<void> {
  const { failures } = await createAll(
    http,
    names.map((name) => ({
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    })),
  );
  if (failures.length) throw new Error(`namespaces: ${failures.slice(0, 3).join('; ')}`);
}

/** Deletes the namespaces and waits (up to 10 min) until the namespace controller has emptied them. */
async function deleteNamespaces(http: KubeHttp, names: string[]): Promise<number> {
  const started = now();
  await createAll(
    http,
    names.map((name) => ({ path: `/api/v1/namespaces/${name}`, body: undefined, method: 'DELETE' })),
  ).catch(() => undefined);
  const wanted = new Set(names);
  // kube-controller-manager runs only the garbage collector and the namespace controller here:
  // play the pvc-protection controller, or every namespace with a PVC terminates forever.
  const claims = (await http.getJSON('/api/v1/persistentvolumeclaims')) as {
    items: { metadata: { name: string; namespace: string; finalizers?: string[] } }[];
  };
  await createAll(
    http,
    claims.items
      .filter((c) => wanted.has(c.metadata.namespace) && c.metadata.finalizers?.length)
      .map((c) => ({
        path: `/api/v1/namespaces/${c.metadata.namespace}/persistentvolumeclaims/${c.metadata.name}`,
        method: 'PATCH',
        body: { metadata: { finalizers: null } },
      })),
  );
  while (now() - started < 600) {
    const list = (await http.getJSON('/api/v1/namespaces')) as { items: { metadata: { name: string } }[] };
    if (!list.items.some((n) => wanted.has(n.metadata.name))) return now() - started;
    await sleep(2000);
  }
  log(`  warning: namespaces still terminating after 600 s`);
  return now() - started;
}

/** One bench and its sites per namespace. */
function userObjects(namespaces: string[]): Item[] {
  const benches: Item[] = [];
  const sites: Item[] = [];
  namespaces.forEach((namespace, i) => {
    const bench = `b${i}`;
    benches.push({
      path: namespacedCollectionPath('FrappeBench', namespace),
      body: {
        apiVersion: 'vyogo.tech/v1alpha1',
        kind: 'FrappeBench',
        metadata: { name: bench, namespace },
        spec: { frappeVersion: 'version-15', apps: [{ name: 'erpnext', source: 'image' }] },
      },
    });
    for (let j = 0; j < SITES_PER_BENCH; j++) {
      const name = `${bench}-s${j}`;
      sites.push({
        path: namespacedCollectionPath('FrappeSite', namespace),
        body: {
          apiVersion: 'vyogo.tech/v1alpha1',
          kind: 'FrappeSite',
          metadata: { name, namespace },
          spec: { benchRef: { name: bench }, siteName: `${name}.${namespace}.example.com` },
        },
      });
    }
  });
  return [...benches, ...sites];
}

/** VmRSS of a process sampled every 250 ms. */
class RssSampler {
  peak = 0;
  last = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 250);
    this.sample();
  }
  sample(): number {
    try {
      this.last = rssMiB(this.pid);
      this.peak = Math.max(this.peak, this.last);
    } catch {
      // exited
    }
    return this.last;
  }
  reset(): void {
    this.peak = this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

const total = (text: string, name: string) => metricSum(text, name).get('*') ?? 0;

/** CPU seconds of the control plane's processes (children of this process, by command name). */
function planeCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid || !['kube-apiserver', 'etcd'].includes(comm)) continue;
      out[comm] = (out[comm] ?? 0) + cpuSeconds(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}
const cpuDelta = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(b)
    .map((k) => `${k} ${f1((b[k] ?? 0) - (a[k] ?? 0))} s`)
    .join(', ');

const writesOf = (events: AuditEvent[]) => events.filter((e) => !isLease(e));
function showWrites(label: string, events: AuditEvent[], top = 8): void {
  const writes = writesOf(events);
  const leases = events.length - writes.length;
  const parts = breakdown(writes)
    .slice(0, top)
    .map(([k, n]) => `${k}: ${n}`);
  log(
    `  ${label}: ${writes.length} writes (+${leases} Lease renewals)${parts.length ? `  [${parts.join(', ')}]` : ''}`,
  );
  const conflicts = writes.filter((e) => e.responseStatus?.code === 409).length;
  if (conflicts) log(`    of which 409 Conflict: ${conflicts}`);
}
function showObjects(events: AuditEvent[], max = 15): void {
  const byObject = new Map<string, number>();
  for (const e of writesOf(events)) {
    const r = e.objectRef ?? {};
    const key = `${e.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.namespace}/${r.name} → ${e.responseStatus?.code}`;
    byObject.set(key, (byObject.get(key) ?? 0) + 1);
  }
  for (const [key, n] of [...byObject].sort((a, b) => b[1] - a[1]).slice(0, max)) log(`    ${n}× ${key}`);
}

interface ScenarioResult {
  converge: number;
  floor: number;
  /** The floor plus every other write of the convergence (operator and players), replayed. */
  writeFloor: number;
  writes: number;
  restWrites: number;
  peakRss: number;
  restRss: number;
  reconcilesPerSecond: number;
}

const plane = await startControlPlane({ withControllerManager: true, keepDir: values.keep });
let operator: OperatorProcess | undefined;
const http = kubeHttp(loadKubeConfig(plane.kubeconfig), 'frappe-admission-bench');
const kubectl = (args: string[], input?: string) => plane.kubectl(args, input === undefined ? {} : { input });
try {
  await installCrds(plane);
  // The harness's Service range is a /24 (254 ClusterIPs): too few for 100 benches' 500 Services
  // and the floor's copies. A second ServiceCIDR (networking.k8s.io/v1, GA in 1.33) adds 65,534.
  await http.sendJSON('POST', '/apis/networking.k8s.io/v1/servicecidrs', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'ServiceCIDR',
    metadata: { name: 'frappe-admission-bench' },
    spec: { cidrs: ['10.96.0.0/16'] },
  });
  await installForeignCrds(kubectl, [...KEDA_KINDS, ...MARIADB_KINDS]);
  const webhook = await startWebhookProcess(plane, { extraArgs: ['--no-controller'] });
  const kubelet = playKubelet(kubeHttp(loadKubeConfig(plane.kubeconfig), PLAYER_AGENT), []);
  const observer = new Observer(http);
  await observer.start();
  const audit = new AuditReader(plane.auditLog as string, OPERATOR_AGENT);
  const playerAudit = new AuditReader(plane.auditLog as string, PLAYER_AGENT);
  log(
    `controller benchmark: sites ${SITE_COUNTS.join(', ')} (${SITES_PER_BENCH} per bench, a bench per namespace), ` +
      `${CONCURRENCY} creates at a time, ${ROUNDS} round(s), settle ${SETTLE_S} s, rest ${REST_S} s; ` +
      `KEDA and mariadb-operator CRDs installed and played; control plane in ${plane.dir}`,
  );

  let operators = 0;
  const startOperator = async () => {
    const name = `bench-${++operators}`;
    const started = await startOperatorProcess({
      kubeconfig: plane.kubeconfig,
      dir: plane.dir,
      ca: plane.ca,
      name,
      leaseName: 'frappe-admission-bench',
    });
    // The controller runs once it leads, and it leads once its caches have synced.
    const deadline = Date.now() + 120_000;
    while (total(await started.metrics(), 'frappe_operator_leader') !== 1) {
      if (Date.now() > deadline)
        throw new Error(`operator ${name} never led:\n${await started.process.tail()}`);
      await sleep(100);
    }
    return started;
  };

  async function scenario(sites: number, round: number): Promise<ScenarioResult> {
    const benches = sites / SITES_PER_BENCH;
    const namespaces = Array.from({ length: benches }, (_, i) => `c${sites}r${round}-${i}`);
    const nsSet = new Set(namespaces);
    await createNamespaces(http, namespaces);
    for (const n of namespaces) kubelet.namespaces.add(n);
    const users = userObjects(namespaces);
    log(`\n== ${sites} sites on ${benches} benches, round ${round + 1}`);

    await audit.skip();
    await playerAudit.skip();
    operator = await startOperator();
    const pid = operator.process.child.pid as number;
    const rss = new RssSampler(pid);
    const idleRss = rss.last;
    const cpu0 = cpuSeconds(pid);
    const plane0 = planeCpu();
    const reconciles0 = metricSum(
      await operator.metrics(),
      'frappe_operator_reconciliation_total',
      'controller',
    );
    const kubeletWrites0 = kubelet.writes();

    const t0 = now();
    let userCreates: { seconds: number; failures: string[] } | undefined;
    const creating = createAll(http, users).then((r) => (userCreates = r));
    let lastReport = t0;
    let converged = false;
    for (;;) {
      const p = observer.progress(nsSet, { benches, sites });
      if (p.converged) {
        converged = true;
        break;
      }
      const elapsed = now() - t0;
      if (now() - lastReport >= 15 || elapsed > TIMEOUT_S) {
        lastReport = now();
        const detail = observer.progress(nsSet, { benches, sites }, true);
        await audit.read();
        const metrics = await operator.metrics();
        log(
          `  ${f1(elapsed)} s: benches ${detail.benchesCurrent}/${detail.benches} ready, sites ${detail.sitesCurrent}/${detail.sites} ready, ` +
            `${detail.children} children, ${detail.missingCount} missing; operator writes ${writesOf(audit.events).length}, ` +
            `reconciles ${total(metrics, 'frappe_operator_reconciliation_total') - (reconciles0.get('*') ?? 0)}, ` +
            `queue ${total(metrics, 'frappe_operator_workqueue_depth')}, RSS ${f1(rss.last)} MiB` +
            (userCreates ? '' : ' (still creating)'),
        );
        if (elapsed > TIMEOUT_S) {
          log(`  NOT CONVERGED after ${TIMEOUT_S} s; first missing: ${detail.missing.join(' | ')}`);
          break;
        }
      }
      await sleep(250);
    }
    const converge = now() - t0;
    await creating;
    const userSeconds = userCreates?.seconds ?? Number.NaN;
    const metricsConverged = await operator.metrics();
    const reconciles = metricSum(metricsConverged, 'frappe_operator_reconciliation_total', 'controller');
    const reconcileCount = (reconciles.get('*') ?? 0) - (reconciles0.get('*') ?? 0);
    const cpuConverge = cpuSeconds(pid) - cpu0;
    const planeConverge = planeCpu();
    const peakConverge = rss.peak;
    await audit.read();
    const convergeEvents = [...audit.events];
    audit.events.length = 0;
    await playerAudit.read();
    const playerEvents = [...playerAudit.events];
    playerAudit.events.length = 0;
    const counts = observer.childCounts(nsSet);
    let children = 0;
    for (const n of counts.values()) children += n;

    log(
      `  ${converged ? 'converged' : 'stopped waiting'} in ${f1(converge)} s (user's ${users.length} creates took ${f1(userSeconds)} s` +
        `${userCreates?.failures.length ? `, ${userCreates.failures.length} failed: ${userCreates.failures[0]}` : ''})`,
    );
    log(
      `  children present: ${children} (${[...counts]
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
    );
    showWrites('operator during convergence', convergeEvents, 12);
    log(
      `  reconciles: ${reconcileCount} (${[...reconciles]
        .filter(([k]) => k !== '*')
        .map(([k, n]) => `${k} ${n - (reconciles0.get(k) ?? 0)}`)
        .join(', ')}), ${f1(reconcileCount / converge)}/s; by result: ${[
        ...metricSum(metricsConverged, 'frappe_operator_reconciliation_total', 'result'),
      ]
        .filter(([k]) => k !== '*')
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    log(
      `  CPU during convergence: operator ${f1(cpuConverge)} s, ${cpuDelta(plane0, planeConverge)}; ` +
        `kubelet player wrote ${kubelet.writes() - kubeletWrites0} status patches`,
    );

    // Settling, then at rest: nothing changes, so the operator must write nothing.
    await sleep(SETTLE_S * 1000);
    await audit.read();
    const settleEvents = [...audit.events];
    audit.events.length = 0;
    showWrites(`operator in the ${SETTLE_S} s after convergence`, settleEvents);
    if (writesOf(settleEvents).length) showObjects(settleEvents);
    rss.reset();
    const cpuRest0 = cpuSeconds(pid);
    const reconcilesRest0 = total(await operator.metrics(), 'frappe_operator_reconciliation_total');
    await sleep(REST_S * 1000);
    await audit.read();
    const restEvents = [...audit.events];
    audit.events.length = 0;
    const reconcilesRest =
      total(await operator.metrics(), 'frappe_operator_reconciliation_total') - reconcilesRest0;
    showWrites(`operator over ${REST_S} s at rest (goal 0)`, restEvents);
    if (writesOf(restEvents).length) showObjects(restEvents);
    log(
      `  at rest: ${reconcilesRest} reconciles, operator CPU ${f1(cpuSeconds(pid) - cpuRest0)} s over ${REST_S} s`,
    );
    const restRss = rss.sample();
    const { memoryLimit } = operator;
    log(
      `  operator RSS: idle before ${f1(idleRss)} MiB, peak during convergence ${f1(peakConverge)} MiB, ` +
        `at rest ${f1(restRss)} MiB (peak at rest ${f1(rss.peak)} MiB); ` +
        (memoryLimit.unlimited
          ? `NO memory limit (${memoryLimit.unlimited}): V8 sized its heap from the machine's memory`
          : `under the chart's memory limit of ${f1(memoryLimit.bytes / 1048576)} MiB, as in its pod`),
    );
    // Where the resident memory is: live heap, what V8 holds for it, and memory outside the heap.
    const restMetrics = await operator.metrics();
    const mib = (name: string) => f1(total(restMetrics, name) / 1048576);
    log(
      `  operator heap at rest: used ${mib('nodejs_heap_size_used_bytes')} MiB of ${mib('nodejs_heap_size_total_bytes')} MiB, ` +
        `external ${mib('nodejs_external_memory_bytes')} MiB`,
    );
    rss.stop();
    await operator.stop();
    operator = undefined;
    for (const n of namespaces) kubelet.namespaces.delete(n);

    // The floor: the operator is stopped; the same user objects, then copies of what it created.
    const created = creations([...convergeEvents, ...settleEvents, ...restEvents]);
    const byResource = countByResource(created);
    const floorNamespaces = namespaces.map((n) => `f${n}`);
    const floorCopies = await floorObjects(http, byResource, nsSet, (n) => `f${n}`, MANAGED_SELECTOR);
    await createNamespaces(http, floorNamespaces);
    const floorUsers = await createAll(http, userObjects(floorNamespaces));
    const floorChildren = await createAll(http, floorCopies);
    const floor = floorUsers.seconds + floorChildren.seconds;
    log(
      `  floor: ${users.length} user creates ${f1(floorUsers.seconds)} s + ${floorCopies.length} copies of the ` +
        `operator's creates ${f1(floorChildren.seconds)} s = ${f1(floor)} s ` +
        `(${[...byResource.values()].map((r) => `${resourceLabel(r.resource)} ${r.count}`).join(', ')})` +
        (floorChildren.failures.length
          ? `; ${floorChildren.failures.length} FAILED, e.g. ${floorChildren.failures[0]}`
          : ''),
    );
    log(`  convergence/floor: ${(converge / floor).toFixed(2)} (goal ≤ 1.5)`);
    // The second floor: the creates floor plus every other write of the convergence, replayed.
    const others = replayedWrites([...convergeEvents, ...playerEvents]);
    const replay = await replayItems(http, others, (n) => `f${n}`);
    const replayed = await createAll(http, replay);
    const writeFloor = floor + replayed.seconds;
    log(
      `  write floor: + ${replay.length} other writes of the convergence replayed on the copies ${f1(replayed.seconds)} s ` +
        `= ${f1(writeFloor)} s (${breakdown(others)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')})` +
        (replayed.failures.length
          ? `; ${replayed.failures.length} failed, e.g. ${replayed.failures[0]}`
          : ''),
    );
    log(
      `  convergence/write floor: ${(converge / writeFloor).toFixed(2)} (the controller's overhead over the API work)`,
    );
    const cleanup = await deleteNamespaces(http, [...namespaces, ...floorNamespaces]);
    log(`  (namespaces deleted in ${f1(cleanup)} s)`);
    return {
      converge,
      floor,
      writeFloor,
      writes: writesOf(convergeEvents).length,
      restWrites: writesOf(restEvents).length,
      peakRss: peakConverge,
      restRss,
      reconcilesPerSecond: reconcileCount / converge,
    };
  }

  const results = new Map<number, ScenarioResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const sites of SITE_COUNTS) {
      const result = await scenario(sites, round);
      results.set(sites, [...(results.get(sites) ?? []), result]);
    }
  }

  if (results.size) log(`\n== summary (medians of ${ROUNDS} round(s))`);
  for (const [sites, rs] of results) {
    const m = (f: (r: ScenarioResult) => number) => median(rs.map(f));
    log(
      `${String(sites).padStart(6)} sites: converge ${f1(m((r) => r.converge))} s, floor ${f1(m((r) => r.floor))} s, ` +
        `ratio ${m((r) => r.converge / r.floor).toFixed(2)} (goal ≤ 1.5); write floor ${f1(m((r) => r.writeFloor))} s, ` +
        `ratio ${m((r) => r.converge / r.writeFloor).toFixed(2)}; writes ${m((r) => r.writes)}, ` +
        `at rest ${m((r) => r.restWrites)} (goal 0); reconciles ${f1(m((r) => r.reconcilesPerSecond))}/s; ` +
        `RSS peak ${f1(m((r) => r.peakRss))} MiB, at rest ${f1(m((r) => r.restRss))} MiB (goal ≤ 200 MB)`,
    );
  }
  if (SITE_COUNTS.length > 1) {
    const small = Math.min(...SITE_COUNTS);
    const large = Math.max(...SITE_COUNTS);
    const time = (n: number) => median((results.get(n) ?? []).map((r) => r.converge));
    log(
      `growth: time(${large})/time(${small}) = ${(time(large) / time(small)).toFixed(2)} for ${large / small}× the sites (goal ≤ ${large / small})`,
    );
  }

  if (RSS_SITES > 0) {
    const benches = RSS_SITES / SITES_PER_BENCH;
    log(`\n== RSS with ${RSS_SITES} sites on ${benches} benches`);
    const namespaces = Array.from({ length: benches }, (_, i) => `big-${i}`);
    const nsSet = new Set(namespaces);
    await createNamespaces(http, namespaces);
    const created = await createAll(http, userObjects(namespaces));
    log(
      `  created ${RSS_SITES + benches} benches and sites (operator stopped) in ${f1(created.seconds)} s` +
        (created.failures.length ? `; ${created.failures.length} failed: ${created.failures[0]}` : ''),
    );
    for (const n of namespaces) kubelet.namespaces.add(n);
    const t0 = now();
    operator = await startOperator();
    const pid = operator.process.child.pid as number;
    const rss = new RssSampler(pid);
    log(`  caches synced (leading) after ${f1(now() - t0)} s: RSS ${f1(rss.last)} MiB (goal ≤ 512 MiB)`);
    const deadline = t0 + RSS_MINUTES * 60;
    let lastReport = 0;
    for (;;) {
      const p = observer.progress(nsSet, { benches, sites: RSS_SITES }, now() - lastReport >= 30);
      if (p.converged || now() > deadline || now() - lastReport >= 30) {
        lastReport = now();
        const detail = p.children ? p : observer.progress(nsSet, { benches, sites: RSS_SITES }, true);
        const metrics = await operator.metrics();
        log(
          `  ${f1(now() - t0)} s: sites ${detail.sitesCurrent}/${detail.sites} ready, benches ${detail.benchesCurrent}/${detail.benches}, ` +
            `${detail.children} children; RSS ${f1(rss.last)} MiB (peak ${f1(rss.peak)}), ` +
            `reconciles ${total(metrics, 'frappe_operator_reconciliation_total')}, queue ${total(metrics, 'frappe_operator_workqueue_depth')}`,
        );
        if (p.converged) {
          log(
            `  converged in ${f1(now() - t0)} s; RSS with all children ${f1(rss.sample())} MiB (goal ≤ 512 MiB)`,
          );
          break;
        }
        if (now() > deadline) {
          log(`  stopped after ${RSS_MINUTES} min without converging (--rss-minutes)`);
          break;
        }
      }
      await sleep(1000);
    }
    rss.stop();
  }

  await operator?.stop();
  operator = undefined;
  observer.stop();
  await kubelet.stop();
  await webhook.stop();
} catch (error) {
  if (statusOf(error)) console.error(`API error ${statusOf(error)}`);
  if (operator) console.error(await operator.process.tail(40));
  throw error;
} finally {
  await operator?.stop();
  await plane.stop();
}
