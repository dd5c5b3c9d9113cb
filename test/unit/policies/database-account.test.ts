// The site's MariaDB account is its database name (Frappe 14 and 15 connect as db_name): the
// mutating webhook defaults databaseUser to it, S-DB-2 allows MariaDB's 80 characters, S-DB-3 treats
// names and users as one namespace of accounts, and warns when databaseUser is not the account.
// A stored site keeps the `u<h>_…` user earlier versions defaulted.
import { describe, expect, it } from 'vitest';
import { staticClusterView } from '../../../src/api/static-cluster-view.js';
import { operatorConfig } from '../../../src/defaults/config.js';
import { admit } from '../../../src/admission/admit.js';
import { denialMessage, formatWarning } from '../../../src/admission/messages.js';
import { fnv1a32 } from '../../../src/defaults/database-names.js';

const bench = (frappeVersion: string) => ({
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeBench',
  metadata: { name: 'erpnext', namespace: 'mine' },
  spec: {
    frappeVersion,
    apps: [{ name: 'erpnext', source: 'image' }],
    dbConfig: { provider: 'mariadb', mode: 'shared', mariadbRef: { name: 'db', namespace: 'shared' } },
  },
});

const site = (namespace: string, name: string, siteName: string, dbConfig: object = {}) => ({
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeSite',
  metadata: { name, namespace },
  spec: {
    benchRef: { name: 'erpnext' },
    siteName,
    dbConfig: {
      provider: 'mariadb',
      mode: 'shared',
      mariadbRef: { name: 'db', namespace: 'shared' },
      ...dbConfig,
    },
  },
});

// A tenant whose site's account is its database name, on the shared server.
const victim = site('victim-tenant', 'shop', 'shop.victim.example', {
  databaseName: 'victim_shop',
  // Stored by an earlier version: its user is not its account, which is victim_shop.
  databaseUser: 'victim_shop_user',
});

const contextFor = (frappeVersion = 'version-15') => ({
  view: staticClusterView([victim, bench(frappeVersion)]),
  config: operatorConfig('production', { sharedNamespaces: ['shared'] }),
});

const create = (object: object, frappeVersion?: string) =>
  admit(
    'FrappeSite',
    { operation: 'CREATE', namespace: 'mine', object, dryRun: false },
    contextFor(frappeVersion),
  );

const dbConfigOf = (object: unknown) =>
  (object as { spec: { dbConfig: Record<string, unknown> } }).spec.dbConfig;

describe('databaseUser is the account: the database name', () => {
  it('defaults to the generated database name', () => {
    const { mutation, validation } = create(site('mine', 'a', 'a.mine.example'));
    const hash = fnv1a32('mine/a.mine.example');
    expect(dbConfigOf(mutation.object)).toMatchObject({
      databaseName: `_${hash}_a_mine_example`,
      databaseUser: `_${hash}_a_mine_example`,
    });
    expect(validation.allowed).toBe(true);
    expect(validation.warnings).toEqual([]);
  });

  it("defaults to the user's own database name", () => {
    const { mutation } = create(site('mine', 'a', 'a.mine.example', { databaseName: 'accounts' }));
    expect(dbConfigOf(mutation.object).databaseUser).toBe('accounts');
  });

  it('a 64-character user (a defaulted one at most) and an 80-character one are allowed; 81 is denied', () => {
    const name64 = `a${'b'.repeat(63)}`;
    const defaulted = create(site('mine', 'a', 'a.mine.example', { databaseName: name64 }));
    expect(dbConfigOf(defaulted.mutation.object).databaseUser).toBe(name64);
    expect(defaulted.validation.allowed).toBe(true);

    expect(
      create(site('mine', 'a', 'a.mine.example', { databaseUser: 'u'.repeat(80) })).validation.allowed,
    ).toBe(true);

    const denied = create(site('mine', 'a', 'a.mine.example', { databaseUser: 'u'.repeat(81) })).validation;
    expect(denied.violations.map((v) => [v.rule, v.field])).toEqual([
      ['S-DB-2', 'spec.dbConfig.databaseUser'],
    ]);
    expect(denialMessage(denied.violations)).toContain('is 81 characters: at most 80 (MariaDB)');
  });

  it.each(['version-14', 'version-15', 'version-16', 'develop'])(
    'on a %s bench, a databaseUser other than the database name is allowed with a warning naming the account',
    (frappeVersion) => {
      const { validation } = create(
        site('mine', 'a', 'a.mine.example', { databaseName: 'accounts', databaseUser: 'accounts_user' }),
        frappeVersion,
      );
      expect(validation.allowed).toBe(true);
      expect(validation.warnings.map(formatWarning)).toEqual([
        'spec.dbConfig.databaseUser: not used: Frappe connects as the database name; the account is accounts [S-DB-3]',
      ]);
    },
  );
});

describe('S-DB-3: names and users are one namespace of accounts', () => {
  it("denies a databaseUser named after another tenant's database (its account) on the same server", () => {
    const { validation } = create(site('mine', 'a', 'a.mine.example', { databaseUser: 'VICTIM_SHOP' }));
    expect(validation.violations.map((v) => [v.rule, v.field])).toEqual([
      ['S-DB-3', 'spec.dbConfig.databaseUser'],
    ]);
    const message = denialMessage(validation.violations);
    expect(message).toContain('a FrappeSite in another namespace');
    expect(message).not.toContain('victim-tenant');
  });

  it('allows the same databaseUser on another server', () => {
    const { validation } = create(
      site('mine', 'a', 'a.mine.example', { mariadbRef: { name: 'own-db' }, databaseUser: 'victim_shop' }),
    );
    expect(validation.allowed).toBe(true);
    expect(validation.violations).toEqual([]);
  });

  it("denies a databaseName equal to another site's databaseUser, once (the defaulted user is the same account)", () => {
    const context = {
      view: staticClusterView([
        site('victim-tenant', 'old', 'old.victim.example', {
          databaseName: 'old_db',
          databaseUser: 'old_user',
        }),
        bench('version-15'),
      ]),
      config: operatorConfig('production', { sharedNamespaces: ['shared'] }),
    };
    const object = site('mine', 'a', 'a.mine.example', { databaseName: 'old_user' });
    const { validation } = admit(
      'FrappeSite',
      { operation: 'CREATE', namespace: 'mine', object, dryRun: false },
      context,
    );
    expect(validation.violations.map((v) => [v.rule, v.field])).toEqual([
      ['S-DB-3', 'spec.dbConfig.databaseName'],
    ]);
  });

  it("denies a user of the form of another site's generated name; allows this site's own, new or earlier", () => {
    const hash = fnv1a32('mine/a.mine.example');
    const other = fnv1a32('victim-tenant/shop.victim.example');
    const deniedFor = (databaseUser: string) =>
      create(
        site('mine', 'a', 'a.mine.example', { mariadbRef: { name: 'own-db' }, databaseUser }),
      ).validation.violations.map((v) => v.rule);
    expect(deniedFor(`_${other}_shop_victim_example`)).toEqual(['S-DB-3']);
    expect(deniedFor(`u${other}_shop_victim_example`)).toEqual(['S-DB-3']);
    expect(deniedFor(`_${hash}_a_mine_example`)).toEqual([]);
    // A manifest exported from a cluster that defaulted the user the earlier way applies again.
    expect(deniedFor(`u${hash}_a_mine_example`)).toEqual([]);
  });
});

describe('a stored site with the `u<h>_…` user of earlier versions', () => {
  const hash = fnv1a32('mine/a.mine.example');
  const stored = site('mine', 'a', 'a.mine.example', {
    databaseName: `_${hash}_a_mine_example`,
    databaseUser: `u${hash}_a_mine_example`,
  });

  it.each([
    ['resent whole', stored],
    [
      'resent without dbConfig.databaseUser',
      site('mine', 'a', 'a.mine.example', { databaseName: `_${hash}_a_mine_example` }),
    ],
  ])('keeps it on UPDATE (%s): not re-defaulted, allowed without warnings', (_how, object) => {
    const { mutation, validation } = admit(
      'FrappeSite',
      { operation: 'UPDATE', namespace: 'mine', object, oldObject: stored, dryRun: false },
      contextFor('version-15'),
    );
    expect(dbConfigOf(mutation.object).databaseUser).toBe(`u${hash}_a_mine_example`);
    expect(validation.allowed).toBe(true);
    expect(validation.warnings).toEqual([]);
  });
});
