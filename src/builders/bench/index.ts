// Every child of a FrappeBench (API.md §8), assembled from the builders of this folder. Pure:
// defaulted bench + options in, plain objects for server-side apply out.
import type { FrappeBench, FrappeBenchStatus } from '../../api/frappe-bench.js';
import { WORKER_TYPES, usesExternalRedis } from '../../api/values.js';
import { benchChildNames } from '../../api/child-names.js';
import type { Child } from '../child.js';
import { buildConfigMap } from './config-map.js';
import {
  buildGunicorn,
  buildNginx,
  buildScheduler,
  buildSocketio,
  buildWorker,
  GUNICORN_PORT,
  NGINX_PORT,
  SOCKETIO_SERVER_PORT,
} from './components.js';
import { buildInitJob, initConfigHash } from './init-job.js';
import { buildManagedRedis } from './redis.js';
import { buildRedisTriggerAuthentication, buildScaledObject, workerScaling } from './scaled-object.js';
import { buildService } from './services.js';
import { buildSitesVolume } from './sites-volume.js';

export { benchId, redisAddresses } from './redis-address.js';

export interface BenchBuildOptions {
  /** ttlSecondsAfterFinished of Jobs (operator config jobTTLSeconds). */
  jobTTLSeconds: number;
  /** Image of managed Redis when spec.redisConfig.image is unset. */
  redisImage: string;
  /** Whether KEDA's ScaledObject CRD exists: without it no ScaledObject is built and autoscaled workers run staticReplicas. */
  kedaInstalled: boolean;
}

export interface BenchChildren {
  /** Every child this spec wants except the init Job, in a sensible apply order (PVC, ConfigMap, Redis, Services, Deployments, ScaledObjects). */
  children: Child[];
  /** Hash (8 hex chars, CONFIG_HASH_LENGTH) of everything the init Job writes; becomes status.initializedConfigHash. */
  configHash: string;
  /** The init Job `<b>-init-<configHash>`; the reconciler applies it only while status.initializedConfigHash differs. */
  initJob: Child;
  /** status.workerScaling as it should read. */
  workerScaling: NonNullable<FrappeBenchStatus['workerScaling']>;
}

export function desiredBenchChildren(bench: FrappeBench, options: BenchBuildOptions): BenchChildren {
  const names = benchChildNames(bench.metadata.name ?? '');
  const scaling = workerScaling(bench, options.kedaInstalled);
  const autoscaled = WORKER_TYPES.filter((type) => scaling[type]?.mode === 'autoscaled');
  const triggerAuthentication = autoscaled.length > 0 ? buildRedisTriggerAuthentication(bench) : undefined;
  const children: Child[] = [
    buildSitesVolume(bench),
    buildConfigMap(bench),
    ...(usesExternalRedis(bench.spec.redisConfig) ? [] : buildManagedRedis(bench, options.redisImage)),
    buildService(bench, names.gunicorn, 'gunicorn', 'http', GUNICORN_PORT),
    buildService(bench, names.nginx, 'nginx', 'http', NGINX_PORT),
    buildService(bench, names.socketio, 'socketio', 'http', SOCKETIO_SERVER_PORT),
    buildGunicorn(bench),
    buildNginx(bench),
    buildSocketio(bench),
    buildScheduler(bench),
    ...WORKER_TYPES.map((type) =>
      buildWorker(
        bench,
        type,
        scaling[type]?.mode === 'autoscaled' ? undefined : scaling[type]?.desiredReplicas,
      ),
    ),
    ...(triggerAuthentication ? [triggerAuthentication] : []),
    ...autoscaled.map((type) => buildScaledObject(bench, type)),
  ];
  const configHash = initConfigHash(bench);
  return {
    children,
    configHash,
    initJob: buildInitJob(bench, configHash, options.jobTTLSeconds),
    workerScaling: scaling,
  };
}
