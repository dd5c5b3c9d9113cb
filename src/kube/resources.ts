// The REST coordinates of every kind the controller reads or writes: group/version, plural, and
// whether it is namespaced. Paths are built here and nowhere else.
import { KIND_NAMES } from '../api/kinds.js';

export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  /** The CRD that must exist before the kind can be watched (kinds of other operators). */
  crd?: string;
}

const core = (kind: string, plural: string): ResourceType => ({ apiVersion: 'v1', kind, plural });
const grouped = (apiVersion: string, kind: string, plural: string, crd = false): ResourceType => ({
  apiVersion,
  kind,
  plural,
  ...(crd ? { crd: `${plural}.${apiVersion.split('/')[0]}` } : {}),
});

/** The children's kinds, in the order they are watched. */
export const CHILD_TYPES = {
  PersistentVolumeClaim: core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  ConfigMap: core('ConfigMap', 'configmaps'),
  Secret: core('Secret', 'secrets'),
  Service: core('Service', 'services'),
  StatefulSet: grouped('apps/v1', 'StatefulSet', 'statefulsets'),
  Deployment: grouped('apps/v1', 'Deployment', 'deployments'),
  Job: grouped('batch/v1', 'Job', 'jobs'),
  Ingress: grouped('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  ScaledObject: grouped('keda.sh/v1alpha1', 'ScaledObject', 'scaledobjects', true),
  TriggerAuthentication: grouped('keda.sh/v1alpha1', 'TriggerAuthentication', 'triggerauthentications', true),
  MariaDB: grouped('k8s.mariadb.com/v1alpha1', 'MariaDB', 'mariadbs', true),
  Database: grouped('k8s.mariadb.com/v1alpha1', 'Database', 'databases', true),
  User: grouped('k8s.mariadb.com/v1alpha1', 'User', 'users', true),
  Grant: grouped('k8s.mariadb.com/v1alpha1', 'Grant', 'grants', true),
  Route: grouped('route.openshift.io/v1', 'Route', 'routes', true),
} as const satisfies Record<string, ResourceType>;

/** FrappeBench and FrappeSite, as the controller writes them (finalizers, defaults, status). */
export const OWNER_TYPES = {
  FrappeBench: {
    apiVersion: KIND_NAMES.FrappeBench.apiVersion,
    kind: 'FrappeBench',
    plural: KIND_NAMES.FrappeBench.plural,
  },
  FrappeSite: {
    apiVersion: KIND_NAMES.FrappeSite.apiVersion,
    kind: 'FrappeSite',
    plural: KIND_NAMES.FrappeSite.plural,
  },
} as const satisfies Record<string, ResourceType>;

export type ChildKind = keyof typeof CHILD_TYPES;

export function resourceTypeOf(kind: string): ResourceType | undefined {
  return (CHILD_TYPES as Record<string, ResourceType>)[kind];
}

const apiRoot = (apiVersion: string) =>
  apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;

/** Every object of the type in every namespace. */
export function collectionPath(type: ResourceType): string {
  return `${apiRoot(type.apiVersion)}/${type.plural}`;
}

/** Objects of the type in one namespace, or one of them by name. */
export function objectPath(type: ResourceType, namespace: string, name?: string): string {
  const base = `${apiRoot(type.apiVersion)}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}
