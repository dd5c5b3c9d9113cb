// FrappeBench: one Frappe bench (one image with its apps) shared by many sites (API.md §2–3).
// CEL rules here are the API.md rules marked CEL; they hold while the webhook is down, and the
// webhook repeats them (src/policies) with the same rule id for a better message.
import { Type, type Static } from '@sinclair/typebox';
import {
  Conditions,
  DatabaseConfig,
  JobRetryStatus,
  OpaqueObject,
  PodConfig,
  Quantity,
  ResourceRequirements,
  type ObjectMeta,
} from './common.js';
import {
  ComponentScaling,
  DomainAutoDetect,
  FpmConfig,
  GitConfig,
  IngressControllerRef,
  SiteReconcileConcurrency,
  WorkerUtilizationTarget,
} from './compat-fields.js';
import { RedisConfig } from './redis-config.js';
import type { BenchComponent } from './values.js';

const App = Type.Object(
  {
    name: Type.String({ description: 'Python package name of the app, e.g. erpnext.', maxLength: 128 }),
    source: Type.Union([Type.Literal('image'), Type.Literal('git'), Type.Literal('fpm')], {
      description:
        'Where the app comes from. Apps are always taken from the image; git and fpm are recorded only.',
    }),
    version: Type.Optional(
      Type.String({ description: 'App version (required with source fpm).', maxLength: 128 }),
    ),
    org: Type.Optional(
      Type.String({ description: 'FPM organisation (required with source fpm).', maxLength: 128 }),
    ),
    gitUrl: Type.Optional(Type.String({ description: 'Git repository (source git only).', maxLength: 2048 })),
    gitBranch: Type.Optional(Type.String({ description: 'Git branch (source git only).', maxLength: 256 })),
  },
  { description: 'A Frappe app installed in the bench image.' },
);

const replicas = (what: string, min: number, deprecated = false) =>
  Type.Optional(
    Type.Integer({
      description: deprecated
        ? `Deprecated: use workerAutoscaling.${what}.staticReplicas. A value here makes that worker static.`
        : `Replicas of ${what} (at least ${min}). Default 1.`,
    }),
  );

const ComponentReplicas = Type.Object(
  {
    gunicorn: replicas('gunicorn', 1),
    nginx: replicas('nginx', 1),
    socketio: replicas('socketio', 1),
    workerDefault: replicas('default', 0, true),
    workerLong: replicas('long', 0, true),
    workerShort: replicas('short', 0, true),
  },
  {
    description: 'Replica counts of the bench components.',
    'x-kubernetes-validations': [
      {
        rule: '(!has(self.gunicorn) || self.gunicorn >= 1) && (!has(self.nginx) || self.nginx >= 1) && (!has(self.socketio) || self.socketio >= 1)',
        message: 'gunicorn, nginx and socketio need at least 1 replica: set 1 or more [B-REP-1]',
      },
      {
        rule: '(!has(self.workerDefault) || self.workerDefault >= 0) && (!has(self.workerLong) || self.workerLong >= 0) && (!has(self.workerShort) || self.workerShort >= 0)',
        message: 'worker replicas must not be negative: set 0 or more [B-REP-1]',
      },
    ],
  },
);

const resourcesOf = (component: BenchComponent) => Type.Optional(ResourceRequirements(component));
const ComponentResources = Type.Object(
  {
    gunicorn: resourcesOf('gunicorn'),
    nginx: resourcesOf('nginx'),
    socketio: resourcesOf('socketio'),
    scheduler: resourcesOf('scheduler'),
    workerDefault: resourcesOf('workerDefault'),
    workerLong: resourcesOf('workerLong'),
    workerShort: resourcesOf('workerShort'),
  },
  { description: "Requests and limits per component. Default: the operator's resource profile." },
);

export const WorkerAutoscaling = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ description: 'Scale this worker with KEDA on its RQ queue length.' }),
    ),
    staticReplicas: Type.Optional(
      Type.Integer({ description: 'Replicas when autoscaling is disabled or KEDA is not installed.' }),
    ),
    minReplicas: Type.Optional(
      Type.Integer({ description: 'Fewest replicas KEDA scales to (0 = scale to zero).' }),
    ),
    maxReplicas: Type.Optional(Type.Integer({ description: 'Most replicas KEDA scales to (at least 1).' })),
    queueLength: Type.Optional(Type.Integer({ description: 'Jobs per replica KEDA aims for (at least 1).' })),
    cooldownPeriod: Type.Optional(
      Type.Integer({ description: 'Seconds KEDA waits before scaling to zero.' }),
    ),
    pollingInterval: Type.Optional(
      Type.Integer({ description: 'Seconds between KEDA queue checks (at least 1).' }),
    ),
    targetCPUUtilizationPercentage: WorkerUtilizationTarget(),
    targetMemoryUtilizationPercentage: WorkerUtilizationTarget(),
  },
  {
    description: 'How one worker type scales (KEDA ScaledObject on its queue, or a static replica count).',
    'x-kubernetes-validations': [
      {
        rule: '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas',
        message: 'minReplicas must not exceed maxReplicas: lower minReplicas or raise maxReplicas [B-AS-1]',
        fieldPath: '.minReplicas',
      },
      {
        rule: '!has(self.maxReplicas) || self.maxReplicas >= 1',
        message: 'maxReplicas must be at least 1 (use enabled: false to stop autoscaling) [B-AS-1]',
        fieldPath: '.maxReplicas',
      },
      {
        rule: '!has(self.queueLength) || self.queueLength >= 1',
        message: 'queueLength must be at least 1: the jobs per replica KEDA aims for [B-AS-1]',
        fieldPath: '.queueLength',
      },
      {
        rule: '!has(self.pollingInterval) || self.pollingInterval >= 1',
        message: 'pollingInterval must be at least 1 second [B-AS-1]',
        fieldPath: '.pollingInterval',
      },
      {
        rule: '(!has(self.minReplicas) || self.minReplicas >= 0) && (!has(self.staticReplicas) || self.staticReplicas >= 0) && (!has(self.cooldownPeriod) || self.cooldownPeriod >= 0)',
        message:
          'minReplicas, staticReplicas and cooldownPeriod must not be negative: set 0 or more [B-AS-1]',
      },
    ],
  },
);
export type WorkerAutoscaling = Static<typeof WorkerAutoscaling>;

export const FrappeBenchSpec = Type.Object(
  {
    frappeVersion: Type.String({
      description: 'Frappe major version branch of the image, e.g. version-15.',
      maxLength: 64,
      'x-kubernetes-validations': [
        {
          rule: 'self.size() > 0',
          message: 'frappeVersion must not be empty: set the Frappe version, e.g. version-15 [B-VER-1]',
        },
      ],
    }),
    apps: Type.Optional(Type.Array(App, { description: 'Apps in the bench image.', maxItems: 256 })),
    appsJSON: Type.Optional(Type.String({ description: 'Deprecated: use apps. A JSON list of apps.' })),
    imageConfig: Type.Optional(
      Type.Object(
        {
          repository: Type.Optional(Type.String({ description: 'Image repository.', maxLength: 512 })),
          tag: Type.Optional(
            Type.String({ description: 'Image tag. Default: frappeVersion.', maxLength: 128 }),
          ),
          pullPolicy: Type.Optional(
            Type.Union([Type.Literal('Always'), Type.Literal('IfNotPresent'), Type.Literal('Never')], {
              description: 'Image pull policy. Default IfNotPresent.',
            }),
          ),
          pullSecrets: Type.Optional(
            Type.Array(
              Type.Object(
                { name: Type.Optional(Type.String({ description: 'Secret name.' })) },
                { description: 'A Secret in the bench namespace.' },
              ),
              { description: 'Image pull Secrets.' },
            ),
          ),
        },
        { description: "The bench image. Default: the operator's repository, tagged frappeVersion." },
      ),
    ),
    componentReplicas: Type.Optional(ComponentReplicas),
    componentResources: Type.Optional(ComponentResources),
    redisConfig: Type.Optional(RedisConfig),
    storageClassName: Type.Optional(
      Type.String({
        description:
          "StorageClass of the sites volume. Default: the operator's, else the cluster default. Immutable once set.",
        maxLength: 253,
      }),
    ),
    storageAccessMode: Type.Optional(
      Type.Union([Type.Literal('ReadWriteMany'), Type.Literal('ReadWriteOnce')], {
        description:
          'Access mode of the sites volume. Default ReadWriteMany for known RWX provisioners, else ReadWriteOnce ' +
          '(all bench pods then share a node). Immutable once set.',
      }),
    ),
    storageSize: Type.Optional(
      Quantity('Size of the sites volume. Default 10Gi. It may grow, never shrink.', {
        'x-kubernetes-validations': [
          {
            rule: "quantity(string(self)).isGreaterThan(quantity('0'))",
            message: 'storageSize must be a size greater than 0 such as 10Gi [B-STO-1]',
          },
          {
            rule: '!quantity(string(self)).isLessThan(quantity(string(oldSelf)))',
            message:
              'storageSize must not decrease: volumes only grow; keep at least the stored size [B-STO-1]',
            reason: 'FieldValueForbidden',
          },
        ],
      }),
    ),
    dbConfig: Type.Optional(DatabaseConfig('bench')),
    domainConfig: Type.Optional(
      Type.Object(
        {
          suffix: Type.Optional(
            Type.String({ description: 'Every site name on this bench must end with it.', maxLength: 253 }),
          ),
          autoDetect: Type.Optional(DomainAutoDetect),
          ingressControllerRef: Type.Optional(IngressControllerRef),
        },
        { description: 'Domain rules for the sites of this bench.' },
      ),
    ),
    workerAutoscaling: Type.Optional(
      Type.Object(
        {
          short: Type.Optional(WorkerAutoscaling),
          long: Type.Optional(WorkerAutoscaling),
          default: Type.Optional(WorkerAutoscaling),
        },
        { description: 'Scaling of the short, long and default RQ workers.' },
      ),
    ),
    security: Type.Optional(
      Type.Object(
        {
          podSecurityContext: Type.Optional(OpaqueObject('core/v1 PodSecurityContext of every pod.')),
          securityContext: Type.Optional(OpaqueObject('core/v1 SecurityContext of every container.')),
        },
        { description: 'Security contexts. Default (by the controller): non-root 1000, restricted.' },
      ),
    ),
    podConfig: Type.Optional(PodConfig),
    fpmConfig: Type.Optional(FpmConfig),
    gitConfig: Type.Optional(GitConfig),
    gunicornAutoscaling: Type.Optional(ComponentScaling('gunicorn')),
    nginxAutoscaling: Type.Optional(ComponentScaling('nginx')),
    socketIOAutoscaling: Type.Optional(ComponentScaling('socketio')),
    siteReconcileConcurrency: Type.Optional(SiteReconcileConcurrency),
  },
  {
    description: 'Desired state of a Frappe bench.',
    'x-kubernetes-validations': [
      {
        rule: '!has(oldSelf.storageClassName) || (has(self.storageClassName) && self.storageClassName == oldSelf.storageClassName)',
        message: 'storageClassName is immutable once set: create a new bench to change it [B-STO-2]',
        reason: 'FieldValueForbidden',
        fieldPath: '.storageClassName',
      },
      {
        rule: '!has(oldSelf.storageAccessMode) || (has(self.storageAccessMode) && self.storageAccessMode == oldSelf.storageAccessMode)',
        message: 'storageAccessMode is immutable once set: create a new bench to change it [B-STO-2]',
        reason: 'FieldValueForbidden',
        fieldPath: '.storageAccessMode',
      },
    ],
  },
);
export type FrappeBenchSpec = Static<typeof FrappeBenchSpec>;

const WorkerScalingStatus = Type.Object(
  {
    mode: Type.Optional(Type.String({ description: 'autoscaled or static.' })),
    desiredReplicas: Type.Optional(
      Type.Integer({ description: 'Replicas the worker runs (static) or starts at.' }),
    ),
    kedaManaged: Type.Optional(Type.Boolean({ description: 'Whether a KEDA ScaledObject scales it.' })),
  },
  { description: 'How a worker is scaled right now.' },
);

export const FrappeBenchStatus = Type.Object(
  {
    phase: Type.Optional(Type.String({ description: 'Provisioning, Ready, Failed or Terminating.' })),
    conditions: Type.Optional(Conditions),
    observedGeneration: Type.Optional(Type.Integer({ description: 'Generation last reconciled.' })),
    workerScaling: Type.Optional(
      Type.Object(
        {
          short: Type.Optional(WorkerScalingStatus),
          long: Type.Optional(WorkerScalingStatus),
          default: Type.Optional(WorkerScalingStatus),
        },
        { description: 'Scaling mode per worker.' },
      ),
    ),
    initializedConfigHash: Type.Optional(
      Type.String({ description: 'Hash of the configuration the init Job last completed for.' }),
    ),
    initJobRetry: Type.Optional(JobRetryStatus),
  },
  { description: 'Observed state of the bench.' },
);
export type FrappeBenchStatus = Static<typeof FrappeBenchStatus>;

export interface FrappeBench {
  apiVersion: string;
  kind: 'FrappeBench';
  metadata: ObjectMeta;
  spec: FrappeBenchSpec;
  status?: FrappeBenchStatus;
}
