// The work queue's retry pacing, as client-go's default controller rate limiter: the longer of a
// per-key exponential backoff (one key failing over and over waits longer and longer) and a
// global token bucket (many keys failing at once — say the API server is down — retry at a
// bounded overall rate instead of all together). Time and randomness are injected; no timers here.

export interface BackoffOptions {
  /** First retry delay (default 5 ms, as client-go). */
  baseMs: number;
  /** Longest retry delay (default 1000 s, as client-go). */
  maxMs: number;
  /** The delay is cut by up to this fraction at random (default 0.1), so retries spread out. */
  jitter: number;
}

export interface BucketOptions {
  /** Sustained retries per second across all keys (default 10). */
  qps: number;
  /** Retries allowed at once before the rate applies (default 100). */
  burst: number;
}

export const defaultBackoff: Readonly<BackoffOptions> = Object.freeze({
  baseMs: 5,
  maxMs: 1_000_000,
  jitter: 0.1,
});
export const defaultBucket: Readonly<BucketOptions> = Object.freeze({ qps: 10, burst: 100 });

/** Per key: baseMs · 2^failures, capped at maxMs, minus jitter (so the cap is never exceeded). */
export class ItemBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number,
  ) {}

  /** The delay before this key's next retry; counts one more failure. */
  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    // 2 ** failures overflows to Infinity after ~1000 failures; min() still gives maxMs.
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** failures);
    return ceiling * (1 - this.options.jitter * this.random());
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}

/**
 * Go's rate.Limiter Reserve().Delay(): starts full; every call takes a token now or reserves a
 * future one (tokens go negative), so n calls at once are spread burst + (n - burst) / qps.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly options: BucketOptions,
    private readonly now: () => number,
  ) {
    this.tokens = options.burst;
    this.last = now();
  }

  /** Takes one token; returns how long to wait until it is ours (0 if one is available now). */
  reserve(): number {
    const now = this.now();
    const refill = (Math.max(0, now - this.last) * this.options.qps) / 1000;
    this.tokens = Math.min(this.options.burst, this.tokens + refill) - 1;
    this.last = now;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.options.qps;
  }
}
