// When a child is applied: missing, changed desire (hash), or changed by someone else since our
// apply (generation / resourceVersion); never otherwise, and a Job never once it exists.
import { describe, expect, it } from 'vitest';
import { APPLIED_HASH_ANNOTATION, shortHash, type Child } from '../../../src/builders/child.js';
import type { WritableObject } from '../../../src/kube/writes.js';
import type { ChildSummary } from '../../../src/reconcile/child-state.js';
import { applyChildren, pruneChildren } from '../../../src/reconcile/children.js';
import { AppliedRecord, type ReconcileContext } from '../../../src/reconcile/context.js';

const child = (kind: string, name: string, spec: object = {}): Child => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name, namespace: 'ns', labels: {} },
  spec,
});

function summary(
  of: Child,
  version: string,
  hash = shortHash(of),
  extra: Partial<ChildSummary['metadata']> = {},
): ChildSummary {
  return {
    apiVersion: of.apiVersion,
    kind: of.kind,
    metadata: {
      name: of.metadata.name,
      namespace: 'ns',
      uid: `uid-${of.metadata.name}`,
      version,
      appliedHash: hash,
      ownerUid: 'owner',
      ...extra,
    },
    state: { ready: true, failed: false },
  };
}

function context(cached: ChildSummary[]) {
  const applied: WritableObject[] = [];
  const removed: string[] = [];
  const record = new AppliedRecord();
  const ctx = {
    children: {
      get: (kind: string, _ns: string, name: string) =>
        cached.find((c) => c.kind === kind && c.metadata.name === name),
      ownedBy: (uid: string) => cached.filter((c) => c.metadata.ownerUid === uid),
      available: () => true,
    },
    applied: record,
    writes: {
      apply: async (object: WritableObject) => {
        applied.push(object);
        return { metadata: { uid: `uid-${object.metadata.name}`, generation: 2 } };
      },
      remove: async (_type: unknown, _ns: string, name: string) => {
        removed.push(name);
      },
    },
  } as unknown as ReconcileContext;
  return { ctx, applied, removed, record };
}

describe('applyChildren', () => {
  it('applies what is missing or changed, with the hash annotation, and skips what is up to date', async () => {
    const same = child('Deployment', 'same', { replicas: 1 });
    const changed = child('Deployment', 'changed', { replicas: 3 });
    const missing = child('Deployment', 'missing');
    const { ctx, applied } = context([summary(same, 'g1'), summary(changed, 'g1', 'old-hash')]);
    expect(await applyChildren([same, changed, missing], ctx)).toBe(2);
    expect(applied.map((o) => o.metadata.name)).toEqual(['changed', 'missing']);
    const annotations = (applied[0]!.metadata as Child['metadata']).annotations;
    expect(annotations?.[APPLIED_HASH_ANNOTATION]).toBe(shortHash(changed));
  });

  it('applies again a child someone else changed since our apply (its generation moved)', async () => {
    const deployment = child('Deployment', 'web');
    const { ctx, applied, record } = context([summary(deployment, 'g3')]);
    record.remember('uid-web', 'g2'); // what our last apply returned
    expect(await applyChildren([deployment], ctx)).toBe(1);
    expect(applied).toHaveLength(1);
    expect(record.get('uid-web')).toBe('g2');
  });

  it('creates a Job once and never updates it', async () => {
    const job = child('Job', 'init', { template: { spec: { containers: [{ image: 'new' }] } } });
    const { ctx, applied } = context([summary(job, 'g1', 'other-hash')]);
    expect(await applyChildren([job], ctx)).toBe(0);
    expect(applied).toEqual([]);
  });
});

describe('pruneChildren', () => {
  it('deletes only owned children that are no longer wanted', async () => {
    const kept = child('Deployment', 'kept');
    const gone = child('Deployment', 'gone');
    const other = child('Deployment', 'others');
    const { ctx, removed } = context([
      summary(kept, 'g1'),
      summary(gone, 'g1'),
      summary(other, 'g1', undefined, { ownerUid: 'someone-else' }),
    ]);
    expect(await pruneChildren('owner', [kept], ctx)).toBe(1);
    expect(removed).toEqual(['gone']);
  });
});
