// `frappe-admission review` run as a user runs it: exit codes, output formats, clear input errors.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastJsonPatch from 'fast-json-patch';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from './run-cli.js';

let dir: string;
const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fa-cli-'));
});

describe('review', () => {
  it('prints the defaulted bench and site of examples/ and exits 0', async () => {
    const result = await runCli(['review', '-f', 'examples/bench.yaml', '-f', 'examples/site.yaml']);
    expect(result.code).toBe(0);
    const [bench] = parseAllDocuments(result.stdout).map((d) => d.toJS());
    expect(bench.spec.imageConfig).toEqual({
      repository: 'docker.io/frappe/erpnext',
      tag: 'version-15',
      pullPolicy: 'IfNotPresent',
    });
    expect(bench.spec.storageSize).toBe('20Gi');
    expect(result.stderr).toMatch(/^Warning: spec\.workerAutoscaling: KEDA is not installed.*\[B-AS-2\]$/m);
  });

  it('reviews later documents against earlier ones (the site sees its bench)', async () => {
    const both = await file(
      'both.yaml',
      (await import('node:fs')).readFileSync('examples/bench.yaml', 'utf8') +
        '---\n' +
        (await import('node:fs')).readFileSync('examples/site.yaml', 'utf8'),
    );
    const result = await runCli(['review', '-f', both]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('S-REF-2');
    const site = parseAllDocuments(result.stdout)[1]!.toJS();
    expect(site.spec.dbConfig).toMatchObject({
      provider: 'mariadb',
      mode: 'shared',
      mariadbRef: { name: 'frappe-mariadb' },
    });
    expect(site.spec.dbConfig.databaseName).toMatch(/^_[0-9a-f]{8}_erp_acme_example$/);
  });

  it('denies the invalid example with exit 1, listing every violation with its path and rule id', async () => {
    const result = await runCli(['review', '-f', 'examples/invalid-site.yaml', '-f', 'examples/bench.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Error (Forbidden): FrappeSite erp/shop-with-a-name-far-too-long-for-its-derived-names denied the request:',
    );
    for (const [field, rule] of [
      ['metadata.name', 'S-NAME-2'],
      ['spec.domain', 'S-DOM-1'],
      ['spec.benchRef.namespace', 'S-REF-1'],
      ['spec.dbConfig.connectionSecretRef', 'S-DB-1'],
      ['spec.dbConfig.databaseName', 'S-DB-2'],
    ] as const) {
      expect(result.stderr).toMatch(new RegExp(`^  ${field.replaceAll('.', '\\.')}: .*\\[${rule}\\]$`, 'm'));
    }
  });

  it('-o patch prints the JSON patch that turns the input into the defaulted object', async () => {
    const [patchRun, yamlRun] = await Promise.all([
      runCli(['review', '-f', 'examples/site.yaml', '-o', 'patch']),
      runCli(['review', '-f', 'examples/site.yaml', '-o', 'json']),
    ]);
    const input = parse((await import('node:fs')).readFileSync('examples/site.yaml', 'utf8'));
    const patched = fastJsonPatch.applyPatch(input, JSON.parse(patchRun.stdout), true, false).newDocument;
    expect(patched).toEqual(JSON.parse(yamlRun.stdout));
  });

  it('reviews an UPDATE against --old and a DELETE', async () => {
    const old = await file(
      'old.yaml',
      'apiVersion: vyogo.tech/v1alpha1\nkind: FrappeBench\nmetadata: {name: b, namespace: n}\nspec: {frappeVersion: version-15, apps: [{name: erpnext, source: image}], storageSize: 20Gi}\n',
    );
    const next = await file(
      'next.yaml',
      'apiVersion: vyogo.tech/v1alpha1\nkind: FrappeBench\nmetadata: {name: b, namespace: n}\nspec: {frappeVersion: version-15, apps: [{name: erpnext, source: image}], storageSize: 5Gi}\n',
    );
    const update = await runCli(['review', '-f', next, '--old', old]);
    expect(update.code).toBe(1);
    expect(update.stderr).toMatch(/spec\.storageSize: cannot shrink from 20Gi to 5Gi.*\[B-STO-1\]/);
    const site = await file(
      'site.yaml',
      'apiVersion: vyogo.tech/v1alpha1\nkind: FrappeSite\nmetadata: {name: s, namespace: n}\nspec: {benchRef: {name: b}, siteName: s.example.com}\n',
    );
    const remove = await runCli(['review', '--operation', 'DELETE', '-f', old, '-f', site]);
    expect(remove.code).toBe(1);
    expect(remove.stderr).toMatch(/bench still hosts 1 FrappeSite\(s\): s.*\[B-DEL-1\]/);
  });

  it.each([
    ['not YAML', 'kind: [unclosed\n', /bad\.yaml:\d+:\d+: not valid YAML/],
    ['a scalar', '42\n', /bad\.yaml: expected a Kubernetes object/],
    ['no kind', 'apiVersion: v1\nmetadata: {name: x}\n', /bad\.yaml: field kind is missing/],
    [
      'an unknown kind',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      /kind ConfigMap is not reviewed here/,
    ],
    [
      'a wrong version',
      'apiVersion: vyogo.tech/v1\nkind: FrappeSite\nmetadata: {name: x}\nspec: {}\n',
      /apiVersion vyogo\.tech\/v1 is not served; use vyogo\.tech\/v1alpha1/,
    ],
    [
      'no metadata',
      'apiVersion: vyogo.tech/v1alpha1\nkind: FrappeSite\nspec: {benchRef: {name: b}, siteName: x.example.com}\n',
      /bad\.yaml: metadata is missing \(a FrappeSite needs metadata\.name or generateName\)/,
    ],
    [
      'a metadata.name of the wrong type',
      'apiVersion: vyogo.tech/v1alpha1\nkind: FrappeSite\nmetadata: {name: [x]}\nspec: {}\n',
      /bad\.yaml: metadata\.name must be a string/,
    ],
  ])('rejects %s with a clear message and exit 2, no stack trace', async (_what, text, message) => {
    const result = await runCli(['review', '-f', await file('bad.yaml', text)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports schema errors with the field path, as 422 Invalid', async () => {
    const bad = await file(
      'schema.yaml',
      'apiVersion: vyogo.tech/v1alpha1\nkind: FrappeSite\nmetadata: {name: x, namespace: n}\nspec: {benchRef: {name: b}, siteName: x.example.com, colour: blue, ingress: {enabled: "yes"}}\n',
    );
    const result = await runCli(['review', '-f', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error (Invalid)');
    expect(result.stderr).toContain('spec.colour: unknown field [SCHEMA]');
    expect(result.stderr).toContain('spec.ingress.enabled: must be boolean [SCHEMA]');
  });

  it('names a missing file and rejects unknown flags', async () => {
    expect((await runCli(['review', '-f', 'nope.yaml'])).stderr).toContain('nope.yaml: no such file');
    const flag = await runCli(['review', '--frobnicate']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error: .*frobnicate/);
  });
});

describe('crds and test commands', () => {
  it('crds prints both CustomResourceDefinitions', async () => {
    const result = await runCli(['crds']);
    expect(result.code).toBe(0);
    expect(parseAllDocuments(result.stdout).map((d) => d.toJS().metadata.name)).toEqual([
      'frappebenches.vyogo.tech',
      'frappesites.vyogo.tech',
    ]);
  });

  it('test runs the shipped policy suites: all pass', async () => {
    const result = await runCli(['test', 'test/policies']);
    expect(result.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m);
    expect(result.code).toBe(0);
  });

  it('test prints a readable diff for a failing case and exits 1', async () => {
    const suiteDir = await mkdtemp(join(dir, 'suite-'));
    await writeFile(
      join(suiteDir, 'wrong.yaml'),
      [
        'suite: wrong on purpose',
        'cases:',
        '  - name: expects the wrong rule',
        '    object: {apiVersion: vyogo.tech/v1alpha1, kind: FrappeSite, metadata: {name: s, namespace: n}, spec: {benchRef: {name: b}, siteName: s.example.com, domain: other.example.com}}',
        '    expect: {allowed: true, violations: [S-DOM-2], defaulted: {spec.deletionPolicy: Delete}}',
      ].join('\n'),
    );
    const result = await runCli(['test', suiteDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL');
    expect(result.stdout).toContain('allowed: expected true, got false');
    expect(result.stdout).toContain('- missing S-DOM-2');
    expect(result.stdout).toContain('+ unexpected S-DOM-1 (spec.domain)');
    expect(result.stdout).toContain('defaulted spec.deletionPolicy: expected "Delete", got "Retain"');
    expect(result.stdout).toMatch(/^0 passed, 1 failed$/m);
  });
});
