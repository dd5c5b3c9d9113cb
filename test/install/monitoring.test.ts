// The alerts and the dashboard (monitoring/): the real promtool (built from the Go module
// github.com/prometheus/prometheus v0.316.0 by scripts/build-promtool.sh) checks the rule file and
// runs its unit tests, in which every alert fires once and stays silent once; every alert links to a
// section of the one runbook; the chart's PrometheusRule and dashboard ConfigMap are the monitoring/
// files unchanged (rendered by the real helm); the generated files are not stale. Whether a running
// server exports every metric named here: test/e2e/metrics-exported.test.ts.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../harness/control-plane.js';
import { projectRoot } from '../../harness/paths.js';
import {
  buildTool,
  dashboardFile,
  generatedMonitoringFiles,
  metricNames,
  monitoringExpressions,
  rulesFile,
  rulesTestFile,
} from '../../scripts/monitoring-files.js';
import { ofKind, one, render } from './render.js';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RuleTest {
  alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
}

const readYaml = async <T>(file: string) => parse(await readFile(file, 'utf8')) as T;
const rules = async () =>
  (await readYaml<{ groups: { rules: Rule[] }[] }>(rulesFile())).groups.flatMap((g) => g.rules);

/** GitHub's anchor for a Markdown heading. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

describe('promtool', () => {
  let promtool: string;
  beforeAll(async () => {
    promtool = await buildTool('build-promtool.sh');
  }, 1_800_000);

  it('is cmd/promtool of github.com/prometheus/prometheus v0.316 (its Go build info)', async () => {
    // Built without release ldflags, `promtool --version` prints no version: the module's does.
    const result = await runCommand('go', ['version', '-m', promtool]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\s+path\s+github\.com\/prometheus\/prometheus\/cmd\/promtool$/m);
    expect(result.stdout).toMatch(/^\s+mod\s+github\.com\/prometheus\/prometheus\s+v0\.316\.\d+\s/m);
  });

  it('checks the rule file clean (check rules, with its linter)', async () => {
    const result = await runCommand(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', rulesFile()]);
    expect(result.stdout + result.stderr, result.stderr).toContain(
      `SUCCESS: ${(await rules()).length} rules found`,
    );
    expect(result.code).toBe(0);
  });

  it('passes the unit tests of every alert (test rules)', async () => {
    const result = await runCommand(promtool, ['test', 'rules', rulesTestFile()]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });
});

describe('the alert rules', () => {
  it('test every alert both firing and not firing', async () => {
    const tests = (await readYaml<{ tests: RuleTest[] }>(rulesTestFile())).tests.flatMap(
      (t) => t.alert_rule_test,
    );
    for (const { alert } of await rules()) {
      const cases = tests.filter((t) => t.alertname === alert);
      expect(
        cases.some((c) => c.exp_alerts.length > 0),
        `${alert} fires in some test`,
      ).toBe(true);
      expect(
        cases.some((c) => c.exp_alerts.length === 0),
        `${alert} stays silent in some test`,
      ).toBe(true);
    }
  });

  it('cover what issue 12 asks for, each with a severity, summary, description and runbook link', async () => {
    const all = await rules();
    const metricsOf = (alert: string) => metricNames(all.find((r) => r.alert === alert)!.expr);
    expect(metricsOf('FrappeAdmissionWebhookErrors')).toContain('frappe_admission_internal_errors_total');
    expect(metricsOf('FrappeAdmissionWebhookSlow')).toEqual([
      'frappe_admission_request_duration_seconds_bucket',
    ]);
    expect(metricsOf('FrappeAdmissionCertificateExpiringSoon')).toEqual([
      'frappe_admission_certificate_expiry_timestamp_seconds',
    ]);
    expect(metricsOf('FrappeOperatorReconcileErrors')).toContain(
      'frappe_operator_reconciliation_errors_total',
    );
    expect(metricsOf('FrappeOperatorSitesFailed')).toEqual(['frappe_operator_sites_total']);
    expect(all.find((r) => r.alert === 'FrappeOperatorCircuitBreakerOpen')).toMatchObject({
      expr: 'max by (namespace, target) (frappe_operator_circuit_breaker_state) == 2',
      for: '5m',
    });
    expect(all.find((r) => r.alert === 'FrappeOperatorNoLeader')).toMatchObject({
      expr: 'max by (namespace) (frappe_operator_leader) == 0',
      for: '2m',
    });
    for (const rule of all) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(Object.keys(rule.annotations).sort(), rule.alert).toEqual([
        'description',
        'runbook_url',
        'summary',
      ]);
    }
  });

  it('link to sections of docs/runbook.md that exist, which covers the runbook topics of issue 12', async () => {
    const runbook = await readFile(`${projectRoot()}/docs/runbook.md`, 'utf8');
    const anchors = [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) => anchor(m[1]!));
    for (const rule of await rules()) {
      const [path, section] = rule.annotations.runbook_url!.split('#');
      expect(path, rule.alert).toBe('docs/runbook.md');
      expect(anchors, rule.alert).toContain(section);
    }
    for (const topic of [
      'webhook-down',
      'certificate-expired',
      'stuck-deletion',
      'database-unreachable',
      'keda-absent',
    ])
      expect(anchors).toContain(topic);
    // One runbook: the controller's page links to it and keeps no entries of its own.
    const controller = await readFile(`${projectRoot()}/docs/controller.md`, 'utf8');
    const section = controller.slice(controller.indexOf('## Runbook'), controller.indexOf('## Metrics'));
    expect(section).toContain('(runbook.md)');
    expect(section).not.toMatch(/^- \*\*/m);
  });
});

describe('the dashboard', () => {
  it('queries through its data source variable, with unique panel ids and an expression in every target', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile(), 'utf8')) as {
      uid: string;
      panels: { id: number; type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('frappe-admission');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(metricNames(target.expr).length).toBeGreaterThan(0);
    }
  });

  it('names metrics the way the exported-metrics test reads them', async () => {
    // The name extraction the e2e test relies on, on forms the files use.
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (webhook, le) (rate(frappe_admission_request_duration_seconds_bucket{namespace=~"$namespace"}[$__rate_interval])))',
      ),
    ).toEqual(['frappe_admission_request_duration_seconds_bucket']);
    expect(
      metricNames('frappe_admission_certificate_expiry_timestamp_seconds - time() < 14 * 86400 and up > 0'),
    ).toEqual(['frappe_admission_certificate_expiry_timestamp_seconds', 'up']);
    expect(metricNames('label_values(frappe_admission_in_flight_requests, namespace)')).toEqual([
      'frappe_admission_in_flight_requests',
    ]);
    const named = new Set((await monitoringExpressions()).flatMap((e) => metricNames(e.expr)));
    expect(named.size).toBeGreaterThanOrEqual(17);
  });
});

describe('the chart', () => {
  it('renders neither the PrometheusRule nor the dashboard by default', async () => {
    const objects = await render();
    expect(ofKind(objects, 'PrometheusRule')).toEqual([]);
    expect(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name)).not.toContain(
      'frappe-admission-dashboard',
    );
  });

  it('renders monitoring/prometheus-rules.yaml unchanged as a PrometheusRule, runbook links prefixed', async () => {
    const source = await readYaml<{ groups: { rules: Rule[] }[] }>(rulesFile());
    const plain = one(await render({ set: ['prometheusRule.enabled=true'] }), 'PrometheusRule');
    expect(plain.spec).toEqual({ groups: source.groups });
    const base = 'https://example.org/frappe-admission/blob/v0.1.0/';
    const prefixed = one(
      await render({
        values: { prometheusRule: { enabled: true, runbookBaseURL: base, labels: { release: 'kps' } } },
      }),
      'PrometheusRule',
    );
    expect(prefixed.metadata).toMatchObject({
      namespace: 'frappe-admission-system',
      labels: { release: 'kps' },
    });
    const expected = source.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ({
        ...r,
        annotations: { ...r.annotations, runbook_url: base + r.annotations.runbook_url },
      })),
    }));
    expect(prefixed.spec).toEqual({ groups: expected });
  });

  it('renders monitoring/grafana-dashboard.json unchanged in a ConfigMap for the Grafana sidecar', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile(), 'utf8')) as unknown;
    const configMap = one(
      await render({ values: { grafanaDashboard: { enabled: true, namespace: 'grafana' } } }),
      'ConfigMap',
      'frappe-admission-dashboard',
    );
    expect(configMap.metadata).toMatchObject({ namespace: 'grafana', labels: { grafana_dashboard: '1' } });
    const data = configMap.data as Record<string, string>;
    expect(JSON.parse(data['frappe-admission.json']!)).toEqual(dashboard);
  });

  it('has its generated files as `npm run monitoring` writes them', async () => {
    for (const [file, content] of await generatedMonitoringFiles())
      expect(await readFile(file, 'utf8'), `${file} is stale: npm run monitoring`).toBe(content);
  });
});
