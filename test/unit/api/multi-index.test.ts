// The multimap behind the cluster views' indexes: one object per bucket stored as is, a second
// one turns the bucket into a map, and removals go back — the answers stay the same throughout.
import { describe, expect, it } from 'vitest';
import { MultiIndex } from '../../../src/api/multi-index.js';

describe('MultiIndex', () => {
  it('holds one, two and again one object per bucket, never duplicating a key', () => {
    const index = new MultiIndex<string>();
    index.add('d', 'a', 'A');
    index.add('d', 'a', 'A2');
    expect(index.get('d')).toEqual(['A2']);
    index.add('d', 'b', 'B');
    index.add('d', 'b', 'B2');
    expect(index.get('d').sort()).toEqual(['A2', 'B2']);
    index.remove('d', 'a');
    expect(index.get('d')).toEqual(['B2']);
    index.remove('d', 'x');
    expect(index.get('d')).toEqual(['B2']);
    index.remove('d', 'b');
    expect(index.get('d')).toEqual([]);
    index.add(undefined, 'c', 'C');
    index.remove(undefined, 'c');
    expect(index.get('')).toEqual([]);
  });

  it('removing from a one-object bucket by another key keeps it', () => {
    const index = new MultiIndex<number>();
    index.add('n', 'k1', 1);
    index.remove('n', 'k2');
    expect(index.get('n')).toEqual([1]);
    index.clear();
    expect(index.get('n')).toEqual([]);
  });
});
