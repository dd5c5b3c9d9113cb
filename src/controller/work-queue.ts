// The controller's work queue, with client-go's semantics: a key waiting is queued once however
// often it is added (dirty set); a key is reconciled by one worker at a time (processing set),
// and a key added while in flight runs once more after it finishes; failures are retried after
// the rate limiter's delay (rate-limiter.ts); at most `concurrency` reconciles run at once.
// It owns keys and timing only: what a key means, and logging, belong to the caller.
import { defaultBackoff, defaultBucket, ItemBackoff, TokenBucket } from './rate-limiter.js';
import type { BackoffOptions, BucketOptions } from './rate-limiter.js';

/** What a reconcile asks for: nothing (done), or to run again after a while. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** Time as the queue sees it; tests pass a fake one and advance it by hand. */
export interface QueueClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WorkQueueOptions {
  /** Resolves when the key is done (or with requeueAfterMs); throws to be retried with backoff. */
  reconcile(key: string): Promise<ReconcileResult | void>;
  /** Reconciles running at once, each of a different key (default 1). */
  concurrency?: number;
  backoff?: BackoffOptions;
  bucket?: BucketOptions;
  clock?: QueueClock;
  /** Uniform in [0, 1), for backoff jitter (default Math.random). */
  random?: () => number;
  /** Told of every failed reconcile, with how many times in a row this key has failed. */
  onError?(key: string, error: unknown, failures: number): void;
}

/** The real clock: timers unref()ed, so a waiting retry never keeps the process alive. */
export function systemClock(): QueueClock {
  return {
    now: () => performance.now(),
    setTimeout(callback, ms) {
      const timer = setTimeout(callback, ms);
      timer.unref();
      return timer;
    },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys waiting for addAfter, with when they become ready and their timer. */
  private readonly waiting = new Map<string, { readyAt: number; timer: unknown }>();
  private readonly clock: QueueClock;
  private readonly backoff: ItemBackoff;
  private readonly bucket: TokenBucket;
  private readonly concurrency: number;
  private started = false;
  private shuttingDown = false;
  private retryCount = 0;
  private drained?: () => void;

  constructor(private readonly options: WorkQueueOptions) {
    this.clock = options.clock ?? systemClock();
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.backoff = new ItemBackoff(options.backoff ?? defaultBackoff, options.random ?? Math.random);
    this.bucket = new TokenBucket(options.bucket ?? defaultBucket, () => this.clock.now());
  }

  /** Starts the workers; keys added before (informers syncing) wait until then. */
  start(): void {
    this.started = true;
    this.pump();
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // In flight: done() queues it again once the running reconcile finishes.
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.pump();
  }

  /** Adds the key after ms; if it is already waiting, the earlier of the two times wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const readyAt = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) this.clock.clearTimeout(pending.timer);
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, timer });
  }

  /** Retries the key after the longer of its own backoff and the global bucket's delay. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.retryCount++;
    this.addAfter(key, Math.max(this.backoff.when(key), this.bucket.reserve()));
  }

  /** Clears the key's failure count: its next failure waits baseMs again. */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** Consecutive failures of this key since it last succeeded or was forgotten. */
  numRequeues(key: string): number {
    return this.backoff.failuresOf(key);
  }

  /** Keys ready and waiting for a worker (client-go's depth; delayed keys are not counted). */
  get depth(): number {
    return this.queue.length;
  }

  /** Rate-limited retries so far (a counter, for a retries_total metric). */
  get retries(): number {
    return this.retryCount;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  /**
   * Accepts no more keys and drops delayed ones; keys already queued and in flight still run
   * (client-go's ShutDownWithDrain), and the promise resolves when the last one has finished.
   */
  shutDown(): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    if (!this.started) this.queue.length = 0;
    return new Promise((resolve) => {
      this.drained = resolve;
      this.resolveIfDrained();
    });
  }

  private pump(): void {
    while (this.started && this.processing.size < this.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.dirty.delete(key);
      this.processing.add(key);
      void this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    try {
      const result = await this.options.reconcile(key);
      this.forget(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      this.addRateLimited(key);
      this.options.onError?.(key, error, this.backoff.failuresOf(key));
    } finally {
      this.done(key);
    }
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.queue.push(key);
    this.pump();
    this.resolveIfDrained();
  }

  private resolveIfDrained(): void {
    if (this.drained && this.processing.size === 0 && this.queue.length === 0) this.drained();
  }
}
