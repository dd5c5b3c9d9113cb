// S-ING-1: Ingress annotations that inject configuration into the ingress controller. ingress-nginx
// pastes `*-snippet` annotations verbatim into nginx.conf (CVE-2021-25742, CVE-2025-1974 family):
// a tenant who may not edit the controller's config must not do it through the operator's Ingress.
import type { FrappeSite } from '../../api/frappe-site.js';
import type { OperatorConfig } from '../../defaults/config.js';
import { CREATE_UPDATE, deny, rule } from '../rule.js';

/** ingress-nginx's configuration snippets (server-snippet, configuration-snippet, auth-snippet…). */
const SNIPPET = /-snippets?$/;

/** A deny-list pattern as a RegExp: `*` matches any characters, everything else itself. */
const globPattern = (glob: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );

// Compiled once per operator config (the list lives as long as the config), not per request.
const compiled = new WeakMap<readonly string[], readonly [string, RegExp][]>();
function denyList(globs: readonly string[]): readonly [string, RegExp][] {
  let patterns = compiled.get(globs);
  if (!patterns) compiled.set(globs, (patterns = globs.map((glob) => [glob, globPattern(glob)] as const)));
  return patterns;
}

function deniedBy(key: string, config: OperatorConfig): string | undefined {
  if (!config.allowIngressSnippets && SNIPPET.test(key)) return 'injects ingress controller configuration';
  const match = denyList(config.deniedIngressAnnotations).find(([, pattern]) => pattern.test(key));
  return match && `is denied by the operator (deniedIngressAnnotations ${match[0]})`;
}

export const siteIngressRules = [
  rule<FrappeSite>({
    id: 'S-ING-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      'No Ingress annotation that injects configuration (ingress-nginx *-snippet) unless the operator config ' +
      'sets allowIngressSnippets, and none its deniedIngressAnnotations list.',
    check: ({ object: { spec }, config }) =>
      Object.keys(spec.ingress?.annotations ?? {}).flatMap((key) => {
        const why = deniedBy(key, config);
        return why ? [deny(`spec.ingress.annotations[${key}]`, `${why}; remove it`, 'Forbidden')] : [];
      }),
  }),
];
