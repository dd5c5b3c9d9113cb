// Recording one admission decision: its metrics and its one JSON log line (uid, webhook, kind,
// namespace/name, operation, dryRun, allowed, the rule ids of a denial, duration). Never the object: it may hold
// Secret data. The lines go to a batched destination (log-lines.ts).
import type { Logger } from 'pino';
import type { AdmissionRequest } from './admission-review.js';
import type { Decided, Route } from './decide.js';
import type { AdmissionMetrics } from './metrics.js';

export interface DecisionRecord {
  request: AdmissionRequest;
  decided: Decided;
  /** Time spent deciding. */
  seconds: number;
  /** The API server's `?timeout=` in milliseconds, when it sent one. */
  timeoutMs: number | undefined;
}

/**
 * The recorder of one route's decisions. Its logger carries the route's webhook and kind as
 * bindings, which pino serializes once, not on every line.
 */
export function decisionRecorder(
  metrics: AdmissionMetrics,
  logger: Logger,
  route: Route,
): (record: DecisionRecord) => void {
  const routeLogger = logger.child({ webhook: route.webhook, kind: route.kind });
  return ({ request, decided, seconds, timeoutMs }) => {
    const series = metrics.series(route.webhook, route.kind, request.operation);
    series.duration.observe(seconds);
    const { decision } = decided;
    if (!decision) {
      metrics.internalErrors.inc({ webhook: route.webhook });
      routeLogger.error({ uid: request.uid, err: decided.failure }, 'admission decision failed');
      return;
    }
    (decision.allowed ? series.allowed : series.denied).inc();
    for (const v of decision.violations) metrics.ruleViolations.inc({ rule: v.rule });
    routeLogger.info(
      {
        uid: request.uid,
        namespace: request.namespace,
        name: request.name,
        operation: request.operation,
        dryRun: request.dryRun === true,
        allowed: decision.allowed,
        // The ids of the rules violated, on a denial only.
        ...(decision.violations.length > 0
          ? { rules: [...new Set(decision.violations.map((v) => v.rule))] }
          : {}),
        durationMs: seconds * 1000,
        ...(timeoutMs !== undefined && seconds * 1000 > timeoutMs ? { deadlineExceeded: true } : {}),
      },
      'admission',
    );
  };
}
