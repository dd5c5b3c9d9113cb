// Version, replicas and resources of a bench: B-VER-1, B-REP-1, B-RES-1.
import type { ResourceRequirements } from '../../api/common.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import { BENCH_COMPONENTS } from '../../api/values.js';
import { parseQuantity } from '../../api/quantity.js';
import { CREATE_UPDATE, deny, rule, type Finding } from '../rule.js';
import { dnsSubdomainProblem } from '../../api/dns-names.js';
import { domainSuffix } from './names.js';

const AT_LEAST_ONE = ['gunicorn', 'nginx', 'socketio'] as const;
const WORKERS = ['workerDefault', 'workerLong', 'workerShort'] as const;

/** Replicas beyond this are a typo, not a plan (and 1e9 would break KEDA and the scheduler). */
export const MAX_REPLICAS = 1000;

/** Each quantity is finite and not negative (`1e400`, `-1`); a request is at most its limit. */
export function checkRequestsWithinLimits(
  path: string,
  resources: ResourceRequirements | undefined,
): Finding[] {
  const findings: Finding[] = [];
  // Each quantity is parsed once (this runs for 8 components on every bench decision).
  const parse = (side: 'requests' | 'limits', name: string, quantity: unknown) => {
    const value = parseQuantity(quantity);
    if (value !== undefined && value >= 0) return value;
    findings.push(
      deny(`${path}.${side}.${name}`, `${String(quantity)} is not a finite, non-negative quantity`),
    );
    return undefined;
  };
  const limits = new Map<string, number | undefined>();
  for (const [name, limit] of Object.entries(resources?.limits ?? {}))
    limits.set(name, parse('limits', name, limit));
  for (const [name, request] of Object.entries(resources?.requests ?? {})) {
    const r = parse('requests', name, request);
    const l = limits.get(name);
    if (r !== undefined && l !== undefined && r > l) {
      findings.push(
        deny(`${path}.requests.${name}`, `request ${request} exceeds the limit ${resources?.limits?.[name]}`),
      );
    }
  }
  return findings;
}

export const benchSpecRules = [
  rule<FrappeBench>({
    id: 'B-VER-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    cel: true,
    summary: '`frappeVersion` is set and not empty (e.g. version-15).',
    check: ({ object: { spec } }) =>
      typeof spec.frappeVersion === 'string' && spec.frappeVersion.trim() !== ''
        ? []
        : [deny('spec.frappeVersion', 'set the Frappe version, e.g. version-15', 'Required')],
  }),
  rule<FrappeBench>({
    id: 'B-REP-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    cel: true,
    summary: `gunicorn, nginx and socketio run at least 1 replica; worker replicas are not negative; none above ${MAX_REPLICAS}.`,
    check: ({ object: { spec } }) => {
      const replicas = spec.componentReplicas ?? {};
      return [
        ...Object.entries(replicas)
          .filter(([, count]) => typeof count === 'number' && count > MAX_REPLICAS)
          .map(([c, count]) =>
            deny(`spec.componentReplicas.${c}`, `${count} is more than ${MAX_REPLICAS} replicas`),
          ),
        ...AT_LEAST_ONE.filter((c) => (replicas[c] ?? 1) < 1).map((c) =>
          deny(`spec.componentReplicas.${c}`, `${c} needs at least 1 replica, got ${replicas[c]}`),
        ),
        ...WORKERS.filter((c) => (replicas[c] ?? 0) < 0).map((c) =>
          deny(`spec.componentReplicas.${c}`, `replicas must not be negative, got ${replicas[c]}`),
        ),
      ];
    },
  }),
  rule<FrappeBench>({
    id: 'B-DOM-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'domainConfig.suffix is a lower-case DNS name (one leading dot allowed, no trailing dot): every site of ' +
      'the bench must end with it (S-DOM-3).',
    check: ({ object: { spec } }) => {
      const suffix = spec.domainConfig?.suffix;
      if (suffix === undefined) return [];
      const problem = dnsSubdomainProblem(domainSuffix(suffix) ?? '');
      return problem ? [deny('spec.domainConfig.suffix', problem)] : [];
    },
  }),
  rule<FrappeBench>({
    id: 'B-RES-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'For each component and Redis, every quantity is finite and not negative and every request is at most its ' +
      'limit (compared as quantities).',
    check: ({ object: { spec } }) => [
      ...BENCH_COMPONENTS.flatMap((c) =>
        checkRequestsWithinLimits(`spec.componentResources.${c}`, spec.componentResources?.[c]),
      ),
      ...checkRequestsWithinLimits('spec.redisConfig.resources', spec.redisConfig?.resources),
    ],
  }),
];
