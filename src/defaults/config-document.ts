// The operator config as users write it (Helm values → ConfigMap → `--config FILE`): a flat
// document of overrides on a profile. Unknown keys, wrong types and values that would only break
// later (a storageSize that is not a size, an empty MariaDB name) are errors at load, never ignored.
// CONFIG_KEYS describes every key once: the loader reads it, and so do the generated reference
// (docs/configuration.md) and the `config` section of the chart's values.schema.json.
import { DNS_1123_LABEL, DNS_SUBDOMAIN_PATTERN, dnsSubdomainProblem, isDnsLabel } from '../api/dns-names.js';
import { QUANTITY_PATTERN } from '../api/values.js';
import { parseQuantity } from '../api/quantity.js';
import { operatorConfig, type OperatorConfig, type ProfileName } from './config.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** How a key's value is written: as the reference names it, as JSON Schema, and how it is read. */
interface KeyType<T> {
  label: string;
  schema: Record<string, unknown>;
  /** The value, or a ConfigError naming the key. */
  read(key: string, value: unknown): T;
}

const nonEmptyString: KeyType<string> = {
  label: 'string',
  schema: { type: 'string', minLength: 1 },
  read(key, value) {
    if (typeof value !== 'string' || value === '')
      throw new ConfigError(`${key}: must be a non-empty string`);
    return value;
  },
};

const objectName: KeyType<string> = {
  label: 'object name',
  schema: { type: 'string', pattern: DNS_SUBDOMAIN_PATTERN, maxLength: 253 },
  read(key, value) {
    const name = nonEmptyString.read(key, value);
    if (dnsSubdomainProblem(name) !== undefined)
      throw new ConfigError(`${key}: "${name}" is not a Kubernetes object name`);
    return name;
  },
};

const size: KeyType<string> = {
  label: 'quantity',
  schema: { type: 'string', pattern: QUANTITY_PATTERN },
  read(key, value) {
    const text = nonEmptyString.read(key, value);
    const bytes = parseQuantity(text);
    if (bytes === undefined || bytes <= 0)
      throw new ConfigError(`${key}: must be a size greater than 0 such as 10Gi, got ${text}`);
    return text;
  },
};

const wholeNumber = (least: number): KeyType<number> => ({
  label: `integer ≥ ${least}`,
  schema: { type: 'integer', minimum: least },
  read(key, value) {
    if (!Number.isInteger(value) || (value as number) < least)
      throw new ConfigError(`${key}: must be a whole number ≥ ${least}`);
    return value as number;
  },
});

const boolean: KeyType<boolean> = {
  label: 'boolean',
  schema: { type: 'boolean' },
  read(key, value) {
    if (typeof value !== 'boolean') throw new ConfigError(`${key}: must be true or false`);
    return value;
  },
};

const stringList: KeyType<string[]> = {
  label: 'list of strings',
  schema: { type: 'array', items: nonEmptyString.schema },
  read(key, value) {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== ''))
      throw new ConfigError(`${key}: must be a list of non-empty strings`);
    return value as string[];
  },
};

const NAMESPACE_SCHEMA = { type: 'string', pattern: DNS_1123_LABEL.source, maxLength: 63 };

const namespaceList: KeyType<string[]> = {
  label: 'list of namespaces',
  schema: { type: 'array', items: NAMESPACE_SCHEMA },
  read(key, value) {
    const names = stringList.read(key, value);
    const bad = names.find((namespace) => !isDnsLabel(namespace));
    if (bad !== undefined) throw new ConfigError(`${key}: "${bad}" is not a namespace name`);
    return names;
  },
};

const oneOf = <T extends string>(...values: T[]): KeyType<T> => ({
  label: values.map((v) => `\`${v}\``).join(' or '),
  schema: { enum: values },
  read(key, value) {
    if (!values.includes(value as T))
      throw new ConfigError(`${key}: must be ${values.join(' or ')}, got ${String(value)}`);
    return value as T;
  },
});

const mariadbRef: KeyType<OperatorConfig['mariadbRef']> = {
  label: '`{name, namespace?}`',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { name: objectName.schema, namespace: NAMESPACE_SCHEMA },
    required: ['name'],
  },
  read(key, value) {
    const ref = value as Record<string, unknown> | null;
    if (typeof ref !== 'object' || ref === null || Array.isArray(ref))
      throw new ConfigError(`${key}: must be {name, namespace?}`);
    const extra = Object.keys(ref).filter((k) => k !== 'name' && k !== 'namespace');
    if (extra.length > 0) throw new ConfigError(`${key}: unknown keys ${extra.join(', ')}`);
    if (typeof ref.name !== 'string' || dnsSubdomainProblem(ref.name) !== undefined)
      throw new ConfigError(`${key}.name: must be the name of a MariaDB resource, got "${String(ref.name)}"`);
    if (ref.namespace !== undefined && !isDnsLabel(ref.namespace))
      throw new ConfigError(`${key}.namespace: "${String(ref.namespace)}" is not a namespace name`);
    return ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
  },
};

interface ConfigKey<T> {
  type: KeyType<T>;
  /** One line for the reference and the chart's schema. */
  meaning: string;
}

/** Every key a config document may have (all of OperatorConfig but the profile's resources), in reference order. */
export const CONFIG_KEYS = {
  profile: {
    type: oneOf<ProfileName>('production', 'small'),
    meaning: 'resource profile (the table below); `small` is for kind and dev clusters',
  },
  imageRepository: {
    type: nonEmptyString,
    meaning: 'bench image repository (the tag defaults to `frappeVersion`)',
  },
  redisImage: { type: nonEmptyString, meaning: 'image of the cache and queue Redis' },
  mariadbRef: {
    type: mariadbRef,
    meaning: "MariaDB (k8s.mariadb.com) for shared databases; no namespace = the bench's",
  },
  storageClassName: {
    type: objectName,
    meaning: "class of the sites volume; unset = the cluster's default StorageClass",
  },
  storageSize: { type: size, meaning: 'size of the sites volume' },
  ingressClassName: {
    type: objectName,
    meaning: "class of site Ingresses; unset = the cluster's default IngressClass",
  },
  tlsIssuer: {
    type: objectName,
    meaning: 'cert-manager ClusterIssuer; when set, sites get `tls.enabled: true` and this issuer',
  },
  jobTTLSeconds: { type: wholeNumber(0), meaning: 'TTL of finished init Jobs' },
  jobRetryLimit: {
    type: wholeNumber(1),
    meaning: 'failed runs of an init Job before the bench or site is Stalled',
  },
  jobRetryBaseSeconds: {
    type: wholeNumber(1),
    meaning: 'delay before a failed init Job runs again; doubled after each failure (±20 %)',
  },
  jobRetryMaxSeconds: {
    type: wholeNumber(1),
    meaning: 'longest delay between runs of a failing init Job; at least `jobRetryBaseSeconds`',
  },
  circuitBreakerOpenSeconds: {
    type: wholeNumber(1),
    meaning: "how long an external database server's open circuit refuses connections",
  },
  allowedDatabaseHosts: {
    type: stringList,
    meaning:
      'exact hosts (lower case) S-DB-1 and the controller allow although loopback/link-local (a proxy sidecar)',
  },
  sharedNamespaces: {
    type: namespaceList,
    meaning:
      "namespaces whose MariaDBs and Secrets any tenant may reference (S-REF-3, B-REF-1); `mariadbRef`'s is always shared",
  },
  allowIngressSnippets: {
    type: boolean,
    meaning: 'allow ingress-nginx `*-snippet` annotations on sites (S-ING-1)',
  },
  deniedIngressAnnotations: {
    type: stringList,
    meaning: 'more Ingress annotation keys tenants may not set, `*` as wildcard (S-ING-1)',
  },
  allowPrivilegedSecurityContexts: {
    type: boolean,
    meaning: 'allow bench security contexts beyond Pod Security "restricted" (B-SEC-1)',
  },
} satisfies { [K in Exclude<keyof OperatorConfig, 'resources'>]-?: ConfigKey<OperatorConfig[K]> };

export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[];

/** An OperatorConfig from a parsed document such as `{profile: small, tlsIssuer: letsencrypt}`. */
export function operatorConfigFrom(document: unknown): OperatorConfig {
  if (document === null || document === undefined) return operatorConfig();
  if (typeof document !== 'object' || Array.isArray(document))
    throw new ConfigError('the config must be a mapping');
  const doc = document as Record<string, unknown>;
  const unknown = Object.keys(doc).filter((key) => !Object.hasOwn(CONFIG_KEYS, key));
  if (unknown.length > 0)
    throw new ConfigError(
      `unknown config keys: ${unknown.join(', ')} (known: ${CONFIG_KEY_NAMES.join(', ')})`,
    );

  const values: Record<string, unknown> = {};
  for (const key of CONFIG_KEY_NAMES)
    if (doc[key] !== undefined) values[key] = CONFIG_KEYS[key].type.read(key, doc[key]);
  const { profile, ...overrides } = values as Partial<OperatorConfig>;
  const config = operatorConfig(profile, overrides);
  if (config.jobRetryMaxSeconds < config.jobRetryBaseSeconds)
    throw new ConfigError('jobRetryMaxSeconds: must be at least jobRetryBaseSeconds');
  return config;
}

/** The `config` section of the chart's values.schema.json: what the loader accepts, checked by Helm. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    description:
      'The operator configuration (docs/configuration.md); serve --config rejects unknown keys too.',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      CONFIG_KEY_NAMES.map((key) => [
        key,
        { description: CONFIG_KEYS[key].meaning, ...CONFIG_KEYS[key].type.schema },
      ]),
    ),
  };
}
