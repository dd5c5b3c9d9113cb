// Rendered chart objects for the install tests: `helm template` output parsed into objects.
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
