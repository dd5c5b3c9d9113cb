// Database identifiers a site may name (API.md §4, S-DB-2): one definition for admission, the
// generated defaults and the external provider, which splices them into SQL where placeholders
// cannot go.

/**
 * MariaDB's identifier limits: database names 64, user names 80 (mariadb-operator's User.spec.name
 * allows 80 too; 32 is MySQL's limit, and both providers are MariaDB: mariadb-operator and an
 * external MariaDB). A user defaulted to the database name (up to 64) fits.
 */
export const DATABASE_NAME_LIMIT = 64;
export const DATABASE_USER_LIMIT = 80;
export const DATABASE_IDENTIFIER = /^[A-Za-z0-9_]+$/;

/** Names MariaDB itself uses (compared without case); anything starting with `mysql` too. */
const RESERVED_IDENTIFIERS = new Set([
  'mysql',
  'sys',
  'information_schema',
  'performance_schema',
  'root',
  'mariadb.sys',
]);

/** Whether a database or user name belongs to the server itself (S-DB-3). */
export function isReservedDatabaseIdentifier(identifier: string): boolean {
  const key = identifier.toLowerCase();
  return RESERVED_IDENTIFIERS.has(key) || key.startsWith('mysql');
}

/**
 * The database as a GRANT's ON clause reads it: there `_` and `%` are wildcards, so a grant on
 * `a_b`.* would also cover `axb`, and a name of underscores only would cover every database of its
 * length: another tenant's. Escaped, the grant covers exactly one database. mariadb-operator only
 * backticks Grant.spec.database, so the site's Grant carries the escaped name too.
 */
export function grantPattern(database: string): string {
  return database.replace(/[\\_%]/g, '\\$&');
}
