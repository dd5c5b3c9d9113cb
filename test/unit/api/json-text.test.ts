import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../src/api/json.js';
import { JsonTexts } from '../../../src/api/json-text.js';

describe('JsonTexts', () => {
  it('writes what JSON.stringify writes, for any JSON value, frozen in parts or not', () => {
    const texts = new JsonTexts();
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.boolean(), (plain, shared, freeze) => {
        const frozen = freeze ? deepFreeze(shared) : shared;
        const value = { plain, shared: frozen, list: [frozen, plain, frozen] };
        expect(texts.of(value)).toBe(JSON.stringify(value));
        // Again, now with remembered texts.
        expect(texts.of(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('skips undefined members as JSON.stringify does', () => {
    expect(new JsonTexts().of({ a: undefined, b: [undefined], c: 1 })).toBe('{"b":[null],"c":1}');
  });

  it('never remembers an object that can still change', () => {
    const texts = new JsonTexts();
    const shallow = Object.freeze({ inner: { cpu: '1' } });
    expect(texts.of(shallow)).toBe('{"inner":{"cpu":"1"}}');
    shallow.inner.cpu = '2';
    expect(texts.of(shallow)).toBe('{"inner":{"cpu":"2"}}');
  });
});
