// Defaults of a FrappeSite (API.md §4). Database settings come from the site, then the bench's
// dbConfig (read from the cluster view), then the operator config; generated identifiers hash
// `<namespace>/<siteName>` so they are known even when metadata.name is still empty.
import { IMMUTABLE_DATABASE_FIELDS, type DatabaseConfig } from '../api/common.js';
import { siteChildNames } from '../api/child-names.js';
import type { FrappeBench } from '../api/frappe-bench.js';
import type { OperatorConfig } from './config.js';
import { carryOver, type Defaulted, type DefaultingContext } from './bench.js';
import { defaultDatabaseIdentifiers } from './database-names.js';
import { valueAt } from '../api/json.js';
import { DefaultsRecorder } from './recorder.js';

/** Bench dbConfig fields a site inherits (identifiers are per site, never inherited). */
const INHERITED_DATABASE_FIELDS = [
  'mode',
  'mariadbRef',
  'postgresRef',
  'storageSize',
  'resources',
  'image',
  'host',
  'port',
  'connectionSecretRef',
] as const;

export function defaultSite(input: Record<string, unknown>, context: DefaultingContext): Defaulted {
  const site = new DefaultsRecorder(input);
  const { config, view, namespace } = context;
  carryOver(
    site,
    context.previous,
    IMMUTABLE_DATABASE_FIELDS.map((field) => ['spec', 'dbConfig', field]),
  );

  const siteName = site.get(['spec', 'siteName']);
  const name = site.get(['metadata', 'name']);
  const hasName = typeof name === 'string' && name !== '';
  if (typeof siteName === 'string' && siteName !== '') site.fill(['spec', 'domain'], siteName);
  if (hasName) {
    site.fill(['spec', 'adminPasswordSecretRef', 'name'], siteChildNames(name).adminSecret);
    site.fill(['spec', 'adminPasswordSecretRef', 'key'], 'password');
  }

  fillDatabase(site, benchDatabase(site, context), config);
  if (typeof siteName === 'string' && siteName !== '') {
    const { databaseName, databaseUser } = defaultDatabaseIdentifiers(namespace, siteName);
    site.fill(['spec', 'dbConfig', 'databaseName'], databaseName);
    site.fill(['spec', 'dbConfig', 'databaseUser'], databaseUser);
  }

  // ingress.className is the Go operator's name for it: what the user wrote there comes first.
  const alias = site.get(['spec', 'ingress', 'className']);
  const ingressClass =
    (typeof alias === 'string' && alias !== '' ? alias : undefined) ??
    config.ingressClassName ??
    view.defaultIngressClass()?.metadata.name;
  if (ingressClass) site.fill(['spec', 'ingressClassName'], ingressClass);
  site.fill(['spec', 'ingress', 'enabled'], true);

  const tlsEnabled = site.fill(['spec', 'tls', 'enabled'], config.tlsIssuer !== undefined);
  if (tlsEnabled === true) {
    if (hasName) site.fill(['spec', 'tls', 'secretName'], siteChildNames(name).tlsSecret);
    if (config.tlsIssuer !== undefined) site.fill(['spec', 'tls', 'issuer'], config.tlsIssuer);
  }
  site.fill(['spec', 'deletionPolicy'], 'Retain');
  return { object: site.root, patch: site.patch };
}

/** The dbConfig of the bench the site points at, when the view has it. */
function benchDatabase(site: DefaultsRecorder, context: DefaultingContext): DatabaseConfig | undefined {
  const benchName = site.get(['spec', 'benchRef', 'name']);
  if (typeof benchName !== 'string') return undefined;
  const benchNamespace = site.get(['spec', 'benchRef', 'namespace']);
  const namespace =
    typeof benchNamespace === 'string' && benchNamespace !== '' ? benchNamespace : context.namespace;
  const bench: FrappeBench | undefined = context.view.bench(namespace, benchName);
  const dbConfig = valueAt(bench, ['spec', 'dbConfig']);
  return typeof dbConfig === 'object' && dbConfig !== null ? (dbConfig as DatabaseConfig) : undefined;
}

function fillDatabase(
  site: DefaultsRecorder,
  bench: DatabaseConfig | undefined,
  config: OperatorConfig,
): void {
  const path = ['spec', 'dbConfig'];
  const benchProvider = bench?.provider ?? 'mariadb';
  const provider = site.fill([...path, 'provider'], benchProvider);
  // Settings of another provider would contradict the site's own choice (S-DB-1).
  if (bench && provider === benchProvider) {
    const mode = site.get([...path, 'mode']);
    for (const field of INHERITED_DATABASE_FIELDS) {
      // A dedicated database gets its own MariaDB: the bench's shared one does not apply.
      if (field === 'mariadbRef' && mode === 'dedicated') continue;
      if (bench[field] !== undefined) site.fill([...path, field], bench[field]);
    }
  }
  const mode = site.fill([...path, 'mode'], 'shared');
  if (provider === 'mariadb' && mode === 'shared') site.fill([...path, 'mariadbRef'], config.mariadbRef);
}
