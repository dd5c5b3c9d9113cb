import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/cli/manifests.js';
import { UsageError } from '../../../src/cli/io.js';

describe('parseManifests', () => {
  it('reads several documents and flattens a List', () => {
    const manifests = parseManifests(
      'apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: B, metadata: {name: b}}\n- {apiVersion: v1, kind: C, metadata: {generateName: c-}}\n',
      'f.yaml',
    );
    expect(manifests.map((m) => [m.object.kind, m.source])).toEqual([
      ['A', 'f.yaml#1'],
      ['B', 'f.yaml#2 items[0]'],
      ['C', 'f.yaml#2 items[1]'],
    ]);
  });

  it('skips empty documents and reads JSON', () => {
    expect(
      parseManifests('---\n---\n{"apiVersion":"v1","kind":"A","metadata":{"name":"a"}}\n', 'f.json'),
    ).toHaveLength(1);
  });

  it.each([
    ['a: [1\n', /f\.yaml:\d+:\d+: not valid YAML/],
    ['- 1\n- 2\n', /expected a Kubernetes object, got a list/],
    ['apiVersion: v1\nkind: A\nmetadata: 3\n', /metadata must be an object/],
    ['apiVersion: v1\nkind: A\n', /metadata is missing/],
    ['apiVersion: v1\nkind: A\nmetadata: {namespace: n}\n', /metadata.name \(or generateName\) is missing/],
    ['apiVersion: v1\nkind: A\nmetadata: {name: 5}\n', /metadata.name must be a string/],
    ['a: &x [*x]\n', /./],
  ])('rejects %j with the file named', (text, message) => {
    expect(() => parseManifests(text, 'f.yaml')).toThrow(UsageError);
    expect(() => parseManifests(text, 'f.yaml')).toThrow(message);
  });
});
