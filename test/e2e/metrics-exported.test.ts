// Every metric the alerts (monitoring/prometheus-rules.yaml) and the dashboard
// (monitoring/grafana-dashboard.json) name is exported by the real `frappe-admission serve` (webhooks
// and controller, against the run's API server), read from its /metrics. Some series appear only
// after an event (a circuit breaker's state after its first connection, a histogram's buckets after
// its first observation), but prom-client prints `# HELP`/`# TYPE` for every registered metric even
// without a sample: the test reads the TYPE lines, so a metric counts as exported when it is
// registered, and a histogram's _bucket/_sum/_count count only when its TYPE is histogram. And the
// dashboard shows every frappe_* metric the server exports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperatorProcess, type OperatorProcess } from '../../harness/operator-process.js';
import { metricNames, monitoringExpressions } from '../../scripts/monitoring-files.js';
import { cluster } from '../harness/cluster.js';

/** Metric family → type, from the `# TYPE` lines of a Prometheus text exposition. */
function families(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The family a sample name belongs to, when it is exported: itself, or its histogram. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const histogram = /^(.+)_(bucket|sum|count)$/.exec(name)?.[1];
  return histogram !== undefined && ['histogram', 'summary'].includes(types.get(histogram) ?? '')
    ? histogram
    : undefined;
}

describe('the metrics the alerts and the dashboard name', () => {
  let operator: OperatorProcess;
  let exposition: string;

  beforeAll(async () => {
    const { kubeconfig, dir, ca } = cluster();
    operator = await startOperatorProcess({
      kubeconfig,
      dir,
      ca,
      name: 'metrics-a',
      leaseName: `metrics-${process.pid}`,
    });
    exposition = await operator.metrics();
  });

  afterAll(async () => {
    await operator?.stop();
  });

  it('are all exported by a running server', async () => {
    const types = families(exposition);
    const expressions = await monitoringExpressions();
    const missing = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => familyOf(name, types) === undefined)
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
    // Not vacuous: the families named, of both halves of the process.
    const named = new Set(expressions.flatMap((e) => metricNames(e.expr)).map((n) => familyOf(n, types)));
    expect(named).toContain('frappe_admission_request_duration_seconds');
    expect(named).toContain('frappe_operator_circuit_breaker_state');
    expect(named).toContain('frappe_operator_leader');
  });

  it('include the label-less gauges with a sample, and the breaker state registered before any connection', () => {
    expect(exposition).toMatch(/^frappe_operator_leader [01]$/m);
    expect(exposition).toMatch(
      /^frappe_admission_certificate_expiry_timestamp_seconds \d+(\.\d+)?(e\+\d+)?$/m,
    );
    expect(exposition).toContain('# TYPE frappe_operator_circuit_breaker_state gauge');
    expect(exposition).not.toMatch(/^frappe_operator_circuit_breaker_state\{/m);
  });

  it('cover every frappe_* metric the server exports, on the dashboard', async () => {
    const types = families(exposition);
    const onDashboard = new Set(
      (await monitoringExpressions())
        .filter((e) => e.where.startsWith('panel'))
        .flatMap((e) => metricNames(e.expr).map((n) => familyOf(n, types))),
    );
    const exported = [...types.keys()].filter((name) => name.startsWith('frappe_'));
    expect(exported.length).toBeGreaterThanOrEqual(19);
    expect(exported.filter((name) => !onDashboard.has(name))).toEqual([]);
  });
});
