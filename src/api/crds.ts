// The CustomResourceDefinitions, built from the TypeBox schemas (`npm run crds` writes them to
// crds/; a test fails when crds/ is stale).
import { FrappeBenchSpec, FrappeBenchStatus } from './frappe-bench.js';
import { FrappeSiteSpec, FrappeSiteStatus } from './frappe-site.js';
import { KIND_NAMES, type KindNames } from './kinds.js';
import { toStructuralSchema } from './openapi.js';

/** A kind's names (kinds.ts) and what its CRD says about it. */
interface KindInfo extends KindNames {
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
    ...KIND_NAMES.FrappeBench,
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
    ...KIND_NAMES.FrappeSite,
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
      apiVersion: { type: 'string', description: `APIVersion of this representation: ${info.apiVersion}.` },
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
    metadata: { name: `${info.plural}.${info.group}` },
    spec: {
      group: info.group,
      scope: 'Namespaced',
      names: {
        kind: info.kind,
        listKind: info.listKind,
        plural: info.plural,
        singular: info.singular,
        shortNames: info.shortNames,
        categories: ['frappe'],
      },
      versions: [
        {
          name: info.version,
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
