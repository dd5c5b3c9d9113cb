// The benchmarks and the controller tests run `serve` under the chart's memory limit and with its
// NODE_OPTIONS, as its pod runs (harness/memory-limit.ts): both must be the rendered Deployment's,
// and a process started that way must see them, so that V8 sizes its heap as it does in the pod.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  chartMemoryLimitBytes,
  chartNodeOptions,
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

describe('the pod memory limit outside a pod', () => {
  it("is the rendered Deployment's container limit", async () => {
    const deployment = one(await render(), 'Deployment') as {
      spec?: { template?: { spec?: { containers?: { resources?: { limits?: { memory?: string } } }[] } } };
    };
    const limit = deployment.spec?.template?.spec?.containers?.[0]?.resources?.limits?.memory;
    expect(parseQuantity(limit)).toBe(chartMemoryLimitBytes());
  });

  it("runs with the rendered Deployment's NODE_OPTIONS", async () => {
    const deployment = one(await render(), 'Deployment') as {
      spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } };
    };
    const env = deployment.spec?.template?.spec?.containers?.[0]?.env ?? [];
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(chartNodeOptions());
    expect(podEnvironment({}).NODE_OPTIONS).toBe(chartNodeOptions());
  });

  it('gives V8 the young generation its NODE_OPTIONS ask for, under the limit', async () => {
    const semiSpaceMiB = Number(/--max-semi-space-size=(\d+)/.exec(chartNodeOptions())?.[1]);
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
