// The Helm chart (charts/frappe-admission) as scripts and tests use it: helm from the Kubernetes
// binaries cache (scripts/build-k8s.sh builds it), `helm template` with values, and the plain
// manifests/install.yaml rendered from it for users without Helm.
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inNetns, kubernetesBinaries, runCommand, type CommandResult } from '../harness/control-plane.js';
import { projectRoot } from '../harness/paths.js';

export const chartDir = () => join(projectRoot(), 'charts', 'frappe-admission');
export const installManifestsFile = () => join(projectRoot(), 'manifests', 'install.yaml');

/**
 * helm is built from its Go module without Kubernetes version ldflags, so its default capabilities
 * say v1.20.0, below the chart's kubeVersion: render for the Kubernetes the project builds and tests.
 */
export const KUBE_VERSION = 'v1.34.3';
export const INSTALL_RELEASE = 'frappe-admission';
export const INSTALL_NAMESPACE = 'frappe-admission-system';

export async function helmBinary(): Promise<string> {
  return join(await kubernetesBinaries(), 'helm');
}

/** Runs helm; `netns`: inside that network namespace (an API server only reachable there). */
export async function helm(args: string[], options: { netns?: string } = {}): Promise<CommandResult> {
  return runCommand(...inNetns(options.netns, await helmBinary(), args), {
    // No user configuration or plugins: the same result on every machine.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HELM_CONFIG_HOME: '/nonexistent',
      HELM_DATA_HOME: '/nonexistent',
    },
  });
}

export interface TemplateOptions {
  release?: string;
  namespace?: string;
  /** `--set` assignments, e.g. `certificates.mode=self-managed`. */
  set?: string[];
  /** A values document given with `--set-json` per top-level key (no temporary files). */
  values?: Record<string, unknown>;
  includeCrds?: boolean;
}

/** `helm template` of the chart; throws with helm's message when it fails. */
export async function helmTemplate(options: TemplateOptions = {}): Promise<string> {
  const args = [
    'template',
    options.release ?? INSTALL_RELEASE,
    chartDir(),
    '--namespace',
    options.namespace ?? INSTALL_NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    ...(options.includeCrds ? ['--include-crds'] : []),
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
    ...Object.entries(options.values ?? {}).flatMap(([key, value]) => [
      '--set-json',
      `${key}=${JSON.stringify(value)}`,
    ]),
  ];
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** manifests/install.yaml: the Namespace, then the chart with default values (cert-manager mode) and its CRDs. */
export async function renderInstallManifests(): Promise<string> {
  const rendered = await helmTemplate({ includeCrds: true });
  return [
    '# frappe-admission: everything `helm install` would create, for clusters without Helm.',
    '# Generated from charts/frappe-admission (default values: cert-manager certificates, release',
    `# ${INSTALL_RELEASE}, namespace ${INSTALL_NAMESPACE}) by \`npm run manifests\`; do not edit.`,
    '# Needs cert-manager. Usage: docs/install.md',
    '---',
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${INSTALL_NAMESPACE}`,
    rendered.replace(/^(?!---)/, '---\n'),
  ].join('\n');
}

/** The CRD files the chart ships: copies of crds/ (Helm installs them before the templates). */
export async function syncChartCrds(): Promise<string[]> {
  const source = join(projectRoot(), 'crds');
  const files = (await readdir(source)).filter((f) => f.endsWith('.yaml'));
  await Promise.all(files.map((f) => copyFile(join(source, f), join(chartDir(), 'crds', f))));
  return files;
}
