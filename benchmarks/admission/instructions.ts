// Instructions per request, counted by valgrind's callgrind: the admission benchmark's figure
// that does not move with the machine's neighbours (on a shared VM the CPU time per request of
// the same server swings up to 2× between runs, and no hardware counters are exposed).
// Each server runs twice under callgrind, answering N1 and then N2 requests over HTTPS; the
// difference of the two totals divided by N2 − N1 cancels start-up, JIT warm-up and shutdown.
// Every thread is counted (GC helpers, the libuv pool). Instructions are not time: cache misses
// and allocation show in CPU time but barely here, so the two figures complement each other.
// With --simulate callgrind also simulates the caches (the machine's L1 and last-level sizes) and
// branch prediction: mispredicted branches and cache misses per request, and callgrind's cycle
// estimate (instructions + 10 per mispredicted branch + 10 per L1 miss + 100 per last-level
// miss), which tells whether a gap in CPU time comes from more work or from costlier work (a
// larger working set, unpredictable dispatch). About twice as slow.
// The counts are steadier than CPU time, not fixed: V8 sizes its young generation and schedules
// its compiler and GC by time and allocation rate, so valgrind's slowdown (more with --simulate)
// and the machine's load move them. Ours scavenged every ~30 requests under callgrind against
// every ~180 at full speed; one site create counted 584 k and 634 k instructions in two plain runs
// and 706 k with --simulate. Compare ratios within one run, not counts across runs.
//
//   npm run bench:instructions [-- --requests 1000,3000 --only "site create" --simulate]
import { Agent } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCert } from '../lib/certs.js';
import { requireCommands } from '../../harness/commands.js';
import { freePort } from '../../harness/control-plane.js';
import { baselineServerCommand, offlineServeCommand, startServer } from '../lib/process.js';
import { post } from '../lib/post.js';
import { callgrindTotals, perRequest, type CallgrindEvents, type CostFigures } from '../lib/callgrind.js';
import { scenarios, type Scenario } from './reviews.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000,3000' },
    only: { type: 'string' },
    simulate: { type: 'boolean', default: false },
  },
});
const [fewer, more] = (values.requests as string).split(',').map(Number) as [number, number];
if (!(fewer >= 0 && more > fewer)) throw new Error('--requests takes N1,N2 with N2 > N1 ≥ 0');
await requireCommands([{ binary: 'valgrind', debianPackage: 'valgrind' }]);
const CONCURRENCY = 4;
const SIMULATE = values.simulate;

const PORT = await freePort();
const cert = await selfSignedCert('ec');
const servers = {
  baseline: baselineServerCommand(PORT, cert),
  candidate: offlineServeCommand(PORT, cert, '--drain-delay-seconds', '0'),
};

/** Sends `count` POSTs of the scenario, CONCURRENCY at a time over kept-alive connections. */
async function send(scenario: Scenario, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, rejectUnauthorized: false });
  const review = { path: scenario.path, contentType: 'application/json', body: scenario.body };
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const { status, body } = await post(agent, PORT, review);
      if (status !== 200) throw new Error(`answered ${status}: ${body.slice(0, 200)}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
}

/** The event totals of one server process run that answers `count` requests. */
async function events(
  which: keyof typeof servers,
  scenario: Scenario,
  count: number,
): Promise<CallgrindEvents> {
  const outFile = join(cert.dir, `callgrind.${which}.${count}.out`);
  const server = await startServer(
    [
      'valgrind',
      '--tool=callgrind',
      ...(SIMULATE ? ['--cache-sim=yes', '--branch-sim=yes'] : []),
      `--callgrind-out-file=${outFile}`,
      ...servers[which],
    ],
    { readyUrl: `https://127.0.0.1:${PORT}/readyz`, readyTimeoutMs: 180_000 },
  );
  let exitCode: number | null;
  try {
    await send(scenario, count);
  } finally {
    exitCode = await server.interrupt();
  }
  if (exitCode !== 0) throw new Error(`${which} exited with ${exitCode} (see ${outFile})`);
  try {
    return callgrindTotals(await readFile(outFile, 'utf8'));
  } catch (error) {
    throw new Error(`${outFile}: ${(error as Error).message}`, { cause: error });
  }
}

const k = (n: number) => `${(n / 1000).toFixed(0)} k`;
/** Per request, as printed: instructions always; with --simulate the misses and the cycle estimate too. */
const FIGURES: [keyof CostFigures, string, (n: number) => string][] = [
  ['instructions', 'instructions', k],
  ...(SIMULATE
    ? ([
        ['branchMisses', 'branch misses', (n) => n.toFixed(0)],
        ['l1Misses', 'L1 misses', (n) => n.toFixed(0)],
        ['llMisses', 'LL misses', (n) => n.toFixed(0)],
        ['estimatedCycles', 'est. cycles', k],
      ] satisfies typeof FIGURES)
    : []),
];
const row = (label: string, cell: (figure: keyof CostFigures, format: (n: number) => string) => string) =>
  label.padEnd(34) +
  FIGURES.map(([figure, heading, format]) => cell(figure, format).padStart(heading.length + 2)).join('');

console.log(
  `admission instructions: callgrind, every thread of the server, (I(${more}) − I(${fewer})) / ${more - fewer} requests, ${CONCURRENCY} connections, ECDSA P-256` +
    (SIMULATE ? ', simulated caches and branch prediction' : ''),
);
console.log(''.padEnd(34) + FIGURES.map(([, heading]) => `  ${heading}`).join(''));
for (const scenario of scenarios().filter((s) => !values.only || s.name.includes(values.only))) {
  const cost = {} as Record<keyof typeof servers, CostFigures>;
  for (const which of ['baseline', 'candidate'] as const) {
    const later = await events(which, scenario, more);
    cost[which] = perRequest(await events(which, scenario, fewer), later, more - fewer);
  }
  for (const which of ['baseline', 'candidate'] as const) {
    console.log(row(`${scenario.name} ${which}`, (figure, format) => format(cost[which][figure])));
  }
  console.log(
    row(
      `${scenario.name} ratio (goal ≤ 1.25)`,
      (figure) => `${(cost.candidate[figure] / cost.baseline[figure]).toFixed(2)}×`,
    ),
  );
}
