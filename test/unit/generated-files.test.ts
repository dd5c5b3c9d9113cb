// crds/, docs/rules.md, the generated sections of docs/configuration.md and the chart's
// values.schema.json config are generated (npm run docs); they must match the source.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedFiles } from '../../scripts/generate.js';
import { RULES } from '../../src/policies/registry.js';

describe('generated files', async () => {
  const files = await generatedFiles();

  it.each(files.map((f) => [f.path, f.text]))('%s is up to date (run npm run docs)', async (path, text) => {
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('documents every rule id with an example message from the policy suites', () => {
    const doc = files.find((f) => f.path === 'docs/rules.md')?.text ?? '';
    for (const rule of RULES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| ${rule.id} |`));
      expect(row, rule.id).toBeDefined();
      expect(row, `${rule.id} has no example message`).toMatch(new RegExp(`\\[${rule.id}\\]\`? \\|$`));
    }
  });

  it('writes the CEL rules API.md marks CEL into the CRDs, each message carrying its rule id', () => {
    const crdText = files
      .filter((f) => f.path.startsWith('crds/'))
      .map((f) => f.text)
      .join('\n');
    const celIds = new Set([...crdText.matchAll(/message: .*\[([A-Z]-[A-Z]+-\d)\]/g)].map((m) => m[1]));
    const marked = RULES.filter((r) => r.cel).map((r) => r.id);
    expect([...celIds].sort()).toEqual([...marked].sort());
  });

  it('gives every schema field a description (kubectl explain shows them)', () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      for (const [name, child] of Object.entries(
        (node.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        const childPath = `${path}.${name}`;
        if (!['apiVersion', 'kind', 'metadata'].includes(name) && typeof child.description !== 'string')
          missing.push(childPath);
        walk(child, childPath);
        if (child.items) walk(child.items as Record<string, unknown>, `${childPath}[]`);
      }
    };
    for (const file of files.filter((f) => f.path.startsWith('crds/'))) {
      const crd = parse(file.text) as {
        spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
      };
      walk(crd.spec.versions[0]!.schema.openAPIV3Schema, file.path);
    }
    expect(missing).toEqual([]);
  });
});
