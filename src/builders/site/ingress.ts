// Ingress `<s>`: the site's host name to the bench's nginx. nginx routes by the Host header
// (FRAPPE_SITE_NAME_HEADER=$host), so the host is the site name (domain equals siteName, S-DOM-1).
import type { Child } from '../child.js';
import { siteMetadata, type SiteContext } from './context.js';

export const NGINX_PORT = 8080;
export const CLUSTER_ISSUER_ANNOTATION = 'cert-manager.io/cluster-issuer';

export function tlsSecretName(context: SiteContext): string {
  return context.site.spec.tls?.secretName || context.names.tlsSecret;
}

export function siteIngress(context: SiteContext): Child {
  const { spec } = context.site;
  const issuer = context.tlsEnabled ? spec.tls?.issuer : undefined;
  const annotations = {
    ...spec.ingress?.annotations,
    ...(issuer ? { [CLUSTER_ISSUER_ANNOTATION]: issuer } : {}),
  };
  const className = spec.ingressClassName || spec.ingress?.className;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: siteMetadata(context, context.names.ingress, 'ingress', {
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    }),
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      ...(context.tlsEnabled ? { tls: [{ hosts: [context.host], secretName: tlsSecretName(context) }] } : {}),
      rules: [
        {
          host: context.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: context.benchNames.nginx, port: { number: NGINX_PORT } } },
              },
            ],
          },
        },
      ],
    },
  };
}
