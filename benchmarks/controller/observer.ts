// What the benchmark watches to decide convergence: every FrappeBench and FrappeSite (reduced to
// the fields the decision reads) and every child kind (reduced to its key), each through one
// cluster-wide watch, so the check is a local look-up however often it runs and costs the API
// server no lists. Converged: every child of API.md §8 present and every bench and site Ready
// with observedGeneration == generation.
import { WORKER_TYPES } from '../../src/api/values.js';
import { benchChildNames, siteChildNames } from '../../src/api/child-names.js';
import { KIND_NAMES } from '../../src/api/kinds.js';
import { LABELS, MANAGED_BY } from '../../src/builders/child.js';
import type { KubeHttp } from '../../src/kube/kube-http.js';
import { Reflector, type KubeObject } from '../../src/kube/reflector.js';
import { CHILD_TYPES, collectionPath, type ChildKind } from '../../src/kube/resources.js';

interface OwnerObject {
  metadata: { name?: string; namespace?: string; generation?: number };
  spec?: {
    adminPasswordSecretRef?: { name?: string; namespace?: string };
    ingress?: { enabled?: boolean };
    dbConfig?: { mode?: string; provider?: string };
  };
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string }[];
    initializedConfigHash?: string;
    workerScaling?: Record<string, { mode?: string }>;
  };
}

interface OwnerSummary {
  name: string;
  namespace: string;
  current: boolean;
  /** Child keys `<kind>/<name>` this owner must have. */
  wants: string[];
}

function benchSummary(bench: OwnerObject): OwnerSummary {
  const name = bench.metadata.name ?? '';
  const n = benchChildNames(name);
  const wants = [
    `PersistentVolumeClaim/${n.sitesVolume}`,
    `ConfigMap/${n.config}`,
    ...[n.redisCache, n.redisQueue].flatMap((s) => [`StatefulSet/${s}`, `Service/${s}`]),
    ...[n.gunicorn, n.nginx, n.socketio].flatMap((s) => [`Deployment/${s}`, `Service/${s}`]),
    `Deployment/${n.scheduler}`,
    ...WORKER_TYPES.map((type) => `Deployment/${n.worker(type)}`),
    ...WORKER_TYPES.filter((type) => bench.status?.workerScaling?.[type]?.mode === 'autoscaled').map(
      (type) => `ScaledObject/${n.scaledObject(type)}`,
    ),
  ];
  const hash = bench.status?.initializedConfigHash;
  wants.push(hash ? `Job/${n.initJob(hash)}` : 'status/initializedConfigHash');
  return { name, namespace: bench.metadata.namespace ?? '', current: current(bench), wants };
}

function siteSummary(site: OwnerObject): OwnerSummary {
  const name = site.metadata.name ?? '';
  const n = siteChildNames(name);
  const admin = site.spec?.adminPasswordSecretRef;
  const wants = [
    `Secret/${n.databasePasswordSecret}`,
    `Database/${n.database}`,
    `User/${n.databaseUser}`,
    `Grant/${n.grant}`,
    `Job/${n.initJob}`,
    ...(site.spec?.dbConfig?.mode === 'dedicated'
      ? [`MariaDB/${n.dedicatedMariadb}`, `Secret/${n.dedicatedMariadbRootSecret}`]
      : []),
    ...((admin?.name ?? n.adminSecret) === n.adminSecret && !admin?.namespace
      ? [`Secret/${n.adminSecret}`]
      : []),
    ...(site.spec?.ingress?.enabled === false ? [] : [`Ingress/${n.ingress}`]),
  ];
  return { name, namespace: site.metadata.namespace ?? '', current: current(site), wants };
}

/** Ready, and the status speaks of the spec as it is. */
function current(object: OwnerObject): boolean {
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return ready && object.status?.observedGeneration === object.metadata.generation;
}

export interface Progress {
  benches: number;
  benchesCurrent: number;
  sites: number;
  sitesCurrent: number;
  /** Children (any kind, managed-by) in the namespaces. */
  children: number;
  /** What is still missing, `namespace/owner: what` (the first few). */
  missing: string[];
  missingCount: number;
  converged: boolean;
}

const managedSelector = `labelSelector=${encodeURIComponent(`${LABELS.managedBy}=${MANAGED_BY}`)}`;
/** Kinds this benchmark's cluster serves (no OpenShift Routes). */
const OBSERVED_KINDS = (Object.keys(CHILD_TYPES) as ChildKind[]).filter((kind) => kind !== 'Route');

export class Observer {
  private readonly benches: Reflector<OwnerObject, OwnerSummary>;
  private readonly sites: Reflector<OwnerObject, OwnerSummary>;
  private readonly children = new Map<ChildKind, Reflector<KubeObject, true>>();

  constructor(http: KubeHttp) {
    const owner = (path: string, transform: (o: OwnerObject) => OwnerSummary) =>
      new Reflector<OwnerObject, OwnerSummary>({ http, path, transform, handlers: {} });
    this.benches = owner(KIND_NAMES.FrappeBench.collectionPath, benchSummary);
    this.sites = owner(KIND_NAMES.FrappeSite.collectionPath, siteSummary);
    for (const kind of OBSERVED_KINDS) {
      this.children.set(
        kind,
        new Reflector<KubeObject, true>({
          http,
          path: collectionPath(CHILD_TYPES[kind]),
          query: managedSelector,
          transform: () => true,
          handlers: {},
          backoff: { initialMs: 200, maxMs: 2000 },
        }),
      );
    }
  }

  async start(): Promise<void> {
    const all = [this.benches, this.sites, ...this.children.values()];
    for (const reflector of all) reflector.start();
    await Promise.all(all.map((r) => r.waitForSync()));
  }

  stop(): void {
    for (const reflector of [this.benches, this.sites, ...this.children.values()]) reflector.stop();
  }

  /** Children of the managed-by label per kind in `namespaces`. */
  childCounts(namespaces: Set<string>): Map<ChildKind, number> {
    const counts = new Map<ChildKind, number>();
    for (const [kind, reflector] of this.children) {
      let n = 0;
      for (const key of reflector.store.keys()) if (namespaces.has(key.slice(0, key.indexOf('/')))) n++;
      counts.set(kind, n);
    }
    return counts;
  }

  progress(namespaces: Set<string>, expected: { benches: number; sites: number }, detail = false): Progress {
    const missing: string[] = [];
    let missingCount = 0;
    const look = (reflector: Reflector<OwnerObject, OwnerSummary>) => {
      let total = 0;
      let currentCount = 0;
      for (const owner of reflector.store.values()) {
        if (!namespaces.has(owner.namespace)) continue;
        total++;
        if (owner.current) currentCount++;
        else if (missing.length < 10)
          missing.push(`${owner.namespace}/${owner.name}: not Ready at its generation`);
        for (const want of owner.wants) {
          const slash = want.indexOf('/');
          const kind = want.slice(0, slash) as ChildKind;
          const present = this.children.get(kind)?.store.has(`${owner.namespace}/${want.slice(slash + 1)}`);
          if (present) continue;
          missingCount++;
          if (missing.length < 10) missing.push(`${owner.namespace}/${owner.name}: ${want}`);
        }
      }
      return { total, current: currentCount };
    };
    const benches = look(this.benches);
    const sites = look(this.sites);
    let children = 0;
    if (detail) for (const n of this.childCounts(namespaces).values()) children += n;
    return {
      benches: benches.total,
      benchesCurrent: benches.current,
      sites: sites.total,
      sitesCurrent: sites.current,
      children,
      missing,
      missingCount,
      converged:
        benches.total === expected.benches &&
        sites.total === expected.sites &&
        benches.current === benches.total &&
        sites.current === sites.total &&
        missingCount === 0,
    };
  }
}
