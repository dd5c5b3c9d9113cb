// The external database provider's SQL (API.md §8, `dbConfig.provider: external`): with the admin
// credentials of the site's connectionSecretRef, make the site's database (utf8mb4 /
// utf8mb4_unicode_ci), its user (password from the site's Secret, at most 100 connections) and the
// grant of ALL on that database; or drop them. Idempotent: what is already right is left alone,
// and the result says what changed.
//
// Identifiers cannot be placeholders, so they are checked (the S-DB-2 alphabet and limits, not a
// name of the server itself) before any connection is made, and escaped as well. Passwords only
// ever travel as placeholders and never appear in an error message.
import { createHash } from 'node:crypto';
import { createConnection, type Connection, type ConnectionConfig } from 'mariadb';
import {
  DATABASE_IDENTIFIER,
  DATABASE_NAME_LIMIT,
  DATABASE_USER_LIMIT,
  grantPattern,
  isReservedDatabaseIdentifier,
} from '../api/database-identifiers.js';
import type { CircuitBreakers } from './circuit-breakers.js';
import { describeDatabaseError, InvalidIdentifierError } from './errors.js';

export const SITE_CHARSET = 'utf8mb4';
export const SITE_COLLATION = 'utf8mb4_unicode_ci';
/** Frappe opens a connection per gunicorn thread and worker: mariadb-operator's default of 10 is too few. */
export const SITE_MAX_USER_CONNECTIONS = 100;

/** An account allowed to create databases and users and to grant (from connectionSecretRef). */
export interface AdminCredentials {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The site's database and account (dbConfig.databaseName, databaseUser, the site's db Secret). */
export interface SiteDatabase {
  database: string;
  user: string;
  password: string;
}

/** What ensure() had to change; all false on a second run. */
export interface EnsureResult {
  databaseCreated: boolean;
  /** An existing database had another default character set or collation. */
  charsetChanged: boolean;
  userCreated: boolean;
  /** An existing user had another password (the Secret changed) or another connection limit. */
  userChanged: boolean;
  grantAdded: boolean;
  changed: boolean;
}

export interface DropResult {
  databaseDropped: boolean;
  userDropped: boolean;
}

/** The connector's quoting, as a connection offers it. */
export interface Quoting {
  escape(value: string): string;
  escapeId(identifier: string): string;
}

export interface ExternalMariaDbOptions {
  /** One breaker per target, shared by every site on it; without it every call tries to connect. */
  breakers?: CircuitBreakers;
  /** Until the server has accepted the connection and the login (default 5 s). */
  connectTimeoutMs?: number;
  /** Per statement: max_statement_time on the server, and silence on the socket (default 10 s). */
  queryTimeoutMs?: number;
  /** The connector's createConnection (tests count or fail connections with it). */
  connect?: (config: ConnectionConfig) => Promise<Connection>;
}

/** The key of one server for its circuit breaker and metrics: `host:port`, host in lower case. */
export function targetOf(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

/**
 * Throws InvalidIdentifierError unless both names are non-empty, within MariaDB's limits, of
 * [A-Za-z0-9_] only, and not a name the server itself uses (mysql, sys, root, …).
 */
export function checkSiteIdentifiers(site: Pick<SiteDatabase, 'database' | 'user'>): void {
  const check = (field: 'database' | 'user', value: unknown, limit: number) => {
    if (typeof value !== 'string' || value === '') throw new InvalidIdentifierError(field, 'is empty');
    if (value.length > limit)
      throw new InvalidIdentifierError(field, `is ${value.length} characters, more than ${limit}`);
    if (!DATABASE_IDENTIFIER.test(value))
      throw new InvalidIdentifierError(field, 'may only contain A-Z, a-z, 0-9 and _');
    if (isReservedDatabaseIdentifier(value))
      throw new InvalidIdentifierError(field, 'is reserved by the database server');
  };
  check('database', site.database, DATABASE_NAME_LIMIT);
  check('user', site.user, DATABASE_USER_LIMIT);
}

/** The account `'user'@'%'`, quoted as strings by the connector. */
export function accountOf(user: string, quoting: Quoting): string {
  return `${quoting.escape(user)}@'%'`;
}

interface Statement {
  sql: string;
  values?: string[];
}

/** The statements ensure() runs for what `observed` lacks (pure, for tests and review). */
export function ensureStatements(
  site: SiteDatabase,
  observed: ObservedSite,
  quoting: Quoting,
): { statements: Statement[]; result: EnsureResult } {
  checkSiteIdentifiers(site);
  const database = quoting.escapeId(site.database);
  const account = accountOf(site.user, quoting);
  const statements: Statement[] = [];
  const charset = `CHARACTER SET ${SITE_CHARSET} COLLATE ${SITE_COLLATION}`;
  const limit = `WITH MAX_USER_CONNECTIONS ${SITE_MAX_USER_CONNECTIONS}`;
  const result: EnsureResult = {
    databaseCreated: !observed.database,
    charsetChanged:
      observed.database !== undefined &&
      (observed.database.charset !== SITE_CHARSET || observed.database.collation !== SITE_COLLATION),
    userCreated: !observed.user,
    userChanged:
      observed.user !== undefined &&
      (!observed.user.passwordMatches || observed.user.maxConnections !== SITE_MAX_USER_CONNECTIONS),
    grantAdded: !observed.grant,
    changed: false,
  };
  if (result.databaseCreated)
    statements.push({ sql: `CREATE DATABASE IF NOT EXISTS ${database} ${charset}` });
  if (result.charsetChanged) statements.push({ sql: `ALTER DATABASE ${database} ${charset}` });
  if (result.userCreated)
    statements.push({
      sql: `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ? ${limit}`,
      values: [site.password],
    });
  if (result.userChanged)
    statements.push({ sql: `ALTER USER ${account} IDENTIFIED BY ? ${limit}`, values: [site.password] });
  if (result.grantAdded)
    statements.push({
      sql: `GRANT ALL PRIVILEGES ON ${quoting.escapeId(grantPattern(site.database))}.* TO ${account}`,
    });
  result.changed = statements.length > 0;
  return { statements, result };
}

/** What the server holds of a site before ensure() changes anything. */
export interface ObservedSite {
  database?: { charset: string; collation: string };
  user?: { passwordMatches: boolean; maxConnections: number };
  /** Every privilege on the database (mysql.db), bar GRANT OPTION. */
  grant: boolean;
}

/** What IDENTIFIED BY stores for mysql_native_password (MariaDB's PASSWORD()): `*` + SHA1(SHA1(pw)). */
export function nativePasswordHash(password: string): string {
  if (password === '') return '';
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

async function observe(conn: Connection, site: SiteDatabase): Promise<ObservedSite> {
  const schemata: { charset: string; collation: string }[] = await conn.query(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation ' +
      'FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [site.database],
  );
  const users: { plugin: string; hash: string; maxConnections: number | bigint }[] = await conn.query(
    'SELECT plugin, authentication_string AS hash, max_user_connections AS maxConnections ' +
      "FROM mysql.user WHERE User = ? AND Host = '%'",
    [site.user],
  );
  const grants: Record<string, unknown>[] = await conn.query(
    "SELECT * FROM mysql.db WHERE Host = '%' AND Db = ? AND User = ?",
    [grantPattern(site.database), site.user],
  );
  const privileges = Object.entries(grants[0] ?? {}).filter(
    ([column]) => column.endsWith('_priv') && column !== 'Grant_priv',
  );
  const [schema] = schemata;
  const [user] = users;
  return {
    database: schema && { charset: schema.charset, collation: schema.collation },
    user: user && {
      // Compared here, so that no statement but CREATE/ALTER USER carries the password. An account
      // with another plugin (ed25519, parsec) never matches, and is given the Secret's password again.
      passwordMatches:
        user.plugin === 'mysql_native_password' && user.hash === nativePasswordHash(site.password),
      maxConnections: Number(user.maxConnections),
    },
    grant: privileges.length > 0 && privileges.every(([, value]) => value === 'Y'),
  };
}

export class ExternalMariaDb {
  readonly #options: Required<Omit<ExternalMariaDbOptions, 'breakers'>> &
    Pick<ExternalMariaDbOptions, 'breakers'>;

  constructor(options: ExternalMariaDbOptions = {}) {
    for (const [name, value] of Object.entries({
      connectTimeoutMs: options.connectTimeoutMs,
      queryTimeoutMs: options.queryTimeoutMs,
    }))
      if (value !== undefined && !(Number.isFinite(value) && value > 0))
        throw new RangeError(`${name} must be a positive number of milliseconds`);
    this.#options = {
      breakers: options.breakers,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      queryTimeoutMs: options.queryTimeoutMs ?? 10_000,
      connect: options.connect ?? createConnection,
    };
  }

  /** Creates or corrects the site's database, user and grant; changes nothing that is right. */
  async ensure(admin: AdminCredentials, site: SiteDatabase): Promise<EnsureResult> {
    checkSiteIdentifiers(site);
    return this.#withConnection(admin, 'ensure', [site.password], async (conn) => {
      const { statements, result } = ensureStatements(site, await observe(conn, site), conn);
      for (const statement of statements) await conn.query(statement.sql, statement.values);
      return result;
    });
  }

  /** Drops the site's user (its grants go with it), then its database. */
  async drop(admin: AdminCredentials, site: Pick<SiteDatabase, 'database' | 'user'>): Promise<DropResult> {
    checkSiteIdentifiers(site);
    return this.#withConnection(admin, 'drop', [], async (conn) => {
      const [{ n: users }]: [{ n: number | bigint }] = await conn.query(
        "SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = '%'",
        [site.user],
      );
      const [{ n: databases }]: [{ n: number | bigint }] = await conn.query(
        'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [site.database],
      );
      await conn.query(`DROP USER IF EXISTS ${accountOf(site.user, conn)}`);
      await conn.query(`DROP DATABASE IF EXISTS ${conn.escapeId(site.database)}`);
      return { userDropped: Number(users) > 0, databaseDropped: Number(databases) > 0 };
    });
  }

  async #withConnection<T>(
    admin: AdminCredentials,
    operation: string,
    secrets: string[],
    work: (conn: Connection) => Promise<T>,
  ): Promise<T> {
    const target = targetOf(admin.host, admin.port);
    const attempt = async () => {
      let conn: Connection | undefined;
      try {
        conn = await this.#options.connect({
          host: admin.host,
          port: admin.port,
          user: admin.user,
          password: admin.password,
          connectTimeout: this.#options.connectTimeoutMs,
          // Not the connector's queryTimeout: it sends its `SET max_statement_time` without waiting
          // for it, and a connection cut meanwhile rejects a promise nobody holds (an unhandled
          // rejection ends the process). The same limit is set below, awaited. The socket timeout
          // catches a server that stops answering altogether.
          socketTimeout: this.#options.queryTimeoutMs + this.#options.connectTimeoutMs,
          logParam: false,
          multipleStatements: false,
        });
        // A socket that dies between statements emits 'error' on the connection (one that dies
        // under a statement rejects it): unheard, that event would crash the process.
        conn.on('error', () => {});
        await conn.query(`SET SESSION max_statement_time = ${this.#options.queryTimeoutMs / 1000}`);
        const value = await work(conn);
        await conn.end();
        return value;
      } catch (error) {
        conn?.destroy();
        throw describeDatabaseError(error, target, operation, [admin.password, ...secrets]);
      }
    };
    return this.#options.breakers ? this.#options.breakers.execute(target, attempt) : attempt();
  }
}
