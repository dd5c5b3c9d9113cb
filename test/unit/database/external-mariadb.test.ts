import { describe, expect, test } from 'vitest';
import { grantPattern } from '../../../src/api/database-identifiers.js';
import {
  checkSiteIdentifiers,
  ensureStatements,
  targetOf,
  type ObservedSite,
  type Quoting,
} from '../../../src/database/external-mariadb.js';
import {
  describeDatabaseError,
  ExternalDatabaseError,
  InvalidIdentifierError,
  isConnectionError,
} from '../../../src/database/errors.js';

// The connector's quoting rules (backticks doubled; strings with ' and \ backslash-escaped).
const quoting: Quoting = {
  escapeId: (id) => '`' + id.replace(/`/g, '``') + '`',
  escape: (value) => "'" + value.replace(/[\\']/g, '\\$&') + "'",
};

const site = {
  database: '_1a2b3c4d_shop_example_com',
  user: 'u1a2b3c4d_shop_example_com',
  password: "p'w\\d",
};
const right: ObservedSite = {
  database: { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
  user: { passwordMatches: true, maxConnections: 100 },
  grant: true,
};

describe('checkSiteIdentifiers', () => {
  test.each([
    ['database', { database: 'x`; DROP DATABASE mysql; --', user: 'u' }],
    ['database', { database: 'a b', user: 'u' }],
    ['database', { database: '', user: 'u' }],
    ['database', { database: 'é', user: 'u' }],
    ['database', { database: 'x'.repeat(65), user: 'u' }],
    ['database', { database: 'mysql', user: 'u' }],
    ['database', { database: 'MySQL_backup', user: 'u' }],
    ['database', { database: 'INFORMATION_SCHEMA', user: 'u' }],
    ['user', { database: 'db', user: "u'@'%" }],
    ['user', { database: 'db', user: 'root' }],
    // MariaDB's limit is 80 (32 is MySQL's).
    ['user', { database: 'db', user: 'u'.repeat(81) }],
    ['user', { database: 'db', user: 'a\u0000b' }],
  ])('%s: %j is rejected', (field, names) => {
    let thrown: unknown;
    try {
      checkSiteIdentifiers(names);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidIdentifierError);
    expect((thrown as InvalidIdentifierError).field).toBe(field);
    expect(isConnectionError(thrown)).toBe(false);
  });

  test('names at the limits of [A-Za-z0-9_] pass', () => {
    expect(() =>
      checkSiteIdentifiers({ database: 'D'.repeat(64), user: 'u_9'.padEnd(80, 'x') }),
    ).not.toThrow();
    // The default user: the database name, up to 64.
    expect(() => checkSiteIdentifiers({ database: 'D'.repeat(64), user: 'D'.repeat(64) })).not.toThrow();
    expect(() => checkSiteIdentifiers(site)).not.toThrow();
  });
});

describe('ensureStatements', () => {
  test('an empty server gets database, user and grant, the password only as a placeholder', () => {
    const { statements, result } = ensureStatements(site, { grant: false }, quoting);
    expect(statements).toEqual([
      {
        sql: 'CREATE DATABASE IF NOT EXISTS `_1a2b3c4d_shop_example_com` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      },
      {
        sql: "CREATE USER IF NOT EXISTS 'u1a2b3c4d_shop_example_com'@'%' IDENTIFIED BY ? WITH MAX_USER_CONNECTIONS 100",
        values: [site.password],
      },
      {
        sql: "GRANT ALL PRIVILEGES ON `\\_1a2b3c4d\\_shop\\_example\\_com`.* TO 'u1a2b3c4d_shop_example_com'@'%'",
      },
    ]);
    expect(statements.map((s) => s.sql).join('\n')).not.toContain(site.password);
    expect(result).toEqual({
      databaseCreated: true,
      charsetChanged: false,
      userCreated: true,
      userChanged: false,
      grantAdded: true,
      changed: true,
    });
  });

  test('what is right is left alone', () => {
    const { statements, result } = ensureStatements(site, right, quoting);
    expect(statements).toEqual([]);
    expect(result.changed).toBe(false);
  });

  test('another password or connection limit is corrected with ALTER USER; another charset with ALTER DATABASE', () => {
    for (const user of [
      { passwordMatches: false, maxConnections: 100 },
      { passwordMatches: true, maxConnections: 10 },
    ]) {
      const { statements, result } = ensureStatements(site, { ...right, user }, quoting);
      expect(statements).toEqual([
        {
          sql: "ALTER USER 'u1a2b3c4d_shop_example_com'@'%' IDENTIFIED BY ? WITH MAX_USER_CONNECTIONS 100",
          values: [site.password],
        },
      ]);
      expect(result.userChanged).toBe(true);
    }
    const latin = ensureStatements(
      site,
      { ...right, database: { charset: 'latin1', collation: 'latin1_swedish_ci' } },
      quoting,
    );
    expect(latin.statements.map((s) => s.sql)).toEqual([
      'ALTER DATABASE `_1a2b3c4d_shop_example_com` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    ]);
  });

  test('hostile names never reach a statement', () => {
    expect(() =>
      ensureStatements({ ...site, database: 'x`.* TO PUBLIC; --' }, { grant: false }, quoting),
    ).toThrow(InvalidIdentifierError);
  });
});

test('grantPattern escapes the wildcards of a GRANT, so a name of underscores covers one database only', () => {
  expect(grantPattern('____')).toBe('\\_\\_\\_\\_');
  expect(grantPattern('a_b%c\\d')).toBe('a\\_b\\%c\\\\d');
  expect(grantPattern('abc')).toBe('abc');
});

test('targetOf is host:port with the host in lower case', () => {
  expect(targetOf('DB.Example.com', 3306)).toBe('db.example.com:3306');
});

describe('isConnectionError', () => {
  const error = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);
  test.each([
    error({ code: 'ECONNREFUSED' }),
    error({ code: 'ETIMEDOUT' }),
    error({ code: 'EHOSTUNREACH' }),
    error({ code: 'ECONNRESET' }),
    error({ code: 'ER_CONNECTION_TIMEOUT', sqlState: '08S01' }),
    error({ code: 'ER_GET_CONNECTION_TIMEOUT' }),
    error({ code: 'ER_SOCKET_UNEXPECTED_CLOSE' }),
    error({ code: 'ER_STATEMENT_TIMEOUT', sqlState: '70100' }),
    error({ code: 'ER_CON_COUNT_ERROR' }),
    error({ code: 'UNKNOWN', sqlState: '08004' }),
    error({ code: 'WRAPPED', cause: error({ code: 'ECONNREFUSED' }) }),
    new ExternalDatabaseError('m', 'ECONNREFUSED', true, 't:1'),
  ])('connection-level: %o', (e) => expect(isConnectionError(e)).toBe(true));

  test.each([
    error({ code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000', fatal: true }),
    error({ code: 'ER_DBACCESS_DENIED_ERROR', sqlState: '42000' }),
    error({ code: 'ER_HOST_NOT_PRIVILEGED', sqlState: '08S01' }),
    error({ code: 'ER_PARSE_ERROR', sqlState: '42000' }),
    error({ code: 'ER_CANNOT_USER', sqlState: 'HY000' }),
    new InvalidIdentifierError('database', 'is empty'),
    new TypeError('bug'),
    'a string',
    undefined,
  ])('the request’s fault: %o', (e) => expect(isConnectionError(e)).toBe(false));
});

test('describeDatabaseError keeps the code and the server text, never the statement or a password', () => {
  const raw = Object.assign(
    new Error(
      "(conn:5, no: 1064, SQLState: 42000) You have an error near 'hunter2'\nsql: ALTER USER 'u'@'%' IDENTIFIED BY 'hunter2'",
    ),
    { code: 'ER_PARSE_ERROR', sqlState: '42000', sqlMessage: "You have an error near 'hunter2'" },
  );
  const described = describeDatabaseError(raw, 'db:3306', 'ensure', ['adminpw', 'hunter2']);
  expect(described.message).toBe("ensure on db:3306: ER_PARSE_ERROR: You have an error near '***'");
  expect(described.connectionLevel).toBe(false);
  const refused = describeDatabaseError(
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    'db:3306',
    'ensure',
    [],
  );
  expect(refused).toMatchObject({ code: 'ECONNREFUSED', connectionLevel: true, target: 'db:3306' });
});
