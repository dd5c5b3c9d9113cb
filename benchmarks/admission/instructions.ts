// Instructions per request, counted by valgrind's callgrind: the admission benchmark's figure
// that does not move with the machine's neighbours (on a shared VM the CPU time per request of
// the same server swings up to 2× between runs, and no hardware counters are exposed).
// Each server runs once under callgrind per scenario: it answers N1 requests over HTTPS (start-up
// and the first of V8's optimizations), then callgrind's counters are zeroed (callgrind_control),
// it answers N2 − N1 more, and the counters are dumped: instructions of that window of one process,
// divided by N2 − N1. (Two processes answering N1 and N2 requests, their totals subtracted, moved
// by ±50 k per request with each process's own start-up.) Every thread is counted (GC helpers, the
// libuv pool). V8 keeps optimizing our server for some 20,000 requests at full speed, which
// callgrind cannot afford: the window still holds some of that compiling. Instructions are not time: cache misses
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
//   npm run bench:instructions [-- --requests 2000,4000 --only "site create" --simulate]
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { selfSignedCert } from '../lib/certs.js';
import { requireCommands } from '../../harness/commands.js';
import { freePort } from '../../harness/control-plane.js';
import { baselineServerCommand, offlineServeCommand, startServer } from '../lib/process.js';
import { postMany } from '../lib/post.js';
import { callgrindTotals, perRequest, type CallgrindEvents, type CostFigures } from '../lib/callgrind.js';
import { scenarios, type Scenario } from './reviews.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000,4000' },
    only: { type: 'string' },
    simulate: { type: 'boolean', default: false },
  },
});
const [fewer, more] = (values.requests as string).split(',').map(Number) as [number, number];
if (!(fewer >= 0 && more > fewer)) throw new Error('--requests takes N1,N2 with N2 > N1 ≥ 0');
// callgrind_control ships with valgrind.
await requireCommands([
  { binary: 'valgrind', debianPackage: 'valgrind' },
  { binary: 'callgrind_control', debianPackage: 'valgrind' },
]);
const run = promisify(execFile);
const CONCURRENCY = 4;
const SIMULATE = values.simulate;

const PORT = await freePort();
const cert = await selfSignedCert('ec');
// Both servers with V8's defaults: the window lies in the first thousands of requests, where the
// chart's --no-maglev (runtimeFlags) leaves our code unoptimized until TurboFan takes it (after 3,000
// calls instead of Maglev's 400), so as in its pod the candidate counted 1,078 k instructions per site
// create in requests 2,001–4,000 and 781 k in 6,001–8,000, against 622 k with V8's defaults. This
// benchmark compares code; the pod's settings are bench:admission's (at full speed, the same CPU).
const servers = {
  baseline: baselineServerCommand(PORT, cert),
  candidate: offlineServeCommand(PORT, cert, '--drain-delay-seconds', '0'),
};

/** Sends `count` POSTs of the scenario, CONCURRENCY at a time; any answer but 200 stops the run. */
function send(scenario: Scenario, count: number): Promise<void> {
  const review = { path: scenario.path, contentType: 'application/json', body: scenario.body };
  return postMany(PORT, review, count, CONCURRENCY, ({ status, body }) => {
    if (status !== 200) throw new Error(`answered ${status}: ${body.slice(0, 200)}`);
  });
}

/** callgrind_control's `command` (zero, dump) for the process, which it answers once done. */
async function control(pid: number, command: '--zero' | '--dump'): Promise<void> {
  const { stdout } = await run('callgrind_control', [command, String(pid)]);
  if (!/OK/.test(stdout)) throw new Error(`callgrind_control ${command} ${pid}: ${stdout.trim()}`);
}

/** The event totals of one server process over requests fewer+1 … more of the scenario. */
async function windowEvents(which: keyof typeof servers, scenario: Scenario): Promise<CallgrindEvents> {
  const outFile = join(cert.dir, `callgrind.${which}.out`);
  await rm(`${outFile}.1`, { force: true });
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
    await send(scenario, fewer);
    await control(server.pid, '--zero');
    await send(scenario, more - fewer);
    await control(server.pid, '--dump'); // written to outFile.1
  } finally {
    exitCode = await server.interrupt();
  }
  if (exitCode !== 0) throw new Error(`${which} exited with ${exitCode} (see ${outFile})`);
  try {
    return callgrindTotals(await readFile(`${outFile}.1`, 'utf8'));
  } catch (error) {
    throw new Error(`${outFile}.1: ${(error as Error).message}`, { cause: error });
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
  `admission instructions: callgrind, every thread of the server, requests ${fewer + 1}–${more} of one process (${more - fewer} counted), ${CONCURRENCY} connections, ECDSA P-256` +
    (SIMULATE ? ', simulated caches and branch prediction' : ''),
);
console.log(''.padEnd(34) + FIGURES.map(([, heading]) => `  ${heading}`).join(''));
for (const scenario of scenarios().filter((s) => !values.only || s.name.includes(values.only))) {
  const cost = {} as Record<keyof typeof servers, CostFigures>;
  for (const which of ['baseline', 'candidate'] as const) {
    cost[which] = perRequest(await windowEvents(which, scenario), more - fewer);
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
