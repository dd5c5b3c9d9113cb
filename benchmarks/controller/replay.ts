// The second floor of the controller benchmark: every write the convergence needed besides the
// creates (the operator's status patches, finalizer and default patches, server-side applies that
// changed an existing child, Events, deletes; the played kubelet's and operators' status patches),
// replayed by a plain client against the floor's copies. The creates floor says what storing the
// objects costs; this one adds what the API server spends on the writes the issue asks for besides
// them (status on every phase change, an Event per phase change) and on the other actors' writes,
// so convergence/this floor is the controller's own overhead over the API work the run needed.
import type { KubeHttp } from '../../src/kube/kube-http.js';
import { creations, isLease, type AuditEvent } from './audit.js';

export interface ReplayItem {
  path: string;
  method: 'POST' | 'PATCH' | 'DELETE';
  body: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** The request path of an audit event without its query, moved to the namespace `rename(namespace)`. */
function movedPath(event: AuditEvent, rename: (namespace: string) => string): string | undefined {
  const namespace = event.objectRef?.namespace;
  if (!namespace) return undefined;
  const path = event.requestURI.split('?')[0] as string;
  return path.replace(`/namespaces/${namespace}/`, `/namespaces/${rename(namespace)}/`);
}

/**
 * One request per write in `events` (creates of objects excluded: the creates floor has them),
 * aimed at the same object's copy in the floor namespace: a status write carries the object's
 * current status, a metadata or spec write an annotation, an Event create a copy of an Event of
 * the run, a delete a delete. Reads the run's objects (untimed) for the bodies.
 */
export async function replayItems(
  http: KubeHttp,
  events: AuditEvent[],
  rename: (namespace: string) => string,
): Promise<ReplayItem[]> {
  const objects = new Map<string, Promise<Loose>>();
  const current = (path: string) => {
    let object = objects.get(path);
    if (!object) {
      object = http.getJSON(path).catch(() => undefined);
      objects.set(path, object);
    }
    return object;
  };
  let eventTemplate: Loose;
  const items: ReplayItem[] = [];
  let n = 0;
  for (const event of events) {
    const path = movedPath(event, rename);
    const original = event.requestURI.split('?')[0] as string;
    if (!path) continue;
    n++;
    if (event.objectRef?.resource === 'events' && event.verb === 'create') {
      if (!eventTemplate) {
        const list = (await http.getJSON(original)) as { items: Loose[] };
        eventTemplate = list.items[0];
        if (!eventTemplate) continue;
      }
      const namespace = rename(event.objectRef.namespace as string);
      const copy = structuredClone(eventTemplate);
      copy.metadata = { name: `replay-${n}`, namespace };
      copy.regarding = { ...copy.regarding, namespace };
      items.push({ path, method: 'POST', body: copy });
    } else if (event.verb === 'delete') {
      items.push({ path, method: 'DELETE', body: undefined });
    } else if (event.objectRef?.subresource === 'status') {
      const object = await current(original.replace(/\/status$/, ''));
      if (object?.status) items.push({ path, method: 'PATCH', body: { status: object.status } });
    } else if (event.verb === 'patch' || event.verb === 'update') {
      items.push({
        path,
        method: 'PATCH',
        body: { metadata: { annotations: { 'bench.vyogo.tech/replayed': String(n) } } },
      });
    }
  }
  return items;
}

/** The successful writes that are neither creations of objects (the creates floor copies those) nor Lease renewals. */
export function replayedWrites(events: AuditEvent[]): AuditEvent[] {
  const created = new Set(creations(events));
  return events.filter((e) => !created.has(e) && !isLease(e) && (e.responseStatus?.code ?? 0) < 300);
}
