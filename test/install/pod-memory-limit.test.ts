// The benchmarks and the controller tests run `serve` under the chart's memory limit, as its pod
// runs (harness/memory-limit.ts): the limit must be the rendered Deployment's, and a process
// started that way must see it, so that V8 sizes its heap from it as it does in the pod.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { chartMemoryLimitBytes, underMemoryLimit } from '../../harness/memory-limit.js';
import { parseQuantity } from '../../src/api/quantity.js';
import { one, render } from './render.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** What a Node process started with `command` reports of its memory limit and heap limit. */
async function memoryOf(command: string[]): Promise<{ constrained: number; heapLimit: number }> {
  const script =
    "const v8 = require('node:v8');" +
    'console.log(JSON.stringify({ constrained: process.constrainedMemory(), heapLimit: v8.getHeapStatistics().heap_size_limit }))';
  const [file, ...args] = command;
  const { stdout } = await run(file as string, [...args, '-e', script]);
  return JSON.parse(stdout) as { constrained: number; heapLimit: number };
}

describe('the pod memory limit outside a pod', () => {
  it("is the rendered Deployment's container limit", async () => {
    const deployment = one(await render(), 'Deployment') as {
      spec?: { template?: { spec?: { containers?: { resources?: { limits?: { memory?: string } } }[] } } };
    };
    const limit = deployment.spec?.template?.spec?.containers?.[0]?.resources?.limits?.memory;
    expect(parseQuantity(limit)).toBe(chartMemoryLimitBytes());
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
