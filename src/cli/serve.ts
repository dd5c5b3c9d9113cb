// `frappe-admission serve`: the admission webhooks over HTTPS. The cluster view is backed by
// informers (list+watch) unless --offline; /readyz fails until their caches have synced.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { staticClusterView } from '../api/static-cluster-view.js';
import type { ClusterView } from '../api/cluster.js';
import { admissionContext } from '../admission/context.js';
import { startWebhookServer } from '../webhooks/server.js';
import { loadOperatorConfig } from './config-file.js';
import { BatchedLines } from '../webhooks/log-lines.js';
import { UsageError, type CliIO } from './io.js';

const HELP = `usage: frappe-admission serve --tls-cert-file F --tls-private-key-file F [--port 9443] [--host 0.0.0.0]
                             [--client-ca-file F] [--config FILE] [--drain-delay-seconds 5]
                             [--kubeconfig FILE | --offline]

  --client-ca-file F   require a client certificate signed by a CA in F (PEM) on every connection;
                       re-read when it changes, like the serving certificate
`;

export interface ClusterSource {
  view: ClusterView;
  ready: () => boolean;
  stop(): void;
}

async function clusterSource(
  offline: boolean,
  kubeconfig: string | undefined,
  logger: pino.Logger,
): Promise<ClusterSource> {
  if (offline) return { view: staticClusterView([]), ready: () => true, stop: () => undefined };
  const { startInformerClusterView } = await import('../controller/informer-cluster-view.js');
  try {
    return startInformerClusterView({ kubeconfig, logger });
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

  const config = await loadOperatorConfig(values.config);
  // One JSON line per decision, batched (log-lines.ts): flushed per 4 KiB, per 250 ms and on shutdown.
  const logger = pino({ base: { component: 'webhook' } }, new BatchedLines({ write: io.stdout }));
  const cluster = await clusterSource(values.offline, values.kubeconfig ?? io.env.KUBECONFIG, logger);
  let server;
  try {
    server = await startWebhookServer({
      context: admissionContext(cluster.view, config),
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

  const stopped = new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      server
        .drain()
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
