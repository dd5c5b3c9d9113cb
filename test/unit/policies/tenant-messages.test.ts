// Denials never name objects of another namespace (a tenant learns nothing of its neighbours),
// while objects of the requester's own namespace are named so the user can act.
import { describe, expect, it } from 'vitest';
import { staticClusterView } from '../../../src/api/static-cluster-view.js';
import { operatorConfig } from '../../../src/defaults/config.js';
import { admit } from '../../../src/admission/admit.js';
import { denialMessage } from '../../../src/admission/messages.js';

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

const view = staticClusterView([
  site('secret-tenant', 'hidden-site', 'hidden.example.com', { databaseName: 'hidden_db' }),
  site('mine', 'known-site', 'known.example.com', { databaseName: 'known_db' }),
  {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name: 'erpnext', namespace: 'mine' },
    spec: { frappeVersion: 'version-15', apps: [{ name: 'erpnext', source: 'image' }] },
  },
]);
const context = { view, config: operatorConfig('production', { sharedNamespaces: ['shared'] }) };

const create = (object: object) =>
  admit('FrappeSite', { operation: 'CREATE', namespace: 'mine', object, dryRun: false }, context).validation;

describe('denials across tenants', () => {
  it.each([
    ['a domain', site('mine', 'a', 'hidden.example.com'), 'S-DOM-2'],
    ['a database name', site('mine', 'a', 'a.example.com', { databaseName: 'HIDDEN_DB' }), 'S-DB-3'],
  ])('deny %s used in another namespace without naming the site or its namespace', (_what, object, rule) => {
    const decision = create(object);
    expect(decision.violations.map((v) => v.rule)).toEqual([rule]);
    const message = denialMessage(decision.violations);
    expect(message).toContain('a FrappeSite in another namespace');
    expect(message).not.toMatch(/hidden-site|secret-tenant/);
  });

  it.each([
    ['a domain', site('mine', 'a', 'known.example.com'), 'S-DOM-2'],
    ['a database name', site('mine', 'a', 'a.example.com', { databaseName: 'known_db' }), 'S-DB-3'],
  ])('name the site when %s is used in the same namespace', (_what, object, rule) => {
    const decision = create(object);
    expect(decision.violations.map((v) => v.rule)).toEqual([rule]);
    expect(denialMessage(decision.violations)).toContain('FrappeSite known-site');
  });
});
