// Which namespace an object is in, and which namespace its site's bench is in. On CREATE with
// generateName metadata.namespace may be empty: the request's namespace is the reliable one then.
import { valueAt } from './json.js';

const named = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The object's own namespace: metadata.namespace, else the request's. */
export function namespaceOf(object: unknown, requestNamespace: string): string {
  return named(valueAt(object, ['metadata', 'namespace'])) ?? requestNamespace;
}

/** The namespace of a site's bench: spec.benchRef.namespace, else the site's own namespace. */
export function benchNamespaceOf(site: unknown, requestNamespace: string): string {
  return named(valueAt(site, ['spec', 'benchRef', 'namespace'])) ?? namespaceOf(site, requestNamespace);
}
