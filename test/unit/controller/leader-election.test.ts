// The Lease's timestamps and the elector's identity, without a cluster: MicroTime has six
// fractional digits where toISOString() has three (kube-apiserver rejects three, see
// test/integration/leader-election.test.ts), and each process gets its own identity.
import { describe, expect, it } from 'vitest';
import { leaderIdentity } from '../../../src/controller/leader-election.js';
import { microTime } from '../../../src/kube/micro-time.js';

describe('microTime', () => {
  it.each([
    ['2026-12-02T04:30:00.123Z', '2026-12-02T04:30:00.123000Z'],
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000000Z'],
    ['1999-12-31T23:59:59.999Z', '1999-12-31T23:59:59.999000Z'],
  ])('writes %s as %s, unlike toISOString()', (iso, micro) => {
    const date = new Date(iso);
    expect(microTime(date)).toBe(micro);
    expect(date.toISOString()).toBe(iso);
    expect(date.toISOString()).not.toBe(microTime(date));
    expect(microTime(date)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe('leaderIdentity', () => {
  it('is the pod name and a random suffix, different per call', () => {
    const a = leaderIdentity('operator-7d9f-abcde');
    const b = leaderIdentity('operator-7d9f-abcde');
    expect(a).toMatch(/^operator-7d9f-abcde_[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
});
