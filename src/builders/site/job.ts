// The pod every site Job runs: the bench's image and pull Secrets, the bench's sites volume at the
// same path as every bench pod, a restricted security context, and the site's podConfig (each field
// falling back to the bench's).
import type { PodConfig } from '../../api/common.js';
import { childLabels, type Child } from '../child.js';
import { siteMetadata, type SiteContext } from './context.js';

export const BENCH_PATH = '/home/frappe/frappe-bench';
export const SITES_PATH = `${BENCH_PATH}/sites`;
export const DEFAULT_IMAGE_REPOSITORY = 'docker.io/frappe/erpnext';
/** The frappe user of the frappe/erpnext images. */
const FRAPPE_UID = 1000;

const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: FRAPPE_UID,
  runAsGroup: FRAPPE_UID,
  fsGroup: FRAPPE_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};
const RESTRICTED_CONTAINER_SECURITY = {
  runAsNonRoot: true,
  runAsUser: FRAPPE_UID,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export type EnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string; optional?: boolean } } };

export interface JobSpec {
  name: string;
  component: string;
  script: string;
  env: EnvVar[];
  backoffLimit: number;
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished: number;
}

export function benchImage(context: SiteContext): {
  image: string;
  pullPolicy: string;
  pullSecrets: string[];
} {
  const { frappeVersion, imageConfig } = context.bench.spec;
  const repository = imageConfig?.repository || DEFAULT_IMAGE_REPOSITORY;
  const tag = imageConfig?.tag || frappeVersion;
  return {
    image: `${repository}:${tag}`,
    pullPolicy: imageConfig?.pullPolicy ?? 'IfNotPresent',
    pullSecrets: (imageConfig?.pullSecrets ?? []).flatMap((secret) => (secret.name ? [secret.name] : [])),
  };
}

function podConfig(context: SiteContext): PodConfig {
  const site = context.site.spec.podConfig ?? {};
  const bench = context.bench.spec.podConfig ?? {};
  return {
    labels: site.labels ?? bench.labels,
    nodeSelector: site.nodeSelector ?? bench.nodeSelector,
    affinity: site.affinity ?? bench.affinity,
    tolerations: site.tolerations ?? bench.tolerations,
  };
}

export function siteJob(context: SiteContext, job: JobSpec): Child {
  const { image, pullPolicy, pullSecrets } = benchImage(context);
  const pod = podConfig(context);
  const security = context.bench.spec.security ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: siteMetadata(context, job.name, job.component),
    spec: {
      backoffLimit: job.backoffLimit,
      activeDeadlineSeconds: job.activeDeadlineSeconds,
      ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
      template: {
        metadata: { labels: { ...pod.labels, ...childLabels(context.site, job.component) } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { ...RESTRICTED_POD_SECURITY, ...security.podSecurityContext },
          ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
          ...(pod.nodeSelector ? { nodeSelector: pod.nodeSelector } : {}),
          ...(pod.affinity ? { affinity: pod.affinity } : {}),
          ...(pod.tolerations ? { tolerations: pod.tolerations } : {}),
          volumes: [{ name: 'sites', persistentVolumeClaim: { claimName: context.benchNames.sitesVolume } }],
          containers: [
            {
              name: job.component,
              image,
              imagePullPolicy: pullPolicy,
              workingDir: BENCH_PATH,
              // The script is the argument of `bash -c`; its values come from env only.
              command: ['bash', '-c', job.script, job.component],
              env: job.env,
              securityContext: { ...RESTRICTED_CONTAINER_SECURITY, ...security.securityContext },
              volumeMounts: [{ name: 'sites', mountPath: SITES_PATH }],
            },
          ],
        },
      },
    },
  };
}

export const secretEnv = (name: string, secret: string, key: string, optional = false): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional } : {}) } },
});
