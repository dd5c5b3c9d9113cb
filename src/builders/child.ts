// What every child the controller makes has in common (API.md §8): its labels, its controller
// owner reference, and the annotation that records a hash of what was applied, so an unchanged
// child needs no request. Builders are pure: owner + options → desired object; no client, no clock.
import { createHash } from 'node:crypto';
import type { ObjectMeta } from '../api/common.js';

export const MANAGED_BY = 'frappe-admission';
/** Hash of the desired object as last applied (appliedHash()); the cache compares against it. */
export const APPLIED_HASH_ANNOTATION = 'vyogo.tech/applied-hash';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The object a child belongs to: a FrappeBench or FrappeSite as read from the API server. */
export interface Owner {
  apiVersion: string;
  kind: 'FrappeBench' | 'FrappeSite';
  metadata: ObjectMeta;
}

/** A desired child: a whole Kubernetes object, plain JSON, as server-side apply takes it. */
export interface Child {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
  };
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

/** The labels every child of `owner` carries; `component` says which part it is. */
export function childLabels(owner: Owner, component: string): Record<string, string> {
  return {
    [LABELS.name]: 'frappe',
    [LABELS.instance]: owner.metadata.name ?? '',
    [LABELS.component]: component,
    [LABELS.managedBy]: MANAGED_BY,
  };
}

export function controllerReference(owner: Owner): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * metadata of a child named `name` in the owner's namespace. `owned: false` leaves the owner
 * reference out, for children that must outlive their owner (data kept with deletionPolicy Retain).
 */
export function childMetadata(
  owner: Owner,
  name: string,
  component: string,
  options: { owned?: boolean; annotations?: Record<string, string> } = {},
): Child['metadata'] {
  return {
    name,
    namespace: owner.metadata.namespace ?? '',
    labels: childLabels(owner, component),
    ...(options.annotations ? { annotations: options.annotations } : {}),
    ...(options.owned === false ? {} : { ownerReferences: [controllerReference(owner)] }),
  };
}

/** JSON with object keys sorted, so equal objects hash equal whatever order they were built in. */
export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short stable hash (hex) of any JSON value. */
export function shortHash(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJSON(value)).digest('hex').slice(0, length);
}
