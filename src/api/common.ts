// Schema pieces shared by FrappeBench and FrappeSite. These TypeBox definitions are the single
// source of the CRD OpenAPI schema (crds/), of the ajv validators and of the TypeScript types.
// Strings that CEL rules read carry a maxLength so the API server can bound the rule's cost.
import { Type, type Static, type TSchema, type SchemaOptions } from '@sinclair/typebox';
import { QUANTITY_PATTERN } from './values.js';

/** A CEL validation rule as the CRD's `x-kubernetes-validations` holds it. */
export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** Schema options with the Kubernetes extensions this API uses. */
export interface KubeSchemaOptions extends SchemaOptions {
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
}

/** A Kubernetes resource.Quantity: an integer or a string such as `500m` or `10Gi`. */
export const Quantity = (description: string, options: KubeSchemaOptions = {}) =>
  Type.Union([Type.Integer(), Type.String()], {
    description,
    pattern: QUANTITY_PATTERN,
    'x-kubernetes-int-or-string': true,
    ...options,
  });

/** A free-form object (affinity, security contexts): stored as written, not interpreted here. */
export const OpaqueObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description, 'x-kubernetes-preserve-unknown-fields': true });

export const StringMap = (description: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: 4096 }), { description });

export const Name = (description: string, options: KubeSchemaOptions = {}) =>
  Type.String({ description, maxLength: 253, ...options });

export const ResourceRequirements = (what: string) =>
  Type.Object(
    {
      requests: Type.Optional(
        Type.Record(Type.String(), Quantity('A resource request.'), {
          description: `Minimum resources (cpu, memory) reserved for ${what}.`,
        }),
      ),
      limits: Type.Optional(
        Type.Record(Type.String(), Quantity('A resource limit.'), {
          description: `Maximum resources (cpu, memory) ${what} may use.`,
        }),
      ),
    },
    { description: `Compute resources of ${what} (requests and limits, as in a container).` },
  );
export type ResourceRequirements = Static<ReturnType<typeof ResourceRequirements>>;

export const ObjectRef = (description: string, what: string) =>
  Type.Object(
    {
      name: Name(`Name of the ${what}.`),
      namespace: Type.Optional(Name(`Namespace of the ${what}; empty means the namespace of this object.`)),
    },
    { description },
  );

/**
 * A core/v1 SecretReference as the Go operator's API writes it: both fields optional (rules say
 * when a name is required; whether another namespace may be named is the operator config's call).
 */
export const SecretRef = (description: string) =>
  Type.Object(
    {
      name: Type.Optional(Name('Name of the Secret.')),
      namespace: Type.Optional(Name('Namespace of the Secret; empty means the namespace of this object.')),
    },
    { description },
  );

export const PodConfig = Type.Object(
  {
    labels: Type.Optional(StringMap('Extra labels put on every pod.')),
    nodeSelector: Type.Optional(StringMap('Node selector of every pod.')),
    affinity: Type.Optional(OpaqueObject('Affinity of every pod (core/v1 Affinity).')),
    tolerations: Type.Optional(
      Type.Array(OpaqueObject('A core/v1 Toleration.'), { description: 'Tolerations of every pod.' }),
    ),
    geoTag: Type.Optional(
      Type.Object(
        {
          region: Type.Optional(
            Type.String({
              description: 'Region, e.g. us-east-1 (node label topology.kubernetes.io/region).',
            }),
          ),
          zone: Type.Optional(
            Type.String({ description: 'Zone, e.g. us-east-1a (node label topology.kubernetes.io/zone).' }),
          ),
        },
        {
          description:
            "The Go operator's geographic placement. Accepted for compatibility; has no effect here: put " +
            'topology.kubernetes.io/region or /zone in nodeSelector instead.',
        },
      ),
    ),
  },
  { description: 'Scheduling and labelling applied to every pod the operator creates.' },
);
export type PodConfig = Static<typeof PodConfig>;

export const DatabaseConfig = (owner: 'bench' | 'site', validations: CelRule[] = []) =>
  Type.Object(
    {
      provider: Type.Optional(
        Type.String({
          description:
            'Database engine: mariadb (MariaDB operator), external (an existing server the operator ' +
            'reaches over SQL); postgres and sqlite are reserved for later.',
          maxLength: 16,
        }),
      ),
      mode: Type.Optional(
        Type.String({
          description:
            'shared: the site gets a database on the MariaDB named by mariadbRef; dedicated: the ' +
            'operator creates a MariaDB instance for the site (mariadb only).',
          maxLength: 16,
        }),
      ),
      mariadbRef: Type.Optional(
        ObjectRef('The MariaDB (k8s.mariadb.com) that hosts shared databases.', 'MariaDB resource'),
      ),
      postgresRef: Type.Optional(
        ObjectRef('The PostgreSQL cluster (reserved for later).', 'PostgreSQL cluster'),
      ),
      storageSize: Type.Optional(Quantity('Volume size of a dedicated MariaDB instance.')),
      resources: Type.Optional(ResourceRequirements('a dedicated MariaDB instance')),
      image: Type.Optional(
        Type.String({ description: 'Image of a dedicated MariaDB instance.', maxLength: 512 }),
      ),
      host: Type.Optional(
        Type.String({ description: 'Host of an external database server.', maxLength: 253 }),
      ),
      port: Type.Optional(
        Type.Union([Type.Integer(), Type.String()], {
          description:
            'Port of an external database server, 1-65535. A string of digits (as the Go operator wrote it) ' +
            'is accepted.',
          'x-kubernetes-int-or-string': true,
        }),
      ),
      connectionSecretRef: Type.Optional(
        SecretRef(
          'Secret with the credentials of an external server (keys host, port, username, password); ' +
            'required with provider external.',
        ),
      ),
      databaseName: Type.Optional(
        Type.String({
          description:
            owner === 'site'
              ? 'Database name, at most 64 of [A-Za-z0-9_]. Default: _<hash>_<siteName>, the hash taken ' +
                'over <namespace>/<siteName>, so the name is known before the site exists.'
              : 'Not allowed on a bench: each site gets its own database.',
          maxLength: 256,
        }),
      ),
      databaseUser: Type.Optional(
        Type.String({
          description:
            owner === 'site'
              ? 'The MariaDB account the site connects as, at most 80 of [A-Za-z0-9_] (MariaDB). Default: the ' +
                'databaseName, which is the account on every Frappe version (14 and 15 connect as the ' +
                'database name); another value is accepted with a warning and not used.'
              : 'Not allowed on a bench: each site gets its own database user.',
          maxLength: 256,
        }),
      ),
    },
    {
      description:
        owner === 'site'
          ? "The site's database. Each unset field is taken from the bench's dbConfig, then from the operator's defaults."
          : 'Database defaults for the sites of this bench; a site may override each field.',
      ...(validations.length > 0 ? { 'x-kubernetes-validations': validations } : {}),
    },
  );
export type DatabaseConfig = Static<ReturnType<typeof DatabaseConfig>>;

export const JobRetryStatus = Type.Object(
  {
    job: Type.String({ description: 'The Job (and the generation it ran for) the failures count against.' }),
    failures: Type.Integer({ description: 'Failed runs so far; a spec change starts the count over.' }),
    failedUid: Type.Optional(Type.String({ description: 'uid of the last failed Job counted.' })),
    retryAt: Type.Optional(
      Type.String({ description: 'When the failed Job is created again.', format: 'date-time' }),
    ),
    lastError: Type.Optional(Type.String({ description: 'Why the last run failed.' })),
  },
  {
    description:
      'Retries of a failed init Job, with exponential backoff; kept in status so a restart of the operator does not reset them.',
  },
);
export type JobRetryStatus = Static<typeof JobRetryStatus>;

export const Condition = Type.Object(
  {
    type: Type.String({ description: 'Type of the condition: Ready, Reconciling, Stalled or a detail.' }),
    status: Type.String({ description: 'True, False or Unknown.' }),
    observedGeneration: Type.Optional(
      Type.Integer({ description: 'Generation the condition was computed for.' }),
    ),
    lastTransitionTime: Type.String({ description: 'When status last changed.', format: 'date-time' }),
    reason: Type.String({ description: 'CamelCase reason for the last transition.' }),
    message: Type.String({ description: 'Human-readable detail.' }),
  },
  { description: 'A metav1.Condition.' },
);
export type Condition = Static<typeof Condition>;

export const Conditions = Type.Array(Condition, {
  description: 'Ready (positive), Reconciling, Stalled, and detail conditions.',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
} as KubeSchemaOptions);

/** metadata as admission sees it: only what the rules read is typed. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  finalizers?: string[];
  [key: string]: unknown;
}

export type SchemaOf<T extends TSchema> = Static<T>;
