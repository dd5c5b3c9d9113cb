// Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection: every
// retry period each candidate reads the Lease and takes it if it is free, expired or already
// ours, writing with the resourceVersion it read (a 409 means another candidate won); the leader
// renews every retry period and stops leading at once when it has not renewed for the renew
// deadline (its caller then exits). A graceful stop releases the Lease so a standby takes over
// within a retry period. It owns the Lease only: what leading means belongs to the callbacks.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { KubeApiError, type KubeHttp } from '../kube/kube-http.js';
import { microTime } from '../kube/micro-time.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  http: KubeHttp;
  namespace: string;
  /** The Lease's name, e.g. frappe-operator. */
  name: string;
  /** Unique per process: see leaderIdentity(). */
  identity: string;
  /** How long a lease not renewed stays another's (default 15 s; whole seconds on the Lease). */
  leaseDurationMs?: number;
  /** The leader stops leading when it has not renewed for this long (default 10 s). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2 s; acquiring adds up to 20 % jitter). */
  retryPeriodMs?: number;
  onStartedLeading(): void;
  /** Called once after onStartedLeading: the lease was lost or stop() was called. */
  onStoppedLeading(): void;
  logger?: Logger;
}

/** The pod's name (POD_NAME from the downward API, else the hostname) and a random suffix. */
export function leaderIdentity(podName = process.env.POD_NAME ?? hostname()): string {
  return `${podName}_${randomBytes(4).toString('hex')}`;
}

export class LeaderElector {
  private leading = false;
  private readonly controller = new AbortController();
  private running?: Promise<void>;
  /**
   * The lease spec last seen and when, on our monotonic clock. As client-go, expiry is judged
   * from when we saw the spec stop changing, not by the holder's renewTime against our wall
   * clock: a standby whose clock runs ahead would otherwise take a live lease.
   */
  private observed?: { spec: string; holder: string; at: number };
  private readonly path: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    const { namespace, name } = options;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases/${encodeURIComponent(name)}`;
    this.leaseDurationMs = Math.ceil((options.leaseDurationMs ?? 15_000) / 1000) * 1000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    // A leader must give up before its lease can be taken, and retry before it must give up.
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs * 1.2))
      throw new Error('leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod');
  }

  start(): void {
    this.running ??= this.run();
  }

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Stops trying; if leading, releases the Lease (unless release: false) and stops leading.
   * Bounded: the loop's attempts and the release each wait at most the renew deadline, so an
   * API server that never answers cannot hold up a shutdown.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.controller.abort();
    await this.running;
    if (!this.leading) return;
    if (release) await this.within(this.release(), this.renewDeadlineMs, undefined);
    this.stopLeading('stopped');
  }

  private get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!(await this.within(this.tryAcquireOrRenew(), this.renewDeadlineMs, false))) {
      if (this.stopped) return;
      await this.sleep(this.retryPeriodMs * (1 + 0.2 * Math.random()));
      if (this.stopped) return;
    }
    this.leading = true;
    this.options.logger?.info({ lease: this.options.name, identity: this.options.identity }, 'leading');
    this.options.onStartedLeading();
    await this.renewUntilLost();
  }

  private async renewUntilLost(): Promise<void> {
    let renewedAt = performance.now();
    while (!this.stopped) {
      await this.sleep(this.retryPeriodMs);
      if (this.stopped) return;
      const left = renewedAt + this.renewDeadlineMs - performance.now();
      const renewed = left > 0 && (await this.within(this.tryAcquireOrRenew(), left, false));
      if (this.stopped) return; // stop() decides about releasing
      if (renewed) renewedAt = performance.now();
      else if (this.heldByAnother()) return this.stopLeading('lease taken by another');
      else if (performance.now() - renewedAt >= this.renewDeadlineMs)
        return this.stopLeading('renew deadline passed');
    }
  }

  private stopLeading(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.options.logger?.warn({ lease: this.options.name, reason }, 'stopped leading');
    this.options.onStoppedLeading();
  }

  private heldByAnother(): boolean {
    const holder = this.observed?.holder ?? '';
    return holder !== '' && holder !== this.options.identity;
  }

  /** One attempt: read the Lease, and take or renew it if we may. True when it is ours. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    let current: Lease;
    try {
      current = (await this.options.http.getJSON(this.path)) as Lease;
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) return this.create(now);
      this.options.logger?.warn({ err: error, lease: this.options.name }, 'reading the lease failed');
      return false;
    }
    const spec = current.spec ?? {};
    this.observe(spec);
    if (!this.mayTake(spec)) return false;
    // The PUT carries the resourceVersion we read: if anyone wrote since, it is a 409.
    return this.write('PUT', this.path, { ...current, spec: this.nextSpec(spec, now) });
  }

  private create(now: Date): Promise<boolean> {
    const { namespace, name } = this.options;
    const collection = this.path.slice(0, this.path.lastIndexOf('/'));
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec: { ...this.nextSpec({}, now), leaseTransitions: 0 },
    };
    return this.write('POST', collection, lease);
  }

  private observe(spec: LeaseSpec): void {
    const key = JSON.stringify(spec);
    if (this.observed?.spec === key) return;
    this.observed = { spec: key, holder: spec.holderIdentity ?? '', at: performance.now() };
  }

  /** Free (no holder, or released), ours, or unchanged for its whole duration since we saw it. */
  private mayTake(spec: LeaseSpec): boolean {
    const holder = spec.holderIdentity ?? '';
    if (holder === '' || holder === this.options.identity) return true;
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    return performance.now() >= (this.observed?.at ?? Infinity) + durationMs;
  }

  private nextSpec(old: LeaseSpec, now: Date): LeaseSpec {
    const ours = old.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: this.leaseDurationMs / 1000,
      acquireTime: ours && old.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (old.leaseTransitions ?? 0) + (ours ? 0 : 1),
    };
  }

  private async write(method: 'POST' | 'PUT', path: string, lease: Lease): Promise<boolean> {
    try {
      const written = (await this.options.http.sendJSON(method, path, lease)) as Lease;
      this.observe(written.spec ?? {});
      return true;
    } catch (error) {
      // 409: another candidate created or updated the Lease first; we will read it next time.
      if (!(error instanceof KubeApiError && error.statusCode === 409))
        this.options.logger?.warn({ err: error, lease: this.options.name }, 'writing the lease failed');
      return false;
    }
  }

  /** Hands the Lease back (no holder, 1 s duration) so a standby need not wait for it to expire. */
  private async release(): Promise<void> {
    try {
      const current = (await this.options.http.getJSON(this.path)) as Lease;
      if (current.spec?.holderIdentity !== this.options.identity) return;
      const now = microTime(new Date());
      const spec = {
        ...current.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
      };
      await this.options.http.sendJSON('PUT', this.path, { ...current, spec });
    } catch (error) {
      this.options.logger?.warn({ err: error, lease: this.options.name }, 'releasing the lease failed');
    }
  }

  /** The promise's value, or the fallback once ms have passed (a hung request must not block us). */
  private async within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sleeps ms or until stop(); the abort listener goes with the timer, as this runs forever. */
  private sleep(ms: number): Promise<void> {
    const signal = this.controller.signal;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
