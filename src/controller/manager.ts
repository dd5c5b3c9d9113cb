// The controller manager: wires the informers to two work queues (benches, sites) and those to
// the reconcilers. Benches and sites come from the webhooks' cluster view (one list+watch each,
// shared); children from the child informers, which start when this process starts leading. A
// child's change wakes its owner; a bench's change wakes its sites when it changed what they read
// (wake-rules.ts: events that would find nothing to do take no queue slot); every
// object is queued again each resync period. Reconciles run only while leading.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { CircuitBreakers } from '../database/circuit-breakers.js';
import { ExternalMariaDb } from '../database/external-mariadb.js';
import type { AdmissionContext } from '../admission/context.js';
import type { OperatorConfig } from '../defaults/config.js';
import { eventRecorder } from '../kube/events.js';
import { KubeApiError, type KubeHttp } from '../kube/kube-http.js';
import { writes as kubeWrites } from '../kube/writes.js';
import type { ChildSummary } from '../reconcile/child-state.js';
import { AppliedRecord, type ReconcileContext, type ReconcileOutcome } from '../reconcile/context.js';
import { reconcileBench } from '../reconcile/bench/reconcile-bench.js';
import { reconcileSite } from '../reconcile/site/reconcile-site.js';
import { startChildInformers, type ChildInformers } from './child-informers.js';
import type { InformerClusterView, OwnerChange } from './informer-cluster-view.js';
import type { ControllerMetrics, ControllerName } from './metrics.js';
import { WorkQueue } from './work-queue.js';
import { benchChangeConcernsSites, siteChangeNeedsReconcile } from './wake-rules.js';

export interface ControllerOptions {
  http: KubeHttp;
  /** The webhooks' cluster view, started with keepSites and onChange: controller.ownerChanged. */
  cluster: () => InformerClusterView;
  admission: AdmissionContext;
  config: OperatorConfig;
  metrics: ControllerMetrics;
  /** Where the circuit breakers register their metrics (the /metrics registry). */
  registry?: Registry;
  logger: Logger;
  /** This process, as Events' reportingInstance. */
  identity: string;
  /** Reconciles at once per kind (default 10). */
  concurrency?: number;
  /** Every object is reconciled again this often (default 10 minutes). */
  resyncMs?: number;
  watchTimeoutSeconds?: number;
}

export interface Controller {
  /** Tell the controller a bench or site changed (the cluster view's onChange). */
  ownerChanged(change: OwnerChange): void;
  /** Starts reconciling (on becoming leader): child caches, then queues. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Write requests sent so far. */
  writeCount(): number;
  /** No key waiting or in flight. */
  idle(): boolean;
}

function errorType(error: unknown): string {
  if (error instanceof KubeApiError)
    return error.statusCode === 409 ? 'conflict' : error.statusCode === 404 ? 'not_found' : 'api';
  const code = (error as { code?: string }).code;
  return typeof code === 'string' && code.startsWith('E') ? 'network' : 'internal';
}

export function createController(options: ControllerOptions): Controller {
  const { logger, metrics } = options;
  const writes = kubeWrites(options.http);
  const breakers = new CircuitBreakers({
    registry: options.registry,
    openMs: options.config.circuitBreakerOpenSeconds * 1000,
  });
  breakers.onTransition((transition) =>
    logger.warn(
      { target: transition.target, from: transition.from, to: transition.to },
      'database circuit breaker',
    ),
  );
  const externalDatabase = new ExternalMariaDb({ breakers });
  const applied = new AppliedRecord();
  let children: ChildInformers | undefined;
  let running = false;
  let resync: NodeJS.Timeout | undefined;

  const context = (): ReconcileContext => {
    const cluster = options.cluster();
    return {
      benches: cluster.benches,
      sites: cluster.sites,
      children: children!.cache,
      admission: options.admission,
      config: options.config,
      writes,
      events,
      http: options.http,
      applied,
      now: () => new Date(),
      password: () => randomBytes(24).toString('base64url'),
      random: Math.random,
      externalDatabase,
      onJobRetry: (type, delayMs) => {
        metrics.jobRetries.inc({ job_type: type });
        metrics.jobRetryDelay.observe({ job_type: type }, delayMs / 1000);
      },
      logger,
    };
  };
  const events = eventRecorder({ http: options.http, instance: options.identity, logger });

  const queue = (
    name: ControllerName,
    reconcile: (key: string, context: ReconcileContext) => Promise<ReconcileOutcome>,
  ) =>
    new WorkQueue({
      concurrency: options.concurrency ?? 10,
      reconcile: async (key) => {
        const started = performance.now();
        metrics.inFlight.inc({ controller: name });
        try {
          const outcome = await reconcile(key, context());
          metrics.reconciles.inc({
            controller: name,
            result: outcome.requeueAfterMs ? 'requeue' : 'success',
          });
          return outcome;
        } catch (error) {
          metrics.reconciles.inc({ controller: name, result: 'error' });
          metrics.errors.inc({ controller: name, error_type: errorType(error) });
          throw error;
        } finally {
          metrics.inFlight.dec({ controller: name });
          metrics.duration.observe({ controller: name }, (performance.now() - started) / 1000);
          metrics.writes.set(writes.count());
        }
      },
      onError: (key, error, failures) => {
        // A conflict is a stale cache: the retry reads the newer object. Not worth a warning.
        const level = errorType(error) === 'conflict' ? 'debug' : 'warn';
        logger[level](
          { controller: name, key, failures, err: error },
          'reconcile failed; retrying with backoff',
        );
      },
    });
  const benchQueue = queue('frappebench', reconcileBench);
  const siteQueue = queue('frappesite', reconcileSite);

  const wakeOwner = (child: ChildSummary) => {
    const key = `${child.metadata.namespace}/${child.metadata.instance ?? ''}`;
    if (!child.metadata.instance) return;
    // Children without a controller reference (data kept on purpose) may belong to either kind:
    // waking a key that names no object is a cheap no-op.
    if (child.metadata.ownerKind !== 'FrappeSite') benchQueue.add(key);
    if (child.metadata.ownerKind !== 'FrappeBench') siteQueue.add(key);
  };

  const enqueueAll = () => {
    const cluster = options.cluster();
    for (const key of cluster.benches.keys()) benchQueue.add(key);
    for (const key of cluster.sites.keys()) siteQueue.add(key);
  };

  const updateGauges = () => {
    const cluster = options.cluster();
    metrics.benches.set(cluster.benches.size);
    const phases = new Map<string, number>();
    for (const site of cluster.sites.values()) {
      const phase = site.status?.phase ?? 'Pending';
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
    }
    metrics.sites.reset();
    for (const [phase, count] of phases) metrics.sites.set({ phase }, count);
    const running = { 'bench-init': 0, 'site-init': 0, 'site-drop': 0 };
    for (const job of children?.cache.list('Job') ?? []) {
      if (job.state.ready || job.state.failed) continue;
      const name = job.metadata.name;
      running[
        name.endsWith('-drop') ? 'site-drop' : /-init-[0-9a-f]+$/.test(name) ? 'bench-init' : 'site-init'
      ]++;
    }
    for (const [type, count] of Object.entries(running)) metrics.jobsRunning.set({ job_type: type }, count);
    for (const [name, q] of [
      ['frappebench', benchQueue],
      ['frappesite', siteQueue],
    ] as const) {
      metrics.queueDepth.set({ controller: name }, q.depth);
      metrics.queueRetries.set({ controller: name }, q.retries);
    }
  };
  let gauges: NodeJS.Timeout | undefined;

  return {
    ownerChanged(change) {
      if (!running) return;
      const key = `${change.namespace}/${change.name}`;
      if (change.kind === 'FrappeSite') {
        if (siteChangeNeedsReconcile(change.previous, change.current)) siteQueue.add(key);
        return;
      }
      benchQueue.add(key);
      if (!benchChangeConcernsSites(change.previous, change.current)) return;
      for (const site of options.cluster().view.sitesOfBench(change.namespace, change.name))
        siteQueue.add(`${site.namespace}/${site.name}`);
    },
    async start() {
      children = startChildInformers({
        http: options.http,
        logger,
        watchTimeoutSeconds: options.watchTimeoutSeconds,
        onChange: (child) => {
          if (running) wakeOwner(child);
        },
        onDeleted: (child) => applied.forget(child.metadata.uid),
        onKindsChanged: () => {
          if (running) enqueueAll();
        },
      });
      await Promise.all([children.waitForSync(), options.cluster().waitForSync()]);
      running = true;
      metrics.leader.set(1);
      benchQueue.start();
      siteQueue.start();
      enqueueAll();
      resync = setInterval(enqueueAll, options.resyncMs ?? 10 * 60_000);
      resync.unref();
      gauges = setInterval(updateGauges, 5_000);
      gauges.unref();
      logger.info('controller started');
    },
    async stop() {
      running = false;
      metrics.leader.set(0);
      clearInterval(resync);
      clearInterval(gauges);
      await Promise.all([benchQueue.shutDown(), siteQueue.shutDown()]);
      children?.stop();
    },
    writeCount: () => writes.count(),
    idle: () => benchQueue.depth + benchQueue.inFlight + siteQueue.depth + siteQueue.inFlight === 0,
  };
}
