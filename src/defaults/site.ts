// Defaults of a FrappeSite (API.md §4). Database settings come from the site, then the bench's
// dbConfig (read from the cluster view), then the operator config; generated identifiers hash
// `<namespace>/<siteName>` so they are known even when metadata.name is still empty.
import type { DatabaseConfig } from '../api/common.js';
import { IMMUTABLE_DATABASE_FIELDS } from '../api/values.js';
import { siteChildNames } from '../api/child-names.js';
import type { FrappeBench } from '../api/frappe-bench.js';
import type { OperatorConfig } from './config.js';
import { carryOver } from './bench.js';
import type { Defaulted, DefaultingContext } from './context.js';
import { defaultDatabaseIdentifiers } from './database-names.js';
import { valueAt } from '../api/json.js';
import { DefaultsRecorder } from './recorder.js';
import { benchNamespaceOf } from '../api/namespaces.js';

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
    site.fillBuilt(['spec', 'adminPasswordSecretRef', 'name'], () => siteChildNames(name).adminSecret);
    site.fill(['spec', 'adminPasswordSecretRef', 'key'], 'password');
  }

  const bench = benchOf(site, context);
  // A site whose bench is not known yet keeps its inherited database fields unset (S-REF-2 warns):
  // S-IMM-2 would freeze a guess; the controller fills them with these functions once it knows.
  if (bench || site.get(['spec', 'benchRef', 'name']) === undefined)
    fillDatabase(site, databaseOf(bench), config);
  if (typeof siteName === 'string' && siteName !== '')
    site.fillBuilt(
      ['spec', 'dbConfig', 'databaseName'],
      () => defaultDatabaseIdentifiers(namespace, siteName).databaseName,
    );
  // The user is the database name (generated or the user's own): the account Frappe connects as
  // on every version (databaseAccount, src/builders/site/database.ts). A user already set, such as
  // a stored site's `u<h>_…` (carried over above), is kept.
  const databaseName = site.get(['spec', 'dbConfig', 'databaseName']);
  if (typeof databaseName === 'string' && databaseName !== '')
    site.fill(['spec', 'dbConfig', 'databaseUser'], databaseName);

  // ingress.className is the Go operator's name for it: what the user wrote there comes first.
  const alias = site.get(['spec', 'ingress', 'className']);
  const ingressClass =
    (typeof alias === 'string' && alias !== '' ? alias : undefined) ??
    config.ingressClassName ??
    view.defaultIngressClass()?.metadata.name;
  if (ingressClass) site.fill(['spec', 'ingressClassName'], ingressClass);
  site.fill(['spec', 'ingress', 'enabled'], true);

  // An issuer the user wrote asks for TLS as much as the operator's default issuer does.
  const issuer = site.get(['spec', 'tls', 'issuer']);
  const wantsTLS = config.tlsIssuer !== undefined || (typeof issuer === 'string' && issuer !== '');
  const tlsEnabled = site.fill(['spec', 'tls', 'enabled'], wantsTLS);
  if (tlsEnabled === true) {
    if (hasName) site.fillBuilt(['spec', 'tls', 'secretName'], () => siteChildNames(name).tlsSecret);
    if (config.tlsIssuer !== undefined) site.fill(['spec', 'tls', 'issuer'], config.tlsIssuer);
  }
  site.fill(['spec', 'deletionPolicy'], 'Retain');
  return { object: site.root, patch: site.patch };
}

/** The bench the site points at, when the view has it. */
function benchOf(site: DefaultsRecorder, context: DefaultingContext): FrappeBench | undefined {
  const benchName = site.get(['spec', 'benchRef', 'name']);
  if (typeof benchName !== 'string') return undefined;
  return context.view.bench(benchNamespaceOf(site.root, context.namespace), benchName);
}

function databaseOf(bench: FrappeBench | undefined): DatabaseConfig | undefined {
  const dbConfig = valueAt(bench, ['spec', 'dbConfig']);
  return typeof dbConfig === 'object' && dbConfig !== null ? (dbConfig as DatabaseConfig) : undefined;
}

/**
 * The site's database settings: its own, else the bench's (when the provider is the same: another
 * provider's settings would contradict the site's choice, S-DB-1), else the operator's. The mode is
 * settled first, so a dedicated site never inherits the shared mariadbRef.
 */
function fillDatabase(
  site: DefaultsRecorder,
  bench: DatabaseConfig | undefined,
  config: OperatorConfig,
): void {
  const path = ['spec', 'dbConfig'];
  const benchProvider = bench?.provider ?? 'mariadb';
  const provider = site.fill([...path, 'provider'], benchProvider);
  const inherits = bench !== undefined && provider === benchProvider;
  const mode = site.fill([...path, 'mode'], (inherits && bench.mode) || 'shared');
  if (inherits) {
    for (const field of INHERITED_DATABASE_FIELDS) {
      if (field === 'mode' || (field === 'mariadbRef' && mode === 'dedicated')) continue;
      if (bench[field] !== undefined) site.fill([...path, field], bench[field]);
    }
  }
  if (provider === 'mariadb' && mode === 'shared') site.fill([...path, 'mariadbRef'], config.mariadbRef);
}
