// The rules engine alone, in one process: µs per JSON.parse of each of bench:admission's reviews (the
// bare server's only work on it) and per decide() (defaults, schema, rules, the AdmissionResponse) on
// the request the parse gave, as a request runs them, in the same moments. The pairs alternate between
// warm CPU caches and caches evicted by writing --evict MiB of other memory first (a stand-in for the
// rest of a request under load: TLS, HTTP, other requests). bench:admission says what a whole request
// costs; this says which part is the engine's, and how much of that is cache misses: on the VM these
// benchmarks were written on (L2 4 MiB per core, an L3 shared with the host's other tenants) a bench
// update's decision took 74–78 µs warm and 105–121 µs evicted, near the 96 µs its /metrics histogram
// showed under load; in a loop over the same objects it took 24–34 µs.
// The measuring process runs as the operator's pod runs node (the chart's memory limit, runtimeFlags
// and runtimeEnv), pinned to CPU 0.
//
//   npm run bench:decision [-- --evict 4 --warmup 20000 --calls 2000 --rounds 3 --only "bench update"]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADMISSION_ENGINE, decide } from '../../src/webhooks/decide.js';
import type { AdmissionRequest, AdmissionReview } from '../../src/webhooks/admission-review.js';
import { staticClusterView } from '../../src/api/static-cluster-view.js';
import { operatorConfig } from '../../src/defaults/config.js';
import { chartMemoryLimitBytes, podCommand, podEnvironment } from '../../harness/memory-limit.js';
import { requireCommands } from '../../harness/commands.js';
import { confinedCommand } from '../lib/process.js';
import { routeOf, scenarios } from './reviews.js';

const { values } = parseArgs({
  options: {
    evict: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '20000' },
    calls: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    measuring: { type: 'boolean', default: false },
  },
});

if (!values.measuring) {
  // Start the measuring process as the pod runs node (its memory limit, flags and environment), and let it print.
  await requireCommands([{ binary: 'taskset', debianPackage: 'util-linux' }]);
  const script = fileURLToPath(import.meta.url);
  const { argv, release } = confinedCommand(
    podCommand([process.execPath, script, ...process.argv.slice(2), '--measuring']),
    { cpu: 0, memoryLimit: { bytes: chartMemoryLimitBytes(), name: `bench-decision-${process.pid}` } },
  );
  const { status } = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env: podEnvironment() });
  release();
  process.exit(status ?? 1);
}

const EVICT_BYTES = Number(values.evict) * 1024 * 1024;
const WARMUP = Number(values.warmup);
const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);
if (!(EVICT_BYTES > 0 && WARMUP >= 0 && CALLS >= 100 && ROUNDS >= 1))
  throw new Error('--evict takes MiB > 0, --warmup a count, --calls at least 100, --rounds at least 1');
const CACHE_LINE = 64;
const context = { view: staticClusterView([]), config: operatorConfig() };

/** Writes one byte per cache line of `bytes` of memory: whatever the caches held is gone after it. */
function evictor(bytes: number): () => void {
  const memory = new Uint8Array(bytes);
  return () => {
    for (let i = 0; i < memory.length; i += CACHE_LINE) memory[i] = (memory[i] as number) + 1;
  };
}

/** Microseconds per call of each of the four: parse and decide, with warm caches and evicted ones. */
interface Figures {
  parseWarm: number;
  decideWarm: number;
  parseEvicted: number;
  decideEvicted: number;
}

/**
 * One round: CALLS pairs of calls (parse the review, decide on what it gave, as a request does),
 * every second pair after the caches were evicted, so both kinds see the same moments of the machine.
 */
function round(parse: () => AdmissionRequest, decideOn: (request: AdmissionRequest) => unknown): Figures {
  const nanos = { parseWarm: 0n, decideWarm: 0n, parseEvicted: 0n, decideEvicted: 0n };
  for (let i = 0; i < 2 * CALLS; i++) {
    const evicted = i % 2 === 1;
    if (evicted) evict();
    const started = process.hrtime.bigint();
    const request = parse();
    const parsed = process.hrtime.bigint();
    decideOn(request);
    const decided = process.hrtime.bigint();
    if (evicted) {
      nanos.parseEvicted += parsed - started;
      nanos.decideEvicted += decided - parsed;
    } else {
      nanos.parseWarm += parsed - started;
      nanos.decideWarm += decided - parsed;
    }
  }
  const micros = (n: bigint) => Number(n) / 1e3 / CALLS;
  return {
    parseWarm: micros(nanos.parseWarm),
    decideWarm: micros(nanos.decideWarm),
    parseEvicted: micros(nanos.parseEvicted),
    decideEvicted: micros(nanos.decideEvicted),
  };
}

/** Each figure's median over the rounds. */
function medians(rounds: Figures[]): Figures {
  const median = (key: keyof Figures) =>
    rounds.map((r) => r[key]).sort((a, b) => a - b)[rounds.length >> 1] as number;
  return {
    parseWarm: median('parseWarm'),
    decideWarm: median('decideWarm'),
    parseEvicted: median('parseEvicted'),
    decideEvicted: median('decideEvicted'),
  };
}

const evict = evictor(EVICT_BYTES);
console.log(
  `decision benchmark: µs per JSON.parse of each review and per decide() on what it gave (median of ${ROUNDS} ` +
    `rounds of ${CALLS} pairs, after ${WARMUP}), with warm caches and after writing ${values.evict} MiB of ` +
    `other memory; node ${process.execArgv.join(' ') || '(no flags)'}, ` +
    `NODE_OPTIONS=${process.env.NODE_OPTIONS ?? ''}`,
);
console.log(
  `${'review'.padEnd(26)}${'parse'.padStart(8)}${'decide'.padStart(8)}${'ratio'.padStart(8)}` +
    `${'parse, evicted'.padStart(16)}${'decide, evicted'.padStart(17)}${'ratio'.padStart(8)}`,
);
for (const scenario of scenarios().filter((s) => !values.only || s.name.includes(values.only))) {
  const route = routeOf(scenario);
  const parse = () => (JSON.parse(scenario.body) as AdmissionReview).request;
  const decideOn = (request: AdmissionRequest) => {
    const { response } = decide(ADMISSION_ENGINE, route, request, context);
    if (response.allowed !== true) throw new Error(`${scenario.name}: ${JSON.stringify(response.status)}`);
  };
  for (let i = 0; i < WARMUP; i++) decideOn(parse());
  const figures = medians(Array.from({ length: ROUNDS }, () => round(parse, decideOn)));
  const f = (micros: number, width: number) => micros.toFixed(1).padStart(width);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2).padStart(7)}×`;
  console.log(
    scenario.name.padEnd(26) +
      f(figures.parseWarm, 8) +
      f(figures.decideWarm, 8) +
      ratio(figures.decideWarm, figures.parseWarm) +
      f(figures.parseEvicted, 16) +
      f(figures.decideEvicted, 17) +
      ratio(figures.decideEvicted, figures.parseEvicted),
  );
}
