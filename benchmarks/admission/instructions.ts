// Instructions per request, counted by valgrind's callgrind: the admission benchmark's figure
// that does not move with the machine's neighbours (on a shared VM the CPU time per request of
// the same server swings up to 2× between runs, and no hardware counters are exposed).
// Each server runs twice under callgrind, answering N1 and then N2 requests over HTTPS; the
// difference of the two totals divided by N2 − N1 cancels start-up, JIT warm-up and shutdown.
// Every thread is counted (GC helpers, the libuv pool). Instructions are not time: cache misses
// and allocation show in CPU time but barely here, so the two figures complement each other.
//
//   npm run bench:instructions [-- --requests 1000,3000 --only "site create"]
import { Agent } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCert } from '../lib/certs.js';
import { requireCommands } from '../../harness/commands.js';
import { freePort } from '../../harness/control-plane.js';
import { baselineServerCommand, offlineServeCommand, startServer } from '../lib/process.js';
import { post } from '../lib/post.js';
import { scenarios, type Scenario } from './reviews.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000,3000' },
    only: { type: 'string' },
  },
});
const [fewer, more] = (values.requests as string).split(',').map(Number) as [number, number];
if (!(fewer >= 0 && more > fewer)) throw new Error('--requests takes N1,N2 with N2 > N1 ≥ 0');
await requireCommands([{ binary: 'valgrind', debianPackage: 'valgrind' }]);
const CONCURRENCY = 4;

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

/** Total instructions of one server process run that answers `count` requests. */
async function instructions(which: keyof typeof servers, scenario: Scenario, count: number) {
  const outFile = join(cert.dir, `callgrind.${which}.${count}.out`);
  const server = await startServer(
    ['valgrind', '--tool=callgrind', `--callgrind-out-file=${outFile}`, ...servers[which]],
    { readyUrl: `https://127.0.0.1:${PORT}/readyz`, readyTimeoutMs: 180_000 },
  );
  let exitCode: number | null;
  try {
    await send(scenario, count);
  } finally {
    exitCode = await server.interrupt();
  }
  if (exitCode !== 0) throw new Error(`${which} exited with ${exitCode} (see ${outFile})`);
  const totals = /^totals: (\d+)/m.exec(await readFile(outFile, 'utf8'));
  if (!totals) throw new Error(`no totals in ${outFile}`);
  return Number(totals[1]);
}

console.log(
  `admission instructions: callgrind, every thread of the server, (I(${more}) − I(${fewer})) / ${more - fewer} requests, ${CONCURRENCY} connections, ECDSA P-256`,
);
console.log('scenario                   baseline   candidate   ratio (goal ≤ 1.25)');
for (const scenario of scenarios().filter((s) => !values.only || s.name.includes(values.only))) {
  const perRequest = {} as Record<keyof typeof servers, number>;
  for (const which of ['baseline', 'candidate'] as const) {
    const difference =
      (await instructions(which, scenario, more)) - (await instructions(which, scenario, fewer));
    perRequest[which] = difference / (more - fewer);
  }
  console.log(
    `${scenario.name.padEnd(24)} ${(perRequest.baseline / 1000).toFixed(0).padStart(8)} k ${(perRequest.candidate / 1000).toFixed(0).padStart(9)} k   ${(perRequest.candidate / perRequest.baseline).toFixed(2)}×`,
  );
}
