// Names and domains of a site: S-NAME-1, S-NAME-2, S-DOM-1 … S-DOM-3.
import { MAX_SITE_NAME_LENGTH } from '../../api/child-names.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { CREATE_UPDATE, deny, rule } from '../rule.js';
import { DNS_1035_LABEL, dnsSubdomainProblem } from '../../api/dns-names.js';
import { checkObjectName, domainSuffix } from './names.js';
import { describeOther } from './others.js';
import { benchNamespaceOf, namespaceOf } from '../../api/namespaces.js';

export const siteNameRules = [
  rule<FrappeSite>({
    id: 'S-NAME-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    cel: true,
    summary: 'siteName is a lower-case DNS-1123 subdomain: it is the host name Frappe serves.',
    check: ({ object: { spec } }) => {
      const problem = dnsSubdomainProblem(spec.siteName ?? '');
      return problem ? [deny('spec.siteName', problem)] : [];
    },
  }),
  rule<FrappeSite>({
    id: 'S-NAME-2',
    kind: 'FrappeSite',
    operations: ['CREATE'],
    summary:
      `metadata.name is a DNS-1035 label (it names Services) of at most ${MAX_SITE_NAME_LENGTH} characters, so ` +
      'every derived name stays within 63.',
    check: ({ object: { metadata } }) =>
      checkObjectName(
        metadata,
        MAX_SITE_NAME_LENGTH,
        DNS_1035_LABEL,
        'a DNS-1035 label (a-z, 0-9, -; starts with a letter: it names Services)',
      ),
  }),
  rule<FrappeSite>({
    id: 'S-DOM-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: 'domain equals siteName: Frappe picks the site by the HTTP Host header.',
    check: ({ object: { spec } }) =>
      spec.domain === undefined || spec.domain === spec.siteName
        ? []
        : [
            deny(
              'spec.domain',
              `must equal siteName ${spec.siteName}: Frappe picks the site by the Host header`,
            ),
          ],
  }),
  rule<FrappeSite>({
    id: 'S-DOM-2',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      'No other FrappeSite in the cluster serves the same domain (named when in the same namespace, never across).',
    check: ({ object, namespace, view }) => {
      const { spec, metadata } = object;
      const domain = spec.domain || spec.siteName;
      if (!domain) return [];
      const ownNamespace = namespaceOf(object, namespace);
      const other = view
        .sitesWithDomain(domain)
        .find((site) => site.namespace !== ownNamespace || site.name !== (metadata.name ?? ''));
      return other
        ? [
            deny(
              spec.domain ? 'spec.domain' : 'spec.siteName',
              `${domain} is already served by ${describeOther(other, ownNamespace)}`,
              'Duplicate',
            ),
          ]
        : [];
    },
  }),
  rule<FrappeSite>({
    id: 'S-DOM-3',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: "siteName ends with the bench's domainConfig.suffix when one is set.",
    check: ({ object, namespace, view }) => {
      const { spec } = object;
      const bench = view.bench(benchNamespaceOf(object, namespace), spec.benchRef?.name ?? '');
      const suffix = domainSuffix(bench?.spec.domainConfig?.suffix);
      if (!suffix || spec.siteName === suffix || spec.siteName?.endsWith(`.${suffix}`)) return [];
      return [
        deny('spec.siteName', `must end with .${suffix}, the domain suffix of bench ${bench?.metadata.name}`),
      ];
    },
  }),
];
