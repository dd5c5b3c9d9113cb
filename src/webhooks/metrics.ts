// Admission metrics (API.md §10) on a registry owned by the app (no global default registry).
// Histogram buckets start at 100 µs so sub-millisecond decisions stay visible.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

export interface AdmissionMetrics {
  registry: Registry;
  requests: Counter<'webhook' | 'kind' | 'operation' | 'allowed'>;
  duration: Histogram<'webhook' | 'kind' | 'operation'>;
  inFlight: Gauge;
  ruleViolations: Counter<'rule'>;
  certificateExpiry: Gauge;
  /** Panics turned into 500 answers. */
  internalErrors: Counter<'webhook'>;
  /** The children of one webhook/kind/operation, resolved once: a label lookup hashes on every call. */
  series(webhook: string, kind: string, operation: string): AdmissionSeries;
}

export interface AdmissionSeries {
  duration: { observe(seconds: number): void };
  allowed: { inc(): void };
  denied: { inc(): void };
}

export function createAdmissionMetrics(
  registry = new Registry(),
  options: { processMetrics?: boolean } = {},
): AdmissionMetrics {
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'frappe_admission_requests_total',
    help: 'Admission requests answered, by webhook, kind, operation and verdict.',
    labelNames: ['webhook', 'kind', 'operation', 'allowed'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'frappe_admission_request_duration_seconds',
    help: 'Time to decide an admission request (parsed review in, response out).',
    labelNames: ['webhook', 'kind', 'operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const children = new Map<string, AdmissionSeries>();
  return {
    registry,
    requests,
    duration,
    series: (webhook, kind, operation) => {
      const key = `${webhook}\u0000${kind}\u0000${operation}`;
      let series = children.get(key);
      if (!series) {
        series = {
          duration: duration.labels(webhook, kind, operation),
          allowed: requests.labels(webhook, kind, operation, 'true'),
          denied: requests.labels(webhook, kind, operation, 'false'),
        };
        children.set(key, series);
      }
      return series;
    },
    inFlight: new Gauge({
      name: 'frappe_admission_in_flight_requests',
      help: 'Admission requests being decided.',
      registers: [registry],
    }),
    ruleViolations: new Counter({
      name: 'frappe_admission_rule_violations_total',
      help: 'Violations reported, by rule id.',
      labelNames: ['rule'],
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'frappe_admission_certificate_expiry_timestamp_seconds',
      help: 'notAfter of the serving certificate in use, as a Unix timestamp.',
      registers: [registry],
    }),
    internalErrors: new Counter({
      name: 'frappe_admission_internal_errors_total',
      help: 'Requests that failed inside the server and were answered with code 500.',
      labelNames: ['webhook'],
      registers: [registry],
    }),
  };
}
