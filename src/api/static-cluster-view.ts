// A ClusterView over a fixed list of objects: what the CLI builds from its context files and
// what unit tests use. Indexed once at construction, like the informer-backed view.
import {
  CERT_MANAGER_CRD,
  DEFAULT_INGRESS_CLASS_ANNOTATION,
  DEFAULT_STORAGE_CLASS_ANNOTATION,
  KEDA_CRD,
  pickDefaultClass,
  ROUTE_API_SERVICE,
  ROUTE_CRD,
  type ClusterView,
  type HorizontalPodAutoscaler,
  type IngressClass,
  type StorageClass,
} from './cluster.js';
import type { FrappeBench } from './frappe-bench.js';
import type { FrappeSite } from './frappe-site.js';
import type { ObjectMeta } from './common.js';
import { SiteIndex } from './site-index.js';
import { summarizeSite } from './site-summary.js';

interface AnyObject {
  kind?: unknown;
  metadata?: ObjectMeta;
}

export interface StaticClusterViewOptions {
  /** Treat storage classes as known even when none is given (an empty cluster). */
  storageClassesKnown?: boolean;
}

function push<T>(index: Map<string, T[]>, key: string | undefined, value: T): void {
  if (key === undefined) return;
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

export function staticClusterView(
  objects: readonly unknown[],
  options: StaticClusterViewOptions = {},
): ClusterView {
  const benches = new Map<string, FrappeBench>();
  const sites = new SiteIndex();
  const storageClasses = new Map<string, StorageClass>();
  const ingressClasses = new Map<string, IngressClass>();
  const hpas = new Map<string, HorizontalPodAutoscaler[]>();
  const crds = new Set<string>();
  const apiServices = new Set<string>();

  for (const raw of objects) {
    const object = raw as AnyObject;
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace ?? '';
    switch (object.kind) {
      case 'FrappeBench':
        benches.set(`${namespace}/${name}`, raw as FrappeBench);
        break;
      case 'FrappeSite':
        sites.upsert(summarizeSite(raw as FrappeSite));
        break;
      case 'StorageClass':
        storageClasses.set(name, raw as StorageClass);
        break;
      case 'IngressClass':
        ingressClasses.set(name, raw as IngressClass);
        break;
      case 'HorizontalPodAutoscaler':
        push(hpas, namespace, raw as HorizontalPodAutoscaler);
        break;
      case 'CustomResourceDefinition':
        crds.add(name);
        break;
      case 'APIService':
        apiServices.add(name);
        break;
    }
  }
  const defaultStorageClass = pickDefaultClass(storageClasses.values(), DEFAULT_STORAGE_CLASS_ANNOTATION);
  const defaultIngressClass = pickDefaultClass(ingressClasses.values(), DEFAULT_INGRESS_CLASS_ANNOTATION);
  const storageClassesKnown = options.storageClassesKnown ?? storageClasses.size > 0;

  return {
    bench: (namespace, name) => benches.get(`${namespace}/${name}`),
    site: sites.site,
    sitesOfBench: sites.sitesOfBench,
    sitesWithDomain: sites.sitesWithDomain,
    sitesWithDatabaseName: sites.sitesWithDatabaseName,
    sitesWithDatabaseUser: sites.sitesWithDatabaseUser,
    storageClassesKnown: () => storageClassesKnown,
    storageClass: (name) => storageClasses.get(name),
    defaultStorageClass: () => defaultStorageClass,
    ingressClass: (name) => ingressClasses.get(name),
    defaultIngressClass: () => defaultIngressClass,
    horizontalPodAutoscalers: (namespace) => hpas.get(namespace) ?? [],
    kedaInstalled: () => crds.has(KEDA_CRD),
    certManagerInstalled: () => crds.has(CERT_MANAGER_CRD),
    routeApiInstalled: () => apiServices.has(ROUTE_API_SERVICE) || crds.has(ROUTE_CRD),
  };
}
