// sameJSON is the equality every UPDATE rule uses to tell a changed field from an unchanged one:
// held to JSON's own view (two values are the same when their canonical JSON is), undefined
// members counting as missing, arrays never equal to objects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJSON } from '../../../src/api/json.js';

/** JSON text with object members sorted: equal for equal JSON values (undefined members dropped). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const member = fc.constantFrom('a', 'b', 'c', '0', '1', 'constructor', 'toString', '__proto__');
// undefined only as a member's value (JSON has none; an array holding one is not JSON).
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, '', 'a', '0'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(member, fc.option(tie('value'), { nil: undefined, freq: 4 }), { maxKeys: 4 }),
  ),
})).value;

/** A copy with its members in another order (and, below, the same for every child). */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

describe('sameJSON', () => {
  it('is JSON equality: equal exactly when the canonical JSON texts are', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameJSON(a, b)).toBe(canonical(a) === canonical(b));
        expect(sameJSON(a, reordered(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts an undefined member as missing, and tells arrays from objects', () => {
    expect(sameJSON({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJSON({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameJSON({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJSON([], {})).toBe(false);
    expect(sameJSON({ 0: 'x' }, ['x'])).toBe(false);
    expect(sameJSON({ constructor: {} }, {})).toBe(false);
    expect(sameJSON({}, { toString: 'x' })).toBe(false);
  });
});
