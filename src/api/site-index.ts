// Indexes over site summaries, kept by both cluster views (static for the CLI and tests, informer
// for the server): by key, by bench, by domain and by database name and user, so every lookup a
// rule makes costs the same with 10,000 sites as with 10. Re-adding a site never duplicates it.
import { MultiIndex } from './multi-index.js';
import { identifierKey, type SiteSummary } from './site-summary.js';

export const siteKey = (site: { namespace: string; name: string }) => `${site.namespace}/${site.name}`;

const lower = (identifier: string | undefined) => identifier && identifierKey(identifier);

export class SiteIndex {
  private readonly byKey = new Map<string, SiteSummary>();
  private readonly byBench = new MultiIndex<SiteSummary>();
  private readonly byDomain = new MultiIndex<SiteSummary>();
  private readonly byDatabaseName = new MultiIndex<SiteSummary>();
  private readonly byDatabaseUser = new MultiIndex<SiteSummary>();

  get size(): number {
    return this.byKey.size;
  }

  replace(sites: Iterable<SiteSummary>): void {
    for (const index of [this.byBench, this.byDomain, this.byDatabaseName, this.byDatabaseUser])
      index.clear();
    this.byKey.clear();
    for (const site of sites) this.upsert(site);
  }

  upsert(site: SiteSummary): void {
    const key = siteKey(site);
    const previous = this.byKey.get(key);
    if (previous) this.unindex(key, previous);
    this.byKey.set(key, site);
    this.byBench.add(site.bench, key, site);
    this.byDomain.add(site.domain, key, site);
    this.byDatabaseName.add(lower(site.databaseName), key, site);
    this.byDatabaseUser.add(lower(site.databaseUser), key, site);
  }

  remove(site: { namespace: string; name: string }): void {
    const key = siteKey(site);
    const previous = this.byKey.get(key);
    if (!previous) return;
    this.unindex(key, previous);
    this.byKey.delete(key);
  }

  site = (namespace: string, name: string) => this.byKey.get(`${namespace}/${name}`);
  sitesOfBench = (namespace: string, bench: string) => this.byBench.get(`${namespace}/${bench}`);
  sitesWithDomain = (domain: string) => this.byDomain.get(domain);
  sitesWithDatabaseName = (key: string) => this.byDatabaseName.get(key);
  sitesWithDatabaseUser = (key: string) => this.byDatabaseUser.get(key);

  private unindex(key: string, site: SiteSummary): void {
    this.byBench.remove(site.bench, key);
    this.byDomain.remove(site.domain, key);
    this.byDatabaseName.remove(lower(site.databaseName), key);
    this.byDatabaseUser.remove(lower(site.databaseUser), key);
  }
}
