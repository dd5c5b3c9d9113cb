// The init Job `<b>-init-<configHash>` (API.md §8): writes the operator-managed keys of
// common_site_config.json and sites/apps.txt on the sites volume. Its name carries the hash of
// everything it writes, so a changed config is a new Job; the reconciler applies it only while
// status.initializedConfigHash differs, so TTL deletion of a finished Job never re-runs it.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { benchChildNames, CONFIG_HASH_LENGTH } from '../../api/child-names.js';
import { childMetadata, shortHash, type Child } from '../child.js';
import { initBenchScript } from './init-script.js';
import { BENCH_PATH, benchContainer, benchImage, commonPodSpec, podLabels } from './pod-template.js';
import { benchId, redisTarget } from './redis-address.js';

const BACKOFF_LIMIT = 3;
const ACTIVE_DEADLINE_SECONDS = 600;

type EnvVar = { name: string; value: string } | { name: string; valueFrom: Record<string, unknown> };

/**
 * The script's environment: every value it writes. An external Redis's Secret is read through
 * secretKeyRef (host required; port and password optional, as the Secret's keys are).
 */
export function initJobEnv(bench: FrappeBench): EnvVar[] {
  const redis = redisTarget(bench);
  const fromSecret = (name: string, key: string, optional: boolean): EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: redis.secret?.name, key, ...(optional ? { optional: true } : {}) } },
  });
  const port = bench.spec.redisConfig?.port;
  const address: EnvVar[] = redis.secret?.host
    ? [
        fromSecret('REDIS_HOST', 'host', false),
        redis.secret.port
          ? fromSecret('REDIS_PORT', 'port', true)
          : { name: 'REDIS_PORT', value: String(port) },
      ]
    : [
        { name: 'REDIS_CACHE', value: redis.cache ?? '' },
        { name: 'REDIS_QUEUE', value: redis.queue ?? '' },
      ];
  return [
    { name: 'BENCH_ID', value: benchId(bench) },
    ...address,
    ...(redis.secret ? [fromSecret('REDIS_PASSWORD', 'password', true)] : []),
  ];
}

/**
 * Hash of everything the init Job writes or writes with: the apps, the image (apps.txt lists
 * its apps), bench_id, the Redis environment (addresses, or the Secret it is read from) and the
 * script itself, so an operator upgrade that changes the script re-runs it. Replicas, resources
 * and scheduling are not in it: they change nothing the Job writes.
 */
export function initConfigHash(bench: FrappeBench): string {
  return shortHash(
    {
      apps: (bench.spec.apps ?? []).map((app) => app.name),
      appsJSON: bench.spec.appsJSON,
      image: benchImage(bench),
      env: initJobEnv(bench),
      script: initBenchScript(),
    },
    CONFIG_HASH_LENGTH,
  );
}

export function buildInitJob(bench: FrappeBench, configHash: string, jobTTLSeconds: number): Child {
  const name = benchChildNames(bench.metadata.name ?? '').initJob(configHash);
  const resources = bench.spec.componentResources?.scheduler;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: childMetadata(bench, name, 'init'),
    spec: {
      backoffLimit: BACKOFF_LIMIT,
      activeDeadlineSeconds: ACTIVE_DEADLINE_SECONDS,
      ttlSecondsAfterFinished: jobTTLSeconds,
      template: {
        metadata: { labels: podLabels(bench, 'init') },
        spec: {
          ...commonPodSpec(bench),
          restartPolicy: 'Never',
          containers: [
            benchContainer(bench, {
              name: 'init',
              command: ['bash', '-c', initBenchScript()],
              workingDir: BENCH_PATH,
              env: initJobEnv(bench),
              // A bench command like the scheduler: its resources fit a quota that admits the bench.
              resources,
            }),
          ],
        },
      },
    },
  };
}
