// FrappeSite: one Frappe site (one database, one host name) on a bench (API.md §4).
import { Type, type Static } from '@sinclair/typebox';
import {
  Conditions,
  DatabaseConfig,
  JobRetryStatus,
  Name,
  PodConfig,
  StringMap,
  type ObjectMeta,
} from './common.js';
import { IMMUTABLE_DATABASE_FIELDS } from './values.js';
import { IngressTls } from './compat-fields.js';
import { DNS_SUBDOMAIN_PATTERN } from './dns-names.js';

const immutable = (field: string, why: string) => ({
  rule: 'self == oldSelf',
  message: `${field} is immutable: ${why} [S-IMM-1]`,
  reason: 'FieldValueForbidden' as const,
});

const siteDatabaseConfig = DatabaseConfig(
  'site',
  IMMUTABLE_DATABASE_FIELDS.map((field) => ({
    rule: `!has(oldSelf.${field}) || (has(self.${field}) && self.${field} == oldSelf.${field})`,
    message: `dbConfig.${field} is immutable once set: the database is not moved; migrate with a backup and a new site [S-IMM-2]`,
    reason: 'FieldValueForbidden' as const,
    fieldPath: `.${field}`,
  })),
);

const RouteConfig = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ description: 'Create the Route. Default true when routeConfig is present.' }),
    ),
    host: Type.Optional(
      Type.String({
        description:
          'Host of the Route. Default and only allowed value: siteName (Frappe picks the site by host).',
        maxLength: 253,
      }),
    ),
    tlsTermination: Type.Optional(
      Type.Union([Type.Literal('edge'), Type.Literal('passthrough'), Type.Literal('reencrypt')], {
        description:
          'TLS termination. The Route terminates TLS at the router (edge): the bench serves plain HTTP, so ' +
          'passthrough and reencrypt are accepted with a warning and have no effect.',
      }),
    ),
    wildcardPolicy: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('subdomain')], {
        description:
          'Wildcard policy. A site serves one host name, so subdomain is accepted with a warning and has no effect.',
      }),
    ),
    annotations: Type.Optional(StringMap('Extra annotations on the Route.')),
  },
  {
    description:
      'An OpenShift Route (route.openshift.io/v1) to the site, for clusters that have the Route API; a warning ' +
      'says when the cluster has none.',
  },
);

export const FrappeSiteSpec = Type.Object(
  {
    benchRef: Type.Object(
      {
        name: Name('Name of the FrappeBench.'),
        namespace: Type.Optional(Name("Namespace of the bench; must be empty or the site's own namespace.")),
      },
      {
        description: 'The FrappeBench that serves this site. Immutable.',
        'x-kubernetes-validations': [immutable('benchRef', 'sites do not move; create a new site')],
      },
    ),
    siteName: Type.String({
      description: 'Host name Frappe serves the site under (a lower-case DNS name). Immutable.',
      maxLength: 253,
      'x-kubernetes-validations': [
        {
          rule: `self.matches('${DNS_SUBDOMAIN_PATTERN.replaceAll('\\', '\\\\')}')`,
          message: 'siteName must be a lower-case DNS name such as erp.example.com [S-NAME-1]',
        },
        {
          rule: "self.split('.').all(label, label.size() <= 63)",
          message: 'each label of siteName has at most 63 characters [S-NAME-1]',
        },
        immutable('siteName', 'create a new site instead'),
      ],
    }),
    domain: Type.Optional(
      Type.String({
        description: 'Host name of the Ingress. Default and only allowed value: siteName. Immutable.',
        maxLength: 253,
        'x-kubernetes-validations': [immutable('domain', 'create a new site instead')],
      }),
    ),
    adminPasswordSecretRef: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Name('Name of the Secret. Default <site>-admin.')),
          namespace: Type.Optional(Name('Namespace of the Secret; empty means the namespace of the site.')),
          key: Type.Optional(
            Type.String({ description: 'Key in the Secret. Default password.', maxLength: 253 }),
          ),
        },
        {
          description: 'Secret with the Administrator password. Default <site>-admin (generated if missing).',
        },
      ),
    ),
    dbConfig: Type.Optional(siteDatabaseConfig),
    ingressClassName: Type.Optional(
      Type.String({
        description: "IngressClass of the site's Ingress. Default: the operator's, else the cluster default.",
        maxLength: 253,
      }),
    ),
    ingress: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(
            Type.Boolean({ description: 'Create an Ingress for the site. Default true.' }),
          ),
          annotations: Type.Optional(
            Type.Record(Type.String(), Type.String(), { description: 'Extra annotations on the Ingress.' }),
          ),
          className: Type.Optional(
            Type.String({
              description:
                "The Go operator's name for ingressClassName: when only this is set, the default of " +
                'ingressClassName is taken from it; when both are set they must agree.',
              maxLength: 253,
            }),
          ),
          tls: Type.Optional(IngressTls),
        },
        { description: 'The Ingress of the site.' },
      ),
    ),
    routeConfig: Type.Optional(RouteConfig),
    tls: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(
            Type.Boolean({ description: 'Serve HTTPS. Default: true when the operator names a TLS issuer.' }),
          ),
          secretName: Type.Optional(
            Type.String({ description: 'TLS Secret. Default <site>-tls.', maxLength: 253 }),
          ),
          issuer: Type.Optional(
            Type.String({
              description: 'cert-manager ClusterIssuer that issues the certificate.',
              maxLength: 253,
            }),
          ),
        },
        { description: 'HTTPS for the site (cert-manager).' },
      ),
    ),
    apps: Type.Optional(
      Type.Array(Type.String({ maxLength: 128 }), {
        description: 'Apps installed on the site at creation (from the bench). Immutable.',
        maxItems: 256,
      }),
    ),
    deletionPolicy: Type.Optional(
      Type.Union([Type.Literal('Retain'), Type.Literal('Delete')], {
        description:
          'Retain (default) keeps the database and files when the site is deleted; Delete drops them.',
      }),
    ),
    podConfig: Type.Optional(PodConfig),
  },
  {
    description: 'Desired state of a Frappe site.',
    'x-kubernetes-validations': [
      {
        rule:
          "!has(self.ingress) || !has(self.ingress.className) || self.ingress.className == '' || " +
          "!has(self.ingressClassName) || self.ingressClassName == '' || self.ingress.className == self.ingressClassName",
        message: 'ingress.className and ingressClassName must name the same IngressClass [S-ING-2]',
        fieldPath: '.ingress.className',
      },
    ],
  },
);
export type FrappeSiteSpec = Static<typeof FrappeSiteSpec>;

export const FrappeSiteStatus = Type.Object(
  {
    phase: Type.Optional(
      Type.String({ description: 'Pending, Provisioning, Initializing, Ready, Failed or Terminating.' }),
    ),
    conditions: Type.Optional(Conditions),
    observedGeneration: Type.Optional(Type.Integer({ description: 'Generation last reconciled.' })),
    siteURL: Type.Optional(Type.String({ description: 'URL the site answers on.' })),
    databaseStatus: Type.Optional(
      Type.Object(
        {
          phase: Type.Optional(Type.String({ description: 'Pending, Ready or Failed.' })),
          host: Type.Optional(Type.String({ description: 'Database host.' })),
          port: Type.Optional(Type.Integer({ description: 'Database port.' })),
          database: Type.Optional(Type.String({ description: 'Database name.' })),
          secretName: Type.Optional(Type.String({ description: 'Secret with the database password.' })),
          lastError: Type.Optional(Type.String({ description: 'Last provisioning error.' })),
          provisioned: Type.Optional(
            Type.String({
              description:
                'External provider: a hash of the server, names and password the database was last made for; ' +
                'unchanged means no connection is needed.',
            }),
          ),
        },
        { description: "State of the site's database." },
      ),
    ),
    installedApps: Type.Optional(Type.Array(Type.String(), { description: 'Apps installed on the site.' })),
    initJobRetry: Type.Optional(JobRetryStatus),
    dropJobRetry: Type.Optional(JobRetryStatus),
  },
  { description: 'Observed state of the site.' },
);
export type FrappeSiteStatus = Static<typeof FrappeSiteStatus>;

export interface FrappeSite {
  apiVersion: string;
  kind: 'FrappeSite';
  metadata: ObjectMeta;
  spec: FrappeSiteSpec;
  status?: FrappeSiteStatus;
}
