// The work queue's properties, one test each, on a fake clock advanced by hand and reconciles
// that finish when the test says so: dedup, one reconcile per key at a time, a re-add during a
// reconcile runs once after it, exponential backoff with a cap and bounded jitter, forget, the
// global token bucket, addAfter, the concurrency bound and a draining shutdown. No sleeps.
import { describe, expect, it } from 'vitest';
import { ItemBackoff, TokenBucket } from '../../../src/controller/rate-limiter.js';
import { WorkQueue, type QueueClock, type WorkQueueOptions } from '../../../src/controller/work-queue.js';

/** Lets every settled promise chain run (setImmediate comes after all pending microtasks). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function fakeClock() {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const earliest = () => [...timers.entries()].sort(([, a], [, b]) => a.at - b.at)[0];
  const clock: QueueClock = {
    now: () => now,
    setTimeout(callback, ms) {
      timers.set(++seq, { at: now + ms, callback });
      return seq;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  return {
    clock,
    now: () => now,
    timers: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    /** Moves time forward, firing due timers in order and letting reconciles start. */
    async advance(ms: number) {
      const end = now + ms;
      for (let next = earliest(); next && next[1].at <= end; next = earliest()) {
        timers.delete(next[0]);
        now = next[1].at;
        next[1].callback();
        await flush();
      }
      now = end;
      await flush();
    },
  };
}

interface Call {
  key: string;
  at: number;
  succeed(result?: { requeueAfterMs?: number }): Promise<void>;
  fail(): Promise<void>;
}

/** A queue whose reconciles are recorded and finish only when the test resolves them. */
function setup(options: Partial<WorkQueueOptions> = {}) {
  const time = fakeClock();
  const calls: Call[] = [];
  const running = new Map<string, number>();
  let maxRunning = 0;
  let sameKeyOverlap = false;
  const queue = new WorkQueue({
    clock: time.clock,
    random: () => 0,
    ...options,
    reconcile: (key) =>
      new Promise((resolve, reject) => {
        running.set(key, (running.get(key) ?? 0) + 1);
        if ((running.get(key) ?? 0) > 1) sameKeyOverlap = true;
        maxRunning = Math.max(
          maxRunning,
          [...running.values()].reduce((a, b) => a + b, 0),
        );
        const end = () => running.set(key, (running.get(key) ?? 1) - 1);
        calls.push({
          key,
          at: time.now(),
          succeed: async (result) => (end(), resolve(result ?? {}), await flush()),
          fail: async () => (end(), reject(new Error(`${key} failed`)), await flush()),
        });
      }),
  });
  const open = () => calls.filter((c) => running.get(c.key)); // calls of keys still running
  return { time, calls, queue, open, stats: () => ({ maxRunning, sameKeyOverlap }) };
}

const last = (calls: Call[]) => calls[calls.length - 1] as Call;

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const { queue, calls } = setup();
    for (let i = 0; i < 5; i++) queue.add('a');
    queue.add('b');
    expect(queue.depth).toBe(2);
    queue.start();
    await flush();
    await last(calls).succeed();
    await last(calls).succeed();
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
    expect(queue.depth).toBe(0);
  });

  it('never reconciles one key twice at once, and a re-add during a reconcile runs once after', async () => {
    const { queue, calls, stats } = setup({ concurrency: 4 });
    queue.start();
    queue.add('a');
    await flush();
    for (let i = 0; i < 3; i++) queue.add('a');
    await flush();
    expect(calls).toHaveLength(1);
    expect(queue.depth).toBe(0); // dirty, not ready: it waits for the running one
    await last(calls).succeed();
    expect(calls).toHaveLength(2);
    await last(calls).succeed();
    expect(calls).toHaveLength(2);
    expect(stats().sameKeyOverlap).toBe(false);
  });

  it('backs a failing key off exponentially from 5 ms and caps at 1000 s', async () => {
    const { queue, calls, time } = setup();
    queue.start();
    queue.add('a');
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 22; i++) {
      await last(calls).fail();
      const [delay] = time.timers();
      delays.push(delay as number);
      await time.advance(delay as number);
      expect(calls).toHaveLength(i + 2);
    }
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(delays[17]).toBe(5 * 2 ** 17); // 655 s: still growing
    expect(delays.slice(18)).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000]);
    expect(queue.numRequeues('a')).toBe(22);
    expect(queue.retries).toBe(22);
  });

  it.each([0, 0.25, 0.5, 0.999])('cuts a delay by at most a tenth at random (random = %s)', (r) => {
    const backoff = new ItemBackoff({ baseMs: 5, maxMs: 1_000_000, jitter: 0.1 }, () => r);
    const delays = Array.from({ length: 30 }, () => backoff.when('a'));
    delays.forEach((delay, n) => {
      const ceiling = Math.min(1_000_000, 5 * 2 ** n);
      expect(delay).toBeLessThanOrEqual(ceiling);
      expect(delay).toBeGreaterThanOrEqual(ceiling * 0.9);
      expect(delay).toBeCloseTo(ceiling * (1 - 0.1 * r), 6);
    });
  });

  it('forgets failures on success and on forget()', async () => {
    const { queue, calls, time } = setup({ concurrency: 2 });
    queue.start();
    const failThrice = async (key: string) => {
      for (const expected of [5, 10, 20]) {
        await calls.findLast((c) => c.key === key)?.fail();
        expect(time.timers()).toEqual([expected]);
        await time.advance(expected);
      }
    };
    queue.add('a');
    await flush();
    await failThrice('a');
    await last(calls).succeed(); // success forgets
    expect(queue.numRequeues('a')).toBe(0);
    queue.add('b');
    await flush();
    await failThrice('b');
    expect(queue.numRequeues('b')).toBe(3);
    queue.forget('b');
    expect(queue.numRequeues('b')).toBe(0);
    await last(calls).fail();
    expect(time.timers()).toEqual([5]);
  });

  it('bounds retries across keys to the token bucket: burst 100, then 10 per second', async () => {
    const { queue, calls, time } = setup({ concurrency: 1000 });
    queue.start();
    for (let i = 0; i < 150; i++) queue.addRateLimited(`k${i}`);
    const delays = time.timers();
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true); // per-key backoff wins
    expect(delays.slice(100, 103)).toEqual([100, 200, 300]); // the bucket wins
    expect(delays[149]).toBe(5000);
    for (let t = 0; t <= 5000; t += 250) {
      await time.advance(t - time.now());
      expect(calls.length).toBeLessThanOrEqual(100 + Math.floor(t / 100));
    }
    expect(calls).toHaveLength(150);
  });

  it('adds a key after a delay, keeping the earlier of two delays', async () => {
    const { queue, calls, time } = setup();
    queue.start();
    queue.addAfter('a', 1000);
    await time.advance(999);
    expect(calls).toHaveLength(0);
    await time.advance(1);
    expect(calls).toHaveLength(1);
    queue.addAfter('b', 1000);
    queue.addAfter('b', 100);
    queue.addAfter('b', 500);
    expect(time.timers()).toEqual([100]);
    await last(calls).succeed({ requeueAfterMs: 300 }); // a asks to run again in 300 ms
    await time.advance(100);
    expect(last(calls).key).toBe('b');
    await last(calls).succeed();
    await time.advance(200);
    expect(calls.map((c) => [c.key, c.at])).toEqual([
      ['a', 1000],
      ['b', 1100],
      ['a', 1300],
    ]);
  });

  it('runs at most `concurrency` reconciles at once', async () => {
    const { queue, calls, open, stats } = setup({ concurrency: 3 });
    for (let i = 0; i < 10; i++) queue.add(`k${i}`);
    queue.start();
    await flush();
    expect(calls).toHaveLength(3);
    while (open().length > 0) {
      expect(open().length).toBeLessThanOrEqual(3);
      await (open()[0] as Call).succeed();
    }
    expect(calls).toHaveLength(10);
    expect(stats().maxRunning).toBe(3);
  });

  it('shuts down: takes no more keys, drops delayed ones, finishes queued and running ones', async () => {
    const { queue, calls, time } = setup({ concurrency: 1 });
    queue.start();
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 10);
    await flush();
    let drained = false;
    const done = queue.shutDown().then(() => (drained = true));
    queue.add('d');
    expect(time.timers()).toEqual([]);
    await last(calls).fail(); // a: not retried after shutdown
    expect(drained).toBe(false);
    expect(last(calls).key).toBe('b');
    await last(calls).succeed();
    await done;
    await time.advance(10_000);
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
    expect(queue.inFlight).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('refills at qps up to burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ qps: 10, burst: 2 }, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 100]);
    now = 10_000; // long idle: refills to burst, not beyond
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 100]);
  });
});
