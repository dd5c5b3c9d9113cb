// The benchmarks and the controller tests run `serve` under the chart's memory limit and with its
// runtimeEnv and runtimeFlags, as its pod runs (harness/memory-limit.ts): all must be the rendered
// Deployment's, and a process started that way must see them, so that V8 sizes its heap and
// glibc its arenas as they do in the pod.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../benchmarks/admission/reviews.js';
import { selfSignedCert } from '../../benchmarks/lib/certs.js';
import { postMany } from '../../benchmarks/lib/post.js';
import { offlineServeCommand, peakRssMiB, startServer } from '../../benchmarks/lib/process.js';
import { freePort } from '../../harness/control-plane.js';
import {
  chartMemoryLimitBytes,
  chartRuntimeEnv,
  chartRuntimeFlags,
  podCommand,
  podEnvironment,
  underMemoryLimit,
} from '../../harness/memory-limit.js';
import { parseQuantity } from '../../src/api/quantity.js';
import { one, render } from './render.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

interface Memory {
  constrained: number;
  heapLimit: number;
  /** The young generation's size after a burst of short-lived garbage has grown it to its maximum. */
  newSpace: number;
}

/**
 * glibc's thread arenas in a Node process whose libuv threads all compress at once: each arena is a
 * 64 MiB-aligned reservation of exactly 64 MiB, read and writable up to what it has used.
 */
async function threadArenas(env: NodeJS.ProcessEnv): Promise<number> {
  const script =
    "const zlib = require('node:zlib'); const { readFileSync } = require('node:fs');" +
    'const data = Buffer.alloc(8 << 20, 7);' +
    'Promise.all(Array.from({ length: 16 }, () => new Promise((ok) => zlib.gzip(data, ok)))).then(() => {' +
    "  const maps = readFileSync('/proc/self/maps', 'utf8').trim().split('\\n').map((line) => {" +
    "    const [range, perms] = line.split(' '); const [start, end] = range.split('-').map((x) => BigInt('0x' + x));" +
    '    return { start, end, perms }; });' +
    'const SIZE = 64n << 20n; let arenas = 0;' +
    'for (let i = 0; i + 1 < maps.length; i++) {' +
    '  const [used, rest] = [maps[i], maps[i + 1]];' +
    "  if (used.start % SIZE === 0n && used.perms === 'rw-p' && rest.perms === '---p' && rest.start === used.end && rest.end - used.start === SIZE) arenas++;" +
    '} console.log(arenas); });';
  const { stdout } = await run(process.execPath, ['-e', script], { env });
  return Number(stdout.trim());
}

/** What a Node process started with `command` reports of its memory limit and heap sizes. */
async function memoryOf(command: string[], env: NodeJS.ProcessEnv = process.env): Promise<Memory> {
  const script =
    "const v8 = require('node:v8'); let kept = [];" +
    'for (let i = 0; i < 4e6; i++) { kept.push({ i }); if (kept.length > 1000) kept = []; }' +
    "const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;" +
    'console.log(JSON.stringify({ constrained: process.constrainedMemory(), heapLimit: v8.getHeapStatistics().heap_size_limit, newSpace }))';
  const [file, ...args] = command;
  const { stdout } = await run(file as string, [...args, '-e', script], { env });
  return JSON.parse(stdout) as Memory;
}

/**
 * Peak RSS (MiB) of `serve --offline` started with `command` (made from the plain command line) and the pod's
 * environment, under the pod's limit, after `requests` bench-update reviews, eight at a time.
 */
async function peakServingBenchUpdates(
  command: (plain: string[]) => string[],
  requests: number,
): Promise<{ peakMiB: number; statuses: Set<number> }> {
  const port = await freePort();
  const server = await startServer(command(offlineServeCommand(port, await selfSignedCert('ec'))), {
    readyUrl: `https://127.0.0.1:${port}/readyz`,
    env: podEnvironment(),
    memoryLimit: { bytes: chartMemoryLimitBytes(), name: `test-flags-${process.pid}-${port}` },
  });
  const review = scenarios().find((s) => s.name.startsWith('bench update'));
  if (!review) throw new Error('no bench update scenario');
  const statuses = new Set<number>();
  try {
    await postMany(port, { ...review, contentType: 'application/json' }, requests, 8, ({ status }) =>
      statuses.add(status),
    );
    return { peakMiB: peakRssMiB(server.pid), statuses };
  } finally {
    await server.stop();
  }
}

describe('the pod memory limit outside a pod', () => {
  it("is the rendered Deployment's container limit", async () => {
    const deployment = one(await render(), 'Deployment') as {
      spec?: { template?: { spec?: { containers?: { resources?: { limits?: { memory?: string } } }[] } } };
    };
    const limit = deployment.spec?.template?.spec?.containers?.[0]?.resources?.limits?.memory;
    expect(parseQuantity(limit)).toBe(chartMemoryLimitBytes());
  });

  it("runs with the rendered Deployment's runtimeEnv", async () => {
    const deployment = one(await render(), 'Deployment') as {
      spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } };
    };
    const env = deployment.spec?.template?.spec?.containers?.[0]?.env ?? [];
    const runtimeEnv = chartRuntimeEnv();
    expect(Object.keys(runtimeEnv).sort()).toEqual(['MALLOC_ARENA_MAX', 'NODE_OPTIONS']);
    for (const [name, value] of Object.entries(runtimeEnv)) {
      expect(env.find((e) => e.name === name)?.value).toBe(value);
      expect(podEnvironment({})[name]).toBe(value);
    }
  });

  it("runs node with the rendered Deployment's runtimeFlags before the script", async () => {
    const deployment = one(await render(), 'Deployment') as {
      spec?: { template?: { spec?: { containers?: { command?: string[] }[] } } };
    };
    const command = deployment.spec?.template?.spec?.containers?.[0]?.command ?? [];
    const flags = chartRuntimeFlags();
    expect(flags).toEqual(['--no-maglev']);
    expect(command).toEqual(['node', ...flags, '/app/dist/src/cli.js', 'serve']);
    expect(podCommand(['node', 'cli.js', 'serve'])).toEqual(['node', ...flags, 'cli.js', 'serve']);
  });

  it('peaks lower serving bench updates with the runtimeFlags than without them (Maglev off)', async () => {
    const requests = 4000;
    const withFlags = await peakServingBenchUpdates(podCommand, requests);
    const withoutFlags = await peakServingBenchUpdates((plain) => plain, requests);
    // Every review answered (200): the servers decided, not failed.
    expect([...withFlags.statuses, ...withoutFlags.statuses]).toEqual([200, 200]);
    // Here: 96-100 MiB against 113-117 (Maglev's compile jobs' memory, which glibc kept).
    expect(withFlags.peakMiB).toBeLessThan(withoutFlags.peakMiB - 8);
  });

  it('gives V8 the young generation its NODE_OPTIONS ask for, under the limit', async () => {
    const semiSpaceMiB = Number(
      /--max-semi-space-size=(\d+)/.exec(chartRuntimeEnv().NODE_OPTIONS ?? '')?.[1],
    );
    expect(semiSpaceMiB).toBeGreaterThan(1);
    const limited = underMemoryLimit(
      [process.execPath],
      chartMemoryLimitBytes(),
      `test-young-${process.pid}`,
    );
    try {
      const asInPod = await memoryOf(limited.command, podEnvironment());
      const withoutOptions = await memoryOf(limited.command, { ...process.env, NODE_OPTIONS: '' });
      // Two semi-spaces; V8's own sizing under 512Mi is 1 MiB each.
      expect(asInPod.newSpace).toBe(2 * semiSpaceMiB * MiB);
      expect(withoutOptions.newSpace).toBeLessThan(asInPod.newSpace);
    } finally {
      limited.release();
    }
  });

  it('keeps glibc to MALLOC_ARENA_MAX arenas while threads allocate at once', async () => {
    const arenaMax = Number(chartRuntimeEnv().MALLOC_ARENA_MAX);
    expect(arenaMax).toBeGreaterThanOrEqual(1);
    const asInPod = await threadArenas(podEnvironment());
    const glibcDefault = await threadArenas({ ...process.env, MALLOC_ARENA_MAX: '' });
    // Arenas besides the main one (which lives in the brk heap).
    expect(asInPod).toBeLessThanOrEqual(arenaMax - 1);
    expect(glibcDefault).toBeGreaterThan(arenaMax - 1);
  });

  it('is what a process started under it sees, and V8 sizes its heap from it', async () => {
    const bytes = chartMemoryLimitBytes();
    const limited = underMemoryLimit([process.execPath], bytes, `test-${process.pid}`);
    // No silent fallback: the benchmarks' RSS figures depend on it (root and a memory cgroup).
    expect(limited.unlimited).toBeUndefined();
    try {
      const inside = await memoryOf(limited.command);
      const outside = await memoryOf([process.execPath]);
      expect(inside.constrained).toBe(bytes);
      expect(inside.heapLimit).toBeLessThan(bytes);
      expect(outside.heapLimit).toBeGreaterThan(inside.heapLimit + 512 * MiB);
    } finally {
      limited.release();
    }
  });
});
