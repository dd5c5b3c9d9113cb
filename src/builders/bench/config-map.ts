// The ConfigMap `<b>-config`: the keys of common_site_config.json the operator manages, as the
// init Job writes them (API.md §8). Frappe reads common_site_config.json from the sites volume,
// where bench and Frappe also write their own keys, so the file itself cannot be a (read-only)
// ConfigMap mount: this object shows what the operator sets (kubectl get cm), the init Job sets it.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { benchChildNames } from '../../api/child-names.js';
import { canonicalJSON, childMetadata, type Child } from '../child.js';
import { benchId, redisTarget } from './redis-address.js';

export const SOCKETIO_PORT = 9000;
export const COMMON_SITE_CONFIG_KEY = 'common_site_config.json';

/**
 * The managed keys of common_site_config.json. With an external Redis whose Secret holds the
 * host or password, the Redis URLs are left out: a ConfigMap must never hold a Secret's value,
 * and the init Job reads those from the Secret itself.
 */
export function commonSiteConfig(bench: FrappeBench): Record<string, unknown> {
  const redis = redisTarget(bench);
  const urls =
    redis.secret || !redis.cache || !redis.queue
      ? {}
      : {
          redis_cache: `redis://${redis.cache}`,
          redis_queue: `redis://${redis.queue}`,
          redis_socketio: `redis://${redis.queue}`,
        };
  return { ...urls, socketio_port: SOCKETIO_PORT, bench_id: benchId(bench) };
}

export function buildConfigMap(bench: FrappeBench): Child {
  // Sorted keys, indented: stable text, so an unchanged config is an unchanged object.
  const text = JSON.stringify(JSON.parse(canonicalJSON(commonSiteConfig(bench))), null, 2) + '\n';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMetadata(bench, benchChildNames(bench.metadata.name ?? '').config, 'config'),
    data: { [COMMON_SITE_CONFIG_KEY]: text },
  };
}
