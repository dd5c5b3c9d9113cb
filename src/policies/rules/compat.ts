// Manifests written for the Go Frappe operator (vyogotech/frappe-operator v2.x) apply unchanged:
// B-COMPAT-1 (bench) and S-COMPAT-1 (site) warn once per field of its API that is accepted here
// but has no effect, so nothing is ignored silently; S-ING-2 keeps its ingress.className, an alias
// of ingressClassName here, from contradicting it. The schema side is src/api/compat-fields.ts;
// docs/go-operator-manifests.md lists every field and what happens to it.
import { WORKER_UTILIZATION_TARGETS, WORKER_TYPES, usesExternalRedis } from '../../api/values.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { valueAt } from '../../api/json.js';
import { CREATE_UPDATE, deny, rule, warn, WARNING_LIMIT, type Finding } from '../rule.js';

const NO_EFFECT = 'accepted for compatibility with the Go operator; has no effect here';
const NO_EFFECT_SHORT = 'Go operator field; no effect here';

/** The warning for one field, in the long form when `<field>: <detail> [<id>]` fits the limit. */
export function compatWarning(field: string, id: string): Finding {
  const fits = field.length + NO_EFFECT.length + id.length + 5 <= WARNING_LIMIT;
  return warn(field, fits ? NO_EFFECT : NO_EFFECT_SHORT);
}

/** Present fields among `fields`, as warnings. */
function warnPresent(object: unknown, fields: readonly Field[], id: string): Finding[] {
  const findings: Finding[] = [];
  for (const { name, path } of fields)
    if (valueAt(object, path) !== undefined) findings.push(compatWarning(name, id));
  return findings;
}

/** A field by its dot-separated name, split once (the rules run on every decision). */
interface Field {
  name: string;
  path: readonly string[];
}
const fields = (names: readonly string[]): Field[] => names.map((name) => ({ name, path: name.split('.') }));

const BENCH_FIELDS = fields([
  'spec.fpmConfig',
  'spec.gitConfig',
  'spec.siteReconcileConcurrency',
  'spec.domainConfig.autoDetect',
  'spec.domainConfig.ingressControllerRef',
  'spec.gunicornAutoscaling',
  'spec.nginxAutoscaling',
  'spec.socketIOAutoscaling',
  ...WORKER_TYPES.flatMap((type) =>
    WORKER_UTILIZATION_TARGETS.map((target) => `spec.workerAutoscaling.${type}.${target}`),
  ),
  'spec.podConfig.geoTag',
]);

const SITE_FIELDS = fields(['spec.podConfig.geoTag']);

export const compatRules = [
  rule<FrappeBench>({
    id: 'B-COMPAT-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      "Warning per field of the Go operator's API that is accepted but has no effect here (fpmConfig, gitConfig, " +
      '…; see docs/go-operator-manifests.md). Never a schema error.',
    check: ({ object }) => {
      const findings = warnPresent(object, BENCH_FIELDS, 'B-COMPAT-1');
      const redis = object.spec.redisConfig;
      if (redis?.type === 'dragonfly' && !usesExternalRedis(redis))
        findings.push(
          warn('spec.redisConfig.type', 'dragonfly is accepted for compatibility; the bench runs Redis'),
        );
      return findings;
    },
  }),
  rule<FrappeSite>({
    id: 'S-COMPAT-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      "Warning per field or value of the Go operator's API that is accepted but has no effect here (ingress.tls, " +
      'podConfig.geoTag, Route passthrough/reencrypt/subdomain). Never a schema error.',
    check: ({ object }) => {
      const { spec } = object;
      const findings = warnPresent(object, SITE_FIELDS, 'S-COMPAT-1');
      if (spec.ingress?.tls !== undefined)
        findings.push(warn('spec.ingress.tls', 'has no effect here (nor in the Go operator): use spec.tls'));
      const termination = spec.routeConfig?.tlsTermination;
      if (termination !== undefined && termination !== 'edge')
        findings.push(
          warn(
            'spec.routeConfig.tlsTermination',
            `${termination} has no effect: the Route terminates TLS at the router (edge)`,
          ),
        );
      if (spec.routeConfig?.wildcardPolicy === 'subdomain')
        findings.push(
          warn('spec.routeConfig.wildcardPolicy', 'subdomain has no effect: the Route serves siteName only'),
        );
      return findings;
    },
  }),
  rule<FrappeSite>({
    id: 'S-ING-2',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    cel: true,
    summary:
      "ingress.className (the Go operator's name for ingressClassName) and ingressClassName name the same " +
      'IngressClass when both are set; with only ingress.className, ingressClassName defaults to it.',
    check: ({ object: { spec }, oldObject }) => {
      const alias = spec.ingress?.className;
      const name = spec.ingressClassName;
      if (!alias || !name || alias === name) return [];
      const old = oldObject?.spec;
      if (old?.ingress?.className === alias && old.ingressClassName === name) return [];
      return [
        deny(
          'spec.ingress.className',
          `names ${alias} but spec.ingressClassName names ${name}: set one of them, or both alike`,
        ),
      ];
    },
  }),
];
