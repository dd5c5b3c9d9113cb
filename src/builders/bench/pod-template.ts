// The pod parts every bench pod shares (API.md §8): image, the sites volume mounted the same way
// everywhere, security contexts, podConfig, selector labels. Leaves what each pod runs to its builder.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { benchChildNames } from '../../api/child-names.js';
import { childLabels, LABELS } from '../child.js';

export const BENCH_PATH = '/home/frappe/frappe-bench';
export const SITES_PATH = `${BENCH_PATH}/sites`;
const SITES_VOLUME = 'sites';
/** Annotation on pod templates: the config hash the init Job last completed for (see podAnnotations). */
export const INITIALIZED_CONFIG_ANNOTATION = 'vyogo.tech/initialized-config-hash';

// Restricted Pod Security. No readOnlyRootFilesystem: nginx-entrypoint.sh writes
// /etc/nginx/conf.d/frappe.conf at start, and Frappe writes logs under the bench directory of the
// image (/home/frappe/frappe-bench/logs); "restricted" does not require a read-only root either.
const DEFAULT_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};
const DEFAULT_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/**
 * spec.security is merged shallowly over the defaults: a user who sets only runAsUser keeps
 * seccomp and runAsNonRoot; a field the user writes replaces that default field whole
 * (B-SEC-1 keeps the result within "restricted").
 */
export function podSecurityContext(bench: FrappeBench): Record<string, unknown> {
  return { ...DEFAULT_POD_SECURITY, ...bench.spec.security?.podSecurityContext };
}

export function containerSecurityContext(bench: FrappeBench): Record<string, unknown> {
  return { ...DEFAULT_CONTAINER_SECURITY, ...bench.spec.security?.securityContext };
}

/** `<repository>:<tag>`, or `<repository>@<digest>` when the tag is a digest. */
export function benchImage(bench: FrappeBench): string {
  const { repository = 'docker.io/frappe/erpnext', tag = bench.spec.frappeVersion } =
    bench.spec.imageConfig ?? {};
  return /^sha256:[0-9a-f]{64}$/.test(tag) ? `${repository}@${tag}` : `${repository}:${tag}`;
}

/**
 * The labels a workload selects its pods by: instance, component and name only. Selectors are
 * immutable, so neither user labels nor anything that may change ever goes into them.
 */
export function selectorLabels(bench: FrappeBench, component: string): Record<string, string> {
  const labels = childLabels(bench, component);
  return {
    [LABELS.name]: labels[LABELS.name] as string,
    [LABELS.instance]: labels[LABELS.instance] as string,
    [LABELS.component]: component,
  };
}

/** Pod labels: podConfig.labels first, so they never override the app.kubernetes.io ones. */
export function podLabels(bench: FrappeBench, component: string): Record<string, string> {
  return { ...bench.spec.podConfig?.labels, ...childLabels(bench, component) };
}

/**
 * The config hash whose init Job succeeded, on the pod templates of long-running pods: when the
 * init Job rewrites common_site_config.json (e.g. a new Redis), status records it and the next
 * reconcile rolls the pods, which read the file only at start. Taken from status, not from the
 * desired hash, so pods never roll before the new config is written.
 */
export function podAnnotations(bench: FrappeBench): Record<string, string> | undefined {
  const hash = bench.status?.initializedConfigHash;
  return hash ? { [INITIALIZED_CONFIG_ANNOTATION]: hash } : undefined;
}

export function sitesVolumeMount(): Record<string, unknown> {
  return { name: SITES_VOLUME, mountPath: SITES_PATH };
}

export function imagePullPolicy(bench: FrappeBench): string {
  return bench.spec.imageConfig?.pullPolicy ?? 'IfNotPresent';
}

/** The pod spec fields every bench pod has: volumes, security, pull secrets, scheduling. */
export function commonPodSpec(
  bench: FrappeBench,
  options: { sitesVolume?: boolean; extraVolumes?: Record<string, unknown>[] } = {},
): Record<string, unknown> {
  const { podConfig, imageConfig } = bench.spec;
  const pullSecrets = (imageConfig?.pullSecrets ?? [])
    .filter((secret) => secret.name)
    .map((secret) => ({ name: secret.name }));
  const volumes = [
    ...(options.sitesVolume === false
      ? []
      : [
          {
            name: SITES_VOLUME,
            persistentVolumeClaim: { claimName: benchChildNames(bench.metadata.name ?? '').sitesVolume },
          },
        ]),
    ...(options.extraVolumes ?? []),
  ];
  return {
    securityContext: podSecurityContext(bench),
    ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(podConfig?.nodeSelector ? { nodeSelector: podConfig.nodeSelector } : {}),
    ...(podConfig?.affinity ? { affinity: podConfig.affinity } : {}),
    ...(podConfig?.tolerations ? { tolerations: podConfig.tolerations } : {}),
  };
}

/** A container running the bench image, with the sites volume and the security context. */
export function benchContainer(
  bench: FrappeBench,
  fields: { name: string; command: string[]; resources?: unknown; [field: string]: unknown },
): Record<string, unknown> {
  const { resources, ...rest } = fields;
  return {
    image: benchImage(bench),
    imagePullPolicy: imagePullPolicy(bench),
    ...rest,
    ...(resources ? { resources } : {}),
    securityContext: containerSecurityContext(bench),
    volumeMounts: [sitesVolumeMount()],
  };
}
