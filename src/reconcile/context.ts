// What a reconcile reads and writes with: the caches (one snapshot of benches, sites and children),
// the admission context (the same defaults and rules the webhooks run), the writes, the event
// recorder, the operator config, a clock and a password source. The manager builds one and passes
// it to every reconcile; tests build their own.
import type { Logger } from 'pino';
import type { FrappeBench } from '../api/frappe-bench.js';
import type { FrappeSite } from '../api/frappe-site.js';
import type { AdmissionContext } from '../admission/context.js';
import type { OperatorConfig } from '../defaults/config.js';
import type { EventRecorder } from '../kube/events.js';
import type { KubeHttp } from '../kube/kube-http.js';
import type { Writes } from '../kube/writes.js';
import type { ChildKind } from '../kube/resources.js';
import type { ChildSummary } from './child-state.js';
import type { ExternalMariaDb } from '../database/external-mariadb.js';

/** The children the caches hold; implemented by the controller's child informers. */
export interface ChildLookup {
  get(kind: ChildKind, namespace: string, name: string): ChildSummary | undefined;
  ownedBy(ownerUid: string): ChildSummary[];
  available(kind: ChildKind): boolean;
}

export interface ReconcileContext {
  benches: ReadonlyMap<string, FrappeBench>;
  sites: ReadonlyMap<string, FrappeSite>;
  children: ChildLookup;
  admission: AdmissionContext;
  config: OperatorConfig;
  writes: Writes;
  events: EventRecorder;
  /** For reading Secret values when a Job needs them (never cached, never logged). */
  http: KubeHttp;
  /** Remembers what each child looked like after our last apply (drift detection). */
  applied: AppliedRecord;
  now(): Date;
  /** A new crypto-random password. */
  password(): string;
  /** Uniform in [0, 1): jitter. */
  random(): number;
  /** Told of each failed Job scheduled to run again, with its delay (metrics). */
  onJobRetry?(jobType: JobType, delayMs: number): void;
  /** The external provider's SQL client, behind its circuit breakers (src/database). */
  externalDatabase?: Pick<ExternalMariaDb, 'ensure' | 'drop'>;
  logger?: Logger;
}

/**
 * What each child looked like right after this process applied it: its generation where the kind
 * has one (a spec edit by hand bumps it; status updates do not), else its resourceVersion. A
 * cached child that differs was changed by someone else, and is applied again.
 */
export class AppliedRecord {
  private readonly versions = new Map<string, string>();

  remember(uid: string, version: string): void {
    this.versions.set(uid, version);
  }

  get(uid: string): string | undefined {
    return this.versions.get(uid);
  }

  forget(uid: string): void {
    this.versions.delete(uid);
  }
}

export type JobType = 'bench-init' | 'site-init' | 'site-drop';

/** Outcome of a reconcile: requeue after a delay (e.g. waiting for time to pass), or nothing. */
export interface ReconcileOutcome {
  requeueAfterMs?: number;
}
