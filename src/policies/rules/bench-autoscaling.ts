// Worker autoscaling: B-AS-1 … B-AS-3.
import { benchChildNames } from '../../api/child-names.js';
import type { FrappeBench, WorkerAutoscaling } from '../../api/frappe-bench.js';
import { WORKER_TYPES } from '../../api/values.js';
import { CREATE_UPDATE, deny, rule, warn, type Finding } from '../rule.js';
import { MAX_REPLICAS } from './bench-spec.js';
import { namespaceOf } from '../../api/namespaces.js';

function checkBounds(path: string, w: WorkerAutoscaling): Finding[] {
  const findings: Finding[] = [];
  if (w.minReplicas !== undefined && w.maxReplicas !== undefined && w.minReplicas > w.maxReplicas) {
    findings.push(deny(`${path}.minReplicas`, `${w.minReplicas} exceeds maxReplicas ${w.maxReplicas}`));
  }
  for (const field of ['maxReplicas', 'queueLength', 'pollingInterval'] as const) {
    const value = w[field];
    if (value !== undefined && value < 1)
      findings.push(deny(`${path}.${field}`, `must be at least 1, got ${value}`));
  }
  for (const field of ['minReplicas', 'staticReplicas', 'cooldownPeriod'] as const) {
    const value = w[field];
    if (value !== undefined && value < 0)
      findings.push(deny(`${path}.${field}`, `must not be negative, got ${value}`));
  }
  for (const field of ['minReplicas', 'maxReplicas', 'staticReplicas'] as const) {
    const value = w[field];
    if (value !== undefined && value > MAX_REPLICAS)
      findings.push(deny(`${path}.${field}`, `${value} is more than ${MAX_REPLICAS} replicas`));
  }
  return findings;
}

const autoscaledWorkers = (bench: FrappeBench) =>
  WORKER_TYPES.filter((type) => bench.spec.workerAutoscaling?.[type]?.enabled === true);

export const benchAutoscalingRules = [
  rule<FrappeBench>({
    id: 'B-AS-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    cel: true,
    summary:
      'minReplicas ≤ maxReplicas, maxReplicas ≥ 1, queueLength ≥ 1, pollingInterval ≥ 1; ' +
      `minReplicas, staticReplicas and cooldownPeriod are not negative; no replica count above ${MAX_REPLICAS}.`,
    check: ({ object: { spec } }) =>
      WORKER_TYPES.flatMap((type) => {
        const worker = spec.workerAutoscaling?.[type];
        return worker ? checkBounds(`spec.workerAutoscaling.${type}`, worker) : [];
      }),
  }),
  rule<FrappeBench>({
    id: 'B-AS-2',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: 'Warning: autoscaling is enabled but KEDA is not installed; those workers run staticReplicas.',
    check: ({ object, view }) => {
      const workers = autoscaledWorkers(object);
      if (workers.length === 0 || view.kedaInstalled()) return [];
      return [
        warn(
          'spec.workerAutoscaling',
          `KEDA is not installed: workers ${workers.join(', ')} run staticReplicas`,
        ),
      ];
    },
  }),
  rule<FrappeBench>({
    id: 'B-AS-3',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: 'An HPA in the namespace must not already target a worker Deployment that KEDA would scale.',
    check: ({ object, namespace, view }) => {
      if (!view.kedaInstalled() || !object.metadata.name) return [];
      const names = benchChildNames(object.metadata.name);
      const hpas = view.horizontalPodAutoscalers(namespaceOf(object, namespace));
      return autoscaledWorkers(object).flatMap((type) => {
        const deployment = names.worker(type);
        const kedaOwn = `keda-hpa-${names.scaledObject(type)}`;
        const rival = hpas.find((hpa) => {
          const target = hpa.spec?.scaleTargetRef;
          return hpa.metadata.name !== kedaOwn && target?.kind === 'Deployment' && target.name === deployment;
        });
        return rival
          ? [
              deny(
                `spec.workerAutoscaling.${type}.enabled`,
                `HorizontalPodAutoscaler ${rival.metadata.name} already scales ${deployment}; delete it or disable autoscaling`,
                'Forbidden',
              ),
            ]
          : [];
      });
    },
  }),
];
