// Rendered chart objects for the install tests: `helm template` output parsed into objects.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helmTemplate, type TemplateOptions } from '../../scripts/chart.js';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
} & Record<string, unknown>;

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw document.errors[0];
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

export async function render(options: TemplateOptions = {}): Promise<K8sObject[]> {
  return parseObjects(await helmTemplate(options));
}

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

export function one(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = ofKind(objects, kind).filter((o) => name === undefined || o.metadata.name === name);
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

/** Where the chart's pod mounts its files, by the name `serve` finds them under outside a pod. */
const MOUNTED_FILES: Record<string, string> = {
  '/var/run/frappe-admission/tls/tls.crt': join('tls', 'tls.crt'),
  '/var/run/frappe-admission/tls/tls.key': join('tls', 'tls.key'),
  '/etc/frappe-admission/config.yaml': 'config.yaml',
};

/**
 * The Deployment's `serve` arguments, for a process outside a pod: the mounted files moved under
 * `dir` (the ConfigMap's config.yaml is written there; the certificate is expected in `dir`/tls) and
 * the flags in `values` given those values instead (e.g. `{'--drain-delay-seconds': '0'}`).
 */
export async function serveArgs(
  objects: K8sObject[],
  dir: string,
  values: Record<string, string> = {},
): Promise<string[]> {
  const configMap = one(objects, 'ConfigMap') as unknown as { data: Record<string, string> };
  await writeFile(join(dir, 'config.yaml'), configMap.data['config.yaml']!);
  const deployment = one(objects, 'Deployment') as unknown as {
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  };
  return deployment.spec.template.spec.containers[0]!.args.map((arg) => {
    const [flag = '', value] = arg.split('=');
    if (values[flag] !== undefined) return `${flag}=${values[flag]}`;
    const file = value === undefined ? undefined : MOUNTED_FILES[value];
    return file ? `${flag}=${join(dir, file)}` : arg;
  });
}

/** Every combination of the chart's optional parts: certificate mode × ServiceMonitor × NetworkPolicy. */
export const COMBINATIONS = (['cert-manager', 'self-managed'] as const).flatMap((mode) =>
  [false, true].flatMap((serviceMonitor) =>
    [false, true].map((networkPolicy) => ({
      name: `${mode}, ServiceMonitor ${serviceMonitor ? 'on' : 'off'}, NetworkPolicy ${networkPolicy ? 'on' : 'off'}`,
      mode,
      serviceMonitor,
      networkPolicy,
      set: [
        `certificates.mode=${mode}`,
        `serviceMonitor.enabled=${serviceMonitor}`,
        `networkPolicy.enabled=${networkPolicy}`,
      ],
    })),
  ),
);
