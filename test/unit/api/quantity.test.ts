import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/api/quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    [2, 2],
    ['1Gi', 2 ** 30],
    ['1024Mi', 2 ** 30],
    ['1G', 1e9],
    ['1.5Ki', 1536],
    ['1e3', 1000],
    ['+.5', 0.5],
    ['100n', 1e-7],
  ])('%s is %d', (input, value) => {
    expect(parseQuantity(input)).toBeCloseTo(value, 12);
  });

  it.each(['', 'Gi', '1 Gi', '1mi', '1.2.3', 'ten', '1Gb', null, {}, Number.NaN])(
    '%s does not parse',
    (input) => {
      expect(parseQuantity(input)).toBeUndefined();
    },
  );

  // The grammar of resource.Quantity as a regular expression: the hand-written scanner must agree
  // with it on any string made of the characters that matter.
  const GRAMMAR = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|)|[eE]([+-]?\d+))$/;
  const MULTIPLIERS: Record<string, number> = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    '': 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  function byGrammar(text: string): number | undefined {
    const match = GRAMMAR.exec(text.trim());
    if (!match) return undefined;
    const [, number, suffix, exponent] = match;
    const value =
      Number(number) *
      (exponent !== undefined ? 10 ** Number(exponent) : (MULTIPLIERS[suffix ?? ''] as number));
    return Number.isFinite(value) ? value : undefined;
  }

  it('agrees with the grammar on any string of digits, signs, points, suffixes and spaces', () => {
    const token = fc.constantFrom(
      ...'0123456789+-. eE'.split(''),
      ...['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'i', 'x', '999'],
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        const text = tokens.join('');
        expect(parseQuantity(text)).toBe(byGrammar(text));
      }),
      { numRuns: 20_000 },
    );
  });

  // Long integers are not summed digit by digit (a double rounds on the way): they read as Number does.
  it.each(['69500800743494634', '470748309049781949Ki', '-7655303691049960030m', '999999999999999'])(
    '%s reads as the number its digits spell',
    (input) => {
      const digits = /^[+-]?\d+/.exec(input)?.[0] as string;
      const suffix = input.slice(digits.length);
      expect(parseQuantity(input)).toBe(
        Number(digits) * (suffix ? (parseQuantity(`1${suffix}`) as number) : 1),
      );
    },
  );

  it.each(['1e400', '1Ei1', 'toString', 'constructor', '1constructor', '.', '+', '1e', '1e+'])(
    '%s does not parse',
    (input) => {
      expect(parseQuantity(input)).toBeUndefined();
    },
  );
});
