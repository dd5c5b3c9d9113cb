// Worker scaling (API.md §3): which workers KEDA scales, their ScaledObjects `<b>-worker-<type>`
// (keda.sh/v1alpha1, built as plain objects: no KEDA client) and, for an external Redis whose
// Secret holds its address or password, the TriggerAuthentication `<b>-redis-auth` that hands
// them to KEDA's redis scaler.
import type { FrappeBench, FrappeBenchStatus } from '../../api/frappe-bench.js';
import { WORKER_TYPES, type WorkerType } from '../../api/values.js';
import { benchChildNames } from '../../api/child-names.js';
import { childMetadata, type Child } from '../child.js';
import { benchId, REDIS_PORT, redisTarget } from './redis-address.js';

export const KEDA_API_VERSION = 'keda.sh/v1alpha1';

export type WorkerScaling = NonNullable<FrappeBenchStatus['workerScaling']>;
export type WorkerScalingEntry = NonNullable<WorkerScaling[WorkerType]>;

/** Name of the TriggerAuthentication (shorter than `<b>-redis-queue`, so within B-NAME-1's budget). */
export const redisAuthName = (bench: FrappeBench) => `${bench.metadata.name ?? ''}-redis-auth`;

/**
 * How each worker runs: autoscaled when its autoscaling is enabled and KEDA is installed (it then
 * starts at minReplicas), else static with staticReplicas. A password-protected external Redis
 * does not make a worker static: KEDA gets the Secret through the TriggerAuthentication.
 */
export function workerScaling(bench: FrappeBench, kedaInstalled: boolean): WorkerScaling {
  const scaling: WorkerScaling = {};
  for (const type of WORKER_TYPES) {
    const spec = bench.spec.workerAutoscaling?.[type] ?? {};
    scaling[type] =
      spec.enabled === true && kedaInstalled
        ? { mode: 'autoscaled', desiredReplicas: spec.minReplicas ?? 0, kedaManaged: true }
        : { mode: 'static', desiredReplicas: spec.staticReplicas ?? 1, kedaManaged: false };
  }
  return scaling;
}

/** The queue Redis as KEDA's operator (in its own namespace) reaches it; undefined when only the Secret knows. */
function kedaRedisAddress(bench: FrappeBench): string | undefined {
  const target = redisTarget(bench);
  if (target.external) return target.queue;
  const { redisQueue } = benchChildNames(bench.metadata.name ?? '');
  return `${redisQueue}.${bench.metadata.namespace ?? ''}.svc:${REDIS_PORT}`;
}

/** The TriggerAuthentication for a Redis Secret, or undefined when the Redis needs none. */
export function buildRedisTriggerAuthentication(bench: FrappeBench): Child | undefined {
  const secret = redisTarget(bench).secret;
  if (!secret) return undefined;
  const ref = (parameter: string) => ({ parameter, name: secret.name, key: parameter });
  return {
    apiVersion: KEDA_API_VERSION,
    kind: 'TriggerAuthentication',
    metadata: childMetadata(bench, redisAuthName(bench), 'redis-auth'),
    spec: {
      secretTargetRef: [
        ...(secret.host ? [ref('host')] : []),
        ...(secret.port ? [ref('port')] : []),
        ref('password'),
      ],
    },
  };
}

export function buildScaledObject(bench: FrappeBench, type: WorkerType): Child {
  const names = benchChildNames(bench.metadata.name ?? '');
  const spec = bench.spec.workerAutoscaling?.[type] ?? {};
  const target = redisTarget(bench);
  const address = kedaRedisAddress(bench);
  // Spec host without spec port is host:6379 (redisTarget); with the host in the Secret, a port
  // written in the spec goes to KEDA as metadata, the host through the TriggerAuthentication.
  const port = target.secret?.host && !target.secret.port ? bench.spec.redisConfig?.port : undefined;
  return {
    apiVersion: KEDA_API_VERSION,
    kind: 'ScaledObject',
    metadata: childMetadata(bench, names.scaledObject(type), `worker-${type}`),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.worker(type) },
      minReplicaCount: spec.minReplicas ?? 0,
      maxReplicaCount: spec.maxReplicas ?? 10,
      cooldownPeriod: spec.cooldownPeriod ?? 60,
      pollingInterval: spec.pollingInterval ?? 30,
      triggers: [
        {
          type: 'redis',
          metadata: {
            ...(address ? { address } : {}),
            ...(port ? { port: String(port) } : {}),
            // Frappe names its RQ queues `<bench_id>:<queue>`; RQ keeps each in `rq:queue:<name>`.
            listName: `rq:queue:${benchId(bench)}:${type}`,
            listLength: String(spec.queueLength ?? 5),
          },
          ...(target.secret ? { authenticationRef: { name: redisAuthName(bench) } } : {}),
        },
      ],
    },
  };
}
