// What every site builder reads: the site as an owner, its names, its bench's names, and whether
// its deletion drops data (deletionPolicy Delete).
import { benchChildNames, siteChildNames } from '../../api/child-names.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { childMetadata, type Child } from '../child.js';

export interface SiteContext {
  site: FrappeSite;
  bench: FrappeBench;
  name: string;
  namespace: string;
  names: ReturnType<typeof siteChildNames>;
  benchNames: ReturnType<typeof benchChildNames>;
  /** deletionPolicy Delete: deleting the site drops its database and files. */
  dropsData: boolean;
  /** The host name Frappe serves the site under (domain equals siteName by S-DOM-1). */
  host: string;
  tlsEnabled: boolean;
}

export function siteContext(site: FrappeSite, bench: FrappeBench): SiteContext {
  const name = site.metadata.name ?? '';
  return {
    site,
    bench,
    name,
    namespace: site.metadata.namespace ?? '',
    names: siteChildNames(name),
    benchNames: benchChildNames(bench.metadata.name ?? ''),
    dropsData: site.spec.deletionPolicy === 'Delete',
    host: site.spec.domain || site.spec.siteName,
    tlsEnabled: site.spec.tls?.enabled === true,
  };
}

/** metadata of a site child; `owned: false` for what must outlive the site. */
export function siteMetadata(
  context: SiteContext,
  name: string,
  component: string,
  options: { owned?: boolean; annotations?: Record<string, string> } = {},
): Child['metadata'] {
  return childMetadata(context.site, name, component, options);
}
