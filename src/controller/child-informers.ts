// The controller's caches of its children: one list+watch per child kind, cluster-wide, narrowed
// by the managed-by label to what this operator made, each object kept as a ChildSummary (never
// the whole object, never Secret data). Kinds of other operators (KEDA, mariadb-operator, OpenShift
// Routes) are watched only while their CRD exists: a kind installed later is picked up, a kind
// never installed costs no failing watch. Every change the owner's reconcile would act on is told to
// onChange, which wakes the owner (wake-rules.ts).
import type { Logger } from 'pino';
import { LABELS, MANAGED_BY } from '../builders/child.js';
import { MultiIndex } from '../api/multi-index.js';
import type { KubeHttp } from '../kube/kube-http.js';
import { Reflector, type KubeObject } from '../kube/reflector.js';
import { CHILD_TYPES, collectionPath, type ChildKind, type ResourceType } from '../kube/resources.js';
import { summarizeChild, type ChildSummary } from '../reconcile/child-state.js';
import { childChangeNeedsReconcile } from './wake-rules.js';

export interface ChildCache {
  /** The child of that kind and name, if cached. */
  get(kind: ChildKind, namespace: string, name: string): ChildSummary | undefined;
  /** Every cached child whose controller owner has this uid. */
  ownedBy(ownerUid: string): ChildSummary[];
  /** Every cached child of the kind. */
  list(kind: ChildKind): Iterable<ChildSummary>;
  /** Whether the kind can be written and is watched: built in, or its CRD exists and its cache has listed. */
  available(kind: ChildKind): boolean;
}

export interface ChildInformers {
  cache: ChildCache;
  ready(): boolean;
  waitForSync(): Promise<void>;
  stop(): void;
}

export interface ChildInformerOptions {
  http: KubeHttp;
  logger?: Logger;
  watchTimeoutSeconds?: number;
  onChange(child: ChildSummary): void;
  /** Told of each child that is gone (deleted, or missing from a relist). */
  onDeleted?(child: ChildSummary): void;
  /**
   * A kind of another operator became available (its CRD appeared and its cache listed) or went
   * away: every owner may now want different children (KEDA installed later).
   */
  onKindsChanged?(): void;
}

const managedSelector = `labelSelector=${encodeURIComponent(`${LABELS.managedBy}=${MANAGED_BY}`)}`;

export function startChildInformers(options: ChildInformerOptions): ChildInformers {
  const byOwner = new MultiIndex<ChildSummary>();
  const reflectors = new Map<ChildKind, Reflector<KubeObject, ChildSummary>>();
  const common = {
    http: options.http,
    logger: options.logger,
    watchTimeoutSeconds: options.watchTimeoutSeconds,
  };

  function startKind(kind: ChildKind, type: ResourceType): void {
    if (reflectors.has(kind)) return;
    const reflector = new Reflector<KubeObject, ChildSummary>({
      ...common,
      path: collectionPath(type),
      query: managedSelector,
      transform: (object) => summarizeChild(type, object as never),
      handlers: {
        onReplace: (children, previous) => {
          // A relist: drop this kind's index entries, then add what the list returned; owners of
          // children that vanished while the watch was down are woken too.
          for (const child of previous) byOwner.remove(child.metadata.ownerUid, child.metadata.uid);
          for (const child of children) byOwner.add(child.metadata.ownerUid, child.metadata.uid, child);
          const present = new Set(children.map((child) => child.metadata.uid));
          for (const child of previous) if (!present.has(child.metadata.uid)) options.onDeleted?.(child);
          for (const child of [...previous, ...children]) options.onChange(child);
          if (type.crd && !reflector.hasSynced()) queueMicrotask(() => options.onKindsChanged?.());
        },
        onUpsert: (child, previous) => {
          if (previous) byOwner.remove(previous.metadata.ownerUid, previous.metadata.uid);
          byOwner.add(child.metadata.ownerUid, child.metadata.uid, child);
          if (childChangeNeedsReconcile(previous, child)) options.onChange(child);
        },
        onDelete: (child) => {
          byOwner.remove(child.metadata.ownerUid, child.metadata.uid);
          options.onDeleted?.(child);
          options.onChange(child);
        },
      },
    });
    reflectors.set(kind, reflector);
    reflector.start();
  }

  function stopKind(kind: ChildKind): void {
    const reflector = reflectors.get(kind);
    if (!reflector) return;
    reflector.stop();
    reflectors.delete(kind);
    for (const child of reflector.store.values()) {
      byOwner.remove(child.metadata.ownerUid, child.metadata.uid);
      options.onChange(child);
    }
    options.onKindsChanged?.();
  }

  const crdKinds = new Map<string, ChildKind>();
  for (const [kind, type] of Object.entries(CHILD_TYPES) as [ChildKind, ResourceType][]) {
    if (type.crd) crdKinds.set(type.crd, kind);
    else startKind(kind, type);
  }
  // One watch of every CRD's name tells which kinds of other operators exist (names only are kept).
  const crds = new Reflector<KubeObject, KubeObject>({
    ...common,
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    transform: (crd) => ({ metadata: { name: crd.metadata.name } }),
    handlers: {
      onReplace: (all) => {
        const present = new Set(all.map((crd) => crd.metadata.name));
        for (const [crd, kind] of crdKinds) {
          if (present.has(crd)) startKind(kind, CHILD_TYPES[kind]);
          else stopKind(kind);
        }
      },
      onUpsert: (crd) => {
        const kind = crdKinds.get(crd.metadata.name ?? '');
        if (kind) startKind(kind, CHILD_TYPES[kind]);
      },
      onDelete: (crd) => {
        const kind = crdKinds.get(crd.metadata.name ?? '');
        if (kind) stopKind(kind);
      },
    },
  });
  crds.start();

  const cache: ChildCache = {
    get: (kind, namespace, name) => reflectors.get(kind)?.store.get(`${namespace}/${name}`),
    ownedBy: (ownerUid) => byOwner.get(ownerUid),
    list: (kind) => reflectors.get(kind)?.store.values() ?? [],
    available: (kind) => {
      const reflector = reflectors.get(kind);
      return reflector !== undefined && reflector.hasSynced();
    },
  };
  return {
    cache,
    ready: () => crds.hasSynced() && [...reflectors.values()].every((r) => r.hasSynced()),
    waitForSync: async () => {
      await crds.waitForSync();
      await Promise.all([...reflectors.values()].map((r) => r.waitForSync()));
    },
    stop: () => {
      crds.stop();
      for (const reflector of reflectors.values()) reflector.stop();
    },
  };
}
