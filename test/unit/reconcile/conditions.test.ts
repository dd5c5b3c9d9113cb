// Status conditions as kstatus reads them: lastTransitionTime moves only when a status flips, and
// Ready / Reconciling / Stalled follow from the details.
import { describe, expect, it } from 'vitest';
import { conditionTime, nextConditions, summaryConditions } from '../../../src/reconcile/conditions.js';

const T0 = '2026-12-01T00:00:00Z';
const T1 = '2026-12-02T00:00:00Z';

describe('nextConditions', () => {
  it('keeps lastTransitionTime while the status stays, and moves it when the status flips', () => {
    const first = nextConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'A', message: 'a' }],
      1,
      T0,
    );
    expect(first[0]).toMatchObject({ lastTransitionTime: T0, observedGeneration: 1 });
    const same = nextConditions(
      first,
      [{ type: 'Ready', status: 'False', reason: 'B', message: 'b' }],
      2,
      T1,
    );
    expect(same[0]).toMatchObject({ lastTransitionTime: T0, reason: 'B', observedGeneration: 2 });
    const flipped = nextConditions(
      same,
      [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }],
      2,
      T1,
    );
    expect(flipped[0]).toMatchObject({ lastTransitionTime: T1, message: 'Ready' });
  });

  it('drops conditions that are no longer listed', () => {
    const before = nextConditions(
      undefined,
      [{ type: 'Old', status: 'True', reason: 'X', message: 'x' }],
      1,
      T0,
    );
    expect(nextConditions(before, [], 1, T1)).toEqual([]);
  });
});

describe('summaryConditions', () => {
  const detail = (type: string, ok: boolean) => ({
    type,
    status: ok ? ('True' as const) : ('False' as const),
    reason: ok ? 'Ok' : `${type}Waiting`,
    message: `${type} message`,
  });

  it('is Ready when every blocking detail is True, whatever the others say', () => {
    const [ready, reconciling, stalled] = summaryConditions(
      [detail('A', true), detail('Optional', false)],
      ['A'],
      undefined,
    );
    expect([ready?.status, reconciling?.status, stalled?.status]).toEqual(['True', 'False', 'False']);
  });

  it('is Reconciling with the first failing detail as reason while work is under way', () => {
    const [ready, reconciling] = summaryConditions(
      [detail('A', true), detail('B', false), detail('C', false)],
      ['A', 'B', 'C'],
      undefined,
    );
    expect(ready).toMatchObject({ status: 'False', reason: 'BWaiting', message: 'B message' });
    expect(reconciling).toMatchObject({ status: 'True', reason: 'BWaiting' });
  });

  it('is Stalled, not Reconciling, when progress needs outside help', () => {
    const [ready, reconciling, stalled] = summaryConditions([detail('A', false)], ['A'], {
      reason: 'JobFailed',
      message: 'exit 1',
    });
    expect(ready).toMatchObject({ status: 'False', reason: 'JobFailed' });
    expect(reconciling?.status).toBe('False');
    expect(stalled).toMatchObject({ status: 'True', reason: 'JobFailed', message: 'exit 1' });
  });
});

it('conditionTime writes whole seconds, as Kubernetes does', () => {
  expect(conditionTime(new Date('2026-12-02T06:00:00.123Z'))).toBe('2026-12-02T06:00:00Z');
});
