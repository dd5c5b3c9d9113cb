// The webhook HTTP application: AdmissionReview in, AdmissionReview out, on the paths of
// API.md §7, plus /healthz, /readyz and /metrics. Built by a factory and started elsewhere
// (server.ts), so tests can inject it. The body is parsed once, by a JSON parser of our own:
// fastify's default schema pipeline would coerce and remove fields of an object we then diff.
import type { TlsOptions } from 'node:tls';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { WEBHOOK_ROUTES } from '../api/kinds.js';
import type { AdmissionContext } from '../admission/context.js';
import { denied, envelopeProblem, reviewJSON, reviewOf, type AdmissionReview } from './admission-review.js';
import { ADMISSION_ENGINE, decide, type Decided, type Engine } from './decide.js';
import { decisionRecorder } from './decision-log.js';
import type { AdmissionMetrics } from './metrics.js';

/**
 * The API server sends at most ~3 MiB per object (its request limit) and an UPDATE carries both
 * object and oldObject, plus the envelope: 8 MiB leaves room and still bounds memory per request.
 */
export const BODY_LIMIT = 8 * 1024 * 1024;
/** Above the API server's 90 s idle-connection pool, so an idle close never races its next POST. */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;

export interface WebhookAppOptions {
  context: AdmissionContext;
  metrics: AdmissionMetrics;
  logger: Logger;
  /** Caches synced: /readyz fails until it returns true. */
  ready: () => boolean;
  /** TLS options; omitted for plain HTTP (unit tests through inject()). */
  https?: TlsOptions;
  /** The rules engine; tests may pass another implementation of the same two functions. */
  engine?: Engine;
}

export interface WebhookApp {
  app: FastifyInstance;
  /** Readiness fails from now on and every response carries `Connection: close`. */
  startDraining(): void;
  isDraining(): boolean;
}

/** `5s` or `1m` (the API server's `?timeout=`) in milliseconds; undefined when absent or odd. */
export function parseTimeout(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+)(ms|s|m)$/.exec(value) : null;
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

function sendError(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  return reply.code(statusCode).type('application/json').send({ code: statusCode, message });
}

export function buildWebhookApp(options: WebhookAppOptions): WebhookApp {
  const { context, metrics, logger, ready } = options;
  const engine = options.engine ?? ADMISSION_ENGINE;
  let draining = false;

  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    bodyLimit: BODY_LIMIT,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: 30_000,
    logger: false,
    return503OnClosing: false,
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      const invalid = new Error(`body is not valid JSON: ${(error as Error).message}`) as FastifyError;
      invalid.statusCode = 400;
      done(invalid, undefined);
    }
  });

  // Callback style: an async hook would cost a promise turn on every request.
  app.addHook('onRequest', (_req, reply, done) => {
    if (draining) reply.header('connection', 'close');
    done();
  });

  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, `request body is larger than ${BODY_LIMIT / 1024 / 1024} MiB`);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(
        reply,
        415,
        `content type must be application/json, got ${String(_req.headers['content-type'])}`,
      );
    }
    if (status >= 500) logger.error({ err: error }, 'request failed');
    return sendError(reply, status, status >= 500 ? 'internal error' : error.message);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, `no webhook at ${req.method} ${req.url.split('?')[0]}`),
  );

  app.get('/healthz', async () => 'ok');
  app.get('/readyz', async (_req, reply) => {
    if (draining) return reply.code(503).send('draining');
    return ready() ? 'ok' : reply.code(503).send('caches not synced');
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  for (const route of WEBHOOK_ROUTES) {
    const recordDecision = decisionRecorder(metrics, logger, route);
    app.post(route.path, async (req, reply) => {
      const started = process.hrtime.bigint();
      const problem = envelopeProblem(req.body);
      if (problem) return sendError(reply, 400, problem);
      const { request } = req.body as AdmissionReview;
      if (request.kind.kind !== route.kind) {
        return reviewOf(
          denied(request.uid, 400, `${route.path} admits ${route.kind}, not ${request.kind.kind}`),
        );
      }
      metrics.inFlight.inc();
      let decided: Decided;
      try {
        decided = decide(engine, route, request, context);
      } finally {
        metrics.inFlight.dec();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const timeoutMs = parseTimeout((req.query as Record<string, unknown>).timeout);
      recordDecision({ request, decided, seconds, timeoutMs });
      return reply.type('application/json').send(reviewJSON(decided.response));
    });
  }

  return {
    app,
    startDraining: () => {
      draining = true;
    },
    isDraining: () => draining,
  };
}
