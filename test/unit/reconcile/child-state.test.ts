// What the controller keeps of a child: its state, owner and applied hash, never its body.
import { describe, expect, it } from 'vitest';
import { childState, summarizeChild } from '../../../src/reconcile/child-state.js';

describe('childState', () => {
  it('a Deployment is ready once the rollout is observed and every replica is available', () => {
    const deployment = (status: Record<string, unknown>, generation = 2) => ({
      metadata: { generation },
      spec: { replicas: 2 },
      status,
    });
    expect(
      childState(
        'Deployment',
        deployment({ observedGeneration: 2, availableReplicas: 2, updatedReplicas: 2 }),
      ).ready,
    ).toBe(true);
    expect(
      childState(
        'Deployment',
        deployment({ observedGeneration: 1, availableReplicas: 2, updatedReplicas: 2 }),
      ).ready,
    ).toBe(false);
    expect(
      childState(
        'Deployment',
        deployment({ observedGeneration: 2, availableReplicas: 1, updatedReplicas: 2 }),
      ),
    ).toMatchObject({ ready: false, message: '1/2 replicas ready' });
    const stuck = deployment({
      observedGeneration: 2,
      conditions: [
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' },
      ],
    });
    expect(childState('Deployment', stuck)).toMatchObject({
      ready: false,
      failed: true,
      message: 'too slow',
    });
  });

  it('a Deployment scaled to zero (KEDA) is ready', () => {
    expect(
      childState('Deployment', {
        metadata: { generation: 1 },
        spec: { replicas: 0 },
        status: { observedGeneration: 1 },
      }).ready,
    ).toBe(true);
  });

  it('a Job is ready when it succeeded and failed when its Failed condition is True', () => {
    expect(childState('Job', { status: { succeeded: 1 } }).ready).toBe(true);
    expect(
      childState('Job', {
        status: { conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] },
      }),
    ).toMatchObject({ failed: true, message: 'BackoffLimitExceeded' });
    expect(childState('Job', { status: { active: 1 } })).toMatchObject({ ready: false, failed: false });
  });

  it('a PVC is ready when Bound; other operators’ objects when their Ready condition is True', () => {
    expect(childState('PersistentVolumeClaim', { status: { phase: 'Bound' } }).ready).toBe(true);
    expect(childState('PersistentVolumeClaim', { status: { phase: 'Pending' } }).ready).toBe(false);
    expect(
      childState('Database', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }).ready,
    ).toBe(true);
    expect(
      childState('Grant', {
        status: { conditions: [{ type: 'Ready', status: 'False', message: 'no such user' }] },
      }),
    ).toMatchObject({ ready: false, message: 'no such user' });
    expect(childState('ConfigMap', {}).ready).toBe(true);
  });
});

describe('summarizeChild', () => {
  it('keeps identity, owner, applied hash and state, and never the data', () => {
    const summary = summarizeChild({ apiVersion: 'v1', kind: 'Secret' }, {
      metadata: {
        name: 'shop-db-password',
        namespace: 'a',
        uid: 'u1',
        resourceVersion: '7',
        labels: { 'app.kubernetes.io/instance': 'shop' },
        annotations: { 'vyogo.tech/applied-hash': 'abc' },
        ownerReferences: [
          { uid: 'other', kind: 'X' },
          { uid: 'site-uid', kind: 'FrappeSite', controller: true },
        ],
      },
      data: { password: 'c2VjcmV0' },
    } as never);
    expect(summary.metadata).toMatchObject({
      name: 'shop-db-password',
      instance: 'shop',
      ownerUid: 'site-uid',
      ownerKind: 'FrappeSite',
      appliedHash: 'abc',
      version: 'r7',
    });
    expect(JSON.stringify(summary)).not.toContain('c2VjcmV0');
  });
});
