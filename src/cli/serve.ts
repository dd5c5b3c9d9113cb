// `frappe-admission serve`: the admission webhooks over HTTPS and the controller in one process.
// The cluster view is backed by informers (list+watch) unless --offline; /readyz fails until their
// caches have synced. Every replica serves the webhooks; the controller reconciles only on the
// replica that holds the Lease, and a replica that loses it exits (its Deployment restarts it).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { staticClusterView } from '../api/static-cluster-view.js';
import type { ClusterView } from '../api/cluster.js';
import { startWebhookServer } from '../webhooks/server.js';
import { loadOperatorConfig } from './config-file.js';
import { BatchedLines } from '../webhooks/log-lines.js';
import { UsageError, type CliIO } from './io.js';
import { Registry } from 'prom-client';
import { createAdmissionMetrics } from '../webhooks/metrics.js';
import type { InformerClusterView, InformerOptions } from '../controller/informer-cluster-view.js';
import type { Controller } from '../controller/manager.js';
import type { LeaderElector } from '../controller/leader-election.js';
import type { CertificateManager } from '../certificates/manager.js';
import { DEFAULT_POLICY, parseDuration } from '../certificates/policy.js';
import { waitForFiles } from '../certificates/wait-for-files.js';
import { SERVE_FLAGS, serveHelp } from './serve-flags.js';

export interface ClusterSource {
  view: ClusterView;
  ready: () => boolean;
  stop(): void;
  /** The informers, when there is a cluster: the controller shares them. */
  informers?: InformerClusterView;
}

async function clusterSource(
  offline: boolean,
  kubeconfig: string | undefined,
  logger: pino.Logger,
  controller: { onChange?: InformerOptions['onChange']; keepSites: boolean },
): Promise<ClusterSource> {
  if (offline) return { view: staticClusterView([]), ready: () => true, stop: () => undefined };
  const { startInformerClusterView } = await import('../controller/informer-cluster-view.js');
  try {
    const informers = startInformerClusterView({ kubeconfig, logger, ...controller });
    return { ...informers, informers };
  } catch (error) {
    throw new UsageError(
      `no cluster to watch: ${(error as Error).message} (pass --kubeconfig, or --offline)`,
      { cause: error },
    );
  }
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: SERVE_FLAGS,
    strict: true,
  });
  if (values.help) {
    io.stdout(serveHelp());
    return 0;
  }
  const certFile = values['tls-cert-file'];
  const keyFile = values['tls-private-key-file'];
  if (!certFile || !keyFile) throw new UsageError('serve needs --tls-cert-file and --tls-private-key-file');
  const port = Number(values.port);
  const drainDelaySeconds = Number(values['drain-delay-seconds']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, not ${values.port}`);
  if (!(drainDelaySeconds >= 0)) throw new UsageError('--drain-delay-seconds must be a number ≥ 0');

  const concurrency = Number(values['controller-concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('--controller-concurrency must be a whole number ≥ 1');

  const selfManaged = values['self-managed-certificates'] ? selfManagedOptions(values, io.env) : undefined;

  const config = await loadOperatorConfig(values.config);
  // One JSON line per decision, batched (log-lines.ts): flushed per 4 KiB, per 250 ms and on shutdown.
  const logger = pino({ base: { component: 'webhook' } }, new BatchedLines({ write: io.stdout }));
  const withController = !values.offline && !values['no-controller'];
  let controller: Controller | undefined;
  const cluster = await clusterSource(values.offline, values.kubeconfig ?? io.env.KUBECONFIG, logger, {
    keepSites: withController,
    onChange: withController ? (change) => controller?.ownerChanged(change) : undefined,
  });
  const registry = new Registry();
  const metrics = createAdmissionMetrics(registry);
  const admission = { view: cluster.view, config };

  // The Lease holder runs the controller (unless --no-controller) and, with self-managed
  // certificates, the certificate manager (whatever the controller flag): both start on leading.
  let elector: LeaderElector | undefined;
  let shuttingDown = false;
  let exit!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (exit = resolve));
  if ((withController || selfManaged) && cluster.informers) {
    // Loaded only by a process that may lead, and only what it will run: `--offline` and
    // webhook-only replicas carry neither the controller (with the MariaDB driver) nor node-forge.
    const { LeaderElector, leaderIdentity } = await import('../controller/leader-election.js');
    const informers = cluster.informers;
    const controllerLogger = logger.child({ component: 'controller' });
    const identity = leaderIdentity();
    if (withController) {
      const [{ createController }, { createControllerMetrics }] = await Promise.all([
        import('../controller/manager.js'),
        import('../controller/metrics.js'),
      ]);
      controller = createController({
        http: informers.http,
        cluster: () => informers,
        admission,
        config,
        metrics: createControllerMetrics(registry),
        registry,
        logger: controllerLogger,
        identity,
        concurrency,
      });
    }
    const running = controller;
    let certificates: CertificateManager | undefined;
    if (selfManaged) {
      const [{ CertificateManager }, { createCertificateMetrics }] = await Promise.all([
        import('../certificates/manager.js'),
        import('../certificates/metrics.js'),
      ]);
      const certificateMetrics = createCertificateMetrics(registry);
      certificates = new CertificateManager({
        ...selfManaged,
        http: informers.http,
        logger: logger.child({ component: 'certificates' }),
        onCAExpiry: (seconds) => certificateMetrics.caExpiry.set(seconds),
        onRenewal: (kind) => certificateMetrics.renewals.inc({ kind }),
      });
    }
    const manager = certificates;
    elector = new LeaderElector({
      http: informers.http,
      namespace: values['leader-election-namespace'] ?? io.env.POD_NAMESPACE ?? 'default',
      name: values['leader-election-name'],
      identity,
      logger: controllerLogger,
      onStartedLeading: () => {
        manager?.start();
        running?.start().catch((error: unknown) => {
          controllerLogger.error({ err: error }, 'controller failed to start');
          exit(1);
        });
      },
      onStoppedLeading: () => {
        // Another replica may lead by now: stop reconciling (and issuing) at once and exit; the
        // Deployment restarts this process as a standby.
        void running?.stop();
        void manager?.stop();
        if (!shuttingDown) {
          controllerLogger.error('lost the leader lease; exiting');
          cluster.stop();
          logger.flush();
          exit(1);
        }
      },
    });
    elector.start();
  }
  const waiting = new AbortController();
  let server: Awaited<ReturnType<typeof startWebhookServer>> | undefined;
  const stop = (signal: string) => {
    shuttingDown = true;
    waiting.abort();
    logger.info({ signal }, 'shutting down');
    // Release the Lease first, so a standby takes over while this replica drains.
    void (elector?.stop() ?? Promise.resolve())
      .then(() => server?.drain())
      .then(
        () => exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'drain failed');
          exit(1);
        },
      )
      .finally(() => {
        cluster.stop();
        logger.flush();
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  if (selfManaged) {
    // Not listening (so not ready) until kubelet has mounted what the leader wrote.
    const present = await Promise.race([
      waitForFiles({
        files: [certFile, keyFile],
        timeoutMs: selfManaged.waitTimeoutMs,
        logger,
        source: `Secret ${selfManaged.identity.namespace}/${selfManaged.secretName} (written by the Lease holder)`,
        abort: waiting.signal,
      }).catch(async (error: unknown) => {
        logger.error({ err: error }, 'no certificate files; exiting');
        await elector?.stop();
        cluster.stop();
        logger.flush();
        exit(1);
        return false;
      }),
      stopped.then(() => false),
    ]);
    if (!present) return stopped;
  }
  try {
    server = await startWebhookServer({
      context: admission,
      metrics,
      logger,
      certFile,
      keyFile,
      clientCAFile: values['client-ca-file'],
      host: values.host,
      port,
      ready: cluster.ready,
      drainDelaySeconds,
    });
  } catch (error) {
    await elector?.stop();
    cluster.stop();
    throw new UsageError(`cannot serve: ${(error as Error).message}`, { cause: error });
  }
  return stopped;
}

interface SelfManagedOptions {
  secretName: string;
  identity: { service: string; namespace: string };
  webhookConfigurations: { mutating?: string; validating?: string };
  policy: typeof DEFAULT_POLICY;
  checkIntervalMs: number;
  waitTimeoutMs: number;
}

function selfManagedOptions(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): SelfManagedOptions {
  const text = (flag: string) => values[flag] as string | undefined;
  const secretName = text('certificate-secret');
  const service = text('service-name');
  const configurations = text('webhook-configurations');
  if (!secretName || !service || !configurations)
    throw new UsageError(
      '--self-managed-certificates needs --certificate-secret, --service-name and --webhook-configurations',
    );
  const names = configurations.split(',').map((n) => n.trim());
  if (names.length > 2 || names.some((n) => !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n)))
    throw new UsageError(
      `--webhook-configurations takes MUTATING,VALIDATING (or one name for both), not ${configurations}`,
    );
  const duration = (flag: string) => {
    try {
      const ms = parseDuration(text(flag)!);
      if (ms <= 0) throw new Error('must be above zero');
      return ms;
    } catch (error) {
      throw new UsageError(`--${flag}: ${(error as Error).message}`, { cause: error });
    }
  };
  const policy = {
    ...DEFAULT_POLICY,
    caValidityMs: duration('ca-validity'),
    servingValidityMs: duration('certificate-validity'),
    overlapMs: duration('ca-overlap'),
  };
  if (policy.servingValidityMs > policy.caValidityMs)
    throw new UsageError('--certificate-validity must not exceed --ca-validity');
  if (values.offline) throw new UsageError('--self-managed-certificates needs a cluster: not with --offline');
  return {
    secretName,
    identity: { service, namespace: text('certificate-namespace') ?? env.POD_NAMESPACE ?? 'default' },
    webhookConfigurations: { mutating: names[0], validating: names[1] ?? names[0] },
    policy,
    checkIntervalMs: duration('certificate-check-interval'),
    waitTimeoutMs: duration('certificate-wait-timeout'),
  };
}
