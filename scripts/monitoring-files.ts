// The files generated from monitoring/ (`npm run monitoring`), one source each, so nothing is kept in
// sync by hand (tests fail when a generated file is stale):
// - monitoring/prometheus-rules.yaml → the chart's PrometheusRule (templates/prometheusrule.yaml);
// - monitoring/grafana-dashboard.json → the chart's dashboard ConfigMap (templates/grafana-dashboard.yaml);
// - monitoring/argocd/health.lua → the argocd-cm snippet in docs/argocd.md.
// Helm reads `{{` as the start of an action, and both the alerts' annotation templates and the
// dashboard's legends use it: the generated templates print each one as `{{ "{{" }}`.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { projectRoot } from '../harness/paths.js';

const root = () => projectRoot();
export const monitoringFile = (...parts: string[]) => join(root(), 'monitoring', ...parts);
export const rulesFile = () => monitoringFile('prometheus-rules.yaml');
export const rulesTestFile = () => monitoringFile('prometheus-rules.test.yaml');
export const dashboardFile = () => monitoringFile('grafana-dashboard.json');
export const healthLuaFile = () => monitoringFile('argocd', 'health.lua');
export const prometheusRuleTemplateFile = () =>
  join(root(), 'charts', 'frappe-admission', 'templates', 'prometheusrule.yaml');
export const dashboardTemplateFile = () =>
  join(root(), 'charts', 'frappe-admission', 'templates', 'grafana-dashboard.yaml');
export const argocdDocFile = () => join(root(), 'docs', 'argocd.md');

/** The Argo CD group_kind keys the health check is installed under. */
export const ARGOCD_HEALTH_KEYS = [
  'resource.customizations.health.vyogo.tech_FrappeBench',
  'resource.customizations.health.vyogo.tech_FrappeSite',
];

const escapeForHelm = (text: string) => text.replaceAll('{{', '{{ "{{" }}');
const indent = (text: string, spaces: number) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(spaces) + line))
    .join('\n');

const GENERATED = (source: string) =>
  `# Generated from ${source} by \`npm run monitoring\`; do not edit (a test fails when it is stale).`;

export function prometheusRuleTemplate(rulesText: string): string {
  const rules = parse(rulesText) as { groups: unknown };
  const groups = stringify({ groups: rules.groups }, { lineWidth: 0 }).trimEnd();
  // runbook_url is relative to the repository in the source; the chart prefixes a base URL.
  const body = escapeForHelm(groups).replace(
    /^(\s*)runbook_url: (\S+)$/gm,
    (_, space: string, path: string) =>
      `${space}runbook_url: {{ print .Values.prometheusRule.runbookBaseURL ${JSON.stringify(path)} | quote }}`,
  );
  return [
    '{{- if .Values.prometheusRule.enabled }}',
    GENERATED('monitoring/prometheus-rules.yaml'),
    '# Needs the monitoring.coreos.com CRDs (Prometheus Operator).',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PrometheusRule',
    'metadata:',
    '  name: {{ include "frappe-admission.fullname" . }}',
    '  namespace: {{ .Release.Namespace }}',
    '  labels:',
    '    {{- include "frappe-admission.labels" . | nindent 4 }}',
    '    {{- with .Values.prometheusRule.labels }}',
    '    {{- toYaml . | nindent 4 }}',
    '    {{- end }}',
    'spec:',
    indent(body, 2),
    '{{- end }}',
    '',
  ].join('\n');
}

export function dashboardTemplate(dashboardText: string): string {
  JSON.parse(dashboardText); // fail here on a broken file, not in Grafana
  return [
    '{{- if .Values.grafanaDashboard.enabled }}',
    GENERATED('monitoring/grafana-dashboard.json'),
    "# Picked up by Grafana's dashboard sidecar (label grafana_dashboard by default).",
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ include "frappe-admission.fullname" . }}-dashboard',
    '  namespace: {{ default .Release.Namespace .Values.grafanaDashboard.namespace }}',
    '  labels:',
    '    {{- include "frappe-admission.labels" . | nindent 4 }}',
    '    {{- with .Values.grafanaDashboard.labels }}',
    '    {{- toYaml . | nindent 4 }}',
    '    {{- end }}',
    '  {{- with .Values.grafanaDashboard.annotations }}',
    '  annotations:',
    '    {{- toYaml . | nindent 4 }}',
    '  {{- end }}',
    'data:',
    '  frappe-admission.json: |-',
    indent(escapeForHelm(dashboardText.trimEnd()), 4),
    '{{- end }}',
    '',
  ].join('\n');
}

const SNIPPET_BEGIN =
  '<!-- BEGIN argocd-cm: generated from monitoring/argocd/health.lua by `npm run monitoring` -->';
const SNIPPET_END = '<!-- END argocd-cm -->';

/** The argocd-cm data that installs the health check for both kinds. */
export function argocdSnippet(lua: string): string {
  const script = indent(lua.trimEnd(), 4);
  return [
    '```yaml',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: argocd-cm',
    '  namespace: argocd',
    '  labels:',
    '    app.kubernetes.io/part-of: argocd',
    'data:',
    ...ARGOCD_HEALTH_KEYS.flatMap((key) => [`  ${key}: |`, script]),
    '```',
  ].join('\n');
}

/** docs/argocd.md with the snippet between its markers replaced by the one generated from `lua`. */
export function argocdDoc(doc: string, lua: string): string {
  const begin = doc.indexOf(SNIPPET_BEGIN);
  const end = doc.indexOf(SNIPPET_END);
  if (begin < 0 || end < begin) throw new Error(`docs/argocd.md: no ${SNIPPET_BEGIN} … ${SNIPPET_END}`);
  return `${doc.slice(0, begin + SNIPPET_BEGIN.length)}\n\n${argocdSnippet(lua)}\n\n${doc.slice(end)}`;
}

/** Every generated file: path → the content it must have. */
export async function generatedMonitoringFiles(): Promise<Map<string, string>> {
  const [rules, dashboard, lua, doc] = await Promise.all([
    readFile(rulesFile(), 'utf8'),
    readFile(dashboardFile(), 'utf8'),
    readFile(healthLuaFile(), 'utf8'),
    readFile(argocdDocFile(), 'utf8'),
  ]);
  return new Map([
    [prometheusRuleTemplateFile(), prometheusRuleTemplate(rules)],
    [dashboardTemplateFile(), dashboardTemplate(dashboard)],
    [argocdDocFile(), argocdDoc(doc, lua)],
  ]);
}

// PromQL words that are not metric names (functions and aggregations are told by the `(` after them).
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);
PROMQL_KEYWORDS.add('and').add('or').add('unless').add('offset').add('Inf').add('NaN').add('inf').add('nan');

/**
 * The metric names a PromQL expression (or a Grafana query with `$variables`) selects: what is left
 * once strings, label matchers, ranges, label lists and variables are removed, minus keywords and
 * function names. `label_values(metric, label)` (a Grafana variable query) names `metric`.
 */
export function metricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(expr);
  if (labelValues) return [labelValues[1]!];
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const before = bare[match.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // 1e3, 0.5
    if (
      bare
        .slice(match.index + word.length)
        .trimStart()
        .startsWith('(')
    )
      continue;
    if (!PROMQL_KEYWORDS.has(word)) names.add(word);
  }
  return [...names];
}

/** Every expression of the alert rules and of the dashboard (panels' targets and variable queries). */
export async function monitoringExpressions(): Promise<{ where: string; expr: string }[]> {
  const rules = parse(await readFile(rulesFile(), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  const dashboard = JSON.parse(await readFile(dashboardFile(), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; query?: string | { query: string } }[] };
  };
  return [
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ...dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
    ),
    ...dashboard.templating.list.flatMap((v) =>
      v.query === undefined || (typeof v.query === 'string' && !v.query.includes('('))
        ? []
        : [{ where: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query }],
    ),
  ];
}

/**
 * Runs one of the idempotent build scripts (build-promtool.sh, build-argocd-lua.sh: instant when
 * cached) and returns the binary it prints on its last line.
 */
export async function buildTool(script: 'build-promtool.sh' | 'build-argocd-lua.sh'): Promise<string> {
  const child = spawn('bash', [join(root(), 'scripts', script)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`scripts/${script} failed (exit code ${code}); its output is above`);
  return stdout.trim().split('\n').pop() as string;
}
