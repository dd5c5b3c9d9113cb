// There is no kubelet (nor KEDA or mariadb-operator) in a local control plane: this plays them.
// It marks what the operator made in the given namespaces as a healthy cluster would: volumes
// Bound, workloads available, Jobs complete (or failed, when told), mariadb-operator and KEDA
// objects Ready. It watches each kind once, cluster-wide, by the managed-by label (a thousand
// namespaces cost eleven watches, not eleven thousand lists), and writes status only, through the
// status subresource, and only when it differs, so a cluster at rest stays at rest. A kind that is
// not installed is retried until it is (KEDA installed later is picked up).
import type { KubeHttp } from '../src/kube/kube-http.js';
import { Reflector } from '../src/kube/reflector.js';

/** What the player keeps of an object: enough to decide its status. */
interface Obj {
  metadata: { name: string; namespace: string; generation?: number; resourceVersion?: string };
  spec?: { replicas?: number };
  status?: Record<string, unknown>;
}

interface PlayedKind {
  /** `/api/v1` or `/apis/<group>/<version>` */
  prefix: string;
  plural: string;
  status(o: Obj, failJob: boolean): Record<string, unknown> | undefined;
}

const readyCondition = (reason: string, message: string) => ({
  conditions: [
    { type: 'Ready', status: 'True', reason, message, lastTransitionTime: '2026-01-01T00:00:00Z' },
  ],
});

const KINDS: PlayedKind[] = [
  { prefix: '/api/v1', plural: 'persistentvolumeclaims', status: () => ({ phase: 'Bound' }) },
  {
    prefix: '/apis/apps/v1',
    plural: 'deployments',
    status: (o) => {
      const n = o.spec?.replicas ?? 1;
      return {
        observedGeneration: o.metadata.generation,
        replicas: n,
        readyReplicas: n,
        availableReplicas: n,
        updatedReplicas: n,
      };
    },
  },
  {
    prefix: '/apis/apps/v1',
    plural: 'statefulsets',
    status: (o) => {
      const n = o.spec?.replicas ?? 1;
      return {
        observedGeneration: o.metadata.generation,
        replicas: n,
        readyReplicas: n,
        availableReplicas: n,
        updatedReplicas: n,
        currentReplicas: n,
      };
    },
  },
  {
    prefix: '/apis/batch/v1',
    plural: 'jobs',
    status: (o, failJob) => {
      const start =
        (o.status?.startTime as string | undefined) ??
        new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = (type: string, reason: string) => ({
        type,
        status: 'True',
        reason,
        message: reason,
        lastTransitionTime: now,
        lastProbeTime: now,
      });
      if (o.status?.succeeded || (o.status?.failed as number) > 0) return undefined; // finished: leave it
      return failJob
        ? {
            startTime: start,
            failed: 1,
            conditions: [
              condition('FailureTarget', 'BackoffLimitExceeded'),
              condition('Failed', 'BackoffLimitExceeded'),
            ],
          }
        : {
            startTime: start,
            completionTime: now,
            succeeded: 1,
            conditions: [
              condition('SuccessCriteriaMet', 'CompletionsReached'),
              condition('Complete', 'CompletionsReached'),
            ],
          };
    },
  },
  ...['mariadbs', 'databases', 'users', 'grants'].map((plural) => ({
    prefix: '/apis/k8s.mariadb.com/v1alpha1',
    plural,
    status: () => readyCondition('Created', 'Created'),
  })),
  {
    prefix: '/apis/keda.sh/v1alpha1',
    plural: 'scaledobjects',
    status: () => readyCondition('ScaledObjectReady', 'ready'),
  },
];

const MANAGED_BY_SELECTOR = 'labelSelector=app.kubernetes.io%2Fmanaged-by%3Dfrappe-admission';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether the object's status already says what `wanted` says (conditions: by type and status). */
function settled(item: Obj, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([k, v]) =>
    k === 'conditions'
      ? same(
          (item.status?.conditions as { type: string; status: string }[] | undefined)?.map(
            (c) => c.type + c.status,
          ),
          (v as { type: string; status: string }[]).map((c) => c.type + c.status),
        )
      : same(item.status?.[k], v),
  );
}

export interface Kubelet {
  /** Jobs with these names are failed instead of completed. */
  failJobs: Set<string>;
  /** The namespaces played (add to it to play more). */
  namespaces: Set<string>;
  /** Status patches written so far. */
  writes(): number;
  stop(): Promise<void>;
}

export interface KubeletOptions {
  /** Status patches in flight at most (default 8). */
  concurrency?: number;
  /** How often every cached object is looked at again, for a failed patch or a changed failJobs (ms). */
  resyncMs?: number;
}

/**
 * Plays the kubelet and the other operators for `namespaces` until stopped, writing with `http`
 * (give it a user agent of its own, so the audit log tells its writes from the operator's).
 */
export function playKubelet(
  http: KubeHttp,
  namespaces: Iterable<string>,
  options: KubeletOptions = {},
): Kubelet {
  const played = new Set(namespaces);
  const failJobs = new Set<string>();
  const concurrency = options.concurrency ?? 8;
  /** `<kind index>|<namespace>/<name>` waiting for a look. */
  const pending = new Set<string>();
  /** The resourceVersion a patch was last sent from, per key: no second patch until it changed. */
  const patchedFrom = new Map<string, string>();
  let inFlight = 0;
  let writes = 0;
  let stopped = false;
  const idle: (() => void)[] = [];

  const reflectors = KINDS.map(
    (kind, index) =>
      new Reflector<Obj>({
        http,
        path: `${kind.prefix}/${kind.plural}`,
        query: MANAGED_BY_SELECTOR,
        backoff: { initialMs: 200, maxMs: 2000 },
        transform: (o) => ({
          metadata: {
            name: o.metadata.name,
            namespace: o.metadata.namespace,
            generation: o.metadata.generation,
            resourceVersion: o.metadata.resourceVersion,
          },
          ...(o.spec ? { spec: { replicas: o.spec.replicas } } : {}),
          ...(o.status ? { status: o.status } : {}),
        }),
        handlers: {
          onReplace: (objects) => objects.forEach((o) => enqueue(index, o)),
          onUpsert: (o) => enqueue(index, o),
        },
      }),
  );

  function enqueue(index: number, o: Obj): void {
    if (stopped || !played.has(o.metadata.namespace)) return;
    pending.add(`${index}|${o.metadata.namespace}/${o.metadata.name}`);
    pump();
  }

  function pump(): void {
    while (!stopped && inFlight < concurrency && pending.size > 0) {
      const key = pending.values().next().value as string;
      pending.delete(key);
      inFlight++;
      void look(key).finally(() => {
        inFlight--;
        if (inFlight === 0 && (stopped || pending.size === 0)) idle.splice(0).forEach((resolve) => resolve());
        pump();
      });
    }
  }

  async function look(key: string): Promise<void> {
    const bar = key.indexOf('|');
    const index = Number(key.slice(0, bar));
    const kind = KINDS[index] as PlayedKind;
    const item = reflectors[index]?.store.get(key.slice(bar + 1));
    if (!item || !played.has(item.metadata.namespace)) return;
    const version = item.metadata.resourceVersion ?? '';
    if (patchedFrom.get(key) === version) return; // our patch is on its way back through the watch
    const wanted = kind.status(item, failJobs.has(item.metadata.name));
    if (!wanted || settled(item, wanted)) return;
    patchedFrom.set(key, version);
    try {
      await http.sendJSON(
        'PATCH',
        `${kind.prefix}/namespaces/${item.metadata.namespace}/${kind.plural}/${item.metadata.name}/status`,
        { status: wanted },
        'application/merge-patch+json',
      );
      writes++;
    } catch {
      patchedFrom.delete(key); // raced with a delete or an update: the next look tries again
    }
  }

  for (const reflector of reflectors) reflector.start();
  const resync = setInterval(() => {
    reflectors.forEach((reflector, index) => {
      for (const o of reflector.store.values()) enqueue(index, o);
    });
  }, options.resyncMs ?? 1000);
  resync.unref();

  return {
    failJobs,
    namespaces: played,
    writes: () => writes,
    stop: async () => {
      stopped = true;
      clearInterval(resync);
      for (const reflector of reflectors) reflector.stop();
      if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
