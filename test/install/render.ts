// Rendered chart objects for the install tests: `helm template` output parsed into objects.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { podArgs, type MountedDirectory } from '../../harness/pod-args.js';
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

/**
 * The Deployment's `serve` arguments, for a process outside a pod: each volume is the directory
 * `dir`/<volume name> (the ConfigMap's files are written there; a Secret volume, e.g. `dir`/tls, is
 * the caller's to fill) and the flags in `values` given those values instead (e.g.
 * `{'--drain-delay-seconds': '0'}`).
 */
export async function serveArgs(
  objects: K8sObject[],
  dir: string,
  values: Record<string, string> = {},
): Promise<string[]> {
  const deployment = one(objects, 'Deployment') as unknown as {
    spec: {
      template: {
        spec: {
          containers: { args: string[]; volumeMounts?: { name: string; mountPath: string }[] }[];
          volumes?: { name: string; configMap?: { name: string } }[];
        };
      };
    };
  };
  const { spec } = deployment.spec.template;
  const container = spec.containers[0]!;
  const mounts: MountedDirectory[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const local = join(dir, mount.name);
    mounts.push([mount.mountPath, local]);
    const configMapName = spec.volumes?.find((v) => v.name === mount.name)?.configMap?.name;
    if (!configMapName) continue;
    const configMap = one(objects, 'ConfigMap', configMapName) as unknown as {
      data?: Record<string, string>;
    };
    await mkdir(local, { recursive: true });
    for (const [key, value] of Object.entries(configMap.data ?? {})) await writeFile(join(local, key), value);
  }
  return podArgs(container.args, mounts, values);
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
