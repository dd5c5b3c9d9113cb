// There is no kubelet (nor KEDA or mariadb-operator) in the test control plane: this plays them.
// Every few hundred milliseconds it marks what the operator made in a namespace as a healthy
// cluster would: volumes Bound, workloads available, Jobs complete (or failed, when told),
// mariadb-operator and KEDA objects Ready. It writes status only, through the status subresource,
// and only when it differs, so a cluster at rest stays at rest.
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import { cluster } from './cluster.js';

type Obj = {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number };
  status?: Record<string, unknown>;
};

const KINDS: { path: string; status(o: Obj, failJob: boolean): Record<string, unknown> | undefined }[] = [
  { path: '/api/v1/namespaces/NS/persistentvolumeclaims', status: () => ({ phase: 'Bound' }) },
  {
    path: '/apis/apps/v1/namespaces/NS/deployments',
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
    path: '/apis/apps/v1/namespaces/NS/statefulsets',
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
    path: '/apis/batch/v1/namespaces/NS/jobs',
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
    path: `/apis/k8s.mariadb.com/v1alpha1/namespaces/NS/${plural}`,
    status: () => ({
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Created',
          message: 'Created',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    }),
  })),
  {
    path: '/apis/keda.sh/v1alpha1/namespaces/NS/scaledobjects',
    status: () => ({
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ScaledObjectReady',
          message: 'ready',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    }),
  },
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface Kubelet {
  /** Jobs with these names are failed instead of completed. */
  failJobs: Set<string>;
  stop(): Promise<void>;
}

/** Plays the kubelet and the other operators for one namespace until stopped. */
export function playKubelet(namespace: string, http: KubeHttp = testHttp()): Kubelet {
  let stopped = false;
  const failJobs = new Set<string>();
  const once = async () => {
    for (const kind of KINDS) {
      const path = kind.path.replace('NS', namespace);
      let items: Obj[];
      try {
        items = (
          (await http.getJSON(`${path}?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dfrappe-admission`)) as {
            items: Obj[];
          }
        ).items;
      } catch {
        continue; // the kind is not installed
      }
      for (const item of items) {
        const wanted = kind.status(item, failJobs.has(item.metadata.name));
        if (
          !wanted ||
          Object.entries(wanted).every(([k, v]) =>
            k === 'conditions'
              ? same(
                  (item.status?.conditions as unknown[] | undefined)?.map(
                    (c) => (c as { type: string; status: string }).type + (c as { status: string }).status,
                  ),
                  (v as { type: string; status: string }[]).map((c) => c.type + c.status),
                )
              : same(item.status?.[k], v),
          )
        )
          continue;
        await http
          .sendJSON(
            'PATCH',
            `${path}/${item.metadata.name}/status`,
            { status: wanted },
            'application/merge-patch+json',
          )
          .catch(() => undefined); // raced with a delete or an update: next round
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await once();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  return {
    failJobs,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

export function testHttp(): KubeHttp {
  // Its own user agent: the audit log tells the operator's writes from the tests'.
  return kubeHttp(loadKubeConfig(cluster().kubeconfig), 'frappe-admission-tests');
}
