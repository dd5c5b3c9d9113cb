// Driving wrk (Debian package `wrk`): saturation runs and paced runs for latency percentiles.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  errors: number;
  /** Latency percentiles in microseconds. */
  p50: number;
  p99: number;
}

const UNITS: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000 };

function micros(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '');
  return match ? Number(match[1]) * (UNITS[match[2] as string] ?? Number.NaN) : Number.NaN;
}

/** Writes the Lua script that POSTs `bodyFile` and, with a rate, paces each connection. */
export async function wrkScript(
  dir: string,
  bodyFile: string,
  perConnectionDelayMs?: number,
): Promise<string> {
  const script = join(dir, `post-${perConnectionDelayMs ?? 'max'}.lua`);
  const lines = [
    'wrk.method = "POST"',
    `local f = io.open("${bodyFile}", "rb"); wrk.body = f:read("*a"); f:close()`,
    'wrk.headers["Content-Type"] = "application/json"',
    // wrk counts any non-2xx as an error; an AdmissionReview answer is always 200.
  ];
  if (perConnectionDelayMs !== undefined) lines.push(`function delay() return ${perConnectionDelayMs} end`);
  await writeFile(script, lines.join('\n') + '\n');
  return script;
}

/** Runs wrk pinned to `cpu` and parses requests, errors and latency percentiles. */
export async function wrk(
  url: string,
  script: string,
  options: { connections: number; seconds: number; cpu: number },
): Promise<WrkResult> {
  const { stdout } = await run('taskset', [
    '-c',
    String(options.cpu),
    'wrk',
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--latency',
    '-s',
    script,
    url,
  ]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  const errors =
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) +
    [...stdout.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  return {
    requests,
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
    errors,
    p50: micros(/\s50%\s+(\S+)/.exec(stdout)?.[1]),
    p99: micros(/\s99%\s+(\S+)/.exec(stdout)?.[1]),
  };
}
