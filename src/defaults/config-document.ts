// The operator config as users write it (Helm values → ConfigMap → `--config FILE`): a flat
// document of overrides on a profile. Unknown keys, wrong types and values that would only break
// later (a storageSize that is not a size, an empty MariaDB name) are errors at load, never ignored.
import { dnsSubdomainProblem, isDnsLabel } from '../api/dns-names.js';
import { parseQuantity } from '../api/quantity.js';
import { operatorConfig, type OperatorConfig, type ProfileName } from './config.js';

const STRING_KEYS = [
  'imageRepository',
  'redisImage',
  'storageClassName',
  'storageSize',
  'ingressClassName',
  'tlsIssuer',
] as const;
const BOOLEAN_KEYS = ['allowIngressSnippets', 'allowPrivilegedSecurityContexts'] as const;
const LIST_KEYS = ['sharedNamespaces', 'deniedIngressAnnotations', 'allowedDatabaseHosts'] as const;
/** Whole numbers with their least allowed value. */
const INTEGER_KEYS = {
  jobTTLSeconds: 0,
  jobRetryLimit: 1,
  jobRetryBaseSeconds: 1,
  jobRetryMaxSeconds: 1,
  circuitBreakerOpenSeconds: 1,
} as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An OperatorConfig from a parsed document such as `{profile: small, tlsIssuer: letsencrypt}`. */
export function operatorConfigFrom(document: unknown): OperatorConfig {
  if (document === null || document === undefined) return operatorConfig();
  if (typeof document !== 'object' || Array.isArray(document))
    throw new ConfigError('the config must be a mapping');
  const doc = document as Record<string, unknown>;
  const known = new Set<string>([
    'profile',
    'mariadbRef',
    ...Object.keys(INTEGER_KEYS),
    ...STRING_KEYS,
    ...BOOLEAN_KEYS,
    ...LIST_KEYS,
  ]);
  const unknown = Object.keys(doc).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new ConfigError(`unknown config keys: ${unknown.join(', ')} (known: ${[...known].join(', ')})`);

  const profile = doc.profile ?? 'production';
  if (profile !== 'production' && profile !== 'small')
    throw new ConfigError(`profile: must be production or small, got ${String(profile)}`);
  const overrides: Partial<OperatorConfig> = {};
  for (const key of STRING_KEYS) {
    const value = doc[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '')
      throw new ConfigError(`${key}: must be a non-empty string`);
    overrides[key] = value;
  }
  checkNames(overrides);
  for (const key of BOOLEAN_KEYS) {
    const value = doc[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new ConfigError(`${key}: must be true or false`);
    overrides[key] = value;
  }
  for (const key of LIST_KEYS) {
    const value = doc[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== ''))
      throw new ConfigError(`${key}: must be a list of non-empty strings`);
    overrides[key] = value as string[];
  }
  const badNamespace = overrides.sharedNamespaces?.find((namespace) => !isDnsLabel(namespace));
  if (badNamespace !== undefined)
    throw new ConfigError(`sharedNamespaces: "${badNamespace}" is not a namespace name`);
  for (const [key, least] of Object.entries(INTEGER_KEYS) as [keyof typeof INTEGER_KEYS, number][]) {
    const value = doc[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value as number) < least)
      throw new ConfigError(`${key}: must be a whole number ≥ ${least}`);
    overrides[key] = value as number;
  }
  if ((overrides.jobRetryMaxSeconds ?? Infinity) < (overrides.jobRetryBaseSeconds ?? 0))
    throw new ConfigError('jobRetryMaxSeconds: must be at least jobRetryBaseSeconds');
  if (doc.mariadbRef !== undefined) overrides.mariadbRef = mariadbRefFrom(doc.mariadbRef);
  return operatorConfig(profile as ProfileName, overrides);
}

/** Values that parse as strings but would break every bench or site later. */
function checkNames(overrides: Partial<OperatorConfig>): void {
  const size = overrides.storageSize;
  if (size !== undefined) {
    const bytes = parseQuantity(size);
    if (bytes === undefined || bytes <= 0)
      throw new ConfigError(`storageSize: must be a size greater than 0 such as 10Gi, got ${size}`);
  }
  for (const key of ['storageClassName', 'ingressClassName', 'tlsIssuer'] as const) {
    const value = overrides[key];
    if (value !== undefined && dnsSubdomainProblem(value) !== undefined)
      throw new ConfigError(`${key}: "${value}" is not a Kubernetes object name`);
  }
}

function mariadbRefFrom(value: unknown): OperatorConfig['mariadbRef'] {
  const ref = value as Record<string, unknown> | null;
  if (typeof ref !== 'object' || ref === null || Array.isArray(ref))
    throw new ConfigError('mariadbRef: must be {name, namespace?}');
  const extra = Object.keys(ref).filter((key) => key !== 'name' && key !== 'namespace');
  if (extra.length > 0) throw new ConfigError(`mariadbRef: unknown keys ${extra.join(', ')}`);
  if (typeof ref.name !== 'string' || dnsSubdomainProblem(ref.name) !== undefined)
    throw new ConfigError(
      `mariadbRef.name: must be the name of a MariaDB resource, got "${String(ref.name)}"`,
    );
  if (ref.namespace !== undefined && !isDnsLabel(ref.namespace))
    throw new ConfigError(`mariadbRef.namespace: "${String(ref.namespace)}" is not a namespace name`);
  return ref.namespace ? { name: ref.name, namespace: ref.namespace as string } : { name: ref.name };
}
