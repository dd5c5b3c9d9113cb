// The Redis of a bench: B-REDIS-1 (maxMemory), B-REDIS-2 (a managed or an external Redis, never
// both), B-REDIS-3 (settings that have no effect for the kind of Redis chosen). The defaults write
// nothing under redisConfig for an external Redis (src/defaults/bench.ts).
import type { FrappeBench } from '../../api/frappe-bench.js';
import { blockedHostProblem } from '../../api/network-targets.js';
import { usesExternalRedis } from '../../api/values.js';
import { sameJSON } from '../../api/json.js';
import { parseQuantity } from '../../api/quantity.js';
import { CREATE_UPDATE, deny, rule, warn, type Finding, type RuleRequest } from '../rule.js';

type Redis = NonNullable<FrappeBench['spec']['redisConfig']>;

const MANAGED_ONLY = ['image', 'resources', 'storageSize', 'maxMemory'] as const;

/** On UPDATE a denial needs a change to redisConfig: a stored object is never made uneditable. */
const unchanged = ({ object, oldObject }: RuleRequest<FrappeBench>) =>
  oldObject !== undefined && sameJSON(object.spec.redisConfig, oldObject.spec.redisConfig);

function checkMaxMemory(redis: Redis): Finding[] {
  const { maxMemory } = redis;
  if (maxMemory === undefined || usesExternalRedis(redis)) return [];
  const path = 'spec.redisConfig.maxMemory';
  const bytes = parseQuantity(maxMemory);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1)
    return [deny(path, `must be a whole number of bytes such as 256Mi, got ${maxMemory}`)];
  const limit = redis.resources?.limits?.memory;
  const limitBytes = parseQuantity(limit);
  return limitBytes !== undefined && bytes > limitBytes
    ? [
        deny(
          path,
          `${maxMemory} exceeds the Redis memory limit ${limit}: Redis would be killed before it evicts`,
        ),
      ]
    : [];
}

function checkExternal(redis: Redis): Finding[] {
  const findings: Finding[] = [];
  const address = (redis.host ?? '') !== '' || redis.connectionSecretRef !== undefined;
  if (redis.external === false && address)
    findings.push(
      deny('spec.redisConfig.external', 'false contradicts host/connectionSecretRef: drop them or set true'),
    );
  if (redis.external === true && !address)
    findings.push(
      deny('spec.redisConfig.host', 'an external Redis needs host or connectionSecretRef', 'Required'),
    );
  if (redis.connectionSecretRef !== undefined && !redis.connectionSecretRef.name)
    findings.push(
      deny('spec.redisConfig.connectionSecretRef.name', 'name the Secret of the Redis', 'Required'),
    );
  const blocked = typeof redis.host === 'string' ? blockedHostProblem(redis.host) : undefined;
  if (blocked) findings.push(deny('spec.redisConfig.host', `${blocked}: name the Redis server`, 'Forbidden'));
  if (redis.port !== undefined && (redis.port < 0 || redis.port > 65535))
    findings.push(deny('spec.redisConfig.port', `must be a port number up to 65535, got ${redis.port}`));
  return findings;
}

export const benchRedisRules = [
  rule<FrappeBench>({
    id: 'B-REDIS-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'redisConfig.maxMemory (maxmemory of the cache Redis) is a whole number of bytes, at most the Redis memory ' +
      'limit (a defaulted limit is raised to it).',
    check: (request) => (unchanged(request) ? [] : checkMaxMemory(request.object.spec.redisConfig ?? {})),
  }),
  rule<FrappeBench>({
    id: 'B-REDIS-2',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'An external Redis (connectionSecretRef, host or external: true) has an address and a Secret name; ' +
      'external: false with an address is a contradiction; port is at most 65535; host is not loopback, ' +
      'link-local, a metadata service or the API server.',
    check: (request) => (unchanged(request) ? [] : checkExternal(request.object.spec.redisConfig ?? {})),
  }),
  rule<FrappeBench>({
    id: 'B-REDIS-3',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'Warning per Redis setting without effect: image, resources, storageSize, maxMemory with an external Redis; ' +
      'port without one.',
    check: ({ object: { spec } }) => {
      const redis = spec.redisConfig;
      if (!redis) return [];
      if (!usesExternalRedis(redis))
        return redis.port !== undefined
          ? [warn('spec.redisConfig.port', 'has no effect: the bench runs its own Redis (no host)')]
          : [];
      return MANAGED_ONLY.filter((field) => redis[field] !== undefined).map((field) =>
        warn(`spec.redisConfig.${field}`, 'has no effect with an external Redis'),
      );
    },
  }),
];
