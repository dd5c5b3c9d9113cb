// Admission benchmark (issue 4): the real webhook server against a bare fastify HTTPS baseline
// that parses the same reviews, in the same run. Method (ARCHITECTURE.md): server on core 0,
// wrk on core 1. Each pair is a fresh baseline and a fresh candidate, with a second bare server as
// a control, all running at once (the idle ones cost nothing) and each warmed up (--warmup seconds
// of saturation: our larger program is still being optimized by V8 seconds after the first
// request). Then every measurement alternates between them in one-second slices (A B C, C B A, …),
// so all see the same moments of a shared machine, whose neighbours move CPU time per request by
// 2× from one second to the next (the control, measured as the candidate is, shows how far a ratio
// moves between two identical servers: every ratio is printed with the control's beside it):
// server CPU time per request from /proc at saturation, latency percentiles at a fixed
// rate (half the baseline's saturation in that pair) and with one connection (c1: one request at
// a time, no queueing). A pair's ratio is the median of its slice ratios; the printed ratio the
// median of the pairs'. RSS of each server idle (ready, before any request) and under load (its
// peak, VmHWM, after the runs). All run under the chart's memory limit, as in a pod (V8 sizes its
// heap from it; harness/memory-limit.ts), and the candidate with the chart's runtimeEnv and runtimeFlags, as its
// pod runs it, unless --no-memory-limit (then V8 sizes every heap from the machine).
// Of the candidate's CPU per request, the part spent deciding is read from its own /metrics (the
// decision-duration histogram), so the output tells the rules engine from the server around it.
// With --cluster the candidate runs with informers on against a real kube-apiserver (the local
// control plane) holding 100 FrappeSites (defaulted as the webhook would), and with --sites N the
// whole comparison is repeated after loading the cluster up to N sites: CPU per request and RSS at
// 100 and at N sites in one run. The candidate serves admission only (`--no-controller`, as a
// replica that does not hold the Lease); --controller runs it as the Lease holder, controller
// included (whose own cost bench:controller measures).
//
//   npm run bench:admission [-- --pairs 3 --seconds 5 --warmup 10 --only "site create" --cluster --sites 10000 --controller --no-memory-limit]
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCert } from '../lib/certs.js';
import {
  chartMemoryLimitBytes,
  chartRuntimeEnv,
  chartRuntimeFlags,
  podCommand,
  podEnvironment,
} from '../../harness/memory-limit.js';
import { freePort, installCrds, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import { defaultSite } from '../../src/defaults/site.js';
import { operatorConfig } from '../../src/defaults/config.js';
import { staticClusterView } from '../../src/api/static-cluster-view.js';
import {
  baselineServerCommand,
  cpuSeconds,
  offlineServeCommand,
  peakRssMiB,
  rssMiB,
  serveCommand,
  type ServerProcess,
  startServer,
} from '../lib/process.js';
import { wrk, wrkScript } from '../lib/wrk.js';
import { decisionMicrosPerRequest, decisionTotals, type DecisionTotals } from '../lib/metrics-text.js';
import { requireCommands } from '../../harness/commands.js';
import { get } from '../../harness/webhook-process.js';
import { scenarios } from './reviews.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '3' },
    /** Measured seconds per server and kind of run, in one-second slices. */
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    only: { type: 'string' },
    cluster: { type: 'boolean', default: false },
    controller: { type: 'boolean', default: false },
    sites: { type: 'string' },
    'no-memory-limit': { type: 'boolean', default: false },
  },
});
await requireCommands([
  { binary: 'wrk', debianPackage: 'wrk' },
  { binary: 'taskset', debianPackage: 'util-linux' },
]);
// Both servers run under the chart's memory limit, as in a pod (V8 sizes its heap from it), unless
// --no-memory-limit: then V8 sizes the heap from the machine's memory.
const MEMORY_LIMIT = values['no-memory-limit'] ? undefined : chartMemoryLimitBytes();
const pairs = Number(values.pairs);
const slices = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const connections = Number(values.connections);
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const BASE_SITES = 100;
const LOAD_SITES = values.sites === undefined ? undefined : Number(values.sites);
if (LOAD_SITES !== undefined && !values.cluster) throw new Error('--sites needs --cluster');

type Which = 'baseline' | 'control' | 'candidate';
const WHICH: readonly Which[] = ['baseline', 'control', 'candidate'];
/** The servers compared with the baseline: ours, and a second bare server (the noise floor). */
type Compared = Exclude<Which, 'baseline'>;
/** A record with f's value for each server. */
const perWhich = <T>(f: (which: Which) => T) =>
  Object.fromEntries(WHICH.map((which) => [which, f(which)])) as Record<Which, T>;

interface Measure {
  rps: number;
  cpuMicrosPerRequest: number;
  /** The candidate's own deciding time per request in the saturation slices (its /metrics); NaN for the baseline. */
  decideMicrosPerRequest: number;
  /** Latency percentiles at the fixed rate, 4 connections (µs). */
  p50: number;
  p99: number;
  /** Latency percentile with one connection, one request at a time (µs). */
  p99c1: number;
  /** RSS once ready, before any request (MiB). */
  rssIdle: number;
  /** Peak RSS after the warm-up, saturation and paced runs (MiB). */
  rssLoad: number;
}

type Ratios = Pick<Measure, 'rps' | 'cpuMicrosPerRequest' | 'p99' | 'p99c1' | 'rssLoad'>;

/** One pair: each server's figures (medians of its slices), and the candidate's and the control's ratios to the baseline. */
interface PairResult {
  measures: Record<Which, Measure>;
  ratios: Record<Compared, Ratios>;
}

const PORTS: Record<Which, number> = {
  baseline: await freePort(),
  control: await freePort(),
  candidate: await freePort(),
};
const cert = await selfSignedCert('ec');
let plane: ControlPlane | undefined;
let http: KubeHttp | undefined;
if (values.cluster) {
  plane = await startControlPlane();
  await installCrds(plane);
  http = kubeHttp(loadKubeConfig(plane.kubeconfig));
}
const servers: Record<Which, string[]> = {
  baseline: baselineServerCommand(PORTS.baseline, cert),
  control: baselineServerCommand(PORTS.control, cert),
  candidate: plane
    ? serveCommand(
        PORTS.candidate,
        cert,
        '--kubeconfig',
        plane.kubeconfig,
        ...(values.controller ? [] : ['--no-controller']),
      )
    : offlineServeCommand(PORTS.candidate, cert),
};

/** Sites as the webhook would have defaulted them, spread over namespaces of 100. */
async function loadSites(client: KubeHttp, from: number, to: number): Promise<void> {
  const config = operatorConfig();
  const view = staticClusterView([]);
  // Namespaces first: a site's POST must not race its namespace's.
  for (let n = Math.floor(from / 100); n * 100 < to; n++) {
    await client
      .sendJSON('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: `load-${n}` },
      })
      .catch(() => undefined);
  }
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const namespace = `load-${Math.floor(i / 100)}`;
      const name = `s${i}`;
      const site = {
        apiVersion: 'vyogo.tech/v1alpha1',
        kind: 'FrappeSite',
        metadata: { name, namespace },
        spec: {
          benchRef: { name: 'erpnext' },
          siteName: `${name}.${namespace}.example.com`,
          apps: ['erpnext'],
        },
      };
      const { object } = defaultSite(site, { namespace, view, config });
      await client.sendJSON('POST', `/apis/vyogo.tech/v1alpha1/namespaces/${namespace}/frappesites`, object);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

const servingCA = readFileSync(cert.cert);
/** The candidate's decision-duration totals so far (/metrics; the baseline has no metrics). */
async function decisionsSoFar(): Promise<DecisionTotals> {
  const metrics = await get(`https://127.0.0.1:${PORTS.candidate}/metrics`, servingCA);
  if (metrics.status !== 200) throw new Error(`candidate /metrics answered ${metrics.status}`);
  return decisionTotals(metrics.body);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Starts the servers of a pair (and its control) on the server core, each under its own memory limit. */
async function startServers(): Promise<Record<Which, ServerProcess>> {
  const started = {} as Record<Which, ServerProcess>;
  for (const which of WHICH) {
    // The candidate as its pod runs it: with the chart's runtimeEnv (V8's heap, glibc's arenas) and runtimeFlags.
    const asInPod = MEMORY_LIMIT !== undefined && which === 'candidate';
    started[which] = await startServer(asInPod ? podCommand(servers[which]) : servers[which], {
      cpu: SERVER_CPU,
      ...(asInPod ? { env: podEnvironment() } : {}),
      readyUrl: `https://127.0.0.1:${PORTS[which]}/readyz`,
      readyTimeoutMs: 120_000,
      ...(MEMORY_LIMIT
        ? { memoryLimit: { bytes: MEMORY_LIMIT, name: `bench-admission-${process.pid}-${which}` } }
        : {}),
    });
  }
  return started;
}

/** `run` on each server for one-second slices, alternating the order; each server's results. */
async function alternate<T>(run: (which: Which) => Promise<T>): Promise<Record<Which, T[]>> {
  const results = perWhich((): T[] => []);
  for (let k = 0; k < slices; k++) {
    for (const which of k % 2 === 0 ? WHICH : [...WHICH].reverse()) results[which].push(await run(which));
  }
  return results;
}

/** The median over slices of a server's figure / the baseline's, slice by slice (near in time). */
const sliceRatio = (figures: Record<Which, number[]>, which: Compared) =>
  median(figures[which].map((x, k) => x / (figures.baseline[k] as number)));

async function measurePair(path: string, saturation: string, bodyFile: string): Promise<PairResult> {
  // The candidate logs one JSON line per decision, as in production; it goes to /dev/null here.
  const running = await startServers();
  try {
    await new Promise((r) => setTimeout(r, 500)); // settle after start-up (and the informers' lists)
    const rssIdle = perWhich((which) => rssMiB(running[which].pid));
    const url = (which: Which) => `https://127.0.0.1:${PORTS[which]}${path}`;
    let errors = 0;
    const load = async (which: Which, script: string, connections: number, seconds: number) => {
      const result = await wrk(url(which), script, { connections, seconds, cpu: LOAD_CPU });
      errors += result.errors;
      return result;
    };
    for (const which of WHICH) await load(which, saturation, connections, warmupSeconds); // JIT, TLS sessions

    const decidedBefore = await decisionsSoFar(); // first: this scrape's own CPU falls outside the slices
    const saturated = await alternate(async (which) => {
      const before = cpuSeconds(running[which].pid);
      const result = await load(which, saturation, connections, 1);
      return {
        cpuMicrosPerRequest: ((cpuSeconds(running[which].pid) - before) * 1e6) / result.requests,
        result,
      };
    });
    const decided = decisionMicrosPerRequest(decidedBefore, await decisionsSoFar());
    // Fixed rate: half the baseline's saturation in this pair, 4 connections.
    const rate = median(saturated.baseline.map((s) => s.result.requestsPerSecond)) / 2;
    const paced = await wrkScript(cert.dir, bodyFile, (4 * 1000) / rate);
    const pacedRuns = await alternate((which) => load(which, paced, 4, 1));
    const single = await alternate((which) => load(which, saturation, 1, 1));
    if (errors > 0) throw new Error(`${errors} failed requests`);

    const perServer = <T>(runs: Record<Which, T[]>, figure: (run: T) => number) =>
      perWhich((which) => runs[which].map(figure));
    const cpu = perServer(saturated, (s) => s.cpuMicrosPerRequest);
    const rps = perServer(saturated, (s) => s.result.requestsPerSecond);
    const p99 = perServer(pacedRuns, (r) => r.p99);
    const p99c1 = perServer(single, (r) => r.p99);
    const measures = perWhich((which): Measure => ({
      rps: median(rps[which]),
      cpuMicrosPerRequest: median(cpu[which]),
      decideMicrosPerRequest: which === 'candidate' ? decided : Number.NaN,
      p50: median(pacedRuns[which].map((r) => r.p50)),
      p99: median(p99[which]),
      p99c1: median(p99c1[which]),
      rssIdle: rssIdle[which],
      rssLoad: peakRssMiB(running[which].pid),
    }));
    const ratiosOf = (which: Compared): Ratios => ({
      rps: sliceRatio(rps, which),
      cpuMicrosPerRequest: sliceRatio(cpu, which),
      p99: sliceRatio(p99, which),
      p99c1: sliceRatio(p99c1, which),
      rssLoad: measures[which].rssLoad / measures.baseline.rssLoad,
    });
    return { measures, ratios: { candidate: ratiosOf('candidate'), control: ratiosOf('control') } };
  } finally {
    await Promise.all(WHICH.map((which) => running[which].stop()));
  }
}

const fmt = (x: number, digits = 0) => x.toFixed(digits).padStart(8);

console.log(
  `admission benchmark: ${pairs} pairs, ${warmupSeconds} s warm-up each, then ${slices} one-second slices per server and kind of run, alternating; server on CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU}, ECDSA P-256` +
    (plane
      ? `, candidate with informers on a real kube-apiserver${values.controller ? ', controller on' : ', --no-controller'}`
      : ', candidate --offline') +
    (MEMORY_LIMIT
      ? `; all under the chart's memory limit of ${MEMORY_LIMIT / 1048576} MiB, the candidate with its runtimeEnv (${
          Object.entries(chartRuntimeEnv())
            .map(([k, v]) => `${k}=${v}`)
            .join(' ') || 'none'
        }) and runtimeFlags (${chartRuntimeFlags().join(' ') || 'none'}), as in a pod`
      : '; no memory limit (V8 sizes its heap from the machine)') +
    '; the control is a second bare server, measured as the candidate is: its ratios are the noise floor',
);

type Medians = Record<Which, Measure>;

async function compare(label: string): Promise<Map<string, Medians>> {
  const results = new Map<string, Medians>();
  console.log(`\n== ${label}`);
  for (const scenario of scenarios().filter((s) => !values.only || s.name.includes(values.only))) {
    const bodyFile = join(cert.dir, `${scenario.path.slice(1)}.json`);
    await writeFile(bodyFile, scenario.body);
    const saturation = await wrkScript(cert.dir, bodyFile);
    const rows: PairResult[] = [];
    for (let i = 0; i < pairs; i++) rows.push(await measurePair(scenario.path, saturation, bodyFile));
    const rate = median(rows.map((r) => r.measures.baseline.rps)) / 2;
    console.log(
      `\n${scenario.name}: ${scenario.body.length} bytes, paced at about ${rate.toFixed(0)} req/s (half the baseline's saturation, per pair)`,
    );
    console.log('               req/s   CPU µs/req   p50 µs   p99 µs c1 p99 µs  RSS idle MiB  RSS load MiB');
    const medians = {} as Medians;
    for (const which of WHICH) {
      const m = (f: keyof Measure) => median(rows.map((r) => r.measures[which][f]));
      medians[which] = {
        rps: m('rps'),
        cpuMicrosPerRequest: m('cpuMicrosPerRequest'),
        decideMicrosPerRequest: m('decideMicrosPerRequest'),
        p50: m('p50'),
        p99: m('p99'),
        p99c1: m('p99c1'),
        rssIdle: m('rssIdle'),
        rssLoad: m('rssLoad'),
      };
      console.log(
        `${which.padEnd(10)} ${fmt(m('rps'))} ${fmt(m('cpuMicrosPerRequest'), 1)}    ${fmt(m('p50'))} ${fmt(m('p99'))}  ${fmt(m('p99c1'))}  ${fmt(m('rssIdle'), 1)}      ${fmt(m('rssLoad'), 1)}`,
      );
    }
    results.set(scenario.name, medians);
    /** The candidate's ratio, and the control's beside it: how far two identical servers differ. */
    const ratio = (f: keyof Ratios) => {
      const of = (which: Compared) => median(rows.map((r) => r.ratios[which][f])).toFixed(2);
      return `${of('candidate')}× (control ${of('control')}×)`;
    };
    const decide = medians.candidate.decideMicrosPerRequest;
    console.log(
      `candidate CPU per request: deciding ${decide.toFixed(1)} µs (its /metrics: in-process time of the decision), everything else ` +
        `${(medians.candidate.cpuMicrosPerRequest - decide).toFixed(1)} µs against the baseline's ` +
        `${medians.baseline.cpuMicrosPerRequest.toFixed(1)} µs`,
    );
    console.log(
      `ratio (median of pairs, each the median of its slices): req/s ${ratio('rps')}, CPU/req ${ratio('cpuMicrosPerRequest')} (goal ≤ 1.25), ` +
        `c1 p99 ${ratio('p99c1')} (goal ≤ 1.1), p99 at the fixed rate ${ratio('p99')}, ` +
        `RSS under load ${ratio('rssLoad')} (goal ≤ 1.2), ` +
        `p99 candidate at the fixed rate ${(medians.candidate.p99 / 1000).toFixed(2)} ms (goal ≤ 2 ms)`,
    );
  }
  return results;
}

try {
  if (http) await loadSites(http, 0, BASE_SITES);
  const small = await compare(plane ? `${BASE_SITES} FrappeSites in the cluster` : 'offline');
  if (http && LOAD_SITES !== undefined && LOAD_SITES > BASE_SITES) {
    const started = Date.now();
    await loadSites(http, BASE_SITES, LOAD_SITES);
    console.log(
      `\nloaded ${LOAD_SITES - BASE_SITES} more sites in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const large = await compare(`${LOAD_SITES} FrappeSites in the cluster`);
    console.log(
      `\n${LOAD_SITES} sites against ${BASE_SITES}, candidate (goals: CPU/req ≤ 1.10×, RSS ≤ baseline + 40 MiB):`,
    );
    for (const [name, at] of large) {
      const before = small.get(name) as Medians;
      console.log(
        `${name.padEnd(24)} CPU/req ${(at.candidate.cpuMicrosPerRequest / before.candidate.cpuMicrosPerRequest).toFixed(2)}×, ` +
          `RSS idle ${at.candidate.rssIdle.toFixed(1)} MiB, under load ${at.candidate.rssLoad.toFixed(1)} MiB ` +
          `(baseline ${at.baseline.rssLoad.toFixed(1)} MiB: +${(at.candidate.rssLoad - at.baseline.rssLoad).toFixed(1)} MiB)`,
      );
    }
  }
} finally {
  await plane?.stop();
}
