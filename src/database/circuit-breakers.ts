// One circuit breaker per external database server (`host:port`), shared by every site on it
// (issue 11): after 5 consecutive connection errors or timeouts it opens for 30 s, during which a
// call fails at once with CircuitOpenError and makes no connection attempt; then one call is let
// through (half-open): its success closes the breaker, its failure opens it for another interval.
// Errors that are the request's fault (isConnectionError false: access denied, bad name, SQL
// errors) never count, and since the server did answer they end a run of connection failures.
//
// cockatiel keeps the state and reads the time from Date.now(), so tests move the clock with fake
// timers; this class adds the per-target map, the time of the next attempt, transition events and
// metrics.
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Counter, Gauge, type Registry } from 'prom-client';
import { isConnectionError } from './errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The state metric's values. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface BreakerTransition {
  target: string;
  from: BreakerState;
  to: BreakerState;
  /** When an opened breaker lets the next attempt through; set when `to` is open. */
  retryAt?: Date;
  /** The failure that opened it (an ExternalDatabaseError for the external provider). */
  cause?: unknown;
}

export interface BreakerStatus {
  target: string;
  state: BreakerState;
  /** While open: when the next attempt will be let through (it may be past: the next call goes). */
  retryAt?: Date;
}

/** A call refused without any attempt because the target's breaker is open (or testing). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  readonly code = 'CIRCUIT_OPEN';
  constructor(
    readonly target: string,
    readonly retryAt: Date,
  ) {
    super(`circuit breaker for ${target} is open: retrying at ${retryAt.toISOString()}`);
  }
}

export interface CircuitBreakersOptions {
  /** Consecutive failures that open a breaker (default 5). */
  threshold?: number;
  /** How long an opened breaker refuses calls (default 30 s). */
  openMs?: number;
  /**
   * While the one half-open attempt is in flight other calls are refused too; they are told to
   * come back after this long (default 5 s, the connect timeout).
   */
  probeRetryMs?: number;
  /** Which errors count as failures (default: isConnectionError). */
  isFailure?: (error: unknown) => boolean;
  /** Registers frappe_operator_circuit_breaker_state and _transitions_total on it. */
  registry?: Registry;
}

interface Entry {
  policy: CircuitBreakerPolicy;
  state: BreakerState;
  retryAt?: Date;
  lastFailure?: unknown;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

export class CircuitBreakers {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<(transition: BreakerTransition) => void>();
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #probeRetryMs: number;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #metrics?: { state: Gauge<'target'>; transitions: Counter<'target' | 'to'> };

  constructor(options: CircuitBreakersOptions = {}) {
    this.#threshold = options.threshold ?? 5;
    this.#openMs = options.openMs ?? 30_000;
    this.#probeRetryMs = options.probeRetryMs ?? 5_000;
    this.#isFailure = options.isFailure ?? isConnectionError;
    if (options.registry)
      this.#metrics = {
        state: new Gauge({
          name: 'frappe_operator_circuit_breaker_state',
          help: 'Circuit breaker of an external database server: 0 closed, 1 half-open, 2 open.',
          labelNames: ['target'] as const,
          registers: [options.registry],
        }),
        transitions: new Counter({
          name: 'frappe_operator_circuit_breaker_transitions_total',
          help: 'Circuit breaker state changes, by external database server and new state.',
          labelNames: ['target', 'to'] as const,
          registers: [options.registry],
        }),
      };
  }

  /**
   * Runs `attempt` through the target's breaker. Throws CircuitOpenError, without calling it, while
   * the breaker is open or its half-open attempt is in flight; otherwise what `attempt` throws.
   */
  async execute<T>(target: string, attempt: () => Promise<T>): Promise<T> {
    const entry = this.#entry(target);
    if (entry.policy.state === CircuitState.HalfOpen)
      throw new CircuitOpenError(target, new Date(Date.now() + this.#probeRetryMs));
    // A request's fault goes through cockatiel as a result, not an error, so it counts as a success
    // (the server answered): it resets the run of failures and closes a half-open breaker.
    let fault: { error: unknown } | undefined;
    try {
      const value = await entry.policy.execute(async () => {
        try {
          return await attempt();
        } catch (error) {
          if (this.#isFailure(error)) throw error;
          fault = { error };
          return undefined as T;
        }
      });
      if (fault) throw fault.error;
      return value;
    } catch (error) {
      if (error instanceof BrokenCircuitError)
        throw new CircuitOpenError(target, entry.retryAt ?? new Date(Date.now() + this.#openMs));
      throw error;
    }
  }

  /** The target's state; a target never called is closed. */
  status(target: string): BreakerStatus {
    const entry = this.#entries.get(target);
    if (!entry) return { target, state: 'closed' };
    return entry.state === 'open'
      ? { target, state: 'open', retryAt: entry.retryAt }
      : { target, state: entry.state };
  }

  /** Every target called so far. */
  list(): BreakerStatus[] {
    return [...this.#entries.keys()].map((target) => this.status(target));
  }

  /** Calls `listener` on every state change of any target; returns the unsubscribe function. */
  onTransition(listener: (transition: BreakerTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #entry(target: string): Entry {
    const existing = this.#entries.get(target);
    if (existing) return existing;
    const policy = circuitBreaker(handleWhen(this.#isFailure), {
      halfOpenAfter: this.#openMs,
      breaker: new ConsecutiveBreaker(this.#threshold),
    });
    const created: Entry = { policy, state: 'closed' };
    // cockatiel records the opening time with Date.now() just before it emits: the same clock.
    policy.onBreak((reason) => {
      created.retryAt = new Date(Date.now() + this.#openMs);
      created.lastFailure = 'error' in reason ? reason.error : undefined;
    });
    policy.onStateChange((state) => this.#transition(target, created, STATE_NAMES[state]));
    this.#entries.set(target, created);
    this.#metrics?.state.labels(target).set(BREAKER_STATE_VALUE.closed);
    return created;
  }

  #transition(target: string, entry: Entry, to: BreakerState): void {
    const from = entry.state;
    if (from === to) return;
    entry.state = to;
    if (to !== 'open') entry.retryAt = undefined;
    this.#metrics?.state.labels(target).set(BREAKER_STATE_VALUE[to]);
    this.#metrics?.transitions.labels(target, to).inc();
    const transition: BreakerTransition =
      to === 'open'
        ? { target, from, to, retryAt: entry.retryAt, cause: entry.lastFailure }
        : { target, from, to };
    for (const listener of this.#listeners) {
      try {
        listener(transition);
      } catch {
        // A listener's failure (an Event the API server refused) must not break the caller's call.
      }
    }
  }
}
