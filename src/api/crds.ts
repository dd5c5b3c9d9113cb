// The CustomResourceDefinitions, built from the TypeBox schemas (`npm run crds` writes them to
// crds/; a test fails when crds/ is stale).
import { API_GROUP, API_VERSION } from './common.js';
import { FrappeBenchSpec, FrappeBenchStatus } from './frappe-bench.js';
import { FrappeSiteSpec, FrappeSiteStatus } from './frappe-site.js';
import { toStructuralSchema } from './openapi.js';

interface KindInfo {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: unknown;
  status: unknown;
  columns: { name: string; type: string; jsonPath: string; description: string; priority?: number }[];
}

const READY = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether the resource is ready.',
};
const PHASE = { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase.' };
const AGE = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' };

export const KINDS: readonly KindInfo[] = [
  {
    kind: 'FrappeBench',
    plural: 'frappebenches',
    singular: 'frappebench',
    shortNames: ['fb'],
    description: 'A Frappe bench: one image with its apps, serving many FrappeSites.',
    spec: FrappeBenchSpec,
    status: FrappeBenchStatus,
    columns: [
      READY,
      PHASE,
      { name: 'Version', type: 'string', jsonPath: '.spec.frappeVersion', description: 'Frappe version.' },
      AGE,
    ],
  },
  {
    kind: 'FrappeSite',
    plural: 'frappesites',
    singular: 'frappesite',
    shortNames: ['fs'],
    description: 'A Frappe site: one database and one host name on a FrappeBench.',
    spec: FrappeSiteSpec,
    status: FrappeSiteStatus,
    columns: [
      READY,
      PHASE,
      {
        name: 'Bench',
        type: 'string',
        jsonPath: '.spec.benchRef.name',
        description: 'The bench serving the site.',
      },
      { name: 'URL', type: 'string', jsonPath: '.status.siteURL', description: 'URL of the site.' },
      AGE,
    ],
  },
];

/** The openAPIV3Schema of a kind: the root object with its structural spec and status. */
export function rootSchema(info: KindInfo): Record<string, unknown> {
  return {
    type: 'object',
    description: info.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion of this representation: vyogo.tech/v1alpha1.' },
      kind: { type: 'string', description: `Kind of this resource: ${info.kind}.` },
      metadata: { type: 'object' },
      spec: toStructuralSchema(info.spec),
      status: toStructuralSchema(info.status),
    },
  };
}

export function buildCrd(info: KindInfo): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        shortNames: info.shortNames,
        categories: ['frappe'],
      },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: info.columns,
          schema: { openAPIV3Schema: rootSchema(info) },
        },
      ],
    },
  };
}

export const buildCrds = () => KINDS.map(buildCrd);
