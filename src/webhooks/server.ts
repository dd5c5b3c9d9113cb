// Starts the webhook application over HTTPS with hot-reloaded certificates (and, optionally, a
// hot-reloaded CA that client certificates must be signed by), and drains it: readiness fails at
// once, responses say `Connection: close`, and after the drain delay (for the endpoints to move)
// the server stops accepting, finishes in-flight requests and closes.
import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { AdmissionContext } from '../admission/context.js';
import { buildWebhookApp, type WebhookApp } from './app.js';
import type { Engine } from './decide.js';
import { CertificateWatcher, clientCAWatcher, type KeyPair } from './certificates.js';
import { createAdmissionMetrics, type AdmissionMetrics } from './metrics.js';

export interface WebhookServerOptions {
  context: AdmissionContext;
  logger: Logger;
  certFile: string;
  keyFile: string;
  /**
   * CA bundle (PEM) that client certificates must be signed by: the handshake fails without one.
   * Unset: no client certificate is asked for.
   */
  clientCAFile?: string;
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

/** The TLS material in use; setSecureContext() replaces all of it, so every change passes the whole. */
interface TlsFiles {
  pair: KeyPair;
  clientCA?: Buffer;
}

const secureContextOf = (tls: TlsFiles): SecureContextOptions => ({
  ...tls.pair,
  minVersion: 'TLSv1.2',
  ...(tls.clientCA ? { ca: tls.clientCA } : {}),
});

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const metrics = options.metrics ?? createAdmissionMetrics();
  // The watchers start before the app exists (the app needs the first files); later ones go to its server.
  // A change before the server exists is kept in `tls`, which the server is then built from.
  const target: { server?: HttpsServer; tls?: TlsFiles } = {};
  const update = (change: Partial<TlsFiles>) => {
    if (!target.tls) return; // unreachable: a watcher reports changes only after its start()
    target.tls = { ...target.tls, ...change };
    target.server?.setSecureContext(secureContextOf(target.tls));
  };
  const certificates = new CertificateWatcher({
    certFile: options.certFile,
    keyFile: options.keyFile,
    logger: options.logger,
    pollIntervalMs: options.certificatePollIntervalMs,
    onExpiry: (seconds) => metrics.certificateExpiry.set(seconds),
    onChange: (pair) => update({ pair }),
  });
  const clientCA =
    options.clientCAFile === undefined
      ? undefined
      : clientCAWatcher({
          caFile: options.clientCAFile,
          logger: options.logger,
          pollIntervalMs: options.certificatePollIntervalMs,
          onChange: (bundle) => update({ clientCA: bundle }),
        });
  const stopWatching = () => {
    certificates.stop();
    clientCA?.stop();
  };
  target.tls = { pair: await certificates.start() };
  let webhook: WebhookApp;
  try {
    if (clientCA) update({ clientCA: await clientCA.start() });
    webhook = buildWebhookApp({
      context: options.context,
      metrics,
      logger: options.logger,
      ready: options.ready,
      engine: options.engine,
      https: {
        ...secureContextOf(target.tls),
        // The API server presents its client certificate when its AdmissionConfiguration says so.
        ...(clientCA ? { requestCert: true, rejectUnauthorized: true } : {}),
      },
    });
    target.server = webhook.app.server as HttpsServer;
    await webhook.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    stopWatching();
    throw error;
  }
  const { app } = webhook;
  const bound = app.server.address();
  const address =
    typeof bound === 'object' && bound
      ? { host: bound.address, port: bound.port }
      : { host: options.host, port: options.port };
  options.logger.info({ ...address }, 'serving admission webhooks');

  const close = async () => {
    stopWatching();
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
