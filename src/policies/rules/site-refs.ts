// References: S-REF-1 … S-REF-3, S-TLS-1 of a site, B-REF-1 of a bench. S-REF-3/B-REF-1 are tenant
// isolation: the controller reads the Secrets and uses the MariaDBs a spec names with its own
// rights, so a reference into another namespace would hand a tenant what is not theirs.
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { valueAt } from '../../api/json.js';
import type { OperatorConfig } from '../../defaults/config.js';
import { CREATE_UPDATE, deny, rule, warn, type Finding } from '../rule.js';
import { benchNamespaceOf, namespaceOf } from '../../api/namespaces.js';

/** Every reference of a spec that may carry a namespace. */
const CROSS_NAMESPACE_REFS = {
  FrappeSite: [
    ['dbConfig', 'mariadbRef'],
    ['dbConfig', 'postgresRef'],
    ['dbConfig', 'connectionSecretRef'],
    ['adminPasswordSecretRef'],
  ],
  FrappeBench: [
    ['dbConfig', 'mariadbRef'],
    ['dbConfig', 'postgresRef'],
    ['dbConfig', 'connectionSecretRef'],
    ['redisConfig', 'connectionSecretRef'],
  ],
} as const;

/** References into a namespace that is neither the object's own nor shared by the operator config. */
function checkReferenceNamespaces(
  kind: keyof typeof CROSS_NAMESPACE_REFS,
  spec: unknown,
  own: string,
  config: OperatorConfig,
): Finding[] {
  const shared = new Set([own, ...config.sharedNamespaces]);
  if (config.mariadbRef.namespace) shared.add(config.mariadbRef.namespace);
  return CROSS_NAMESPACE_REFS[kind].flatMap((path): Finding[] => {
    const namespace = valueAt(spec, [...path, 'namespace']);
    if (typeof namespace !== 'string' || namespace === '' || shared.has(namespace)) return [];
    return [
      deny(
        `spec.${path.join('.')}.namespace`,
        `must be empty or ${own}: ${namespace} is not shared by the operator (config sharedNamespaces)`,
        'Forbidden',
      ),
    ];
  });
}

export const siteRefRules = [
  rule<FrappeSite>({
    id: 'S-REF-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      "benchRef.name is set; benchRef.namespace is empty or the site's own (the site's Jobs mount the bench's " +
      'namespaced volume).',
    check: ({ object, namespace }) => {
      const { spec } = object;
      if (!spec.benchRef?.name)
        return [deny('spec.benchRef.name', 'name the FrappeBench that serves this site', 'Required')];
      const own = namespaceOf(object, namespace);
      const ref = spec.benchRef.namespace;
      return ref && ref !== own
        ? [
            deny(
              'spec.benchRef.namespace',
              `must be empty or ${own}: a site runs in its bench's namespace`,
              'Forbidden',
            ),
          ]
        : [];
    },
  }),
  rule<FrappeSite>({
    id: 'S-REF-2',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: 'Warning (not a denial) when the bench does not exist yet: GitOps may create it later.',
    check: ({ object, namespace, view }) => {
      const { spec } = object;
      const benchNamespace = benchNamespaceOf(object, namespace);
      if (!spec.benchRef?.name || view.bench(benchNamespace, spec.benchRef.name)) return [];
      return [
        warn(
          'spec.benchRef.name',
          `FrappeBench ${spec.benchRef.name} does not exist yet; the site waits for it and its database defaults`,
        ),
      ];
    },
  }),
  rule<FrappeSite>({
    id: 'S-REF-3',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      'mariadbRef, postgresRef, connectionSecretRef and adminPasswordSecretRef point into another namespace only ' +
      "when the operator config shares it (sharedNamespaces, or its default mariadbRef's namespace).",
    check: ({ object, namespace, config }) =>
      checkReferenceNamespaces('FrappeSite', object.spec, namespaceOf(object, namespace), config),
  }),
  rule<FrappeBench>({
    id: 'B-REF-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'dbConfig (mariadbRef, postgresRef, connectionSecretRef) and redisConfig.connectionSecretRef point into ' +
      'another namespace only when the operator config shares it (S-REF-3 for the defaults a bench gives).',
    check: ({ object, namespace, config }) =>
      checkReferenceNamespaces('FrappeBench', object.spec, namespaceOf(object, namespace), config),
  }),
  rule<FrappeSite>({
    id: 'S-TLS-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: 'Warning when TLS names an issuer but cert-manager is not installed.',
    check: ({ object: { spec }, view }) =>
      spec.tls?.enabled !== false && spec.tls?.issuer && !view.certManagerInstalled()
        ? [warn('spec.tls.issuer', `cert-manager is not installed; no certificate from ${spec.tls.issuer}`)]
        : [],
  }),
];
