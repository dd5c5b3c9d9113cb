// A defaulted FrappeBench as the mutating webhook leaves it (API.md §2, §3, §5 production
// profile), and helpers to pick children out of a build.
import type { FrappeBench, FrappeBenchSpec } from '../../../src/api/frappe-bench.js';
import type { Child } from '../../../src/builders/child.js';
import {
  desiredBenchChildren,
  type BenchBuildOptions,
  type BenchChildren,
} from '../../../src/builders/bench/index.js';

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

const autoscaled = {
  enabled: true,
  staticReplicas: 1,
  minReplicas: 0,
  maxReplicas: 10,
  queueLength: 5,
  cooldownPeriod: 60,
  pollingInterval: 30,
};

export function defaultedBench(
  edit: (spec: FrappeBenchSpec, bench: FrappeBench) => void = () => {},
): FrappeBench {
  const bench: FrappeBench = {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name: 'erp', namespace: 'shop', uid: 'uid-erp', generation: 1 },
    spec: {
      frappeVersion: 'version-15',
      apps: [
        { name: 'frappe', source: 'image' },
        { name: 'erpnext', source: 'image' },
      ],
      imageConfig: { repository: 'docker.io/frappe/erpnext', tag: 'v15.80.0', pullPolicy: 'IfNotPresent' },
      componentReplicas: { gunicorn: 2, nginx: 1, socketio: 1 },
      componentResources: {
        gunicorn: resources('500m', '1Gi', '2', '4Gi'),
        nginx: resources('100m', '128Mi', '500m', '512Mi'),
        socketio: resources('100m', '128Mi', '500m', '512Mi'),
        scheduler: resources('200m', '256Mi', '1', '1Gi'),
        workerDefault: resources('250m', '512Mi', '1', '2Gi'),
        workerLong: resources('500m', '1Gi', '2', '4Gi'),
        workerShort: resources('100m', '256Mi', '500m', '512Mi'),
      },
      redisConfig: {
        type: 'redis',
        image: 'redis:7-alpine',
        resources: resources('100m', '256Mi', '500m', '1Gi'),
      },
      storageClassName: 'nfs-client',
      storageAccessMode: 'ReadWriteMany',
      storageSize: '10Gi',
      dbConfig: { provider: 'mariadb', mode: 'shared', mariadbRef: { name: 'frappe-mariadb' } },
      workerAutoscaling: {
        short: { ...autoscaled },
        long: { ...autoscaled },
        default: { enabled: false, staticReplicas: 1 },
      },
    },
  };
  edit(bench.spec, bench);
  return bench;
}

export const OPTIONS: BenchBuildOptions = {
  jobTTLSeconds: 3600,
  redisImage: 'redis:7-alpine',
  kedaInstalled: true,
};

export const build = (bench: FrappeBench, options: Partial<BenchBuildOptions> = {}): BenchChildren =>
  desiredBenchChildren(bench, { ...OPTIONS, ...options });

export const ids = (children: Child[]) => children.map((child) => `${child.kind}/${child.metadata.name}`);

export function find(built: BenchChildren, kind: string, name: string): Child {
  const child = [...built.children, built.initJob].find((c) => c.kind === kind && c.metadata.name === name);
  if (!child) throw new Error(`no ${kind}/${name} in ${ids(built.children).join(', ')}`);
  return child;
}

/** Loose access into a built object for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
export const spec = (child: Child): Loose => child.spec;

export const podSpec = (child: Child): Loose => spec(child).template.spec;
export const container = (child: Child): Loose => podSpec(child).containers[0];

/** Every object built with a pod template: Deployments, StatefulSets, the init Job. */
export const workloads = (built: BenchChildren): Child[] =>
  [...built.children, built.initJob].filter((c) => ['Deployment', 'StatefulSet', 'Job'].includes(c.kind));
