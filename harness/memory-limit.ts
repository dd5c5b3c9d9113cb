// Running a process as the operator's pod runs: under the container's memory limit
// (`resources.limits.memory`), in a memory cgroup of its own, with the chart's runtimeEnv and runtimeFlags.
// Node reads the limit at start (libuv's uv_get_constrained_memory) and sizes V8's heap from it, so
// a process run this way keeps the heap it keeps in its pod; without it, V8 sizes the heap from the
// machine's whole memory (24 GiB here: a 4 GiB old-generation limit, which it grows into lazily) and
// RSS says little about the pod. Needs root and a cgroup filesystem with the memory controller (v2,
// or v1 as here).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseQuantity } from '../src/api/quantity.js';
import { projectRoot } from './paths.js';
import { startProcess, type ManagedProcess } from './processes.js';

export interface LimitedCommand {
  /** The command, wrapped so that it joins its cgroup before it execs. */
  command: string[];
  /** Why the command runs without a limit (no root, no memory cgroup); undefined when it has one. */
  unlimited?: string;
  /** Removes the cgroup once the process has exited (an empty cgroup is all that is left). */
  release(): void;
}

interface ChartValues {
  resources?: { limits?: { memory?: unknown } };
  runtimeEnv?: unknown;
  runtimeFlags?: unknown;
}

function chartValues(): ChartValues {
  return parse(
    readFileSync(join(projectRoot(), 'charts', 'frappe-admission', 'values.yaml'), 'utf8'),
  ) as ChartValues;
}

/** The operator container's memory limit in the chart's values, in bytes. */
export function chartMemoryLimitBytes(): number {
  const bytes = parseQuantity(chartValues().resources?.limits?.memory);
  if (bytes === undefined)
    throw new Error('charts/frappe-admission/values.yaml has no resources.limits.memory');
  return bytes;
}

/**
 * The operator container's environment beside its memory limit in the chart's values
 * (`runtimeEnv`: V8's young generation in NODE_OPTIONS, glibc's MALLOC_ARENA_MAX).
 */
export function chartRuntimeEnv(): Record<string, string> {
  const env = chartValues().runtimeEnv ?? {};
  const entries = typeof env === 'object' && !Array.isArray(env) ? Object.entries(env) : undefined;
  if (!entries || entries.some(([, value]) => typeof value !== 'string'))
    throw new Error('charts/frappe-admission/values.yaml: runtimeEnv must map names to strings');
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The environment of a process started as the operator's pod starts it: `env` and the chart's runtimeEnv. */
export function podEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, ...chartRuntimeEnv() };
}

/** The V8 flags the chart puts on node's command line before the operator's script (`runtimeFlags`). */
export function chartRuntimeFlags(): string[] {
  const flags = chartValues().runtimeFlags ?? [];
  if (!Array.isArray(flags) || flags.some((flag) => typeof flag !== 'string'))
    throw new Error('charts/frappe-admission/values.yaml: runtimeFlags must be a list of strings');
  return flags as string[];
}

/** `node script ...args` as the operator's pod runs it: with the chart's runtimeFlags after `node`. */
export function podCommand([node, ...rest]: readonly string[]): string[] {
  if (node === undefined) throw new Error('podCommand: an empty command');
  return [node, ...chartRuntimeFlags(), ...rest];
}

/** The cgroup directory and the files to write the limit and the process into, v2 first. */
function cgroupFiles(name: string): { dir: string; limitFile: string; procsFile: string } | undefined {
  const unified = '/sys/fs/cgroup';
  const v2 = existsSync(join(unified, 'cgroup.controllers'))
    ? readFileSync(join(unified, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')
    : false;
  if (v2) {
    const dir = join(unified, 'frappe-admission', name);
    return { dir, limitFile: join(dir, 'memory.max'), procsFile: join(dir, 'cgroup.procs') };
  }
  if (existsSync(join(unified, 'memory', 'memory.limit_in_bytes'))) {
    const dir = join(unified, 'memory', 'frappe-admission', name);
    return { dir, limitFile: join(dir, 'memory.limit_in_bytes'), procsFile: join(dir, 'cgroup.procs') };
  }
  return undefined;
}

/**
 * `command` in a memory cgroup named `name` (one per process: processes that share a name share
 * the limit) limited to `bytes`. When no cgroup can be made, the command as it is, and why.
 */
export function underMemoryLimit(command: string[], bytes: number, name: string): LimitedCommand {
  const release = () => undefined;
  const files = cgroupFiles(name);
  if (!files) return { command, unlimited: 'no memory cgroup controller on this machine', release };
  try {
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.limitFile, String(bytes));
  } catch (error) {
    return { command, unlimited: `cannot make a memory cgroup: ${(error as Error).message}`, release };
  }
  return {
    // The shell puts itself into the cgroup, then becomes the command (same pid, limit inherited).
    command: ['sh', '-c', 'echo $$ > "$0" && exec "$@"', files.procsFile, ...command],
    release: () => {
      try {
        rmdirSync(files.dir);
      } catch {
        // still in use or already gone
      }
    },
  };
}

/** A process started by startAsInPod, and the memory limit it runs under. */
export interface PodProcess {
  process: ManagedProcess;
  memoryLimit: { bytes: number; unlimited?: string };
}

/**
 * Starts `argv` (node, script, args) as the operator's pod runs it: under the chart's memory limit, with
 * its runtimeFlags after `node` and its runtimeEnv beside `env`. The cgroup is removed when the process exits.
 */
export function startAsInPod(
  name: string,
  argv: readonly string[],
  logDir: string,
  env: NodeJS.ProcessEnv = {},
): PodProcess {
  const bytes = chartMemoryLimitBytes();
  // A cgroup of its own: processes that shared one would share the limit.
  const cgroup = `${name}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const limited = underMemoryLimit(podCommand(argv), bytes, cgroup);
  const [command, ...args] = limited.command as [string, ...string[]];
  const started = startProcess(name, command, args, logDir, { ...podEnvironment(), ...env });
  started.child.once('exit', limited.release);
  return {
    process: started,
    memoryLimit: { bytes, ...(limited.unlimited ? { unlimited: limited.unlimited } : {}) },
  };
}
