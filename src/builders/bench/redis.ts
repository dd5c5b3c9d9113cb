// The managed Redis of a bench (API.md §8): StatefulSet + Service `<b>-redis-cache` (an LRU cache,
// no persistence) and `<b>-redis-queue` (RQ jobs: never evicts, append-only file). Nothing here
// for an external Redis.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { benchChildNames } from '../../api/child-names.js';
import { parseQuantity } from '../../api/quantity.js';
import { childMetadata, type Child } from '../child.js';
import { commonPodSpec, containerSecurityContext, podLabels, selectorLabels } from './pod-template.js';
import { REDIS_PORT } from './redis-address.js';
import { buildService } from './services.js';

const DEFAULT_REDIS_IMAGE = 'redis:7-alpine';
const DATA = 'data';

type Role = 'cache' | 'queue';

/** redis-server arguments: the cache evicts least recently used keys, the queue never evicts. */
export function redisArgs(bench: FrappeBench, role: Role): string[] {
  if (role === 'queue') return ['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'];
  const bytes = parseQuantity(bench.spec.redisConfig?.maxMemory);
  // B-REDIS-1 admits only whole numbers of bytes; floor keeps a stray fraction a valid argument.
  const maxMemory = bytes !== undefined && bytes >= 1 ? ['--maxmemory', String(Math.floor(bytes))] : [];
  return ['--save', '', '--appendonly', 'no', ...maxMemory, '--maxmemory-policy', 'allkeys-lru'];
}

function buildStatefulSet(bench: FrappeBench, role: Role, redisImage: string): Child {
  const names = benchChildNames(bench.metadata.name ?? '');
  const name = role === 'cache' ? names.redisCache : names.redisQueue;
  const component = `redis-${role}`;
  const redis = bench.spec.redisConfig ?? {};
  // Only the queue keeps data, on a claim when storageSize is set; else on an emptyDir, which
  // survives container restarts but not the pod. volumeClaimTemplates are immutable: no storage
  // class is named (the cluster default; the sites class may be NFS, a poor home for an AOF).
  const claim = role === 'queue' && redis.storageSize !== undefined;
  const container = {
    name: 'redis',
    image: redis.image ?? redisImage,
    command: ['redis-server'],
    args: redisArgs(bench, role),
    ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
    readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 10 },
    ...(redis.resources ? { resources: redis.resources } : {}),
    securityContext: containerSecurityContext(bench),
    volumeMounts: [{ name: DATA, mountPath: '/data' }],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: childMetadata(bench, name, component),
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(bench, component) },
      template: {
        metadata: { labels: podLabels(bench, component) },
        spec: {
          ...commonPodSpec(bench, {
            sitesVolume: false,
            extraVolumes: claim ? [] : [{ name: DATA, emptyDir: {} }],
          }),
          containers: [container],
        },
      },
      ...(claim
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: DATA },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: redis.storageSize } },
                },
              },
            ],
          }
        : {}),
    },
  };
}

/** StatefulSet and Service of the cache and queue Redis. */
export function buildManagedRedis(bench: FrappeBench, redisImage = DEFAULT_REDIS_IMAGE): Child[] {
  const names = benchChildNames(bench.metadata.name ?? '');
  return [
    buildStatefulSet(bench, 'cache', redisImage),
    buildService(bench, names.redisCache, 'redis-cache', 'redis', REDIS_PORT),
    buildStatefulSet(bench, 'queue', redisImage),
    buildService(bench, names.redisQueue, 'redis-queue', 'redis', REDIS_PORT),
  ];
}
