// The API's run-time values: its group and version, the enums, annotation and finalizer names the
// rules, defaults, builders and controller use, and the readers of spec values they share. None
// of it needs the schema library, so neither `serve` nor the controller loads TypeBox
// (test/cli/serve-modules.test.ts; about 4.5 MiB of RSS per replica): the TypeBox schemas
// (common.ts, frappe-bench.ts, …) are loaded by the build (CRDs, generated validators, docs) and by
// `frappe-admission crds`, and take what they share with the run time from here.
import { isObject } from './json.js';

export const API_GROUP = 'vyogo.tech';
export const API_VERSION = 'v1alpha1';
export const GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export const BENCH_COMPONENTS = [
  'gunicorn',
  'nginx',
  'socketio',
  'scheduler',
  'workerDefault',
  'workerLong',
  'workerShort',
] as const;
export type BenchComponent = (typeof BENCH_COMPONENTS)[number];

export const WORKER_TYPES = ['default', 'long', 'short'] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

/** HPA targets the Go operator also allowed on a worker (workers scale on their queue here). */
export const WORKER_UTILIZATION_TARGETS = [
  'targetCPUUtilizationPercentage',
  'targetMemoryUtilizationPercentage',
] as const;

export const DATABASE_PROVIDERS = ['mariadb', 'postgres', 'sqlite', 'external'] as const;
export const DATABASE_MODES = ['shared', 'dedicated'] as const;

/** Which fields of a DatabaseConfig are immutable once set (S-IMM-2). */
export const IMMUTABLE_DATABASE_FIELDS = [
  'provider',
  'mode',
  'mariadbRef',
  'postgresRef',
  'databaseName',
  'databaseUser',
] as const;

export const DELETION_PROTECTION_ANNOTATION = 'vyogo.tech/deletion-protection';
export const SITE_CLEANUP_FINALIZER = 'vyogo.tech/site-cleanup';

/** A port as the API takes it (a number, or a string of digits as the Go operator wrote it), or undefined. */
export function portNumber(value: unknown): number | undefined {
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Whether the bench uses an external Redis: `external: true`, or an address (host or
 * connectionSecretRef) without `external: false` (B-REDIS-2 denies that contradiction). Takes
 * any value, as defaults see the object before the schema is checked.
 */
export function usesExternalRedis(redis: unknown): boolean {
  if (!isObject(redis) || redis.external === false) return false;
  return (
    redis.external === true ||
    (typeof redis.host === 'string' && redis.host !== '') ||
    isObject(redis.connectionSecretRef)
  );
}
