// Names and domains of a site: S-NAME-1, S-NAME-2, S-DOM-1 … S-DOM-3.
import { MAX_SITE_NAME_LENGTH } from '../../api/child-names.js';
import { siteDomain } from '../../api/cluster.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { CREATE_UPDATE, deny, rule } from '../rule.js';
import { checkObjectName } from './names.js';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why a host name is not a lower-case DNS-1123 subdomain, or undefined when it is one. */
export function dnsSubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `is ${name.length} characters, more than a DNS name may have (253)`;
  const bad = name.split('.').find((label) => label.length > 63 || !DNS_1123_LABEL.test(label));
  if (bad === undefined) return undefined;
  return bad.length > 63
    ? `label "${bad.slice(0, 20)}…" is ${bad.length} characters, more than 63`
    : `"${name}" is not a lower-case DNS name (a-z, 0-9, - and . such as erp.example.com)`;
}

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
    summary: `metadata.name is at most ${MAX_SITE_NAME_LENGTH} characters, so every derived name stays within 63.`,
    check: ({ object: { metadata } }) =>
      checkObjectName(metadata, MAX_SITE_NAME_LENGTH, DNS_1123_LABEL, 'a DNS-1123 label (a-z, 0-9, -)'),
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
    summary: 'No other FrappeSite in the cluster serves the same domain (the message names it).',
    check: ({ object, namespace, view }) => {
      const domain = siteDomain(object);
      if (!domain) return [];
      const own = `${object.metadata.namespace || namespace}/${object.metadata.name ?? ''}`;
      const other = view
        .sitesWithDomain(domain)
        .find((site) => `${site.metadata.namespace}/${site.metadata.name}` !== own);
      return other
        ? [
            deny(
              object.spec.domain ? 'spec.domain' : 'spec.siteName',
              `${domain} is already served by FrappeSite ${other.metadata.namespace}/${other.metadata.name}`,
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
    check: ({ object: { spec, metadata }, namespace, view }) => {
      const bench = view.bench(
        spec.benchRef?.namespace || metadata.namespace || namespace,
        spec.benchRef?.name ?? '',
      );
      const suffix = bench?.spec.domainConfig?.suffix?.replace(/^\./, '');
      if (!suffix || spec.siteName === suffix || spec.siteName?.endsWith(`.${suffix}`)) return [];
      return [
        deny('spec.siteName', `must end with .${suffix}, the domain suffix of bench ${bench?.metadata.name}`),
      ];
    },
  }),
];
