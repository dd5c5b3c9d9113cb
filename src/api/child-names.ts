// The one catalogue of child names (API.md §8). The controller names children from here, and
// the naming rules (B-NAME-1, S-NAME-2) derive their length budgets from it, so a new child or a
// longer suffix changes the limit in one place.
import { WORKER_TYPES, type WorkerType } from './values.js';

/** Kubernetes label values and DNS-1035/1123 labels are at most 63 characters. */
export const LABEL_LIMIT = 63;
/** Characters of the config hash in `<bench>-init-<hash>`. */
export const CONFIG_HASH_LENGTH = 8;
/** Length of the hash the StatefulSet controller appends in the `controller-revision-hash` label. */
const REVISION_HASH_LENGTH = 10;
/** KEDA names the HPA it creates for a ScaledObject `keda-hpa-<scaledobject>`. */
const KEDA_HPA_PREFIX = 'keda-hpa-';
/** Characters the API server appends to metadata.generateName. */
export const GENERATED_SUFFIX_LENGTH = 5;

export function benchChildNames(bench: string) {
  return {
    sitesVolume: `${bench}-sites`,
    config: `${bench}-config`,
    initJob: (configHash: string) => `${bench}-init-${configHash}`,
    redisCache: `${bench}-redis-cache`,
    redisQueue: `${bench}-redis-queue`,
    gunicorn: `${bench}-gunicorn`,
    nginx: `${bench}-nginx`,
    socketio: `${bench}-socketio`,
    scheduler: `${bench}-scheduler`,
    worker: (type: WorkerType) => `${bench}-worker-${type}`,
    scaledObject: (type: WorkerType) => `${bench}-worker-${type}`,
  };
}

export function siteChildNames(site: string) {
  return {
    adminSecret: `${site}-admin`,
    database: `${site}-db`,
    databasePasswordSecret: `${site}-db-password`,
    databaseUser: `${site}-user`,
    grant: `${site}-grant`,
    dedicatedMariadb: `${site}-mariadb`,
    dedicatedMariadbRootSecret: `${site}-mariadb-root`,
    initSecret: `${site}-init`,
    initJob: `${site}-init`,
    dropJob: `${site}-drop`,
    ingress: site,
    tlsSecret: `${site}-tls`,
  };
}

const revisionLabel = (statefulSet: string) => `${statefulSet}-${'x'.repeat(REVISION_HASH_LENGTH)}`;

/** Every name that must fit in 63 characters once a bench is named `bench`. */
export function benchLabelBoundNames(bench: string): string[] {
  const n = benchChildNames(bench);
  const statefulSets = [n.redisCache, n.redisQueue];
  return [
    n.sitesVolume,
    n.config,
    n.initJob('x'.repeat(CONFIG_HASH_LENGTH)),
    ...statefulSets,
    ...statefulSets.map(revisionLabel),
    n.gunicorn,
    n.nginx,
    n.socketio,
    n.scheduler,
    ...WORKER_TYPES.map(n.worker),
    ...WORKER_TYPES.map((type) => KEDA_HPA_PREFIX + n.scaledObject(type)),
  ];
}

/**
 * Every name that must fit in 63 characters once a site is named `site`. A dedicated MariaDB is
 * a StatefulSet (revision label) and the MariaDB operator adds `-internal`, `-primary` and
 * `-secondary` Services.
 */
export function siteLabelBoundNames(site: string): string[] {
  const n = siteChildNames(site);
  return [
    ...Object.values(n),
    revisionLabel(n.dedicatedMariadb),
    `${n.dedicatedMariadb}-internal`,
    `${n.dedicatedMariadb}-primary`,
    `${n.dedicatedMariadb}-secondary`,
  ];
}

/** The longest owner name for which every derived name stays within LABEL_LIMIT. */
export function maxOwnerNameLength(derivedNames: (owner: string) => string[]): number {
  const probe = 'a';
  const overhead = Math.max(...derivedNames(probe).map((name) => name.length)) - probe.length;
  return LABEL_LIMIT - overhead;
}

export const MAX_BENCH_NAME_LENGTH = maxOwnerNameLength(benchLabelBoundNames);
export const MAX_SITE_NAME_LENGTH = maxOwnerNameLength(siteLabelBoundNames);
