// Every write the controller makes, in one place: server-side apply of children, create-only for
// objects that must never be overwritten (generated passwords), deletes that tolerate absence,
// JSON patches with a resourceVersion precondition, and status through the status subresource.
// Each write is counted, so "a bench at rest causes no writes" can be measured.
import { isConflict, isNotFound, type KubeHttp } from './kube-http.js';
import { objectPath, resourceTypeOf, type ResourceType } from './resources.js';

/** The SSA field manager, also the Events' reportingController. */
export const FIELD_MANAGER = 'frappe-admission';

export interface WritableObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string };
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

export interface Writes {
  /** Server-side apply, forcing ownership of every field we set (children are ours). */
  apply(object: WritableObject): Promise<unknown>;
  /** Creates the object unless one of that name exists; never changes an existing one. */
  createIfAbsent(object: WritableObject): Promise<'created' | 'exists'>;
  /** Deletes; an object already gone is not an error. `uid` makes the delete conditional on it. */
  remove(
    type: ResourceType,
    namespace: string,
    name: string,
    options?: { uid?: string; propagation?: 'Background' | 'Foreground' | 'Orphan' },
  ): Promise<void>;
  /** A JSON patch of the object (include a `test` of resourceVersion to make it conditional). */
  patch(
    type: ResourceType,
    namespace: string,
    name: string,
    operations: JsonPatchOperation[],
  ): Promise<unknown>;
  /** Replaces the whole status through the status subresource (fields left out are removed). */
  patchStatus(type: ResourceType, namespace: string, name: string, status: unknown): Promise<unknown>;
  /** Writes made so far (requests that reached the API server with a write verb). */
  count(): number;
}

function typeOf(object: WritableObject): ResourceType {
  const type = resourceTypeOf(object.kind);
  if (!type || type.apiVersion !== object.apiVersion)
    throw new Error(`no REST mapping for ${object.apiVersion} ${object.kind}`);
  return type;
}

export function writes(http: KubeHttp, extraTypes: ResourceType[] = []): Writes {
  let count = 0;
  const typeFor = (object: WritableObject) =>
    extraTypes.find((t) => t.kind === object.kind && t.apiVersion === object.apiVersion) ?? typeOf(object);
  const send = (method: string, path: string, body?: unknown, contentType?: string) => {
    count++;
    return http.sendJSON(method, path, body, contentType);
  };
  return {
    apply(object) {
      const path = objectPath(typeFor(object), object.metadata.namespace ?? '', object.metadata.name);
      return send(
        'PATCH',
        `${path}?fieldManager=${FIELD_MANAGER}&force=true`,
        object,
        'application/apply-patch+yaml',
      );
    },
    async createIfAbsent(object) {
      try {
        await send('POST', objectPath(typeFor(object), object.metadata.namespace ?? ''), object);
        return 'created';
      } catch (error) {
        if (isConflict(error)) return 'exists';
        throw error;
      }
    },
    async remove(type, namespace, name, options = {}) {
      try {
        await send('DELETE', objectPath(type, namespace, name), {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: options.propagation ?? 'Background',
          ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
        });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    patch(type, namespace, name, operations) {
      return send('PATCH', objectPath(type, namespace, name), operations, 'application/json-patch+json');
    },
    patchStatus(type, namespace, name, status) {
      // `add` replaces the member when it exists: one operation whether or not status was set.
      return send(
        'PATCH',
        `${objectPath(type, namespace, name)}/status`,
        [{ op: 'add', path: '/status', value: status }],
        'application/json-patch+json',
      );
    },
    count: () => count,
  };
}
