// Where the bench's pods, its init Job and KEDA find the cache and queue Redis: the managed
// `<b>-redis-cache` / `<b>-redis-queue` Services, or an external Redis named by host/port or by a
// Secret (keys host, port, password). Also bench_id, which names the RQ queues.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { benchChildNames } from '../../api/child-names.js';
import { usesExternalRedis } from '../../api/values.js';

export const REDIS_PORT = 6379;

/** bench_id written in common_site_config: `<namespace>-<bench>` (RQ queue names are `rq:queue:<bench_id>:<queue>`). */
export function benchId(bench: FrappeBench): string {
  return `${bench.metadata.namespace ?? ''}-${bench.metadata.name ?? ''}`;
}

/** The Redis as the spec names it; a Secret only when the spec needs something from it. */
export interface RedisTarget {
  external: boolean;
  /** host:port of the cache Redis, when known without reading a Secret. */
  cache?: string;
  /** host:port of the queue Redis, when known without reading a Secret. */
  queue?: string;
  /** An external Redis's Secret: host and port (unless the spec has them) and password. */
  secret?: { name: string; host: boolean; port: boolean };
}

export function redisTarget(bench: FrappeBench): RedisTarget {
  const redis = bench.spec.redisConfig;
  if (!usesExternalRedis(redis)) {
    const names = benchChildNames(bench.metadata.name ?? '');
    return {
      external: false,
      cache: `${names.redisCache}:${REDIS_PORT}`,
      queue: `${names.redisQueue}:${REDIS_PORT}`,
    };
  }
  const host = redis?.host ?? '';
  const port = redis?.port ? redis.port : REDIS_PORT;
  const address = host !== '' ? `${host}:${port}` : undefined;
  const secretName = redis?.connectionSecretRef?.name;
  return {
    external: true,
    ...(address ? { cache: address, queue: address } : {}),
    // host and port in the spec take precedence over the Secret's (redis-config.ts); the
    // password only ever comes from the Secret.
    ...(secretName
      ? { secret: { name: secretName, host: host === '', port: host === '' && !redis?.port } }
      : {}),
  };
}

/**
 * Host:port of the queue and cache Redis as pods reach them (managed: `<b>-redis-queue:6379`);
 * undefined when the address is only in the Secret of an external Redis.
 */
export function redisAddresses(bench: FrappeBench): { cache: string; queue: string } | undefined {
  const { cache, queue } = redisTarget(bench);
  return cache && queue ? { cache, queue } : undefined;
}
