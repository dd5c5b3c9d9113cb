// Generated database identifiers (API.md §4), checked against independently computed values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultDatabaseIdentifiers, fnv1a32, identifierSafe } from '../../../src/defaults/database-names.js';

describe('database identifiers', () => {
  it.each([
    ['', '811c9dc5'],
    ['a', 'e40c292c'],
    ['foobar', 'bf9cf968'],
    ['erp/shop.acme.example', '66369155'],
    ['ns/Ω.example', '21cc16da'],
  ])('fnv1a32(%j) = %s (over UTF-8 bytes)', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  it('keeps [A-Za-z0-9_], turns the rest into single underscores, trims them', () => {
    expect(identifierSafe('--Shop.acme--example..com__')).toBe('Shop_acme_example_com');
    expect(identifierSafe('_a_b_')).toBe('a_b');
    expect(identifierSafe('Ω')).toBe('');
  });

  it('agrees with the definition written as three regular expressions, on any string', () => {
    const byDefinition = (text: string) =>
      text
        .replace(/[^A-Za-z0-9_]/g, '_')
        .replace(/_+/g, '_')
        .replace(/^_|_$/g, '');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'Z', '9', '_', '.', '-', 'é', '😀', ' ') }),
        (text) => {
          expect(identifierSafe(text)).toBe(byDefinition(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('cuts the name to 64; the user is the database name (the account Frappe connects as)', () => {
    const siteName = `${'a'.repeat(80)}.example.com`;
    const { databaseName, databaseUser, legacyUser } = defaultDatabaseIdentifiers('erp', siteName);
    expect(databaseName).toHaveLength(64);
    expect(databaseName.startsWith(`_${fnv1a32(`erp/${siteName}`)}_aaa`)).toBe(true);
    expect(databaseUser).toBe(databaseName);
    // What earlier versions defaulted the user to: still recognised as this site's own (S-DB-3).
    expect(legacyUser).toBe(`u${fnv1a32(`erp/${siteName}`)}_${'a'.repeat(22)}`);
    expect(legacyUser).toHaveLength(32);
  });

  it('differs by namespace for the same siteName (generateName-safe, no metadata.name needed)', () => {
    expect(defaultDatabaseIdentifiers('a', 'x.example').databaseName).not.toBe(
      defaultDatabaseIdentifiers('b', 'x.example').databaseName,
    );
  });
});
