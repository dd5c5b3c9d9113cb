// The Redis of a bench: the managed cache and queue Redis (the default), or an external one named
// the way the Go operator's API names it (connectionSecretRef, host, port, external). Rules:
// src/policies/rules/bench-redis.ts; defaults: src/defaults/bench.ts (none for an external Redis).
import { Type } from '@sinclair/typebox';
import { Quantity, ResourceRequirements, SecretRef } from './common.js';

export const RedisConfig = Type.Object(
  {
    type: Type.Optional(
      Type.Union([Type.Literal('redis'), Type.Literal('dragonfly')], {
        description:
          'Redis flavour. Default redis. dragonfly is accepted for compatibility with the Go operator; a managed ' +
          'Redis still runs redis.',
      }),
    ),
    image: Type.Optional(
      Type.String({
        description: 'Redis image. Default redis:7-alpine (none with an external Redis).',
        maxLength: 512,
      }),
    ),
    resources: Type.Optional(ResourceRequirements('each Redis')),
    storageSize: Type.Optional(Quantity('Volume size of the queue Redis; empty means no volume.')),
    maxMemory: Type.Optional(
      Quantity(
        'maxmemory of the cache Redis, a whole number of bytes such as 256Mi: beyond it Redis evicts the least ' +
          'recently used keys. The queue Redis never evicts (jobs would be lost). At most the memory limit.',
      ),
    ),
    connectionSecretRef: Type.Optional(
      SecretRef(
        'An external Redis instead of the managed cache and queue Redis: a Secret with keys host, port (default ' +
          '6379) and password (optional); host and port below take precedence.',
      ),
    ),
    host: Type.Optional(
      Type.String({ description: 'Host of an external Redis (makes the Redis external).', maxLength: 253 }),
    ),
    port: Type.Optional(
      Type.Integer({ description: 'Port of an external Redis, at most 65535; 0 or unset means 6379.' }),
    ),
    external: Type.Optional(
      Type.Boolean({
        description:
          'true: the bench uses an external Redis (needs host or connectionSecretRef) and runs none. Unset: ' +
          'external when host or connectionSecretRef is set.',
      }),
    ),
  },
  { description: 'The cache and queue Redis of the bench: managed (the default) or external.' },
);
