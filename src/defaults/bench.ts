// Defaults of a FrappeBench (API.md §2, §3, §5). Pure: object + cluster view + config in,
// defaulted object and its patch out. Only absent fields are filled.
import { BENCH_COMPONENTS, WORKER_TYPES, type WorkerType, usesExternalRedis } from '../api/values.js';
import type { Defaulted, DefaultingContext } from './context.js';
import type { ResourceRequirements } from '../api/common.js';
import { isAbsent, valueAt } from '../api/json.js';
import { parseQuantity } from '../api/quantity.js';
import { DefaultsRecorder } from './recorder.js';
import { fillResources } from './resources.js';
import { supportsReadWriteMany } from './storage.js';

const LEGACY_WORKER_REPLICAS: Record<WorkerType, string> = {
  default: 'workerDefault',
  long: 'workerLong',
  short: 'workerShort',
};

const AUTOSCALING_DEFAULTS = {
  minReplicas: 0,
  maxReplicas: 10,
  queueLength: 5,
  cooldownPeriod: 60,
  pollingInterval: 30,
};

export function defaultBench(input: Record<string, unknown>, context: DefaultingContext): Defaulted {
  const bench = new DefaultsRecorder(input);
  const { config, view } = context;
  carryOver(bench, context.previous, [
    ['spec', 'storageClassName'],
    ['spec', 'storageAccessMode'],
  ]);

  bench.fill(['spec', 'imageConfig', 'repository'], config.imageRepository);
  const version = bench.get(['spec', 'frappeVersion']);
  if (typeof version === 'string' && version !== '') bench.fill(['spec', 'imageConfig', 'tag'], version);
  bench.fill(['spec', 'imageConfig', 'pullPolicy'], 'IfNotPresent');

  for (const component of ['gunicorn', 'nginx', 'socketio'])
    bench.fill(['spec', 'componentReplicas', component], 1);
  for (const component of BENCH_COMPONENTS) {
    fillResources(bench, ['spec', 'componentResources', component], config.resources[component]);
  }

  // An external Redis gets no defaults at all: an image or resources would read as a managed one.
  if (!usesExternalRedis(bench.get(['spec', 'redisConfig']))) {
    bench.fill(['spec', 'redisConfig', 'type'], 'redis');
    bench.fill(['spec', 'redisConfig', 'image'], config.redisImage);
    const maxMemory = bench.get(['spec', 'redisConfig', 'maxMemory']);
    fillResources(
      bench,
      ['spec', 'redisConfig', 'resources'],
      redisProfile(config.resources.redis, maxMemory),
    );
  }

  const className = config.storageClassName ?? view.defaultStorageClass()?.metadata.name;
  if (className) bench.fill(['spec', 'storageClassName'], className);
  const storageClass = view.storageClass(String(bench.get(['spec', 'storageClassName']) ?? ''));
  bench.fill(
    ['spec', 'storageAccessMode'],
    supportsReadWriteMany(storageClass) ? 'ReadWriteMany' : 'ReadWriteOnce',
  );
  bench.fill(['spec', 'storageSize'], config.storageSize);

  const provider = bench.fill(['spec', 'dbConfig', 'provider'], 'mariadb');
  const mode = bench.fill(['spec', 'dbConfig', 'mode'], 'shared');
  // A dedicated database gets a MariaDB of its own: the shared one does not apply.
  if (provider === 'mariadb' && mode === 'shared')
    bench.fill(['spec', 'dbConfig', 'mariadbRef'], config.mariadbRef);

  for (const type of WORKER_TYPES) fillWorker(bench, type);
  return { object: bench.root, patch: bench.patch };
}

/** The Redis profile, its memory limit raised to the user's maxMemory (a default never contradicts it). */
function redisProfile(profile: ResourceRequirements, maxMemory: unknown): ResourceRequirements {
  const wanted = parseQuantity(maxMemory);
  const limit = parseQuantity(profile.limits?.memory);
  if (wanted === undefined || limit === undefined || wanted <= limit) return profile;
  return { ...profile, limits: { ...profile.limits, memory: maxMemory as string | number } };
}

/** The paths fillWorker reads and writes, per worker type, built once. */
const WORKER_PATHS = Object.fromEntries(
  WORKER_TYPES.map((type) => {
    const path = ['spec', 'workerAutoscaling', type];
    return [
      type,
      {
        path,
        legacy: ['spec', 'componentReplicas', LEGACY_WORKER_REPLICAS[type]],
        enabled: [...path, 'enabled'],
        staticReplicas: [...path, 'staticReplicas'],
        minReplicas: [...path, 'minReplicas'],
        autoscaling: Object.entries(AUTOSCALING_DEFAULTS).map(([field, value]) => ({
          path: [...path, field],
          value,
          isMax: field === 'maxReplicas',
        })),
      },
    ];
  }),
) as Record<WorkerType, WorkerPaths>;

interface WorkerPaths {
  path: string[];
  legacy: string[];
  enabled: string[];
  staticReplicas: string[];
  minReplicas: string[];
  autoscaling: { path: string[]; value: number; isMax: boolean }[];
}

function fillWorker(bench: DefaultsRecorder, type: WorkerType): void {
  const paths = WORKER_PATHS[type];
  const legacy = bench.get(paths.legacy);
  const legacyReplicas = typeof legacy === 'number' ? legacy : undefined;
  const enabledByDefault = type !== 'default' && legacyReplicas === undefined;
  const staticReplicas = legacyReplicas ?? 1;
  // Nothing written by the user: all of it in one operation.
  if (isAbsent(bench.get(paths.path))) {
    const whole = enabledByDefault
      ? { enabled: true, staticReplicas, ...AUTOSCALING_DEFAULTS }
      : { enabled: false, staticReplicas };
    bench.fill(paths.path, whole);
    return;
  }
  const enabled = bench.fill(paths.enabled, enabledByDefault);
  bench.fill(paths.staticReplicas, staticReplicas);
  if (enabled !== true) return;
  // A default never contradicts the user: maxReplicas is at least the minReplicas they wrote.
  const min = bench.get(paths.minReplicas);
  const floor = typeof min === 'number' && Number.isFinite(min) ? min : 0;
  for (const { path, value, isMax } of paths.autoscaling) {
    bench.fill(path, isMax ? Math.max(value, floor) : value);
  }
}

/** Fills each path from the previous object when it is absent now (values immutable once set). */
export function carryOver(
  recorder: DefaultsRecorder,
  previous: unknown,
  paths: readonly (readonly string[])[],
): void {
  for (const path of paths) {
    const value = valueAt(previous, path);
    if (!isAbsent(value)) recorder.fill(path, value);
  }
}
