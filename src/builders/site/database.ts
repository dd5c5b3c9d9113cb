// The site's database as mariadb-operator (k8s.mariadb.com/v1alpha1) objects: Database, User and
// Grant on a shared MariaDB, or on a MariaDB of the site's own (dedicated). Field names are those of
// mariadb-operator's api/v1alpha1 (database_types.go, user_types.go, grant_types.go,
// mariadb_types.go; SQLTemplate.cleanupPolicy in base_types.go).
import type { DatabaseConfig } from '../../api/common.js';
import { portNumber } from '../../api/values.js';
import { grantPattern } from '../../api/database-identifiers.js';
import type { Child } from '../child.js';
import { siteMetadata, type SiteContext } from './context.js';

export const MARIADB_API_VERSION = 'k8s.mariadb.com/v1alpha1';
/** MariaDB's port; mariadb-operator's MariaDB.spec.port defaults to it. */
export const MARIADB_PORT = 3306;
/** Frappe's character set and collation (mariadb-operator defaults to utf8 / utf8_general_ci). */
export const CHARACTER_SET = 'utf8mb4';
export const COLLATION = 'utf8mb4_unicode_ci';
/** mariadb-operator's default of 10 is too few for a site's gunicorn workers, RQ workers and scheduler. */
export const MAX_USER_CONNECTIONS = 100;
/** Size of a dedicated MariaDB's volume when dbConfig.storageSize is unset. */
export const DEDICATED_STORAGE_SIZE = '10Gi';
export const PASSWORD_KEY = 'password';

/** Where Frappe reaches the site's database. */
export interface DatabaseEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
}

export function databaseConfig(context: SiteContext): DatabaseConfig {
  return context.site.spec.dbConfig ?? {};
}

export function databaseName(context: SiteContext): string {
  const name = databaseConfig(context).databaseName;
  if (!name)
    throw new Error(
      `FrappeSite ${context.namespace}/${context.name}: dbConfig.databaseName is not defaulted`,
    );
  return name;
}

/**
 * The MariaDB account Frappe connects as: the database name, on every version. Frappe 14 and 15
 * (the default image's version-14/15 tags) connect as db_name: their `bench new-site` has no
 * --db-user, and a db_user in site_config is not what they log in with. Frappe 16 reads db_user,
 * which new-site.sh sets to this same account. dbConfig.databaseUser defaults to the database name,
 * so the spec names this account; one that differs (a stored site's `u<h>_…`) gets an S-DB-3
 * warning and is not used. The account does not follow the bench's frappeVersion: mariadb-operator
 * makes User.spec.name and Grant.spec.username immutable, and a bench upgraded from 15 to 16 would
 * otherwise move its running sites to an account their site_config does not name.
 */
export function databaseAccount(context: SiteContext): string {
  return databaseName(context);
}

/** cleanupPolicy of the Database, User and Grant: drop the SQL objects only when the site's data goes. */
function cleanupPolicy(context: SiteContext): 'Delete' | 'Skip' {
  return context.dropsData ? 'Delete' : 'Skip';
}

interface MariaDBRef {
  name: string;
  namespace?: string;
}

function mariadbRefOf(context: SiteContext): MariaDBRef | undefined {
  const config = databaseConfig(context);
  if ((config.provider ?? 'mariadb') !== 'mariadb') return undefined;
  if (config.mode === 'dedicated') return { name: context.names.dedicatedMariadb };
  const ref = config.mariadbRef;
  if (!ref?.name) return undefined;
  return ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
}

export function databaseEndpoint(context: SiteContext): DatabaseEndpoint | undefined {
  const config = databaseConfig(context);
  const provider = config.provider ?? 'mariadb';
  const database = databaseName(context);
  const user = databaseAccount(context);
  if (provider === 'mariadb') {
    const ref = mariadbRefOf(context);
    if (!ref) return undefined;
    // `<service>.<namespace>.svc` resolves through the pod's search path whatever the cluster domain.
    const host = `${ref.name}.${ref.namespace ?? context.namespace}.svc`;
    return { host, port: MARIADB_PORT, database, user };
  }
  if (provider === 'external' && config.host) {
    return { host: config.host, port: portNumber(config.port) ?? MARIADB_PORT, database, user };
  }
  return undefined;
}

/**
 * Database, User and Grant (after the dedicated MariaDB, when there is one), in the order they
 * are applied. All are owned by the site: with deletionPolicy Retain their cleanupPolicy is Skip,
 * so garbage collection deletes the objects and mariadb-operator leaves the database, account and
 * grant in place; with Delete it drops them. The dedicated MariaDB is the exception: with Retain it
 * is not owned (deleting it would take the server holding the retained data), with Delete it is
 * owned and its volume goes with it.
 */
export function databaseObjects(context: SiteContext): Child[] {
  const ref = mariadbRefOf(context);
  if (!ref) return [];
  const dedicated = databaseConfig(context).mode === 'dedicated';
  const database = databaseName(context);
  const account = databaseAccount(context);
  const cleanup = cleanupPolicy(context);
  const { names } = context;
  return [
    ...(dedicated ? [dedicatedMariadb(context)] : []),
    {
      apiVersion: MARIADB_API_VERSION,
      kind: 'Database',
      metadata: siteMetadata(context, names.database, 'database'),
      spec: {
        mariaDbRef: ref,
        name: database,
        characterSet: CHARACTER_SET,
        collate: COLLATION,
        cleanupPolicy: cleanup,
      },
    },
    {
      apiVersion: MARIADB_API_VERSION,
      kind: 'User',
      metadata: siteMetadata(context, names.databaseUser, 'database-user'),
      spec: {
        mariaDbRef: ref,
        name: account,
        host: '%',
        passwordSecretKeyRef: { name: names.databasePasswordSecret, key: PASSWORD_KEY },
        maxUserConnections: MAX_USER_CONNECTIONS,
        cleanupPolicy: cleanup,
      },
    },
    {
      apiVersion: MARIADB_API_VERSION,
      kind: 'Grant',
      metadata: siteMetadata(context, names.grant, 'grant'),
      spec: {
        mariaDbRef: ref,
        privileges: ['ALL PRIVILEGES'],
        // Escaped: in a GRANT, `_` is a wildcard, and a grant on `____`.* would cover another
        // tenant's database of that length (mariadb-operator only backticks the name).
        database: grantPattern(database),
        table: '*',
        username: account,
        host: '%',
        grantOption: false,
        cleanupPolicy: cleanup,
      },
    },
  ];
}

function dedicatedMariadb(context: SiteContext): Child {
  const config = databaseConfig(context);
  const { names, dropsData } = context;
  return {
    apiVersion: MARIADB_API_VERSION,
    kind: 'MariaDB',
    metadata: siteMetadata(context, names.dedicatedMariadb, 'mariadb', { owned: dropsData }),
    spec: {
      rootPasswordSecretKeyRef: {
        name: names.dedicatedMariadbRootSecret,
        key: PASSWORD_KEY,
        generate: false,
      },
      ...(config.image ? { image: config.image } : {}),
      ...(config.resources ? { resources: config.resources } : {}),
      storage: {
        size: String(config.storageSize ?? DEDICATED_STORAGE_SIZE),
        // The StatefulSet's volume goes with the MariaDB only when the site's data does.
        ...(dropsData ? { pvcRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } } : {}),
      },
    },
  };
}
