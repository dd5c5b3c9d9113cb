// The operator config as users write it (Helm values → ConfigMap → `--config FILE`): a flat
// document of overrides on a profile. Unknown keys and wrong types are errors, never ignored.
import { operatorConfig, type OperatorConfig, type ProfileName } from './config.js';

const STRING_KEYS = [
  'imageRepository',
  'redisImage',
  'storageClassName',
  'storageSize',
  'ingressClassName',
  'tlsIssuer',
] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An OperatorConfig from a parsed document such as `{profile: small, tlsIssuer: letsencrypt}`. */
export function operatorConfigFrom(document: unknown): OperatorConfig {
  if (document === null || document === undefined) return operatorConfig();
  if (typeof document !== 'object' || Array.isArray(document))
    throw new ConfigError('the config must be a mapping');
  const doc = document as Record<string, unknown>;
  const known = new Set<string>(['profile', 'mariadbRef', 'jobTTLSeconds', ...STRING_KEYS]);
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
  if (doc.jobTTLSeconds !== undefined) {
    if (!Number.isInteger(doc.jobTTLSeconds) || (doc.jobTTLSeconds as number) < 0) {
      throw new ConfigError('jobTTLSeconds: must be a non-negative integer');
    }
    overrides.jobTTLSeconds = doc.jobTTLSeconds as number;
  }
  if (doc.mariadbRef !== undefined) {
    const ref = doc.mariadbRef as Record<string, unknown> | null;
    if (typeof ref?.name !== 'string' || (ref.namespace !== undefined && typeof ref.namespace !== 'string')) {
      throw new ConfigError('mariadbRef: must be {name, namespace?}');
    }
    overrides.mariadbRef = ref.namespace
      ? { name: ref.name, namespace: ref.namespace as string }
      : { name: ref.name };
  }
  return operatorConfig(profile as ProfileName, overrides);
}
