// Admission benchmark (issue 4): the real webhook server against a bare fastify HTTPS baseline
// that parses the same reviews, in the same run. Method (ARCHITECTURE.md): server on core 0,
// wrk on core 1, warm-up, baseline and candidate interleaved in fresh processes (A B B A …),
// server CPU time per request from /proc, latency percentiles at a fixed rate (half the
// baseline's saturation), the median of the per-pair ratios.
//
//   npm run bench:admission [-- --pairs 3 --seconds 5 --only "site create"]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCert } from '../lib/certs.js';
import { freePort } from '../../harness/control-plane.js';
import { baselineServerCommand, cpuSeconds, offlineServeCommand, startServer } from '../lib/process.js';
import { wrk, wrkScript } from '../lib/wrk.js';
import { scenarios } from './reviews.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    only: { type: 'string' },
  },
});
const pairs = Number(values.pairs);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const SERVER_CPU = 0;
const LOAD_CPU = 1;

interface Measure {
  rps: number;
  cpuMicrosPerRequest: number;
  p50: number;
  p99: number;
}

const PORT = await freePort();
const cert = await selfSignedCert('ec');
const servers = {
  baseline: baselineServerCommand(PORT, cert),
  candidate: offlineServeCommand(PORT, cert),
};

async function measure(
  which: keyof typeof servers,
  path: string,
  saturation: string,
  paced: string,
): Promise<Measure> {
  // The candidate logs one JSON line per decision, as in production; it goes to /dev/null here.
  const server = await startServer(servers[which], {
    cpu: SERVER_CPU,
    readyUrl: `https://127.0.0.1:${PORT}/readyz`,
  });
  try {
    const url = `https://127.0.0.1:${PORT}${path}`;
    await wrk(url, saturation, { connections, seconds: 2, cpu: LOAD_CPU }); // warm-up: JIT, TLS sessions
    const before = cpuSeconds(server.pid);
    const full = await wrk(url, saturation, { connections, seconds, cpu: LOAD_CPU });
    const cpu = cpuSeconds(server.pid) - before;
    const latency = await wrk(url, paced, { connections: 4, seconds, cpu: LOAD_CPU });
    if (full.errors + latency.errors > 0)
      throw new Error(`${which}: ${full.errors + latency.errors} failed requests`);
    return {
      rps: full.requestsPerSecond,
      cpuMicrosPerRequest: (cpu * 1e6) / full.requests,
      p50: latency.p50,
      p99: latency.p99,
    };
  } finally {
    await server.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (x: number, digits = 0) => x.toFixed(digits).padStart(8);

console.log(
  `admission benchmark: ${pairs} interleaved pairs × ${seconds}s, server on CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU}, ECDSA P-256`,
);
for (const scenario of scenarios().filter((s) => !values.only || s.name.includes(values.only))) {
  const bodyFile = join(cert.dir, `${scenario.path.slice(1)}.json`);
  await writeFile(bodyFile, scenario.body);
  const saturation = await wrkScript(cert.dir, bodyFile);
  // Fixed rate: half the baseline's saturation, measured once up front.
  const probe = await measure('baseline', scenario.path, saturation, saturation);
  const rate = probe.rps / 2;
  const paced = await wrkScript(cert.dir, bodyFile, (4 * 1000) / rate);
  const rows: { baseline: Measure; candidate: Measure }[] = [];
  for (let i = 0; i < pairs; i++) {
    const order: (keyof typeof servers)[] =
      i % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    const result = {} as { baseline: Measure; candidate: Measure };
    for (const which of order) result[which] = await measure(which, scenario.path, saturation, paced);
    rows.push(result);
  }
  console.log(`\n${scenario.name}: ${scenario.body.length} bytes, paced at ${rate.toFixed(0)} req/s`);
  console.log('               req/s   CPU µs/req   p50 µs   p99 µs');
  for (const which of ['baseline', 'candidate'] as const) {
    const m = (f: keyof Measure) => median(rows.map((r) => r[which][f]));
    console.log(
      `${which.padEnd(10)} ${fmt(m('rps'))} ${fmt(m('cpuMicrosPerRequest'), 1)}    ${fmt(m('p50'))} ${fmt(m('p99'))}`,
    );
  }
  const ratio = (f: keyof Measure) => median(rows.map((r) => r.candidate[f] / r.baseline[f]));
  console.log(
    `ratio (median of pairs): req/s ${ratio('rps').toFixed(2)}×, CPU/req ${ratio('cpuMicrosPerRequest').toFixed(2)}× (goal ≤ 1.25), ` +
      `p99 candidate ${(median(rows.map((r) => r.candidate.p99)) / 1000).toFixed(2)} ms (goal ≤ 2 ms)`,
  );
}
