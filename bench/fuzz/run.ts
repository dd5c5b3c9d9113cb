// Fuzzer (issue 4): sends random and malformed admission requests to a running webhook server
// and checks every answer: a valid AdmissionReview echoing the uid, or a clean 4xx with a JSON
// error. Prints how many were sent, how many answers were valid, the server's peak RSS, and any
// crash (the server process exiting). `npm test` runs a smaller run of the same generator.
//
//   npm run build && node dist/bench/fuzz/run.js [--count 100000] [--seed 1] [--concurrency 16]
import { Agent } from 'node:https';
import { parseArgs } from 'node:util';
import { freePort } from '../../src/dev/control-plane.js';
import { selfSignedCert } from '../lib/certs.js';
import { post } from '../lib/post.js';
import { offlineServeCommand, peakRssMiB, startServer } from '../lib/process.js';
import { fuzzRequest, seededRandom, type FuzzRequest } from './reviews.js';

export interface FuzzReport {
  sent: number;
  validReviews: number;
  clean4xx: number;
  invalid: { request: FuzzRequest; status: number; body: string }[];
  peakRssMiB: number;
  crashed: boolean;
}

function isValidAnswer(fuzz: FuzzRequest, status: number, body: string): 'review' | '4xx' | false {
  let parsed: {
    apiVersion?: string;
    kind?: string;
    response?: { uid?: string; allowed?: boolean };
    error?: unknown;
    message?: unknown;
  };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return false;
  }
  if (status === 200) {
    const r = parsed.response;
    return parsed.apiVersion === 'admission.k8s.io/v1' &&
      parsed.kind === 'AdmissionReview' &&
      typeof r?.allowed === 'boolean' &&
      r.uid === fuzz.uid
      ? 'review'
      : false;
  }
  return status >= 400 &&
    status < 500 &&
    (typeof parsed.message === 'string' || typeof parsed.error === 'string')
    ? '4xx'
    : false;
}

export async function fuzz(options: {
  count: number;
  seed: number;
  concurrency: number;
  port: number;
}): Promise<FuzzReport> {
  const cert = await selfSignedCert('ec');
  const server = await startServer(offlineServeCommand(options.port, cert), {
    readyUrl: `https://127.0.0.1:${options.port}/readyz`,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, rejectUnauthorized: false });
  const random = seededRandom(options.seed);
  const report: FuzzReport = {
    sent: 0,
    validReviews: 0,
    clean4xx: 0,
    invalid: [],
    peakRssMiB: 0,
    crashed: false,
  };
  const worker = async () => {
    while (report.sent < options.count && server.child.exitCode === null) {
      const next = fuzzRequest(random);
      report.sent++;
      const { status, body } = await post(agent, options.port, next);
      const verdict = isValidAnswer(next, status, body);
      if (verdict === 'review') report.validReviews++;
      else if (verdict === '4xx') report.clean4xx++;
      else if (report.invalid.length < 20)
        report.invalid.push({ request: next, status, body: body.slice(0, 300) });
      else report.invalid.length++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  report.crashed = server.child.exitCode !== null;
  report.peakRssMiB = report.crashed ? Number.NaN : peakRssMiB(server.pid);
  agent.destroy();
  await server.stop();
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
      port: { type: 'string' },
    },
  });
  const started = Date.now();
  const report = await fuzz({
    count: Number(values.count),
    seed: Number(values.seed),
    concurrency: Number(values.concurrency),
    port: values.port ? Number(values.port) : await freePort(),
  });
  const answered = report.validReviews + report.clean4xx;
  console.log(
    `sent ${report.sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${values.seed})`,
  );
  console.log(
    `valid AdmissionReview answers: ${report.validReviews}; clean 4xx: ${report.clean4xx}; valid in all: ${answered}/${report.sent}`,
  );
  console.log(
    `invalid answers: ${report.sent - answered}; server crashed: ${report.crashed ? 'YES' : 'no'}; peak RSS ${report.peakRssMiB.toFixed(1)} MiB`,
  );
  for (const bad of report.invalid.slice(0, 5))
    console.log(`  ${bad.status} ${bad.request.path}: ${bad.body}`);
  process.exitCode = answered === report.sent && !report.crashed ? 0 : 1;
}
