// The hand-written docs (security.md above all) name the rule that enforces each claim: every id
// they name must be a rule of the registry, so a renamed or removed rule fails here, not in a reader.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/policies/registry.js';

const known = new Set(RULES.map((rule) => rule.id));
const docs = ['README.md', ...readdirSync('docs').map((file) => `docs/${file}`)].filter((f) =>
  f.endsWith('.md'),
);

describe('rule ids in the docs', () => {
  it.each(docs)('%s names only rules that exist', (file) => {
    const named = [...readFileSync(file, 'utf8').matchAll(/\b[BS]-[A-Z]+-\d+\b/g)].map((m) => m[0]);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
  });

  it('security.md names the tenant-isolation rules', () => {
    const text = readFileSync('docs/security.md', 'utf8');
    for (const id of ['S-DB-1', 'S-DB-3', 'S-REF-3', 'B-REF-1', 'S-ING-1', 'B-SEC-1', 'S-DOM-2', 'S-DEL-1'])
      expect(text, id).toContain(id);
  });
});
