// Starting a server process for a benchmark and reading its CPU time and peak memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';
import { underMemoryLimit } from '../../harness/memory-limit.js';
import { builtCli } from '../../harness/paths.js';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** The command line of `frappe-admission serve --offline` on 127.0.0.1 with the given certificate. */
export function offlineServeCommand(
  port: number,
  cert: { cert: string; key: string },
  ...extra: string[]
): string[] {
  return serveCommand(port, cert, '--offline', ...extra);
}

/** `frappe-admission serve` on 127.0.0.1 (informers on, unless extra says --offline). */
export function serveCommand(
  port: number,
  cert: { cert: string; key: string },
  ...extra: string[]
): string[] {
  return [
    process.execPath,
    builtCli(),
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--tls-cert-file',
    cert.cert,
    '--tls-private-key-file',
    cert.key,
    ...extra,
  ];
}

/** The command line of the benchmarks' baseline: a bare fastify HTTPS server (benchmarks/admission). */
export function baselineServerCommand(port: number, cert: { cert: string; key: string }): string[] {
  const script = fileURLToPath(new URL('../admission/baseline-server.js', import.meta.url));
  return [process.execPath, script, cert.cert, cert.key, String(port)];
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** SIGKILL. */
  stop(): Promise<void>;
  /** SIGINT, then waits for the exit (a profiler or valgrind writes its output on the way out). */
  interrupt(): Promise<number | null>;
}

/** Where a benchmark's process runs: pinned with taskset to `cpu`, and in a memory cgroup, as in a pod. */
export interface Confinement {
  cpu?: number;
  /** A memory cgroup of this many bytes (harness/memory-limit.ts); the name is the cgroup's. */
  memoryLimit?: { bytes: number; name: string };
}

/**
 * `command` wrapped to run confined, and the release of its cgroup (call it once the process has
 * exited). Throws when the memory limit cannot be had: a figure measured without it would mislead.
 */
export function confinedCommand(
  command: string[],
  { cpu, memoryLimit }: Confinement,
): { argv: [string, ...string[]]; release: () => void } {
  const limited = memoryLimit ? underMemoryLimit(command, memoryLimit.bytes, memoryLimit.name) : undefined;
  if (limited?.unlimited) throw new Error(`cannot run under a memory limit: ${limited.unlimited}`);
  const limitedCommand = limited?.command ?? command;
  const argv = cpu === undefined ? limitedCommand : ['taskset', '-c', String(cpu), ...limitedCommand];
  return { argv: argv as [string, ...string[]], release: limited?.release ?? (() => undefined) };
}

/** Starts `command`, confined as `options` say, and waits until `readyUrl` answers 200. */
export async function startServer(
  command: string[],
  options: Confinement & {
    readyUrl: string;
    env?: NodeJS.ProcessEnv;
    readyTimeoutMs?: number;
  },
): Promise<ServerProcess> {
  const { argv, release } = confinedCommand(command, options);
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: options.env ?? process.env,
  });
  child.once('exit', release);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    if (await answers(options.readyUrl)) {
      return {
        child,
        pid: child.pid as number,
        stop: () =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
        interrupt: () =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(child.exitCode);
            child.once('exit', (code) => resolve(code));
            child.kill('SIGINT');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready at ${options.readyUrl}: ${stderr}`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** utime + stime of a process in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Peak resident set size (VmHWM) in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Current resident set size (VmRSS) in MiB. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}
