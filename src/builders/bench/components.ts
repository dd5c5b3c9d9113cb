// The Deployments of a bench (API.md §8), with the commands, ports and nginx environment of
// frappe_docker's compose.yaml / pwd.yml: gunicorn (8000), nginx (8080), socketio (9000),
// scheduler (one replica) and the default/long/short RQ workers.
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { BenchComponent, WorkerType } from '../../api/values.js';
import { benchChildNames } from '../../api/child-names.js';
import { childMetadata, type Child } from '../child.js';
import {
  BENCH_PATH,
  benchContainer,
  commonPodSpec,
  podAnnotations,
  podLabels,
  selectorLabels,
} from './pod-template.js';

export const GUNICORN_PORT = 8000;
export const NGINX_PORT = 8080;
export const SOCKETIO_SERVER_PORT = 9000;

const WORKER_RESOURCES: Record<WorkerType, BenchComponent> = {
  default: 'workerDefault',
  long: 'workerLong',
  short: 'workerShort',
};

/** frappe_docker's backend command (resources/core/start.sh before it took env overrides). */
export const GUNICORN_COMMAND = [
  `${BENCH_PATH}/env/bin/gunicorn`,
  `--chdir=${BENCH_PATH}/sites`,
  `--bind=0.0.0.0:${GUNICORN_PORT}`,
  '--threads=4',
  '--workers=2',
  '--worker-class=gthread',
  '--worker-tmp-dir=/dev/shm',
  '--timeout=120',
  '--preload',
  'frappe.app:application',
];

const tcpReadiness = (port: string) => ({
  tcpSocket: { port },
  initialDelaySeconds: 5,
  periodSeconds: 10,
  failureThreshold: 3,
});

interface DeploymentParts {
  name: string;
  component: string;
  /** undefined: the field is left out, so whoever scales the Deployment (KEDA's HPA) owns it. */
  replicas: number | undefined;
  container: Record<string, unknown>;
  strategy?: Record<string, unknown>;
}

function buildDeployment(bench: FrappeBench, parts: DeploymentParts): Child {
  const annotations = podAnnotations(bench);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(bench, parts.name, parts.component),
    spec: {
      ...(parts.replicas !== undefined ? { replicas: parts.replicas } : {}),
      ...(parts.strategy ? { strategy: parts.strategy } : {}),
      selector: { matchLabels: selectorLabels(bench, parts.component) },
      template: {
        metadata: {
          labels: podLabels(bench, parts.component),
          ...(annotations ? { annotations } : {}),
        },
        spec: { ...commonPodSpec(bench), containers: [parts.container] },
      },
    },
  };
}

const resourcesOf = (bench: FrappeBench, component: BenchComponent) =>
  bench.spec.componentResources?.[component];

export function buildGunicorn(bench: FrappeBench): Child {
  return buildDeployment(bench, {
    name: benchChildNames(bench.metadata.name ?? '').gunicorn,
    component: 'gunicorn',
    replicas: bench.spec.componentReplicas?.gunicorn ?? 1,
    container: benchContainer(bench, {
      name: 'gunicorn',
      command: GUNICORN_COMMAND,
      workingDir: BENCH_PATH,
      ports: [{ name: 'http', containerPort: GUNICORN_PORT, protocol: 'TCP' }],
      readinessProbe: tcpReadiness('http'),
      resources: resourcesOf(bench, 'gunicorn'),
    }),
  });
}

/**
 * nginx-entrypoint.sh renders its template from these variables (frappe_docker
 * docs/environment-variables.md). The real-IP settings keep frappe_docker's defaults: trusting
 * X-Forwarded-For from anything but loopback would let any client in the cluster spoof the
 * address Frappe's IP restrictions check; the pod network range is not known here.
 */
export function nginxEnv(bench: FrappeBench): { name: string; value: string }[] {
  const names = benchChildNames(bench.metadata.name ?? '');
  return [
    { name: 'BACKEND', value: `${names.gunicorn}:${GUNICORN_PORT}` },
    { name: 'SOCKETIO', value: `${names.socketio}:${SOCKETIO_SERVER_PORT}` },
    { name: 'NGINX_LISTEN_PORT', value: String(NGINX_PORT) },
    { name: 'UPSTREAM_REAL_IP_ADDRESS', value: '127.0.0.1' },
    { name: 'UPSTREAM_REAL_IP_HEADER', value: 'X-Forwarded-For' },
    { name: 'UPSTREAM_REAL_IP_RECURSIVE', value: 'off' },
    // Frappe picks the site by the Host header (S-DOM-1: domain = siteName).
    { name: 'FRAPPE_SITE_NAME_HEADER', value: '$host' },
    { name: 'PROXY_READ_TIMEOUT', value: '120' },
    { name: 'CLIENT_MAX_BODY_SIZE', value: '50m' },
  ];
}

export function buildNginx(bench: FrappeBench): Child {
  return buildDeployment(bench, {
    name: benchChildNames(bench.metadata.name ?? '').nginx,
    component: 'nginx',
    replicas: bench.spec.componentReplicas?.nginx ?? 1,
    container: benchContainer(bench, {
      name: 'nginx',
      command: ['nginx-entrypoint.sh'],
      env: nginxEnv(bench),
      ports: [{ name: 'http', containerPort: NGINX_PORT, protocol: 'TCP' }],
      // TCP, not HTTP: a probe's Host is the pod IP, which names no site, so Frappe answers 404.
      readinessProbe: tcpReadiness('http'),
      resources: resourcesOf(bench, 'nginx'),
    }),
  });
}

export function buildSocketio(bench: FrappeBench): Child {
  return buildDeployment(bench, {
    name: benchChildNames(bench.metadata.name ?? '').socketio,
    component: 'socketio',
    replicas: bench.spec.componentReplicas?.socketio ?? 1,
    container: benchContainer(bench, {
      name: 'socketio',
      command: ['node', `${BENCH_PATH}/apps/frappe/socketio.js`],
      workingDir: BENCH_PATH,
      ports: [{ name: 'http', containerPort: SOCKETIO_SERVER_PORT, protocol: 'TCP' }],
      readinessProbe: tcpReadiness('http'),
      resources: resourcesOf(bench, 'socketio'),
    }),
  });
}

/**
 * One replica always, replaced with Recreate: two schedulers, even for the overlap of a rolling
 * update, would enqueue scheduled jobs twice.
 */
export function buildScheduler(bench: FrappeBench): Child {
  return buildDeployment(bench, {
    name: benchChildNames(bench.metadata.name ?? '').scheduler,
    component: 'scheduler',
    replicas: 1,
    strategy: { type: 'Recreate' },
    container: benchContainer(bench, {
      name: 'scheduler',
      command: ['bench', 'schedule'],
      workingDir: BENCH_PATH,
      resources: resourcesOf(bench, 'scheduler'),
    }),
  });
}

/** `replicas` undefined for an autoscaled worker: KEDA's HPA owns spec.replicas then. */
export function buildWorker(bench: FrappeBench, type: WorkerType, replicas: number | undefined): Child {
  return buildDeployment(bench, {
    name: benchChildNames(bench.metadata.name ?? '').worker(type),
    component: `worker-${type}`,
    replicas,
    container: benchContainer(bench, {
      name: 'worker',
      command: ['bench', 'worker', '--queue', type],
      workingDir: BENCH_PATH,
      resources: resourcesOf(bench, WORKER_RESOURCES[type]),
    }),
  });
}
