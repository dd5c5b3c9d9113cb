// References of a site: S-REF-1, S-REF-2, S-TLS-1.
import type { FrappeSite } from '../../api/frappe-site.js';
import { CREATE_UPDATE, deny, rule, warn } from '../rule.js';

export const siteRefRules = [
  rule<FrappeSite>({
    id: 'S-REF-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      "benchRef.name is set; benchRef.namespace is empty or the site's own (the site's Jobs mount the bench's " +
      'namespaced volume).',
    check: ({ object: { spec, metadata }, namespace }) => {
      if (!spec.benchRef?.name)
        return [deny('spec.benchRef.name', 'name the FrappeBench that serves this site', 'Required')];
      const own = metadata.namespace || namespace;
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
    check: ({ object: { spec, metadata }, namespace, view }) => {
      const benchNamespace = spec.benchRef?.namespace || metadata.namespace || namespace;
      if (!spec.benchRef?.name || view.bench(benchNamespace, spec.benchRef.name)) return [];
      return [
        warn(
          'spec.benchRef.name',
          `FrappeBench ${spec.benchRef.name} does not exist yet; the site waits for it`,
        ),
      ];
    },
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
