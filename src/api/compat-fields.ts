// Schema pieces that exist only so manifests written for the Go Frappe operator (vyogotech/
// frappe-operator v2.x, same group and kinds) apply unchanged. They have the Go operator's types,
// so whatever its CRDs accept is accepted here too; what each does here (nothing, in most cases,
// with a B-COMPAT-1 / S-COMPAT-1 warning) is listed in docs/go-operator-manifests.md. Fields of
// theirs that this operator uses (ingress.className, routeConfig, redisConfig.maxMemory, …) are
// defined next to their neighbours in frappe-site.ts and redis-config.ts.
import { Type } from '@sinclair/typebox';
import { ObjectRef, SecretRef, StringMap } from './common.js';

const NO_EFFECT = 'Accepted for compatibility with the Go operator; has no effect here.';

/** The Go operator's HPA/KEDA settings of one web component (gunicornAutoscaling and the like). */
export const ComponentScaling = (component: string) =>
  Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ description: 'Turns autoscaling on.' })),
      minReplicas: Type.Optional(Type.Integer({ description: 'Fewest replicas.', minimum: 0 })),
      maxReplicas: Type.Optional(Type.Integer({ description: 'Most replicas.', minimum: 1 })),
      targetCPUUtilizationPercentage: Type.Optional(
        Type.Integer({ description: 'Average CPU utilization (percent) an HPA aims for.' }),
      ),
      targetMemoryUtilizationPercentage: Type.Optional(
        Type.Integer({ description: 'Average memory utilization (percent) an HPA aims for.' }),
      ),
      cooldownPeriod: Type.Optional(
        Type.Integer({ description: 'Seconds KEDA waits after the last active trigger.' }),
      ),
      pollingInterval: Type.Optional(Type.Integer({ description: 'Seconds between KEDA trigger checks.' })),
      triggers: Type.Optional(
        Type.Array(
          Type.Object(
            {
              type: Type.String({ description: 'KEDA trigger type, e.g. prometheus, cron, redis.' }),
              metadata: Type.Optional(StringMap('Trigger metadata.')),
              authenticationRef: Type.Optional(
                Type.String({ description: 'Name of a KEDA TriggerAuthentication.' }),
              ),
            },
            { description: 'A KEDA trigger.' },
          ),
          { description: 'Custom KEDA triggers.' },
        ),
      ),
    },
    { description: `The Go operator's autoscaling of ${component}. ${NO_EFFECT} Set componentReplicas.` },
  );

/** One of WORKER_UTILIZATION_TARGETS (values.ts) in a worker's autoscaling. */
export const WorkerUtilizationTarget = () =>
  Type.Optional(
    Type.Integer({
      description: `The Go operator's HPA target (percent). ${NO_EFFECT} Workers scale on their queue length.`,
    }),
  );

export const FpmConfig = Type.Object(
  {
    repositories: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ description: 'Name of the repository.' }),
            url: Type.String({ description: 'URL of the repository.' }),
            priority: Type.Optional(
              Type.Integer({ description: 'Search order, lower first (the Go operator defaulted 50).' }),
            ),
            authSecretRef: Type.Optional(SecretRef('Secret with username and password for the repository.')),
          },
          { description: 'An FPM package repository.' },
        ),
        { description: 'FPM repositories to search.' },
      ),
    ),
    defaultRepo: Type.Optional(Type.String({ description: 'Repository packages are published to.' })),
  },
  {
    description:
      `The Go operator's FPM (Frappe Package Manager) repositories. ${NO_EFFECT} ` +
      'Apps come from the bench image.',
  },
);

export const GitConfig = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Whether apps may be installed from Git.' })),
  },
  {
    description: `The Go operator's switch for Git-installed apps. ${NO_EFFECT} Apps come from the bench image.`,
  },
);

export const SiteReconcileConcurrency = Type.Integer({
  description: `The Go operator's hint for concurrent site reconciles. ${NO_EFFECT}`,
});

export const DomainAutoDetect = Type.Boolean({
  description: `The Go operator's domain detection from the ingress controller. ${NO_EFFECT} The domain is siteName.`,
});

export const IngressControllerRef = ObjectRef(
  `The ingress controller Service the Go operator read domains from. ${NO_EFFECT}`,
  'Service',
);

export const IngressTls = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Serve HTTPS.' })),
    secretName: Type.Optional(Type.String({ description: 'TLS Secret.' })),
    issuer: Type.Optional(Type.String({ description: 'cert-manager ClusterIssuer.' })),
  },
  {
    description:
      'TLS under ingress, as the Go operator accepted it (and ignored it too). Has no effect here: use spec.tls.',
  },
);
