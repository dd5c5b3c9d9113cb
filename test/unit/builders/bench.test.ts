// The children of a FrappeBench (API.md §8), pinned by exact values: names, labels, owner
// references, commands and ports as frappe_docker runs them, KEDA with and without, external
// Redis, security, the init Job's hash and script.
import { describe, expect, it } from 'vitest';
import { benchId, redisAddresses } from '../../../src/builders/bench/index.js';
import { canonicalJSON } from '../../../src/builders/child.js';
import {
  build,
  container,
  defaultedBench,
  find,
  ids,
  podSpec,
  spec,
  workloads,
  type Loose,
} from './bench-fixture.js';

const LABELS = {
  'app.kubernetes.io/name': 'frappe',
  'app.kubernetes.io/instance': 'erp',
  'app.kubernetes.io/managed-by': 'frappe-admission',
};
const OWNER = {
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeBench',
  name: 'erp',
  uid: 'uid-erp',
  controller: true,
  blockOwnerDeletion: true,
};
const envOf = (c: Loose) => Object.fromEntries(c.env.map((e: Loose) => [e.name, e.value ?? e.valueFrom]));

describe('children of a bench', () => {
  it('are every child of API.md §8, in apply order', () => {
    expect(ids(build(defaultedBench()).children)).toEqual([
      'PersistentVolumeClaim/erp-sites',
      'ConfigMap/erp-config',
      'StatefulSet/erp-redis-cache',
      'Service/erp-redis-cache',
      'StatefulSet/erp-redis-queue',
      'Service/erp-redis-queue',
      'Service/erp-gunicorn',
      'Service/erp-nginx',
      'Service/erp-socketio',
      'Deployment/erp-gunicorn',
      'Deployment/erp-nginx',
      'Deployment/erp-socketio',
      'Deployment/erp-scheduler',
      'Deployment/erp-worker-default',
      'Deployment/erp-worker-long',
      'Deployment/erp-worker-short',
      'ScaledObject/erp-worker-long',
      'ScaledObject/erp-worker-short',
    ]);
  });

  it('carry the four labels, and a controller reference except the sites volume', () => {
    const built = build(defaultedBench());
    for (const child of [...built.children, built.initJob]) {
      expect(child.metadata.namespace).toBe('shop');
      expect(child.metadata.labels).toMatchObject(LABELS);
      expect(child.metadata.labels['app.kubernetes.io/component']).toMatch(/^[a-z-]+$/);
      if (child.kind === 'PersistentVolumeClaim') expect(child.metadata.ownerReferences).toBeUndefined();
      else expect(child.metadata.ownerReferences).toEqual([OWNER]);
    }
    expect(find(built, 'Deployment', 'erp-worker-short').metadata.labels['app.kubernetes.io/component']).toBe(
      'worker-short',
    );
  });

  it('the sites volume: class, access mode and size of the spec, nothing else', () => {
    expect(find(build(defaultedBench()), 'PersistentVolumeClaim', 'erp-sites').spec).toEqual({
      accessModes: ['ReadWriteMany'],
      storageClassName: 'nfs-client',
      resources: { requests: { storage: '10Gi' } },
    });
  });

  it('the ConfigMap holds common_site_config.json with sorted keys and bench_id <namespace>-<bench>', () => {
    const configMap = find(build(defaultedBench()), 'ConfigMap', 'erp-config') as Loose;
    const text = configMap.data['common_site_config.json'];
    expect(JSON.parse(text)).toEqual({
      bench_id: 'shop-erp',
      redis_cache: 'redis://erp-redis-cache:6379',
      redis_queue: 'redis://erp-redis-queue:6379',
      redis_socketio: 'redis://erp-redis-queue:6379',
      socketio_port: 9000,
    });
    expect(Object.keys(JSON.parse(text))).toEqual([...Object.keys(JSON.parse(text))].sort());
    expect(benchId(defaultedBench())).toBe('shop-erp');
    expect(redisAddresses(defaultedBench())).toEqual({
      cache: 'erp-redis-cache:6379',
      queue: 'erp-redis-queue:6379',
    });
  });
});

describe('bench components (frappe_docker commands and ports)', () => {
  const built = build(defaultedBench());

  it('gunicorn runs frappe_docker backend command on 8000 with the spec replicas', () => {
    const gunicorn = find(built, 'Deployment', 'erp-gunicorn');
    expect(spec(gunicorn).replicas).toBe(2);
    expect(container(gunicorn).command).toEqual([
      '/home/frappe/frappe-bench/env/bin/gunicorn',
      '--chdir=/home/frappe/frappe-bench/sites',
      '--bind=0.0.0.0:8000',
      '--threads=4',
      '--workers=2',
      '--worker-class=gthread',
      '--worker-tmp-dir=/dev/shm',
      '--timeout=120',
      '--preload',
      'frappe.app:application',
    ]);
    expect(container(gunicorn).ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(container(gunicorn).resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
  });

  it('nginx runs nginx-entrypoint.sh on 8080 towards the gunicorn and socketio Services', () => {
    const nginx = container(find(built, 'Deployment', 'erp-nginx'));
    expect(nginx.command).toEqual(['nginx-entrypoint.sh']);
    expect(nginx.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(envOf(nginx)).toEqual({
      BACKEND: 'erp-gunicorn:8000',
      SOCKETIO: 'erp-socketio:9000',
      NGINX_LISTEN_PORT: '8080',
      UPSTREAM_REAL_IP_ADDRESS: '127.0.0.1',
      UPSTREAM_REAL_IP_HEADER: 'X-Forwarded-For',
      UPSTREAM_REAL_IP_RECURSIVE: 'off',
      FRAPPE_SITE_NAME_HEADER: '$host',
      PROXY_READ_TIMEOUT: '120',
      CLIENT_MAX_BODY_SIZE: '50m',
    });
  });

  it('socketio runs node socketio.js on 9000', () => {
    const socketio = container(find(built, 'Deployment', 'erp-socketio'));
    expect(socketio.command).toEqual(['node', '/home/frappe/frappe-bench/apps/frappe/socketio.js']);
    expect(socketio.ports).toEqual([{ name: 'http', containerPort: 9000, protocol: 'TCP' }]);
  });

  it.each([
    ['erp-gunicorn', 8000],
    ['erp-nginx', 8080],
    ['erp-socketio', 9000],
  ])('%s is ready when its port %d accepts connections', (name) => {
    expect(container(find(built, 'Deployment', name)).readinessProbe.tcpSocket).toEqual({ port: 'http' });
  });

  it('the scheduler is one `bench schedule`, replaced (never two at once)', () => {
    const scheduler = find(built, 'Deployment', 'erp-scheduler');
    expect(container(scheduler).command).toEqual(['bench', 'schedule']);
    expect(spec(scheduler).replicas).toBe(1);
    expect(spec(scheduler).strategy).toEqual({ type: 'Recreate' });
  });

  it.each(['default', 'long', 'short'])('worker-%s runs `bench worker --queue %s`', (type) => {
    expect(container(find(built, 'Deployment', `erp-worker-${type}`)).command).toEqual([
      'bench',
      'worker',
      '--queue',
      type,
    ]);
  });

  it.each([
    ['erp-gunicorn', 'gunicorn', 8000],
    ['erp-nginx', 'nginx', 8080],
    ['erp-socketio', 'socketio', 9000],
    ['erp-redis-cache', 'redis-cache', 6379],
    ['erp-redis-queue', 'redis-queue', 6379],
  ])('Service %s selects the %s pods on %d', (name, component, port) => {
    const service = spec(find(built, 'Service', name));
    expect(service.selector).toEqual({
      'app.kubernetes.io/name': 'frappe',
      'app.kubernetes.io/instance': 'erp',
      'app.kubernetes.io/component': component,
    });
    expect(service.ports).toEqual([expect.objectContaining({ port })]);
    const workload = find(built, name.startsWith('erp-redis') ? 'StatefulSet' : 'Deployment', name);
    expect(spec(workload).template.metadata.labels).toMatchObject(service.selector);
  });

  it('every bench pod mounts erp-sites at the sites directory, the same way (no subPath)', () => {
    const benchPods = workloads(built).filter((w) => w.kind !== 'StatefulSet');
    expect(benchPods).toHaveLength(8); // 7 Deployments and the init Job
    for (const pod of benchPods) {
      expect(podSpec(pod).volumes).toEqual([
        { name: 'sites', persistentVolumeClaim: { claimName: 'erp-sites' } },
      ]);
      expect(container(pod).volumeMounts).toEqual([
        { name: 'sites', mountPath: '/home/frappe/frappe-bench/sites' },
      ]);
      expect(container(pod).image).toBe('docker.io/frappe/erpnext:v15.80.0');
      expect(container(pod).imagePullPolicy).toBe('IfNotPresent');
    }
  });
});

describe('worker scaling and KEDA', () => {
  it('with KEDA: autoscaled workers leave replicas to KEDA, a ScaledObject watches their RQ list', () => {
    const built = build(defaultedBench());
    expect(spec(find(built, 'Deployment', 'erp-worker-short'))).not.toHaveProperty('replicas');
    expect(spec(find(built, 'Deployment', 'erp-worker-long'))).not.toHaveProperty('replicas');
    expect(spec(find(built, 'Deployment', 'erp-worker-default')).replicas).toBe(1);
    const scaledObject = find(built, 'ScaledObject', 'erp-worker-short');
    expect(scaledObject.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaledObject.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'erp-worker-short' },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      cooldownPeriod: 60,
      pollingInterval: 30,
      triggers: [
        {
          type: 'redis',
          metadata: {
            address: 'erp-redis-queue.shop.svc:6379',
            listName: 'rq:queue:shop-erp:short',
            listLength: '5',
          },
        },
      ],
    });
    expect(built.workerScaling).toEqual({
      short: { mode: 'autoscaled', desiredReplicas: 0, kedaManaged: true },
      long: { mode: 'autoscaled', desiredReplicas: 0, kedaManaged: true },
      default: { mode: 'static', desiredReplicas: 1, kedaManaged: false },
    });
  });

  it('the spec autoscaling numbers reach the ScaledObject', () => {
    const bench = defaultedBench((s) => {
      s.workerAutoscaling!.long = {
        enabled: true,
        minReplicas: 2,
        maxReplicas: 7,
        queueLength: 3,
        cooldownPeriod: 120,
        pollingInterval: 15,
      };
    });
    const built = build(bench);
    expect(find(built, 'ScaledObject', 'erp-worker-long').spec).toMatchObject({
      minReplicaCount: 2,
      maxReplicaCount: 7,
      cooldownPeriod: 120,
      pollingInterval: 15,
      triggers: [{ metadata: { listName: 'rq:queue:shop-erp:long', listLength: '3' } }],
    });
    expect(built.workerScaling.long).toEqual({ mode: 'autoscaled', desiredReplicas: 2, kedaManaged: true });
  });

  it('without KEDA: no ScaledObject, every worker runs staticReplicas', () => {
    const bench = defaultedBench((s) => {
      s.workerAutoscaling!.short!.staticReplicas = 3;
    });
    const built = build(bench, { kedaInstalled: false });
    expect(
      built.children.filter((c) => c.kind === 'ScaledObject' || c.apiVersion.startsWith('keda')),
    ).toEqual([]);
    expect(spec(find(built, 'Deployment', 'erp-worker-short')).replicas).toBe(3);
    expect(spec(find(built, 'Deployment', 'erp-worker-long')).replicas).toBe(1);
    expect(built.workerScaling).toEqual({
      short: { mode: 'static', desiredReplicas: 3, kedaManaged: false },
      long: { mode: 'static', desiredReplicas: 1, kedaManaged: false },
      default: { mode: 'static', desiredReplicas: 1, kedaManaged: false },
    });
  });
});

describe('managed Redis', () => {
  it('cache: LRU over maxMemory in bytes, no persistence; queue: noeviction, append-only', () => {
    const built = build(defaultedBench((s) => (s.redisConfig!.maxMemory = '256Mi')));
    const cache = container(find(built, 'StatefulSet', 'erp-redis-cache'));
    expect(cache.command).toEqual(['redis-server']);
    expect(cache.args).toEqual([
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      '268435456',
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    expect(cache.image).toBe('redis:7-alpine');
    expect(cache.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '1Gi' },
    });
    const queue = find(built, 'StatefulSet', 'erp-redis-queue');
    expect(container(queue).args).toEqual(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    expect(spec(queue).volumeClaimTemplates).toBeUndefined();
    expect(podSpec(queue).volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('without maxMemory the cache has no --maxmemory', () => {
    expect(container(find(build(defaultedBench()), 'StatefulSet', 'erp-redis-cache')).args).not.toContain(
      '--maxmemory',
    );
  });

  it('the queue keeps its data on a claim when storageSize is set; the image falls back to the option', () => {
    const bench = defaultedBench((s) => {
      s.redisConfig = { storageSize: '2Gi' };
    });
    const built = build(bench, { redisImage: 'mirror.example/redis:7.4' });
    const queue = find(built, 'StatefulSet', 'erp-redis-queue');
    expect(spec(queue).volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      },
    ]);
    expect(podSpec(queue)).not.toHaveProperty('volumes');
    expect(container(queue).volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(container(queue).image).toBe('mirror.example/redis:7.4');
    expect(spec(queue).serviceName).toBe('erp-redis-queue');
  });
});

describe('external Redis', () => {
  it('by host and port: no Redis children, the address in the ConfigMap, the init Job and KEDA', () => {
    const built = build(defaultedBench((s) => (s.redisConfig = { host: 'redis.example.com', port: 6380 })));
    expect(ids(built.children).filter((id) => id.includes('redis'))).toEqual([]);
    const config = JSON.parse(
      (find(built, 'ConfigMap', 'erp-config') as Loose).data['common_site_config.json'],
    );
    expect(config.redis_queue).toBe('redis://redis.example.com:6380');
    expect(envOf(container(built.initJob))).toEqual({
      BENCH_ID: 'shop-erp',
      REDIS_CACHE: 'redis.example.com:6380',
      REDIS_QUEUE: 'redis.example.com:6380',
    });
    expect(find(built, 'ScaledObject', 'erp-worker-short').spec).toMatchObject({
      triggers: [{ metadata: { address: 'redis.example.com:6380', listName: 'rq:queue:shop-erp:short' } }],
    });
  });

  it('by Secret: secretKeyRef env in the init Job, no Redis URL in the ConfigMap, a TriggerAuthentication', () => {
    const built = build(
      defaultedBench((s) => (s.redisConfig = { connectionSecretRef: { name: 'redis-conn' } })),
    );
    expect(ids(built.children)).not.toContain('StatefulSet/erp-redis-queue');
    const text = (find(built, 'ConfigMap', 'erp-config') as Loose).data['common_site_config.json'];
    expect(JSON.parse(text)).toEqual({ bench_id: 'shop-erp', socketio_port: 9000 });
    expect(text).not.toMatch(/redis:\/\/|password/);
    expect(envOf(container(built.initJob))).toEqual({
      BENCH_ID: 'shop-erp',
      REDIS_HOST: { secretKeyRef: { name: 'redis-conn', key: 'host' } },
      REDIS_PORT: { secretKeyRef: { name: 'redis-conn', key: 'port', optional: true } },
      REDIS_PASSWORD: { secretKeyRef: { name: 'redis-conn', key: 'password', optional: true } },
    });
    expect(
      redisAddresses(defaultedBench((s) => (s.redisConfig = { connectionSecretRef: { name: 'x' } }))),
    ).toBe(undefined);
    const auth = find(built, 'TriggerAuthentication', 'erp-redis-auth');
    expect(auth.apiVersion).toBe('keda.sh/v1alpha1');
    expect(auth.spec).toEqual({
      secretTargetRef: [
        { parameter: 'host', name: 'redis-conn', key: 'host' },
        { parameter: 'port', name: 'redis-conn', key: 'port' },
        { parameter: 'password', name: 'redis-conn', key: 'password' },
      ],
    });
    expect(find(built, 'ScaledObject', 'erp-worker-long').spec).toMatchObject({
      triggers: [
        {
          metadata: { listName: 'rq:queue:shop-erp:long', listLength: '5' },
          authenticationRef: { name: 'erp-redis-auth' },
        },
      ],
    });
    expect(
      (find(built, 'ScaledObject', 'erp-worker-long').spec as Loose).triggers[0].metadata,
    ).not.toHaveProperty('address');
  });

  it('host in the spec, password in the Secret: the address is the spec one, only the password is read', () => {
    const built = build(
      defaultedBench(
        (s) => (s.redisConfig = { host: 'redis.example.com', connectionSecretRef: { name: 'pw' } }),
      ),
    );
    expect(envOf(container(built.initJob))).toEqual({
      BENCH_ID: 'shop-erp',
      REDIS_CACHE: 'redis.example.com:6379',
      REDIS_QUEUE: 'redis.example.com:6379',
      REDIS_PASSWORD: { secretKeyRef: { name: 'pw', key: 'password', optional: true } },
    });
    expect(find(built, 'TriggerAuthentication', 'erp-redis-auth').spec).toEqual({
      secretTargetRef: [{ parameter: 'password', name: 'pw', key: 'password' }],
    });
    const config = JSON.parse(
      (find(built, 'ConfigMap', 'erp-config') as Loose).data['common_site_config.json'],
    );
    expect(config).not.toHaveProperty('redis_cache');
  });

  it('no TriggerAuthentication when nothing is autoscaled', () => {
    const built = build(
      defaultedBench((s) => (s.redisConfig = { connectionSecretRef: { name: 'c' } })),
      {
        kedaInstalled: false,
      },
    );
    expect(built.children.map((c) => c.kind)).not.toContain('TriggerAuthentication');
  });
});

describe('security and podConfig', () => {
  it('restricted defaults on every pod and container', () => {
    for (const workload of workloads(build(defaultedBench()))) {
      expect(podSpec(workload).securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(workload).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('spec.security is merged over the defaults field by field', () => {
    const bench = defaultedBench((s) => {
      s.security = {
        podSecurityContext: { runAsUser: 2000, fsGroup: 2000 },
        securityContext: { readOnlyRootFilesystem: true },
      };
    });
    for (const workload of workloads(build(bench))) {
      expect(podSpec(workload).securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 2000,
        runAsGroup: 1000,
        fsGroup: 2000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(workload).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      });
    }
  });

  it('podConfig labels reach pod templates but never selectors nor the app.kubernetes.io labels', () => {
    const plain = build(defaultedBench());
    const labelled = build(
      defaultedBench((s) => {
        s.podConfig = {
          labels: { team: 'erp', 'app.kubernetes.io/instance': 'evil', 'app.kubernetes.io/component': 'x' },
          nodeSelector: { pool: 'frappe' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'frappe', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: {} },
        };
      }),
    );
    const before = workloads(plain);
    const after = workloads(labelled);
    for (const [i, workload] of after.entries()) {
      const template = spec(workload).template;
      expect(template.metadata.labels.team).toBe('erp');
      expect(template.metadata.labels['app.kubernetes.io/instance']).toBe('erp');
      expect(template.metadata.labels['app.kubernetes.io/component']).toBe(
        workload.metadata.labels['app.kubernetes.io/component'],
      );
      expect(spec(workload).selector).toEqual(spec(before[i]!).selector);
      expect(template.spec.nodeSelector).toEqual({ pool: 'frappe' });
      expect(template.spec.tolerations).toHaveLength(1);
      expect(template.spec.affinity).toEqual({ nodeAffinity: {} });
    }
    for (const service of labelled.children.filter((c) => c.kind === 'Service'))
      expect(spec(service).selector).not.toHaveProperty('team');
  });

  it('image pull secrets and a digest tag', () => {
    const bench = defaultedBench((s) => {
      s.imageConfig = {
        repository: 'registry.example/erp',
        tag: `sha256:${'a'.repeat(64)}`,
        pullPolicy: 'Always',
        pullSecrets: [{ name: 'regcred' }, {}],
      };
    });
    const gunicorn = find(build(bench), 'Deployment', 'erp-gunicorn');
    expect(container(gunicorn).image).toBe(`registry.example/erp@sha256:${'a'.repeat(64)}`);
    expect(container(gunicorn).imagePullPolicy).toBe('Always');
    expect(podSpec(gunicorn).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('pods of long-running components carry the config hash the init Job completed for', () => {
    const fresh = find(build(defaultedBench()), 'Deployment', 'erp-worker-long');
    expect(spec(fresh).template.metadata).not.toHaveProperty('annotations');
    const bench = defaultedBench((_, b) => (b.status = { initializedConfigHash: '0123abcd' }));
    expect(spec(find(build(bench), 'Deployment', 'erp-worker-long')).template.metadata.annotations).toEqual({
      'vyogo.tech/initialized-config-hash': '0123abcd',
    });
  });
});

describe('the init Job', () => {
  it('is <b>-init-<configHash>, runs the script once per config, cleaned up after the TTL', () => {
    const built = build(defaultedBench(), { jobTTLSeconds: 120 });
    expect(built.configHash).toMatch(/^[0-9a-f]{8}$/);
    expect(built.initJob.metadata.name).toBe(`erp-init-${built.configHash}`);
    expect(built.initJob.spec).toMatchObject({
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 120,
    });
    expect(podSpec(built.initJob).restartPolicy).toBe('Never');
    const init = container(built.initJob);
    expect(init.command.slice(0, 2)).toEqual(['bash', '-c']);
    expect(init.workingDir).toBe('/home/frappe/frappe-bench');
    expect(init.image).toBe('docker.io/frappe/erpnext:v15.80.0');
    expect(envOf(init)).toEqual({
      BENCH_ID: 'shop-erp',
      REDIS_CACHE: 'erp-redis-cache:6379',
      REDIS_QUEUE: 'erp-redis-queue:6379',
    });
  });

  it.each<[string, (s: Loose) => void]>([
    ['an app is added', (s) => s.apps.push({ name: 'hrms', source: 'image' })],
    ['the image changes', (s) => (s.imageConfig.tag = 'v15.81.0')],
    ['the Redis becomes external', (s) => (s.redisConfig = { host: 'redis.example.com' })],
    ['the Redis Secret changes', (s) => (s.redisConfig = { connectionSecretRef: { name: 'other' } })],
  ])('configHash changes when %s', (_, edit) => {
    expect(build(defaultedBench(edit)).configHash).not.toBe(build(defaultedBench()).configHash);
  });

  it.each<[string, (s: Loose) => void]>([
    ['gunicorn replicas change', (s) => (s.componentReplicas.gunicorn = 5)],
    ['resources change', (s) => (s.componentResources.scheduler.limits.cpu = '3')],
    ['pods get labels', (s) => (s.podConfig = { labels: { team: 'x' } })],
    ['autoscaling changes', (s) => (s.workerAutoscaling.short.maxReplicas = 20)],
  ])('configHash stays when %s', (_, edit) => {
    expect(build(defaultedBench(edit)).configHash).toBe(build(defaultedBench()).configHash);
  });

  it('configHash differs between benches (bench_id is in it)', () => {
    const other = defaultedBench((_, b) => (b.metadata.namespace = 'other'));
    expect(build(other).configHash).not.toBe(build(defaultedBench()).configHash);
  });

  it('the script text is the same for two different benches and holds none of their values', () => {
    const a = container(build(defaultedBench()).initJob).command[2];
    const b = container(
      build(
        defaultedBench((s, bench) => {
          bench.metadata = { name: 'crm', namespace: 'sales', uid: 'u2' };
          s.redisConfig = { host: 'redis.example.com', connectionSecretRef: { name: 'pw' } };
        }),
      ).initJob,
    ).command[2];
    expect(b).toBe(a);
    expect(a).toMatch(/^#!\/bin\/bash\n/);
    expect(a).toContain('\nset -eu\n');
    for (const value of ['erp', 'shop', 'crm', 'sales', 'redis.example.com', 'redis-queue:'])
      expect(a).not.toContain(value);
  });
});

describe('builders are pure', () => {
  it('the same input gives canonically equal output and is never modified', () => {
    const bench = defaultedBench((s) => (s.redisConfig = { connectionSecretRef: { name: 'c' } }));
    const before = structuredClone(bench);
    const first = build(bench);
    expect(bench).toEqual(before);
    expect(canonicalJSON(build(structuredClone(bench)))).toBe(canonicalJSON(first));
  });
});
