// The site index both cluster views keep: an update moves a site between buckets, a removal
// forgets it everywhere, database names are found without case.
import { describe, expect, it } from 'vitest';
import { SiteIndex } from '../../../src/api/site-index.js';
import { summarizeSite, type SiteSummary } from '../../../src/api/site-summary.js';
import type { FrappeSite } from '../../../src/api/frappe-site.js';

const summary = (domain: string, databaseName: string, bench = 'b'): SiteSummary =>
  summarizeSite({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { name: 's', namespace: 'n', annotations: { 'vyogo.tech/deletion-protection': 'True' } },
    spec: { benchRef: { name: bench }, siteName: domain, dbConfig: { provider: 'mariadb', databaseName } },
  } as FrappeSite);

describe('SiteIndex', () => {
  it('moves a site between buckets on update and forgets it on removal', () => {
    const index = new SiteIndex();
    index.upsert(summary('a.example.com', 'Db_A'));
    expect(index.sitesWithDomain('a.example.com')).toHaveLength(1);
    expect(index.sitesWithDatabaseName('db_a')).toHaveLength(1);
    index.upsert(summary('b.example.com', 'db_b', 'c'));
    expect(index.size).toBe(1);
    expect(index.sitesWithDomain('a.example.com')).toEqual([]);
    expect(index.sitesWithDatabaseName('db_a')).toEqual([]);
    expect(index.sitesOfBench('n', 'b')).toEqual([]);
    expect(index.sitesOfBench('n', 'c').map((s) => s.name)).toEqual(['s']);
    index.remove({ namespace: 'n', name: 's' });
    expect(index.size).toBe(0);
    expect(index.sitesWithDomain('b.example.com')).toEqual([]);
    expect(index.site('n', 's')).toBeUndefined();
  });

  it('keeps only what the rules read', () => {
    expect(summary('a.example.com', 'db')).toEqual({
      namespace: 'n',
      name: 's',
      bench: 'n/b',
      domain: 'a.example.com',
      databaseTarget: undefined,
      databaseName: 'db',
      databaseUser: undefined,
      deletionProtection: 'True',
      deletionPolicy: undefined,
    });
  });

  it('never throws on odd shapes', () => {
    expect(() => summarizeSite({ metadata: {}, spec: 7 } as unknown as FrappeSite)).not.toThrow();
    expect(() => summarizeSite({} as unknown as FrappeSite)).not.toThrow();
  });
});
