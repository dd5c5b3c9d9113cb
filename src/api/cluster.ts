// The read-only view of the cluster that defaults and policies consult. Plain objects back it
// in the CLI and in unit tests (static-cluster-view.ts); informer caches back it in the server
// (src/controller). Lookups by name, by bench and by domain are indexed by every implementation,
// so a decision costs the same with 10,000 sites as with 10. No method does I/O.
import type { FrappeBench } from './frappe-bench.js';
import type { ObjectMeta } from './common.js';
import type { SiteSummary } from './site-summary.js';

/** The parts of a storage.k8s.io/v1 StorageClass the rules read. */
export interface StorageClass {
  apiVersion?: string;
  kind?: 'StorageClass';
  metadata: ObjectMeta;
  provisioner: string;
  parameters?: Record<string, string>;
}

/** The parts of a networking.k8s.io/v1 IngressClass the rules read. */
export interface IngressClass {
  apiVersion?: string;
  kind?: 'IngressClass';
  metadata: ObjectMeta;
  spec?: { controller?: string };
}

/** The parts of an autoscaling/v2 HorizontalPodAutoscaler the rules read. */
export interface HorizontalPodAutoscaler {
  apiVersion?: string;
  kind?: 'HorizontalPodAutoscaler';
  metadata: ObjectMeta;
  spec?: { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } };
}

export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** CRDs whose presence tells that KEDA and cert-manager are installed. */
export const KEDA_CRD = 'scaledobjects.keda.sh';
export const CERT_MANAGER_CRD = 'certificates.cert-manager.io';
/**
 * The APIService that tells whether OpenShift Routes can be created. OpenShift serves Routes from
 * an aggregated API server, not from a CRD; where a CRD defines them (MicroShift-like set-ups,
 * tests), kube-apiserver registers this same APIService for the CRD's group version.
 */
export const ROUTE_API_SERVICE = 'v1.route.openshift.io';
export const ROUTE_CRD = 'routes.route.openshift.io';

export interface ClusterView {
  bench(namespace: string, name: string): FrappeBench | undefined;
  /** A stored site (a summary: what the rules read), e.g. for a DELETE that carries no oldObject. */
  site(namespace: string, name: string): SiteSummary | undefined;
  /** Sites whose benchRef points at this bench (indexed by bench). */
  sitesOfBench(namespace: string, bench: string): readonly SiteSummary[];
  /** Sites whose effective domain (spec.domain, else spec.siteName) equals domain (indexed). */
  sitesWithDomain(domain: string): readonly SiteSummary[];
  /** Sites whose databaseName, compared without case (identifierKey), is this key (indexed). */
  sitesWithDatabaseName(key: string): readonly SiteSummary[];
  /** Sites whose databaseUser, compared without case (identifierKey), is this key (indexed). */
  sitesWithDatabaseUser(key: string): readonly SiteSummary[];
  /** False when storage classes cannot be looked up (offline without them, no RBAC, not synced). */
  storageClassesKnown(): boolean;
  storageClass(name: string): StorageClass | undefined;
  /** The cluster's default class (pickDefaultClass: the newest annotated one). */
  defaultStorageClass(): StorageClass | undefined;
  ingressClass(name: string): IngressClass | undefined;
  /** The cluster's default class (pickDefaultClass: the newest annotated one). */
  defaultIngressClass(): IngressClass | undefined;
  horizontalPodAutoscalers(namespace: string): readonly HorizontalPodAutoscaler[];
  kedaInstalled(): boolean;
  certManagerInstalled(): boolean;
  /** Whether route.openshift.io/v1 is served (OpenShift, or a Route CRD). */
  routeApiInstalled(): boolean;
}

/** Whether an object carries the is-default-class annotation with value "true". */
export function isDefaultClass(object: { metadata: ObjectMeta }, annotation: string): boolean {
  return object.metadata.annotations?.[annotation] === 'true';
}

/**
 * The default class as the API server picks it since 1.26 when several carry the annotation: the
 * newest (older API servers refused to admit objects then; picking one keeps defaults stable).
 */
export function pickDefaultClass<T extends { metadata: ObjectMeta }>(
  classes: Iterable<T>,
  annotation: string,
): T | undefined {
  let best: T | undefined;
  for (const c of classes) {
    if (!isDefaultClass(c, annotation)) continue;
    const created = String(c.metadata.creationTimestamp ?? '');
    if (!best || created > String(best.metadata.creationTimestamp ?? '')) best = c;
  }
  return best;
}
