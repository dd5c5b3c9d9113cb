// OpenShift Route `<s>` (route.openshift.io/v1), for clusters with the Route API and a site whose
// routeConfig asks for one. The bench serves plain HTTP, so TLS ends at the router (edge);
// passthrough, reencrypt and a subdomain wildcard have no effect (S-COMPAT-1 warns).
import type { Child } from '../child.js';
import { siteMetadata, type SiteContext } from './context.js';
import { NGINX_PORT } from './ingress.js';

export function wantsRoute(context: SiteContext): boolean {
  const route = context.site.spec.routeConfig;
  return route !== undefined && route.enabled !== false;
}

export function siteRoute(context: SiteContext): Child {
  const annotations = context.site.spec.routeConfig?.annotations ?? {};
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: siteMetadata(context, context.names.ingress, 'route', {
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    }),
    spec: {
      // S-ROUTE-1 keeps routeConfig.host empty or equal to siteName.
      host: context.host,
      to: { kind: 'Service', name: context.benchNames.nginx, weight: 100 },
      port: { targetPort: NGINX_PORT },
      wildcardPolicy: 'None',
      ...(context.tlsEnabled
        ? { tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } }
        : {}),
    },
  };
}
