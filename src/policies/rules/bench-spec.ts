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

/** A quantity as a number when it is finite and not negative, else undefined. */
function sizeOf(quantity: unknown): number | undefined {
  const value = parseQuantity(quantity);
  return value !== undefined && value >= 0 ? value : undefined;
}

const notASize = (field: string, quantity: unknown) =>
  deny(field, `${String(quantity)} is not a finite, non-negative quantity`);

/**
 * Adds to findings: each quantity that is not finite and not negative (`1e400`, `-1`), and each
 * request above its limit. This runs for 8 components on every bench decision: no intermediate
 * arrays or maps.
 */
function checkRequestsWithinLimits(
  findings: Finding[],
  path: string,
  resources: ResourceRequirements | undefined,
): void {
  const limits = resources?.limits ?? {};
  const requests = resources?.requests ?? {};
  for (const name in limits)
    if (sizeOf(limits[name]) === undefined) findings.push(notASize(`${path}.limits.${name}`, limits[name]));
  for (const name in requests) {
    const request = sizeOf(requests[name]);
    if (request === undefined) {
      findings.push(notASize(`${path}.requests.${name}`, requests[name]));
      continue;
    }
    const limit = sizeOf(limits[name]);
    if (limit !== undefined && request > limit)
      findings.push(
        deny(`${path}.requests.${name}`, `request ${requests[name]} exceeds the limit ${limits[name]}`),
      );
  }
}

const COMPONENT_RESOURCES = BENCH_COMPONENTS.map((component) => ({
  component,
  path: `spec.componentResources.${component}`,
}));

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
    check: ({ object: { spec } }) => {
      const findings: Finding[] = [];
      for (const { component, path } of COMPONENT_RESOURCES)
        checkRequestsWithinLimits(findings, path, spec.componentResources?.[component]);
      checkRequestsWithinLimits(findings, 'spec.redisConfig.resources', spec.redisConfig?.resources);
      return findings;
    },
  }),
];
