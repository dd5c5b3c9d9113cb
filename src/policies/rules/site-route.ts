// The OpenShift Route of a site (routeConfig, from the Go operator's API): S-ROUTE-1 keeps its
// host on siteName, S-ROUTE-2 warns when the cluster serves no Route API. Values that have no
// effect (passthrough, reencrypt, subdomain) are S-COMPAT-1 warnings (compat.ts).
import type { FrappeSite } from '../../api/frappe-site.js';
import { CREATE_UPDATE, deny, rule, warn } from '../rule.js';

export const siteRouteRules = [
  rule<FrappeSite>({
    id: 'S-ROUTE-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: 'routeConfig.host, when set, equals siteName: Frappe picks the site by the HTTP Host header.',
    check: ({ object: { spec }, oldObject }) => {
      const host = spec.routeConfig?.host;
      if (!host || host === spec.siteName || host === oldObject?.spec.routeConfig?.host) return [];
      return [
        deny(
          'spec.routeConfig.host',
          `must be empty or siteName ${spec.siteName}: Frappe picks the site by the Host header`,
        ),
      ];
    },
  }),
  rule<FrappeSite>({
    id: 'S-ROUTE-2',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: 'Warning when routeConfig asks for a Route but the cluster does not serve route.openshift.io.',
    check: ({ object: { spec }, view }) =>
      spec.routeConfig && spec.routeConfig.enabled !== false && !view.routeApiInstalled()
        ? [
            warn(
              'spec.routeConfig',
              'the Route API (route.openshift.io) is not installed; no Route is created',
            ),
          ]
        : [],
  }),
];
