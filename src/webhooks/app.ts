// The webhook HTTP application: AdmissionReview in, AdmissionReview out, on the paths of
// API.md §7, plus /healthz, /readyz and /metrics. Built by a factory and started elsewhere
// (server.ts), so tests can inject it. The body is parsed once, by a JSON parser of our own:
// fastify's default schema pipeline would coerce and remove fields of an object we then diff.
import type { TlsOptions } from 'node:tls';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { admitMutation, admitValidation, type AdmittedKind } from '../policies/admit.js';
import type { AdmissionContext, Decision } from '../policies/types.js';
import {
  admissionInput,
  denied,
  envelopeValidator,
  responseFor,
  reviewOf,
  type AdmissionReview,
} from './admission-review.js';
import type { AdmissionMetrics } from './metrics.js';

/**
 * The API server sends at most ~3 MiB per object (its request limit) and an UPDATE carries both
 * object and oldObject, plus the envelope: 8 MiB leaves room and still bounds memory per request.
 */
export const BODY_LIMIT = 8 * 1024 * 1024;
/** Above the API server's 90 s idle-connection pool, so an idle close never races its next POST. */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;

export type WebhookKind = 'mutate' | 'validate';
/** The two decisions the webhooks make: the rules engine's admitMutation and admitValidation. */
export type Engine = Record<WebhookKind, typeof admitMutation>;

export const ADMISSION_ENGINE: Engine = { mutate: admitMutation, validate: admitValidation };

export const WEBHOOK_PATHS: readonly { path: string; webhook: WebhookKind; kind: AdmittedKind }[] = (
  ['mutate', 'validate'] as const
).flatMap((webhook) =>
  (['FrappeBench', 'FrappeSite'] as const).map((kind) => ({
    path: `/${webhook}-vyogo-tech-v1alpha1-${kind.toLowerCase()}`,
    webhook,
    kind,
  })),
);

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
  const checkEnvelope = envelopeValidator();
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

  for (const route of WEBHOOK_PATHS) {
    // The route's fixed fields are serialized once, as the child's bindings, not on every line.
    const decisions = logger.child({ webhook: route.webhook, kind: route.kind });
    app.post(route.path, async (req, reply) => {
      const started = process.hrtime.bigint();
      const problem = checkEnvelope(req.body);
      if (problem) return sendError(reply, 400, problem);
      const { request } = req.body as AdmissionReview;
      if (request.kind.kind !== route.kind) {
        return reviewOf(
          denied(request.uid, 400, `${route.path} admits ${route.kind}, not ${request.kind.kind}`),
        );
      }
      metrics.inFlight.inc();
      let decision: Decision | undefined;
      let failure: unknown;
      try {
        decision = engine[route.webhook](route.kind, admissionInput(request), context);
      } catch (error) {
        failure = error;
      } finally {
        metrics.inFlight.dec();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const series = metrics.series(route.webhook, route.kind, request.operation);
      series.duration.observe(seconds);
      if (!decision) {
        metrics.internalErrors.inc({ webhook: route.webhook });
        logger.error({ uid: request.uid, kind: route.kind, err: failure }, 'admission decision failed');
        return reviewOf(
          denied(request.uid, 500, `internal error deciding ${route.kind}: ${(failure as Error)?.message}`),
        );
      }
      (decision.allowed ? series.allowed : series.denied).inc();
      for (const v of decision.violations) metrics.ruleViolations.inc({ rule: v.rule });
      const timeout = parseTimeout((req.query as Record<string, unknown>).timeout);
      decisions.info(
        {
          uid: request.uid,
          namespace: request.namespace,
          name: request.name,
          operation: request.operation,
          dryRun: request.dryRun === true,
          allowed: decision.allowed,
          rules: decision.violations.length === 0 ? [] : [...new Set(decision.violations.map((v) => v.rule))],
          durationMs: seconds * 1000,
          ...(timeout !== undefined && seconds * 1000 > timeout ? { deadlineExceeded: true } : {}),
        },
        'admission',
      );
      return reviewOf(responseFor(request.uid, decision));
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
