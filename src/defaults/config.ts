// The operator's one typed configuration of defaults (API.md §5): resource profiles and the
// default image, MariaDB, storage class, ingress class and TLS issuer. Helm values render it
// into a ConfigMap that `serve --config FILE` reads; the CLI takes the same file.
import type { BenchComponent } from '../api/values.js';
import type { ResourceRequirements } from '../api/common.js';
import { deepFreeze } from '../api/json.js';

export type ProfileName = 'production' | 'small';
export type ResourcedComponent = BenchComponent | 'redis';

export interface OperatorConfig {
  profile: ProfileName;
  resources: Record<ResourcedComponent, ResourceRequirements>;
  imageRepository: string;
  redisImage: string;
  /** MariaDB (k8s.mariadb.com) that hosts shared databases; empty namespace = the bench's. */
  mariadbRef: { name: string; namespace?: string };
  storageClassName?: string;
  storageSize: string;
  ingressClassName?: string;
  tlsIssuer?: string;
  jobTTLSeconds: number;
  /** Failed runs of an init Job before the object is Stalled (default 5). */
  jobRetryLimit: number;
  /** Delay before a failed init Job runs again, doubled after each failure (default 10 s)… */
  jobRetryBaseSeconds: number;
  /** …up to this (default 600 s). */
  jobRetryMaxSeconds: number;
  /**
   * Database hosts the operator may connect to although S-DB-1 would deny them (loopback, link-local),
   * e.g. a database proxy sidecar on 127.0.0.1 in the operator's pod. Exact host names, lower case.
   */
  allowedDatabaseHosts: string[];
  /** How long an external database server's open circuit refuses connections (default 30 s). */
  circuitBreakerOpenSeconds: number;
  /**
   * Namespaces whose MariaDBs and Secrets any tenant may reference (S-REF-3), e.g. a platform's
   * `databases`. The namespace of mariadbRef above is always shared. Default: none.
   */
  sharedNamespaces: string[];
  /** Allow ingress-nginx's configuration-injecting `*-snippet` annotations on sites (S-ING-1). Default false. */
  allowIngressSnippets: boolean;
  /** More Ingress annotation keys tenants may not set (S-ING-1); `*` matches any characters. */
  deniedIngressAnnotations: string[];
  /** Allow bench security contexts beyond Pod Security "restricted" (B-SEC-1). Default false. */
  allowPrivilegedSecurityContexts: boolean;
}

const cpuMemory = (cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu: cpuRequest, memory: memoryRequest },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

const PROFILES: Record<ProfileName, Record<ResourcedComponent, ResourceRequirements>> = {
  production: {
    gunicorn: cpuMemory('500m', '1Gi', '2', '4Gi'),
    nginx: cpuMemory('100m', '128Mi', '500m', '512Mi'),
    socketio: cpuMemory('100m', '128Mi', '500m', '512Mi'),
    scheduler: cpuMemory('200m', '256Mi', '1', '1Gi'),
    workerDefault: cpuMemory('250m', '512Mi', '1', '2Gi'),
    workerLong: cpuMemory('500m', '1Gi', '2', '4Gi'),
    workerShort: cpuMemory('100m', '256Mi', '500m', '512Mi'),
    redis: cpuMemory('100m', '256Mi', '500m', '1Gi'),
  },
  small: {
    gunicorn: cpuMemory('100m', '256Mi', '1', '1Gi'),
    nginx: cpuMemory('50m', '64Mi', '200m', '256Mi'),
    socketio: cpuMemory('50m', '64Mi', '200m', '256Mi'),
    scheduler: cpuMemory('50m', '128Mi', '500m', '512Mi'),
    workerDefault: cpuMemory('100m', '256Mi', '500m', '512Mi'),
    workerLong: cpuMemory('100m', '256Mi', '500m', '512Mi'),
    workerShort: cpuMemory('100m', '256Mi', '500m', '512Mi'),
    redis: cpuMemory('50m', '64Mi', '200m', '256Mi'),
  },
};

/** The resource profile of that name (a fresh copy: callers may keep it). */
export function resourceProfile(profile: ProfileName): Record<ResourcedComponent, ResourceRequirements> {
  return structuredClone(PROFILES[profile]);
}

/**
 * The operator's defaults for a profile; `overrides` replace single settings. Deep-frozen: every
 * decision reads it, and defaulted objects share its values (the recorder copies them on write).
 */
export function operatorConfig(
  profile: ProfileName = 'production',
  overrides: Partial<Omit<OperatorConfig, 'profile'>> = {},
): OperatorConfig {
  return deepFreeze({
    profile,
    resources: resourceProfile(profile),
    imageRepository: 'docker.io/frappe/erpnext',
    redisImage: 'redis:7-alpine',
    mariadbRef: { name: 'frappe-mariadb' },
    storageSize: '10Gi',
    jobTTLSeconds: 3600,
    jobRetryLimit: 5,
    jobRetryBaseSeconds: 10,
    jobRetryMaxSeconds: 600,
    circuitBreakerOpenSeconds: 30,
    allowedDatabaseHosts: [],
    sharedNamespaces: [],
    allowIngressSnippets: false,
    deniedIngressAnnotations: [],
    allowPrivilegedSecurityContexts: false,
    ...overrides,
  });
}
