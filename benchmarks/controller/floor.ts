// The floor of the controller benchmark: what the API server itself costs to store the objects
// the controller created. The controller's children are copied (same kinds, same sizes, same
// counts as its creates in the audit log, including those it deleted since, e.g. `<s>-init`
// Secrets) into a fresh namespace set and created there by a plain client at the same concurrency.
import type { KubeHttp } from '../../src/kube/kube-http.js';
import type { AuditEvent } from './audit.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

export interface Resource {
  apiGroup: string;
  apiVersion: string;
  resource: string;
}

const root = (r: Resource) => (r.apiGroup ? `/apis/${r.apiGroup}/${r.apiVersion}` : `/api/${r.apiVersion}`);
export const resourceLabel = (r: Resource) => `${r.resource}${r.apiGroup ? `.${r.apiGroup}` : ''}`;

/** Created objects per resource. */
export function countByResource(created: AuditEvent[]): Map<string, { resource: Resource; count: number }> {
  const byResource = new Map<string, { resource: Resource; count: number }>();
  for (const e of created) {
    const ref = e.objectRef ?? {};
    const resource = {
      apiGroup: ref.apiGroup ?? '',
      apiVersion: ref.apiVersion ?? 'v1',
      resource: ref.resource ?? '',
    };
    const key = resourceLabel(resource);
    const entry = byResource.get(key) ?? { resource, count: 0 };
    entry.count++;
    byResource.set(key, entry);
  }
  return byResource;
}

/** The object as a client would first create it: no server-set fields, no owner, no status. */
function sanitize(resource: string, object: Loose, namespace: string, name: string): Loose {
  const copy: Loose = structuredClone(object);
  const metadata = copy.metadata;
  delete copy.status;
  copy.metadata = {
    name,
    namespace,
    ...(metadata.labels ? { labels: metadata.labels } : {}),
    ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
  };
  if (resource === 'services') {
    delete copy.spec.clusterIP;
    delete copy.spec.clusterIPs;
  }
  if (resource === 'persistentvolumeclaims') delete copy.spec.volumeName;
  if (resource === 'jobs') {
    delete copy.spec.selector;
    const labels = copy.spec.template?.metadata?.labels ?? {};
    for (const key of [
      'controller-uid',
      'batch.kubernetes.io/controller-uid',
      'job-name',
      'batch.kubernetes.io/job-name',
    ])
      delete labels[key];
  }
  return copy;
}

export interface FloorObject {
  path: string;
  body: Loose;
}

/**
 * `count` copies per resource of the objects found in `namespaces`, each moved to the namespace
 * `rename(namespace)`; when fewer objects exist than were created, templates are reused under
 * suffixed names.
 */
export async function floorObjects(
  http: KubeHttp,
  counts: Map<string, { resource: Resource; count: number }>,
  namespaces: Set<string>,
  rename: (namespace: string) => string,
  selector: string,
): Promise<FloorObject[]> {
  const out: FloorObject[] = [];
  for (const { resource, count } of counts.values()) {
    const templates: Loose[] = [];
    let next = '';
    do {
      const page = (await http.getJSON(
        `${root(resource)}/${resource.resource}?limit=500&${selector}${next ? `&continue=${encodeURIComponent(next)}` : ''}`,
      )) as { items: Loose[]; metadata?: { continue?: string } };
      for (const item of page.items) if (namespaces.has(item.metadata.namespace)) templates.push(item);
      next = page.metadata?.continue ?? '';
    } while (next);
    if (templates.length === 0) throw new Error(`no ${resourceLabel(resource)} to copy for the floor`);
    for (let k = 0; k < count; k++) {
      const template = templates[k % templates.length];
      const round = Math.floor(k / templates.length);
      const namespace = rename(template.metadata.namespace);
      const name = round === 0 ? template.metadata.name : `${template.metadata.name}-${round}`;
      out.push({
        path: `${root(resource)}/namespaces/${namespace}/${resource.resource}`,
        body: sanitize(resource.resource, template, namespace, name),
      });
    }
  }
  return out;
}
