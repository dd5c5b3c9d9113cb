// Realistic AdmissionReviews of about 10 KB, as the API server sends them for `kubectl apply` of
// a site or a bench with GitOps labels, a last-applied annotation, managedFields and scheduling
// constraints. Each body is a complete request the real server must default or validate. An
// UPDATE carries what the API server sends once the mutating webhook is installed: the stored
// object as it was defaulted on its way in, and the new one after our mutating webhook defaulted it.
import { KIND_NAMES, WEBHOOK_ROUTES, type AdmittedKind } from '../../src/api/kinds.js';
import { admitMutation } from '../../src/admission/admit.js';
import { staticClusterView } from '../../src/api/static-cluster-view.js';
import { operatorConfig } from '../../src/defaults/config.js';

type Json = Record<string, unknown>;

/** managedFields' fieldsV1 for an object: every field the manager set, as the API server writes it. */
function fieldsV1(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, fieldsV1(v)]));
}

function metadata(name: string, userObject: Json): Json {
  return {
    name,
    namespace: 'tenant-acme',
    uid: '6f1d2c3e-8a7b-4c5d-9e0f-112233445566',
    resourceVersion: '48213377',
    generation: 3,
    creationTimestamp: '2026-11-01T10:00:00Z',
    labels: {
      'app.kubernetes.io/part-of': 'erp-platform',
      'app.kubernetes.io/managed-by': 'flux',
      'kustomize.toolkit.fluxcd.io/name': 'tenant-acme-sites',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      'billing.example.com/cost-center': 'cc-4711',
      'tenant.example.com/id': 'acme',
    },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(userObject),
      'vyogo.tech/deletion-protection': 'true',
      'example.com/owner': 'platform-team@example.com',
      'example.com/runbook':
        'https://runbooks.example.com/erp/tenants/acme/frappe-site-operations-and-escalation',
      'argocd.argoproj.io/tracking-id': 'tenant-acme:vyogo.tech/FrappeSite:tenant-acme/acme-shop',
      'fluxcd.io/reconcile-request': '2026-11-02T08:30:00.000000000Z',
    },
    managedFields: [
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'vyogo.tech/v1alpha1',
        time: '2026-11-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': fieldsV1({ labels: userObject.metadata, annotations: {} }),
          'f:spec': fieldsV1(userObject.spec),
        },
      },
      {
        manager: 'kustomize-controller',
        operation: 'Apply',
        apiVersion: 'vyogo.tech/v1alpha1',
        time: '2026-11-02T08:30:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': fieldsV1(userObject.metadata) },
          'f:spec': fieldsV1(userObject.spec),
        },
      },
      {
        manager: 'frappe-admission',
        operation: 'Update',
        apiVersion: 'vyogo.tech/v1alpha1',
        time: '2026-11-01T10:00:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:phase': {}, 'f:observedGeneration': {} } },
        subresource: 'status',
      },
    ],
  };
}

const scheduling = {
  nodeSelector: { 'node.kubernetes.io/pool': 'erp', 'topology.kubernetes.io/region': 'eu-central-1' },
  tolerations: [
    { key: 'dedicated', operator: 'Equal', value: 'erp', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    },
    { key: 'workload.example.com/spot', operator: 'Equal', value: 'false', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  ],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              {
                key: 'topology.kubernetes.io/zone',
                operator: 'In',
                values: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
              },
            ],
          },
        ],
      },
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'acme' } },
          },
        },
      ],
    },
  },
  labels: { 'team.example.com/name': 'erp', 'sidecar.istio.io/inject': 'false' },
};

function site(name: string, siteName: string): Json {
  const spec = {
    benchRef: { name: 'erpnext-v15' },
    siteName,
    apps: ['erpnext', 'hrms', 'payments'],
    ingress: {
      annotations: {
        'nginx.ingress.kubernetes.io/proxy-body-size': '64m',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '600',
      },
    },
    podConfig: scheduling,
  };
  const user = {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { name, namespace: 'tenant-acme' },
    spec,
  };
  return { ...user, metadata: metadata(name, user) };
}

function bench(name: string): Json {
  const spec = {
    frappeVersion: 'version-15',
    apps: [
      { name: 'erpnext', source: 'image' },
      { name: 'hrms', source: 'image' },
      { name: 'payments', source: 'image' },
      { name: 'india_compliance', source: 'image' },
    ],
    imageConfig: {
      repository: 'registry.example.com/erp/erpnext',
      pullSecrets: [{ name: 'registry-credentials' }],
    },
    storageClassName: 'cephfs',
    storageSize: '200Gi',
    domainConfig: { suffix: 'erp.example.com' },
    componentReplicas: { gunicorn: 3, nginx: 2, socketio: 2 },
    podConfig: scheduling,
  };
  const user = {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name, namespace: 'tenant-acme' },
    spec,
  };
  return { ...user, metadata: metadata(name, user) };
}

function review(
  uid: string,
  operation: string,
  kind: AdmittedKind,
  object: Json,
  oldObject: Json | null,
): Json {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'vyogo.tech', version: 'v1alpha1', kind },
      resource: {
        group: 'vyogo.tech',
        version: 'v1alpha1',
        resource: KIND_NAMES[kind].plural,
      },
      requestKind: { group: 'vyogo.tech', version: 'v1alpha1', kind },
      requestResource: {
        group: 'vyogo.tech',
        version: 'v1alpha1',
        resource: KIND_NAMES[kind].plural,
      },
      name: (object.metadata as Json).name,
      namespace: 'tenant-acme',
      operation,
      userInfo: {
        username: 'system:serviceaccount:flux-system:kustomize-controller',
        uid: 'a1b2c3',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system', 'system:authenticated'],
      },
      object,
      oldObject,
      dryRun: false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
        fieldManager: 'kustomize-controller',
      },
    },
  };
}

export interface Scenario {
  name: string;
  path: string;
  body: string;
}

/** The webhook route that serves a scenario's path. */
export function routeOf(scenario: Scenario): (typeof WEBHOOK_ROUTES)[number] {
  const route = WEBHOOK_ROUTES.find((r) => r.path === scenario.path);
  if (!route) throw new Error(`no webhook route at ${scenario.path}`);
  return route;
}

/** The object as the mutating webhook left it (offline: no bench or storage class known). */
function defaulted(object: Json): Json {
  const context = { view: staticClusterView([]), config: operatorConfig() };
  const input = { operation: 'CREATE' as const, namespace: 'tenant-acme', object, dryRun: false };
  return structuredClone(admitMutation(object.kind as AdmittedKind, input, context).object) as Json;
}

/** The scenarios of the benchmark: mutate and validate, site and bench; each body about 10 KB. */
export function scenarios(): Scenario[] {
  const created = site('acme-shop', 'shop.acme.erp.example.com');
  const stored = defaulted(created);
  const updated = defaulted({
    ...stored,
    spec: {
      ...(stored.spec as Json),
      ingress: { enabled: true, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '128m' } },
    },
  });
  const createdBench = bench('erpnext-v15');
  const storedBench = defaulted(createdBench);
  const updatedBench = {
    ...storedBench,
    metadata: {
      ...(storedBench.metadata as Json),
      labels: { ...((storedBench.metadata as Json).labels as Json), 'team.example.com/cost-center': 'erp-2' },
    },
  };
  return [
    {
      name: 'site create (mutate)',
      path: '/mutate-vyogo-tech-v1alpha1-frappesite',
      body: JSON.stringify(review('c1', 'CREATE', 'FrappeSite', created, null)),
    },
    {
      name: 'site update (validate)',
      path: '/validate-vyogo-tech-v1alpha1-frappesite',
      body: JSON.stringify(review('u1', 'UPDATE', 'FrappeSite', updated, stored)),
    },
    {
      name: 'bench create (mutate)',
      path: '/mutate-vyogo-tech-v1alpha1-frappebench',
      body: JSON.stringify(review('b1', 'CREATE', 'FrappeBench', createdBench, null)),
    },
    {
      name: 'bench update (validate)',
      path: '/validate-vyogo-tech-v1alpha1-frappebench',
      body: JSON.stringify(review('b2', 'UPDATE', 'FrappeBench', updatedBench, storedBench)),
    },
  ];
}
