// Properties of defaulting over generated benches and sites (fast-check): idempotent, never
// overwrites a value the user wrote, never mutates its input, and the emitted patch applied to
// the input gives exactly the defaulted object.
import fc from 'fast-check';
import fastJsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../src/api/json.js';
import { staticClusterView } from '../../../src/api/static-cluster-view.js';
import { defaultBench } from '../../../src/defaults/bench.js';
import { operatorConfig } from '../../../src/defaults/config.js';
import { defaultSite } from '../../../src/defaults/site.js';

const view = staticClusterView([
  {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'cephfs', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'cephfs.csi.ceph.com',
  },
  {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name: 'erpnext', namespace: 'erp' },
    spec: { frappeVersion: 'version-15', dbConfig: { provider: 'mariadb', mariadbRef: { name: 'shared' } } },
  },
]);
const config = operatorConfig();
const context = { namespace: 'erp', view, config };

const quantity = fc.oneof(
  fc.constantFrom('100m', '2', '1Gi', '512Mi', '3', '0'),
  fc.integer({ min: 0, max: 8 }),
);
const resources = fc.record(
  {
    requests: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
    limits: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const worker = fc.record(
  {
    enabled: fc.boolean(),
    staticReplicas: fc.nat(5),
    minReplicas: fc.nat(3),
    maxReplicas: fc.nat(20),
    queueLength: fc.nat(9),
  },
  { requiredKeys: [] },
);
/** Odd values where objects are expected: defaulting must leave them alone, not crash. */
const odd = fc.constantFrom(null, 'text', 42, [], true);

const benchSpec = fc.record(
  {
    frappeVersion: fc.constantFrom('version-15', 'version-14', ''),
    apps: fc.constant([{ name: 'erpnext', source: 'image' }]),
    imageConfig: fc.oneof(
      fc.record(
        {
          repository: fc.constantFrom('r.example.com/erp'),
          tag: fc.constantFrom('v1', 'latest'),
          pullPolicy: fc.constantFrom('Always'),
        },
        { requiredKeys: [] },
      ),
      odd,
    ),
    componentReplicas: fc.record(
      { gunicorn: fc.nat(4), nginx: fc.nat(4), workerLong: fc.nat(4), workerDefault: fc.nat(2) },
      { requiredKeys: [] },
    ),
    componentResources: fc.record(
      { gunicorn: resources, nginx: resources, workerShort: resources },
      { requiredKeys: [] },
    ),
    redisConfig: fc.oneof(
      fc.record(
        {
          image: fc.constant('redis:8'),
          resources,
          maxMemory: fc.constantFrom('2Gi', '64Mi', 3 * 2 ** 30),
          connectionSecretRef: fc.constant({ name: 'redis' }),
          host: fc.constantFrom('redis.example.com', ''),
          external: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      odd,
    ),
    storageClassName: fc.constantFrom('cephfs', 'gp3'),
    storageAccessMode: fc.constantFrom('ReadWriteOnce', 'ReadWriteMany'),
    storageSize: fc.constantFrom('5Gi', 100),
    dbConfig: fc.record(
      {
        provider: fc.constantFrom('mariadb', 'external'),
        mode: fc.constantFrom('dedicated'),
        mariadbRef: fc.constant({ name: 'db' }),
      },
      { requiredKeys: [] },
    ),
    workerAutoscaling: fc.oneof(
      fc.record({ short: worker, long: worker, default: worker }, { requiredKeys: [] }),
      odd,
    ),
  },
  { requiredKeys: ['frappeVersion'] },
);
const bench = benchSpec.map((spec) => ({
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeBench',
  metadata: { name: 'prod', namespace: 'erp' },
  spec,
}));

const site = fc
  .record({
    name: fc.constantFrom('shop', ''),
    spec: fc.record(
      {
        benchRef: fc.constantFrom({ name: 'erpnext' }, { name: 'missing', namespace: 'erp' }),
        siteName: fc.constantFrom('shop.acme.example', 'x.example.com', 'Ω.example'),
        domain: fc.constantFrom('shop.acme.example'),
        adminPasswordSecretRef: fc.record(
          { name: fc.constant('vault'), namespace: fc.constant('erp'), key: fc.constant('pw') },
          { requiredKeys: [] },
        ),
        dbConfig: fc.oneof(
          fc.record(
            {
              provider: fc.constantFrom('mariadb', 'external'),
              mode: fc.constantFrom('shared', 'dedicated'),
              databaseName: fc.constant('mine'),
              connectionSecretRef: fc.constant({ name: 's' }),
            },
            { requiredKeys: [] },
          ),
          odd,
        ),
        ingress: fc.record(
          { enabled: fc.boolean(), className: fc.constantFrom('traefik', '') },
          { requiredKeys: [] },
        ),
        ingressClassName: fc.constantFrom('nginx', 'traefik'),
        tls: fc.record({ enabled: fc.boolean(), issuer: fc.constant('le') }, { requiredKeys: [] }),
        deletionPolicy: fc.constantFrom('Retain', 'Delete'),
      },
      { requiredKeys: ['benchRef'] },
    ),
  })
  .map(({ name, spec }) => ({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: name ? { name, namespace: 'erp' } : { generateName: 'shop-', namespace: 'erp' },
    spec,
  }));

/** Every leaf of a JSON value with its path. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (typeof value !== 'object' || value === null || (Array.isArray(value) && value.length === 0))
    return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, String(i)]));
  // An empty object written by the user is a place for defaults, not a value: it has no leaves.
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}
const at = (value: unknown, path: string[]) =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);

describe.each([
  ['FrappeBench', bench, defaultBench],
  ['FrappeSite', site, defaultSite],
] as const)('defaulting a %s', (_kind, objects, defaulter) => {
  const run = (input: Record<string, unknown>) => defaulter(input, context);

  it('is idempotent: defaulting the defaulted object changes nothing and emits no patch', () => {
    fc.assert(
      fc.property(objects, (input) => {
        const once = run(input);
        const twice = run(once.object);
        expect(twice.patch).toEqual([]);
        expect(twice.object).toEqual(once.object);
      }),
      { numRuns: 300 },
    );
  });

  it('copies nothing when there is nothing to fill (the defaulted spec comes back as is)', () => {
    fc.assert(
      fc.property(objects, (input) => {
        const defaulted = run(input).object;
        expect(run(defaulted).object.spec).toBe(defaulted.spec);
      }),
      { numRuns: 200 },
    );
  });

  it('never overwrites a value the user wrote', () => {
    fc.assert(
      fc.property(objects, (input) => {
        const { object } = run(input);
        for (const [path, value] of leaves(input)) {
          if (value === null) continue; // null means absent to the API server; defaults may fill it
          expect(at(object, path), path.join('.')).toEqual(value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never mutates its input (deep-frozen input works)', () => {
    fc.assert(
      fc.property(objects, (input) => {
        const copy = structuredClone(input);
        run(deepFreeze(input));
        expect(input).toEqual(copy);
      }),
      { numRuns: 200 },
    );
  });

  it('never changes the operator config, whose values the defaulted objects share', () => {
    const before = structuredClone(config);
    fc.assert(
      fc.property(objects, (input) => {
        run(input);
      }),
      { numRuns: 200 },
    );
    expect(config).toEqual(before);
  });

  it('emits a patch that, applied to the raw input, gives the defaulted object', () => {
    fc.assert(
      fc.property(objects, (input) => {
        const { object, patch } = run(input);
        const applied = fastJsonPatch.applyPatch(
          structuredClone(input),
          structuredClone(patch) as fastJsonPatch.Operation[],
          true,
          false,
        ).newDocument;
        expect(applied).toEqual(object);
        expect(new Set(patch.map((op) => op.path)).size).toBe(patch.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the patch is minimal', () => {
  it('adds an absent subtree in one operation', () => {
    const { patch } = defaultBench(
      {
        apiVersion: 'vyogo.tech/v1alpha1',
        kind: 'FrappeBench',
        metadata: { name: 'p', namespace: 'erp' },
        spec: { frappeVersion: 'version-15', apps: [] },
      },
      context,
    );
    const paths = patch.map((op) => op.path);
    expect(paths).toContain('/spec/imageConfig');
    expect(paths.filter((p) => p.startsWith('/spec/imageConfig/'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('/spec/componentResources/'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('/spec/workerAutoscaling/'))).toEqual([]);
  });

  it('adds only the missing leaves of a partly written object', () => {
    const { patch } = defaultBench(
      {
        apiVersion: 'vyogo.tech/v1alpha1',
        kind: 'FrappeBench',
        metadata: { name: 'p', namespace: 'erp' },
        spec: { frappeVersion: 'version-15', imageConfig: { tag: 'v1' } },
      },
      context,
    );
    expect(patch.filter((op) => op.path.startsWith('/spec/imageConfig'))).toEqual([
      { op: 'add', path: '/spec/imageConfig/repository', value: 'docker.io/frappe/erpnext' },
      { op: 'add', path: '/spec/imageConfig/pullPolicy', value: 'IfNotPresent' },
    ]);
  });

  it('copies a shared default before a later fill writes below it, and extends the same operation', async () => {
    const { DefaultsRecorder } = await import('../../../src/defaults/recorder.js');
    const shared = deepFreeze({ requests: { cpu: '1' } });
    const recorder = new DefaultsRecorder({ spec: {} });
    recorder.fill(['spec', 'resources'], shared);
    recorder.fill(['spec', 'resources', 'requests', 'memory'], '1Gi');
    recorder.fill(['spec', 'resources', 'limits', 'cpu'], '2');
    expect(recorder.patch).toEqual([
      {
        op: 'add',
        path: '/spec/resources',
        value: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2' } },
      },
    ]);
    expect(recorder.root).toEqual({
      spec: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2' } } },
    });
    expect(shared).toEqual({ requests: { cpu: '1' } });
  });

  it('keeps one default placed at two paths apart when a later fill writes below one of them', async () => {
    const { DefaultsRecorder } = await import('../../../src/defaults/recorder.js');
    const shared = deepFreeze({ cpu: '1' });
    const recorder = new DefaultsRecorder({ spec: {} });
    recorder.fill(['spec', 'a'], shared);
    recorder.fill(['spec', 'b'], shared);
    recorder.fill(['spec', 'b', 'memory'], '1Gi');
    expect(recorder.patch).toEqual([
      { op: 'add', path: '/spec/a', value: { cpu: '1' } },
      { op: 'add', path: '/spec/b', value: { cpu: '1', memory: '1Gi' } },
    ]);
    expect(recorder.root).toEqual({ spec: { a: { cpu: '1' }, b: { cpu: '1', memory: '1Gi' } } });

    // The same default inside one added subtree and at the root of another.
    const other = new DefaultsRecorder({ spec: {} });
    other.fill(['spec', 'w', 'inner'], shared);
    other.fill(['spec', 'r'], shared);
    other.fill(['spec', 'w', 'inner', 'memory'], '1Gi');
    expect(other.patch).toEqual([
      { op: 'add', path: '/spec/w', value: { inner: { cpu: '1', memory: '1Gi' } } },
      { op: 'add', path: '/spec/r', value: { cpu: '1' } },
    ]);
    expect(shared).toEqual({ cpu: '1' });
  });

  it('escapes "/" and "~" in JSON pointers', async () => {
    const { DefaultsRecorder } = await import('../../../src/defaults/recorder.js');
    const recorder = new DefaultsRecorder({ metadata: { annotations: {} } });
    recorder.fill(['metadata', 'annotations', 'vyogo.tech/a~b'], 'x');
    expect(recorder.patch).toEqual([
      { op: 'add', path: '/metadata/annotations/vyogo.tech~1a~0b', value: 'x' },
    ]);
  });

  it('uses the small profile when the config says so', () => {
    const small = operatorConfig('small');
    const { object } = defaultBench(
      {
        apiVersion: 'vyogo.tech/v1alpha1',
        kind: 'FrappeBench',
        metadata: { name: 'p', namespace: 'erp' },
        spec: { frappeVersion: 'version-15' },
      },
      { ...context, config: small },
    );
    const spec = object.spec as Record<string, Record<string, unknown>>;
    expect(spec.componentResources?.gunicorn).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    expect((spec.redisConfig as { resources: unknown }).resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    });
  });
});

describe("defaults around the Go operator's fields", () => {
  it('write nothing under redisConfig when the bench names an external Redis', () => {
    fc.assert(
      fc.property(bench, (input) => {
        const redis = input.spec.redisConfig as Record<string, unknown> | undefined;
        fc.pre(
          typeof redis === 'object' &&
            redis !== null &&
            redis.external !== false &&
            (redis.external === true || redis.connectionSecretRef !== undefined),
        );
        expect((defaultBench(input, context).object.spec as { redisConfig: unknown }).redisConfig).toEqual(
          redis,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('raise a defaulted Redis memory limit to maxMemory, never lower what the user wrote', () => {
    const { object } = defaultBench(
      {
        apiVersion: 'vyogo.tech/v1alpha1',
        kind: 'FrappeBench',
        metadata: { name: 'p', namespace: 'erp' },
        spec: { frappeVersion: 'version-15', redisConfig: { maxMemory: '3Gi' } },
      },
      context,
    );
    expect(object.spec).toMatchObject({
      redisConfig: { resources: { requests: { memory: '256Mi' }, limits: { memory: '3Gi', cpu: '500m' } } },
    });
  });

  it('take ingressClassName from ingress.className when only that is written', () => {
    fc.assert(
      fc.property(site, (input) => {
        const spec = input.spec as { ingress?: { className?: string }; ingressClassName?: string };
        const className = spec.ingress?.className;
        const { ingressClassName } = defaultSite(input, context).object.spec as { ingressClassName?: string };
        if (spec.ingressClassName !== undefined) expect(ingressClassName).toBe(spec.ingressClassName);
        else if (className) expect(ingressClassName).toBe(className);
        else expect(ingressClassName).not.toBe('traefik');
      }),
      { numRuns: 200 },
    );
  });
});
