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
});
