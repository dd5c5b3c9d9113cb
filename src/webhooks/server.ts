// Starts the webhook application over HTTPS with hot-reloaded certificates, and drains it:
// readiness fails at once, responses say `Connection: close`, and after the drain delay (for
// the endpoints to move) the server stops accepting, finishes in-flight requests and closes.
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import type { AdmissionContext } from '../policies/types.js';
import { buildWebhookApp, type Engine, type WebhookApp } from './app.js';
import { CertificateWatcher } from './certificates.js';
import { createAdmissionMetrics, type AdmissionMetrics } from './metrics.js';

export interface WebhookServerOptions {
  context: AdmissionContext;
  logger: Logger;
  certFile: string;
  keyFile: string;
  host: string;
  port: number;
  ready: () => boolean;
  /** Seconds between SIGTERM and closing the listener (endpoints moving away). */
  drainDelaySeconds: number;
  metrics?: AdmissionMetrics;
  engine?: Engine;
  certificatePollIntervalMs?: number;
}

export interface WebhookServer extends WebhookApp {
  /** host:port actually bound (port 0 picks a free one). */
  address: { host: string; port: number };
  metrics: AdmissionMetrics;
  /** Fails readiness, waits the drain delay, then closes after in-flight requests finish. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const metrics = options.metrics ?? createAdmissionMetrics();
  // The watcher is started before the app exists (the app needs the first pair); later pairs go to its server.
  const target: { server?: HttpsServer } = {};
  const certificates = new CertificateWatcher({
    certFile: options.certFile,
    keyFile: options.keyFile,
    logger: options.logger,
    pollIntervalMs: options.certificatePollIntervalMs,
    onExpiry: (seconds) => metrics.certificateExpiry.set(seconds),
    onChange: (pair) => target.server?.setSecureContext(pair),
  });
  const pair = await certificates.start();
  const webhook = buildWebhookApp({
    context: options.context,
    metrics,
    logger: options.logger,
    ready: options.ready,
    engine: options.engine,
    https: { ...pair, minVersion: 'TLSv1.2' },
  });
  const { app } = webhook;
  target.server = app.server as HttpsServer;
  await app.listen({ host: options.host, port: options.port });
  const bound = app.server.address();
  const address =
    typeof bound === 'object' && bound
      ? { host: bound.address, port: bound.port }
      : { host: options.host, port: options.port };
  options.logger.info({ ...address }, 'serving admission webhooks');

  const close = async () => {
    certificates.stop();
    await app.close();
  };
  return {
    ...webhook,
    address,
    metrics,
    close,
    drain: async () => {
      webhook.startDraining();
      options.logger.info({ drainDelaySeconds: options.drainDelaySeconds }, 'draining');
      await new Promise((resolve) => setTimeout(resolve, options.drainDelaySeconds * 1000));
      await close();
    },
  };
}
