// `frappe-admission serve`: the admission webhooks over HTTPS and the controller in one process.
// The cluster view is backed by informers (list+watch) unless --offline; /readyz fails until their
// caches have synced. Every replica serves the webhooks; the controller reconciles only on the
// replica that holds the Lease, and a replica that loses it exits (its Deployment restarts it).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { staticClusterView } from '../api/static-cluster-view.js';
import type { ClusterView } from '../api/cluster.js';
import { admissionContext } from '../admission/context.js';
import { startWebhookServer } from '../webhooks/server.js';
import { loadOperatorConfig } from './config-file.js';
import { BatchedLines } from '../webhooks/log-lines.js';
import { UsageError, type CliIO } from './io.js';
import { Registry } from 'prom-client';
import { createAdmissionMetrics } from '../webhooks/metrics.js';
import type { InformerClusterView, InformerOptions } from '../controller/informer-cluster-view.js';
import { createController, type Controller } from '../controller/manager.js';
import { createControllerMetrics } from '../controller/metrics.js';
import { LeaderElector, leaderIdentity } from '../controller/leader-election.js';

const HELP = `usage: frappe-admission serve --tls-cert-file F --tls-private-key-file F [--port 9443] [--host 0.0.0.0]
                             [--client-ca-file F] [--config FILE] [--drain-delay-seconds 5]
                             [--kubeconfig FILE | --offline] [--no-controller]
                             [--leader-election-namespace NS] [--leader-election-name NAME]
                             [--controller-concurrency 10]

  --client-ca-file F   require a client certificate signed by a CA in F (PEM) on every connection;
                       re-read when it changes, like the serving certificate
  --no-controller      serve the webhooks only (the controller is also off with --offline)
  --leader-election-namespace NS
                       namespace of the Lease (default: $POD_NAMESPACE, else default)
`;

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
    options: {
      'tls-cert-file': { type: 'string' },
      'tls-private-key-file': { type: 'string' },
      'client-ca-file': { type: 'string' },
      port: { type: 'string', default: '9443' },
      host: { type: 'string', default: '0.0.0.0' },
      config: { type: 'string' },
      'drain-delay-seconds': { type: 'string', default: '5' },
      kubeconfig: { type: 'string' },
      offline: { type: 'boolean', default: false },
      'no-controller': { type: 'boolean', default: false },
      'leader-election-namespace': { type: 'string' },
      'leader-election-name': { type: 'string', default: 'frappe-admission' },
      'controller-concurrency': { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(HELP);
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

  const config = await loadOperatorConfig(values.config);
  // One JSON line per decision, batched (log-lines.ts): flushed per 4 KiB, per 250 ms and on shutdown.
  const logger = pino({ base: { component: 'webhook' } }, new BatchedLines({ write: io.stdout }));
  const withController = !values.offline && !values['no-controller'];
  let controller: Controller | undefined;
  const cluster = await clusterSource(values.offline, values.kubeconfig ?? io.env.KUBECONFIG, logger, {
    keepSites: withController,
    onChange: withController
      ? (kind, namespace, name) => controller?.ownerChanged(kind, namespace, name)
      : undefined,
  });
  const registry = new Registry();
  const metrics = createAdmissionMetrics(registry);
  const admission = admissionContext(cluster.view, config);
  let server;
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
    cluster.stop();
    throw new UsageError(`cannot serve: ${(error as Error).message}`, { cause: error });
  }

  let elector: LeaderElector | undefined;
  const stopped = new Promise<number>((resolve) => {
    let shuttingDown = false;
    if (withController && cluster.informers) {
      const informers = cluster.informers;
      const controllerLogger = logger.child({ component: 'controller' });
      const identity = leaderIdentity();
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
      const running = controller;
      elector = new LeaderElector({
        http: informers.http,
        namespace: values['leader-election-namespace'] ?? io.env.POD_NAMESPACE ?? 'default',
        name: values['leader-election-name'],
        identity,
        logger: controllerLogger,
        onStartedLeading: () => {
          running.start().catch((error: unknown) => {
            controllerLogger.error({ err: error }, 'controller failed to start');
            resolve(1);
          });
        },
        onStoppedLeading: () => {
          // Another replica may lead by now: stop reconciling at once and exit; the Deployment
          // restarts this process as a standby.
          void running.stop();
          if (!shuttingDown) {
            controllerLogger.error('lost the leader lease; exiting');
            cluster.stop();
            logger.flush();
            resolve(1);
          }
        },
      });
      elector.start();
    }
    const stop = (signal: string) => {
      shuttingDown = true;
      logger.info({ signal }, 'shutting down');
      // Release the Lease first, so a standby takes over while this replica drains.
      void (elector?.stop() ?? Promise.resolve())
        .then(() => server.drain())
        .then(
          () => resolve(0),
          (error: unknown) => {
            logger.error({ err: error }, 'drain failed');
            resolve(1);
          },
        )
        .finally(() => {
          cluster.stop();
          logger.flush();
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return stopped;
}
