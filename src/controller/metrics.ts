// Controller metrics (API.md §10) on the registry the webhooks' /metrics serves.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type ControllerName = 'frappebench' | 'frappesite';

export interface ControllerMetrics {
  reconciles: Counter<'controller' | 'result'>;
  duration: Histogram<'controller'>;
  errors: Counter<'controller' | 'error_type'>;
  queueDepth: Gauge<'controller'>;
  queueRetries: Gauge<'controller'>;
  inFlight: Gauge<'controller'>;
  leader: Gauge;
  benches: Gauge;
  sites: Gauge<'phase'>;
  writes: Gauge;
  jobsRunning: Gauge<'job_type'>;
  jobRetries: Counter<'job_type'>;
  jobRetryDelay: Histogram<'job_type'>;
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  return {
    reconciles: new Counter({
      name: 'frappe_operator_reconciliation_total',
      help: 'Reconciles finished, by controller and result (success, requeue, error).',
      labelNames: ['controller', 'result'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'frappe_operator_reconciliation_duration_seconds',
      help: 'Time one reconcile took.',
      labelNames: ['controller'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    errors: new Counter({
      name: 'frappe_operator_reconciliation_errors_total',
      help: 'Failed reconciles, by controller and kind of error (conflict, not_found, api, network, internal).',
      labelNames: ['controller', 'error_type'] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'frappe_operator_workqueue_depth',
      help: 'Keys waiting in the work queue.',
      labelNames: ['controller'] as const,
      registers,
    }),
    queueRetries: new Gauge({
      name: 'frappe_operator_workqueue_retries_total',
      help: 'Keys retried after a failure since start.',
      labelNames: ['controller'] as const,
      registers,
    }),
    inFlight: new Gauge({
      name: 'frappe_operator_workqueue_in_flight',
      help: 'Reconciles running now.',
      labelNames: ['controller'] as const,
      registers,
    }),
    leader: new Gauge({ name: 'frappe_operator_leader', help: '1 while this process leads.', registers }),
    benches: new Gauge({
      name: 'frappe_operator_benches_total',
      help: 'FrappeBenches in the cache.',
      registers,
    }),
    sites: new Gauge({
      name: 'frappe_operator_sites_total',
      help: 'FrappeSites in the cache, by status phase.',
      labelNames: ['phase'] as const,
      registers,
    }),
    jobsRunning: new Gauge({
      name: 'frappe_operator_jobs_running',
      help: 'Jobs of the operator neither complete nor failed, by type (bench-init, site-init, site-drop).',
      labelNames: ['job_type'] as const,
      registers,
    }),
    jobRetries: new Counter({
      name: 'frappe_operator_job_retries_total',
      help: 'Failed Jobs scheduled to run again, by type.',
      labelNames: ['job_type'] as const,
      registers,
    }),
    jobRetryDelay: new Histogram({
      name: 'frappe_operator_job_retry_delay_seconds',
      help: 'Backoff before a failed Job runs again.',
      labelNames: ['job_type'] as const,
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200],
      registers,
    }),
    writes: new Gauge({
      name: 'frappe_operator_api_writes_total',
      help: 'Write requests the controller sent to the API server since start.',
      registers,
    }),
  };
}
