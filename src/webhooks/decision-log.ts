// Recording one admission decision: its metrics and its one JSON log line (uid, kind,
// namespace/name, operation, dryRun, allowed, rule ids, duration). Never the object: it may hold
// Secret data. The lines go to a batched destination (log-lines.ts).
import type { Logger } from 'pino';
import type { AdmissionRequest } from './admission-review.js';
import type { Decided, Route } from './decide.js';
import type { AdmissionMetrics } from './metrics.js';

export interface DecisionRecord {
  route: Route;
  request: AdmissionRequest;
  decided: Decided;
  /** Time spent deciding. */
  seconds: number;
  /** The API server's `?timeout=` in milliseconds, when it sent one. */
  timeoutMs: number | undefined;
}

export function recordDecision(metrics: AdmissionMetrics, logger: Logger, record: DecisionRecord): void {
  const { route, request, decided, seconds, timeoutMs } = record;
  const series = metrics.series(route.webhook, route.kind, request.operation);
  series.duration.observe(seconds);
  const { decision } = decided;
  if (!decision) {
    metrics.internalErrors.inc({ webhook: route.webhook });
    logger.error({ uid: request.uid, kind: route.kind, err: decided.failure }, 'admission decision failed');
    return;
  }
  (decision.allowed ? series.allowed : series.denied).inc();
  for (const v of decision.violations) metrics.ruleViolations.inc({ rule: v.rule });
  logger.info(
    {
      uid: request.uid,
      webhook: route.webhook,
      kind: route.kind,
      namespace: request.namespace,
      name: request.name,
      operation: request.operation,
      dryRun: request.dryRun === true,
      allowed: decision.allowed,
      rules: [...new Set(decision.violations.map((v) => v.rule))],
      durationMs: seconds * 1000,
      ...(timeoutMs !== undefined && seconds * 1000 > timeoutMs ? { deadlineExceeded: true } : {}),
    },
    'admission',
  );
}
