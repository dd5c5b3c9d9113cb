// Manifests written for the Go Frappe operator (test/fixtures/go-operator, in the style of its
// examples) through the real kubectl and kube-apiserver with the webhooks registered: kubectl's
// strict field validation finds every field in the CRDs, the webhooks accept them, and kubectl
// prints one warning per field without effect. Every test works in its own namespace; site and
// domain names get the namespace so S-DOM-2 never sees another test's site.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventually, freshNamespace, kubectl } from '../harness/cluster.js';

const FIXTURES = 'test/fixtures/go-operator';
/** Warnings of the rules this file is about; others (no StorageClass, no KEDA here) are noise. */
const OWN_WARNING = /^Warning: .*\[(B-COMPAT|S-COMPAT|B-REDIS|S-ROUTE|S-ING)-\d\]$/;
const NO_EFFECT = 'accepted for compatibility with the Go operator; has no effect here';

async function manifest(file: string, ns: string): Promise<string> {
  return (await readFile(join(FIXTURES, file), 'utf8')).replaceAll('.acme.example', `.${ns}.acme.example`);
}

const apply = (yaml: string, ns: string, ...flags: string[]) =>
  kubectl(['apply', '-n', ns, ...flags, '-f', '-'], yaml);

const ownWarnings = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => OWN_WARNING.test(line))
    .sort();

async function getSpec(kind: string, ns: string, name: string) {
  const result = await kubectl(['get', kind, name, '-n', ns, '-o', 'yaml']);
  expect(result.stderr).toBe('');
  return parse(result.stdout).spec;
}

describe('FrappeBench manifests of the Go operator', () => {
  it.each([
    ['bench.yaml', 'erpnext', []],
    [
      'bench-hybrid.yaml',
      'hybrid-bench',
      [
        `spec.fpmConfig: ${NO_EFFECT} [B-COMPAT-1]`,
        `spec.gitConfig: ${NO_EFFECT} [B-COMPAT-1]`,
        `spec.domainConfig.autoDetect: ${NO_EFFECT} [B-COMPAT-1]`,
        `spec.domainConfig.ingressControllerRef: ${NO_EFFECT} [B-COMPAT-1]`,
      ],
    ],
    [
      'bench-autoscaling.yaml',
      'production-bench',
      [
        `spec.gunicornAutoscaling: ${NO_EFFECT} [B-COMPAT-1]`,
        `spec.nginxAutoscaling: ${NO_EFFECT} [B-COMPAT-1]`,
        `spec.socketIOAutoscaling: ${NO_EFFECT} [B-COMPAT-1]`,
        'spec.workerAutoscaling.short.targetCPUUtilizationPercentage: Go operator field; no effect here [B-COMPAT-1]',
        'spec.workerAutoscaling.long.targetMemoryUtilizationPercentage: Go operator field; no effect here [B-COMPAT-1]',
        `spec.siteReconcileConcurrency: ${NO_EFFECT} [B-COMPAT-1]`,
        `spec.podConfig.geoTag: ${NO_EFFECT} [B-COMPAT-1]`,
      ],
    ],
    [
      'bench-dragonfly.yaml',
      'dragonfly-bench',
      ['spec.redisConfig.type: dragonfly is accepted for compatibility; the bench runs Redis [B-COMPAT-1]'],
    ],
    ['bench-external-redis.yaml', 'shared-redis-bench', []],
    ['bench-external-redis-host.yaml', 'managed-redis-bench', []],
  ])('%s is created; kubectl prints exactly its compatibility warnings', async (file, name, warnings) => {
    const ns = await freshNamespace('go-bench');
    const result = await apply(await manifest(file, ns), ns);
    expect(result.stderr).not.toMatch(/error|unknown field/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`frappebench.vyogo.tech/${name} created`);
    expect(ownWarnings(result.stderr)).toEqual(warnings.map((w) => `Warning: ${w}`).sort());
  });

  it('stores maxMemory with a memory limit that fits it, and no Redis defaults for an external Redis', async () => {
    const ns = await freshNamespace('go-redis');
    for (const file of ['bench-dragonfly.yaml', 'bench-external-redis.yaml'])
      expect((await apply(await manifest(file, ns), ns)).code).toBe(0);
    const dragonfly = await getSpec('frappebench', ns, 'dragonfly-bench');
    expect(dragonfly.redisConfig).toMatchObject({
      type: 'dragonfly',
      image: 'redis:7-alpine',
      maxMemory: '2Gi',
      resources: { limits: { memory: '2Gi' } },
    });
    const external = await getSpec('frappebench', ns, 'shared-redis-bench');
    expect(external.redisConfig).toEqual({
      type: 'redis',
      connectionSecretRef: { name: 'redis-credentials' },
    });
  });

  it('kubectl explain shows that a Go operator field has no effect', async () => {
    const result = await kubectl(['explain', 'frappebench.spec.fpmConfig']);
    expect(result.code).toBe(0);
    // kubectl wraps descriptions at 80 columns
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(
      'Accepted for compatibility with the Go operator; has no effect here.',
    );
  });
});

describe('FrappeSite manifests of the Go operator', () => {
  it('ingress.className gives ingressClassName its value; ingress.tls warns and points at spec.tls', async () => {
    const ns = await freshNamespace('go-site');
    expect((await apply(await manifest('bench.yaml', ns), ns)).code).toBe(0);
    const site = await apply(await manifest('site.yaml', ns), ns);
    expect(site.code).toBe(0);
    expect(ownWarnings(site.stderr)).toEqual([]);
    const spec = await getSpec('frappesite', ns, 'shop');
    expect(spec.ingressClassName).toBe('nginx-public');
    expect(spec.ingress).toEqual({
      enabled: true,
      className: 'nginx-public',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '100m' },
    });

    const tls = await apply(await manifest('site-tls.yaml', ns), ns);
    expect(tls.code).toBe(0);
    expect(ownWarnings(tls.stderr)).toEqual([
      'Warning: spec.ingress.tls: has no effect here (nor in the Go operator): use spec.tls [S-COMPAT-1]',
    ]);
  });

  it('denies ingress.className and ingressClassName that differ', async () => {
    const ns = await freshNamespace('go-class');
    const result = await apply(
      `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {name: shop}
spec:
  benchRef: {name: erpnext}
  siteName: shop.${ns}.example.com
  ingressClassName: nginx
  ingress: {enabled: true, className: traefik}
`,
      ns,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/spec\.ingress\.className.*\[S-ING-2\]/);
  });

  it('accepts secret references with a namespace and the database port as a string', async () => {
    const ns = await freshNamespace('go-refs');
    const result = await apply(
      `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {name: books}
spec:
  benchRef: {name: erpnext}
  siteName: books.${ns}.example.com
  adminPasswordSecretRef: {name: books-admin, namespace: ${ns}}
  dbConfig:
    provider: external
    host: mariadb.db.svc
    port: "3306"
    connectionSecretRef: {name: books-db, namespace: ${ns}}
`,
      ns,
    );
    expect(result.stderr).not.toMatch(/error|unknown field/i);
    expect(result.code).toBe(0);
    const spec = await getSpec('frappesite', ns, 'books');
    expect(spec.dbConfig.port).toBe('3306');
    expect(spec.adminPasswordSecretRef).toEqual({ name: 'books-admin', namespace: ns, key: 'password' });
  });

  it('routeConfig warns while the cluster serves no Route API, and not once it does', async () => {
    const ns = await freshNamespace('go-route');
    expect((await apply(await manifest('bench.yaml', ns), ns)).code).toBe(0);
    const site = await manifest('site-openshift.yaml', ns);
    const before = await apply(site, ns, '--dry-run=server');
    expect(before.code).toBe(0);
    expect(ownWarnings(before.stderr)).toEqual([
      'Warning: spec.routeConfig: the Route API (route.openshift.io) is not installed; no Route is created [S-ROUTE-2]',
    ]);

    // A Route CRD: kube-apiserver registers the APIService v1.route.openshift.io for it, as
    // OpenShift's aggregated Route API has; the webhook watches that APIService.
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: routes.route.openshift.io}
spec:
  group: route.openshift.io
  scope: Namespaced
  names: {kind: Route, plural: routes, singular: route, listKind: RouteList}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
    expect((await kubectl(['apply', '-f', '-'], crd)).code).toBe(0);
    try {
      await eventually(async () => {
        const r = await apply(site, ns, '--dry-run=server');
        return r.code === 0 && !r.stderr.includes('[S-ROUTE-2]') ? true : undefined;
      }, 30_000);
      const created = await apply(site, ns);
      expect(created.code).toBe(0);
      expect(ownWarnings(created.stderr)).toEqual([]);
      expect((await getSpec('frappesite', ns, 'intranet')).routeConfig).toMatchObject({
        host: `intranet.${ns}.acme.example`,
        tlsTermination: 'edge',
      });
    } finally {
      await kubectl(['delete', 'customresourcedefinition', 'routes.route.openshift.io', '--wait=false']);
    }
  });

  it('denies a Route host other than siteName', async () => {
    const ns = await freshNamespace('go-host');
    const result = await apply(
      `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {name: www}
spec:
  benchRef: {name: erpnext}
  siteName: www.${ns}.example.com
  routeConfig: {host: shop.${ns}.example.com}
`,
      ns,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (Forbidden)');
    expect(result.stderr).toMatch(/spec\.routeConfig\.host: must be empty or siteName.*\[S-ROUTE-1\]/);
  });
});
