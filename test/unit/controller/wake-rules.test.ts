import { describe, expect, it } from 'vitest';
import type { FrappeBench } from '../../../src/api/frappe-bench.js';
import type { FrappeSite } from '../../../src/api/frappe-site.js';
import {
  benchChangeConcernsSites,
  childChangeNeedsReconcile,
  siteChangeNeedsReconcile,
} from '../../../src/controller/wake-rules.js';
import type { ChildSummary } from '../../../src/reconcile/child-state.js';

const site = (patch: { metadata?: object; status?: object } = {}): FrappeSite =>
  ({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: {
      name: 'shop',
      namespace: 'team-a',
      uid: 'u1',
      generation: 1,
      resourceVersion: '10',
      ...patch.metadata,
    },
    spec: { benchRef: { name: 'erp' }, siteName: 'shop.example.com' },
    status: { phase: 'Pending', ...patch.status },
  }) as FrappeSite;

const bench = (patch: { metadata?: object; status?: object } = {}): FrappeBench =>
  ({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: {
      name: 'erp',
      namespace: 'team-a',
      uid: 'b1',
      generation: 1,
      resourceVersion: '5',
      ...patch.metadata,
    },
    spec: { frappeVersion: 'version-15' },
    status: { phase: 'Provisioning', ...patch.status },
  }) as FrappeBench;

const child = (patch: { metadata?: object; state?: object } = {}): ChildSummary => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'erp-gunicorn',
    namespace: 'team-a',
    uid: 'c1',
    resourceVersion: '7',
    version: 'g1',
    instance: 'erp',
    ownerUid: 'b1',
    ownerKind: 'FrappeBench',
    appliedHash: 'abc',
    ...patch.metadata,
  },
  state: { ready: false, failed: false, message: '0/1 ready', ...patch.state },
});

describe('a site event wakes the site', () => {
  it('when it is added, deleted, or its spec or metadata changed', () => {
    expect(siteChangeNeedsReconcile(undefined, site())).toBe(true);
    expect(siteChangeNeedsReconcile(site(), undefined)).toBe(true);
    expect(siteChangeNeedsReconcile(site(), site({ metadata: { generation: 2 } }))).toBe(true);
    expect(siteChangeNeedsReconcile(site(), site({ metadata: { finalizers: ['x'] } }))).toBe(true);
    expect(siteChangeNeedsReconcile(site(), site({ metadata: { deletionTimestamp: 'now' } }))).toBe(true);
    expect(siteChangeNeedsReconcile(site(), site({ metadata: { annotations: { a: 'b' } } }))).toBe(true);
    expect(siteChangeNeedsReconcile(site(), site({ metadata: { labels: { a: 'b' } } }))).toBe(true);
  });

  it('not when only its status (the reconcile’s own output) changed', () => {
    expect(
      siteChangeNeedsReconcile(
        site(),
        site({ metadata: { resourceVersion: '11' }, status: { phase: 'Ready' } }),
      ),
    ).toBe(false);
  });
});

describe('a bench event wakes its sites', () => {
  it('when it appears, goes, changes its spec, is deleted or gets initialized', () => {
    expect(benchChangeConcernsSites(undefined, bench())).toBe(true);
    expect(benchChangeConcernsSites(bench(), undefined)).toBe(true);
    expect(benchChangeConcernsSites(bench(), bench({ metadata: { generation: 2 } }))).toBe(true);
    expect(benchChangeConcernsSites(bench(), bench({ metadata: { deletionTimestamp: 'now' } }))).toBe(true);
    expect(benchChangeConcernsSites(bench(), bench({ status: { initializedConfigHash: '0123abcd' } }))).toBe(
      true,
    );
  });

  it('not when only its conditions or phase moved', () => {
    expect(
      benchChangeConcernsSites(
        bench(),
        bench({ metadata: { resourceVersion: '6' }, status: { phase: 'Ready', conditions: [] } }),
      ),
    ).toBe(false);
  });
});

describe('a child event wakes its owner', () => {
  it('when it appears or goes, its state, version, applied hash, deletion or owner changed', () => {
    expect(childChangeNeedsReconcile(undefined, child())).toBe(true);
    expect(childChangeNeedsReconcile(child(), undefined)).toBe(true);
    expect(childChangeNeedsReconcile(child(), child({ state: { ready: true, message: undefined } }))).toBe(
      true,
    );
    expect(childChangeNeedsReconcile(child(), child({ state: { message: '1/2 ready' } }))).toBe(true);
    expect(childChangeNeedsReconcile(child(), child({ metadata: { version: 'g2' } }))).toBe(true);
    expect(childChangeNeedsReconcile(child(), child({ metadata: { appliedHash: 'def' } }))).toBe(true);
    expect(childChangeNeedsReconcile(child(), child({ metadata: { deletionTimestamp: 'now' } }))).toBe(true);
    expect(childChangeNeedsReconcile(child(), child({ metadata: { ownerUid: 'other' } }))).toBe(true);
  });

  it('not for a status update that leaves its state as it was', () => {
    expect(childChangeNeedsReconcile(child(), child({ metadata: { resourceVersion: '8' } }))).toBe(false);
  });
});
