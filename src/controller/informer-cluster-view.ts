// The cluster view of the server: informer caches (list+watch) of benches, sites, storage and
// ingress classes, HPAs and the CRDs that tell whether KEDA and cert-manager are installed, with
// indexes (sites by key, bench, domain, database name and user; HPAs by namespace) kept up to date
// on every event, so a decision costs the same with 10,000 sites as with 10. Sites are kept as
// summaries (site-summary.ts), not whole objects.
//
// RBAC (docs/rbac.md): list, watch on vyogo.tech frappebenches and frappesites,
// storage.k8s.io storageclasses, networking.k8s.io ingressclasses, autoscaling
// horizontalpodautoscalers, apiextensions.k8s.io customresourcedefinitions and
// apiregistration.k8s.io apiservices.
import type { Logger } from 'pino';
import {
  CERT_MANAGER_CRD,
  DEFAULT_INGRESS_CLASS_ANNOTATION,
  DEFAULT_STORAGE_CLASS_ANNOTATION,
  KEDA_CRD,
  pickDefaultClass,
  ROUTE_API_SERVICE,
  type ClusterView,
  type HorizontalPodAutoscaler,
  type IngressClass,
  type StorageClass,
} from '../api/cluster.js';
import type { FrappeBench } from '../api/frappe-bench.js';
import type { FrappeSite } from '../api/frappe-site.js';
import { KIND_NAMES } from '../api/kinds.js';
import { MultiIndex } from '../api/multi-index.js';
import { SiteIndex } from '../api/site-index.js';
import { summarizeSite, type SiteSummary } from '../api/site-summary.js';
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../kube/kube-http.js';
import { keyOf, Reflector, type KubeObject, type ReflectorHandlers } from '../kube/reflector.js';

/** Handlers that keep an index on a derived key in step with a reflector's store. */
function indexed<T extends KubeObject>(
  index: MultiIndex<T>,
  indexOf: (object: T) => string | undefined,
): ReflectorHandlers<T> {
  return {
    onReplace: (objects) => {
      index.clear();
      for (const object of objects) index.add(indexOf(object), keyOf(object), object);
    },
    onUpsert: (object, previous) => {
      if (previous) index.remove(indexOf(previous), keyOf(previous));
      index.add(indexOf(object), keyOf(object), object);
    },
    onDelete: (object) => index.remove(indexOf(object), keyOf(object)),
  };
}

export interface InformerClusterView {
  view: ClusterView;
  /** The API client the informers use (the controller shares it). */
  http: KubeHttp;
  /** Every FrappeBench, whole, by `<namespace>/<name>`. */
  benches: ReadonlyMap<string, FrappeBench>;
  /** Every FrappeSite, whole, by `<namespace>/<name>`: only with `keepSites` (the controller reads specs). */
  sites: ReadonlyMap<string, FrappeSite>;
  /** True once every cache has listed at least once. */
  ready: () => boolean;
  waitForSync(): Promise<void>;
  stop(): void;
}

export interface InformerOptions {
  http?: KubeHttp;
  kubeconfig?: string;
  logger?: Logger;
  watchTimeoutSeconds?: number;
  /**
   * Keep whole FrappeSites (the controller reconciles them), not only the summaries the rules
   * read. The index is then built from summaries made on each event.
   */
  keepSites?: boolean;
  /**
   * Told of every bench or site that was added, changed or deleted (and of each after a relist,
   * as added): the object before and after the event. Only with keepSites (whole sites).
   */
  onChange?(change: OwnerChange): void;
}

export type OwnerChange =
  | { kind: 'FrappeBench'; namespace: string; name: string; previous?: FrappeBench; current?: FrappeBench }
  | { kind: 'FrappeSite'; namespace: string; name: string; previous?: FrappeSite; current?: FrappeSite };

const crdQuery = (name: string) => `fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;

export function startInformerClusterView(options: InformerOptions): InformerClusterView {
  const http = options.http ?? kubeHttp(loadKubeConfig(options.kubeconfig));
  const common = { http, logger: options.logger, watchTimeoutSeconds: options.watchTimeoutSeconds };
  const siteIndex = new SiteIndex();
  const hpasByNamespace = new MultiIndex<HorizontalPodAutoscaler>();
  let defaultStorageClass: StorageClass | undefined;
  let defaultIngressClass: IngressClass | undefined;

  const benchChanged = (current: FrappeBench | undefined, previous: FrappeBench | undefined) => {
    const { namespace = '', name = '' } = (current ?? previous)!.metadata;
    options.onChange?.({ kind: 'FrappeBench', namespace, name, current, previous });
  };
  // Called only with keepSites (serve passes onChange with the controller): stored sites are whole.
  const siteChanged = (current: FrappeSite | undefined, previous: FrappeSite | undefined) => {
    const { namespace = '', name = '' } = (current ?? previous)!.metadata;
    options.onChange?.({ kind: 'FrappeSite', namespace, name, current, previous });
  };
  const benches = new Reflector<FrappeBench>({
    ...common,
    path: KIND_NAMES.FrappeBench.collectionPath,
    handlers: options.onChange
      ? {
          onReplace: (all) => all.forEach((bench) => benchChanged(bench, undefined)),
          onUpsert: benchChanged,
          onDelete: (bench) => benchChanged(undefined, bench),
        }
      : {},
  });
  // Without the controller, sites are kept as summaries only (the few fields the rules read):
  // about 0.5 KB a site. With it, whole sites, summarized for the index on each event.
  const keep = options.keepSites === true;
  const summaryOf = (stored: FrappeSite | SiteSummary): SiteSummary =>
    keep ? summarizeSite(stored as FrappeSite) : (stored as SiteSummary);
  const sites = new Reflector<FrappeSite, FrappeSite | SiteSummary>({
    ...common,
    path: KIND_NAMES.FrappeSite.collectionPath,
    transform: keep ? (site) => site : summarizeSite,
    handlers: {
      onReplace: (stored) => {
        siteIndex.replace(stored.map(summaryOf));
        if (options.onChange) stored.forEach((site) => siteChanged(site as FrappeSite, undefined));
      },
      onUpsert: (stored, previous) => {
        siteIndex.upsert(summaryOf(stored));
        if (options.onChange) siteChanged(stored as FrappeSite, previous as FrappeSite | undefined);
      },
      onDelete: (stored) => {
        siteIndex.remove(summaryOf(stored));
        if (options.onChange) siteChanged(undefined, stored as FrappeSite);
      },
    },
  });
  const refreshDefaults = () => {
    defaultStorageClass = pickDefaultClass(storageClasses.store.values(), DEFAULT_STORAGE_CLASS_ANNOTATION);
    defaultIngressClass = pickDefaultClass(ingressClasses.store.values(), DEFAULT_INGRESS_CLASS_ANNOTATION);
  };
  const onAnyChange = { onReplace: refreshDefaults, onUpsert: refreshDefaults, onDelete: refreshDefaults };
  const storageClasses: Reflector<StorageClass> = new Reflector({
    ...common,
    path: '/apis/storage.k8s.io/v1/storageclasses',
    handlers: onAnyChange,
  });
  const ingressClasses: Reflector<IngressClass> = new Reflector({
    ...common,
    path: '/apis/networking.k8s.io/v1/ingressclasses',
    handlers: onAnyChange,
  });
  const hpas = new Reflector<HorizontalPodAutoscaler>({
    ...common,
    path: '/apis/autoscaling/v2/horizontalpodautoscalers',
    handlers: indexed(hpasByNamespace, (hpa) => hpa.metadata.namespace),
  });
  const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const keda = new Reflector<KubeObject>({
    ...common,
    path: crdPath,
    query: crdQuery(KEDA_CRD),
    handlers: {},
  });
  const certManager = new Reflector<KubeObject>({
    ...common,
    path: crdPath,
    query: crdQuery(CERT_MANAGER_CRD),
    handlers: {},
  });

  const routeApi = new Reflector<KubeObject>({
    ...common,
    path: '/apis/apiregistration.k8s.io/v1/apiservices',
    // Whether OpenShift Routes exist (src/api/cluster.ts); a name field selector works on any kind.
    query: crdQuery(ROUTE_API_SERVICE),
    handlers: {},
  });

  const all: Reflector<KubeObject, unknown>[] = [
    benches,
    sites,
    storageClasses,
    ingressClasses,
    hpas,
    keda,
    certManager,
    routeApi,
  ] as Reflector<KubeObject, unknown>[];
  for (const reflector of all) reflector.start();

  const view: ClusterView = {
    bench: (namespace, name) => benches.store.get(`${namespace}/${name}`),
    site: siteIndex.site,
    sitesOfBench: siteIndex.sitesOfBench,
    sitesWithDomain: siteIndex.sitesWithDomain,
    sitesWithDatabaseName: siteIndex.sitesWithDatabaseName,
    sitesWithDatabaseUser: siteIndex.sitesWithDatabaseUser,
    storageClassesKnown: () => storageClasses.hasSynced(),
    storageClass: (name) => storageClasses.store.get(`/${name}`),
    defaultStorageClass: () => defaultStorageClass,
    ingressClass: (name) => ingressClasses.store.get(`/${name}`),
    defaultIngressClass: () => defaultIngressClass,
    horizontalPodAutoscalers: (namespace) => hpasByNamespace.get(namespace),
    kedaInstalled: () => keda.store.size > 0,
    certManagerInstalled: () => certManager.store.size > 0,
    routeApiInstalled: () => routeApi.store.size > 0,
  };
  return {
    view,
    http,
    benches: benches.store,
    sites: (keep ? sites.store : new Map()) as ReadonlyMap<string, FrappeSite>,
    ready: () => all.every((r) => r.hasSynced()),
    waitForSync: async () => {
      await Promise.all(all.map((r) => r.waitForSync()));
    },
    stop: () => all.forEach((r) => r.stop()),
  };
}
