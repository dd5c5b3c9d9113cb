// What the cluster view keeps of a FrappeSite: the handful of fields the cross-object rules read
// (bench, domain, database target, name and user, deletion protection), never the whole object,
// so 10,000 cached sites cost a few MiB, not a copy of every spec. Pure.
import type { FrappeSite } from './frappe-site.js';
import { DELETION_PROTECTION_ANNOTATION } from './values.js';
import { isObject, valueAt } from './json.js';

export interface SiteSummary {
  namespace: string;
  name: string;
  /** `<namespace>/<bench>` the benchRef points at. */
  bench?: string;
  /** spec.domain, else spec.siteName. */
  domain?: string;
  /** Where the database lives (databaseTarget()); undefined when not known yet. */
  databaseTarget?: string;
  databaseName?: string;
  databaseUser?: string;
  /** The deletion-protection annotation as written. */
  deletionProtection?: string;
  deletionPolicy?: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The server a site's database lives on, as a key that two sites share exactly when they share a
 * server: `mariadb:<namespace>/<name>` (shared), `dedicated:<namespace>/<site>` (its own MariaDB),
 * `external:<host>:<port>`. Undefined when admission cannot tell (the bench is not known yet, or an
 * external server named only inside a Secret): rules then treat it as any server.
 */
export function databaseTarget(dbConfig: unknown, namespace: string, site: string): string | undefined {
  if (!isObject(dbConfig)) return undefined;
  const provider = dbConfig.provider;
  if (provider === 'external') {
    const host = text(dbConfig.host);
    const port = typeof dbConfig.port === 'number' ? dbConfig.port : 3306;
    return host && `external:${host.toLowerCase()}:${port}`;
  }
  if (provider !== 'mariadb') return undefined;
  if (dbConfig.mode === 'dedicated') return `dedicated:${namespace}/${site}`;
  const ref = dbConfig.mariadbRef;
  const name = text(valueAt(ref, ['name']));
  return name && `mariadb:${text(valueAt(ref, ['namespace'])) ?? namespace}/${name}`;
}

/** The summary of a site as stored (or as admitted): reads only, never throws on odd types. */
export function summarizeSite(site: FrappeSite): SiteSummary {
  const namespace = text(site.metadata?.namespace) ?? '';
  const name = text(site.metadata?.name) ?? '';
  const spec: unknown = site.spec;
  const benchName = text(valueAt(spec, ['benchRef', 'name']));
  const dbConfig = valueAt(spec, ['dbConfig']);
  return {
    namespace,
    name,
    bench: benchName && `${text(valueAt(spec, ['benchRef', 'namespace'])) ?? namespace}/${benchName}`,
    domain: text(valueAt(spec, ['domain'])) ?? text(valueAt(spec, ['siteName'])),
    databaseTarget: databaseTarget(dbConfig, namespace, name),
    databaseName: text(valueAt(dbConfig, ['databaseName'])),
    databaseUser: text(valueAt(dbConfig, ['databaseUser'])),
    deletionProtection: text(site.metadata?.annotations?.[DELETION_PROTECTION_ANNOTATION]),
    deletionPolicy: text(valueAt(spec, ['deletionPolicy'])),
  };
}

/** Database names are compared without case: lower_case_table_names=1 servers fold them. */
export const identifierKey = (identifier: string) => identifier.toLowerCase();

/** Whether the deletion-protection annotation protects: `true` in any letter case. */
export const protectsFromDeletion = (value: string | undefined) => value?.toLowerCase() === 'true';
