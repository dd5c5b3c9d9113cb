// Fuzzer (issue 4): sends random and malformed admission requests to a running webhook server
// and checks every answer: a valid AdmissionReview echoing the uid, or a clean 4xx with a JSON
// error. A review whose verdict is an internal error (`response.status.code` 5xx, sent with HTTP
// 200 as the API server expects) is a failure, not an answer: an engine that throws on every
// request would otherwise pass. Prints how many were sent, how many answers were valid, the
// server's peak RSS, and any crash (the server process exiting). `npm test` runs a smaller run.
//
//   npm run build && node dist/benchmarks/fuzz/run.js [--count 100000] [--seed 1] [--concurrency 16]
import { Agent } from 'node:https';
import { parseArgs } from 'node:util';
import { freePort } from '../../harness/control-plane.js';
import { selfSignedCert } from '../lib/certs.js';
import { post } from '../lib/post.js';
import { offlineServeCommand, peakRssMiB, startServer } from '../lib/process.js';
import { fuzzRequest, seededRandom, type FuzzRequest } from './reviews.js';

export interface FuzzCounts {
  sent: number;
  validReviews: number;
  clean4xx: number;
  /** Reviews answering with an internal error (`response.status.code` ≥ 500); also in `invalid`. */
  internalErrors: number;
  invalid: { request: FuzzRequest; status: number; body: string }[];
}

export interface FuzzReport extends FuzzCounts {
  peakRssMiB: number;
  crashed: boolean;
}

type Verdict = 'review' | '4xx' | 'internal error' | false;

export function judgeAnswer(fuzz: FuzzRequest, status: number, body: string): Verdict {
  let parsed: {
    apiVersion?: string;
    kind?: string;
    response?: { uid?: string; allowed?: boolean; status?: { code?: unknown } };
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
    const review =
      parsed.apiVersion === 'admission.k8s.io/v1' &&
      parsed.kind === 'AdmissionReview' &&
      typeof r?.allowed === 'boolean' &&
      r.uid === fuzz.uid;
    if (!review) return false;
    const code = r.status?.code;
    return typeof code === 'number' && code >= 500 ? 'internal error' : 'review';
  }
  return status >= 400 &&
    status < 500 &&
    (typeof parsed.message === 'string' || typeof parsed.error === 'string')
    ? '4xx'
    : false;
}

/** Sends `count` generated requests to a webhook server on 127.0.0.1 and judges every answer. */
export async function sendFuzz(options: {
  port: number;
  count: number;
  seed: number;
  concurrency: number;
  /** False once the server is gone: stop sending. */
  alive?: () => boolean;
}): Promise<FuzzCounts> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, rejectUnauthorized: false });
  const random = seededRandom(options.seed);
  const alive = options.alive ?? (() => true);
  const counts: FuzzCounts = { sent: 0, validReviews: 0, clean4xx: 0, internalErrors: 0, invalid: [] };
  const worker = async () => {
    while (counts.sent < options.count && alive()) {
      const next = fuzzRequest(random);
      counts.sent++;
      const { status, body } = await post(agent, options.port, next);
      const verdict = judgeAnswer(next, status, body);
      if (verdict === 'review') counts.validReviews++;
      else if (verdict === '4xx') counts.clean4xx++;
      else {
        if (verdict === 'internal error') counts.internalErrors++;
        if (counts.invalid.length < 20)
          counts.invalid.push({ request: next, status, body: body.slice(0, 300) });
        else counts.invalid.length++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return counts;
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
  try {
    const counts = await sendFuzz({ ...options, alive: () => server.child.exitCode === null });
    const crashed = server.child.exitCode !== null;
    return { ...counts, crashed, peakRssMiB: crashed ? Number.NaN : peakRssMiB(server.pid) };
  } finally {
    await server.stop();
  }
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
    `invalid answers: ${report.sent - answered} (internal errors: ${report.internalErrors}); server crashed: ${report.crashed ? 'YES' : 'no'}; peak RSS ${report.peakRssMiB.toFixed(1)} MiB`,
  );
  for (const bad of report.invalid.slice(0, 5))
    console.log(`  ${bad.status} ${bad.request.path}: ${bad.body}`);
  process.exitCode = answered === report.sent && !report.crashed ? 0 : 1;
}
