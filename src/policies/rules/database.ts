// Database settings: S-DB-1, S-DB-2 for sites, and the same checks as B-DB-1, B-DB-2 for the
// database defaults a bench gives its sites.
import { DATABASE_MODES, DATABASE_PROVIDERS, portNumber, type DatabaseConfig } from '../../api/common.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import {
  DATABASE_IDENTIFIER,
  DATABASE_NAME_LIMIT,
  DATABASE_USER_LIMIT,
} from '../../defaults/database-names.js';
import { CREATE_UPDATE, deny, rule, type Finding } from '../rule.js';

const NOT_YET_SUPPORTED = new Set(['postgres', 'sqlite']);

/** Provider and mode, the settings each allows, and the port (S-DB-1 / B-DB-1). */
export function checkDatabaseProvider(path: string, db: DatabaseConfig | undefined): Finding[] {
  if (!db) return [];
  const findings: Finding[] = [];
  const { provider, mode } = db;
  if (provider !== undefined && !(DATABASE_PROVIDERS as readonly string[]).includes(provider)) {
    findings.push(
      deny(
        `${path}.provider`,
        `"${provider}" is not one of ${DATABASE_PROVIDERS.join(', ')}`,
        'NotSupported',
      ),
    );
  } else if (provider !== undefined && NOT_YET_SUPPORTED.has(provider)) {
    findings.push(
      deny(`${path}.provider`, `${provider} is not supported yet: use mariadb or external`, 'NotSupported'),
    );
  }
  if (mode !== undefined && !(DATABASE_MODES as readonly string[]).includes(mode)) {
    findings.push(
      deny(`${path}.mode`, `"${mode}" is not one of ${DATABASE_MODES.join(', ')}`, 'NotSupported'),
    );
  }
  if (mode === 'dedicated' && provider !== 'mariadb') {
    findings.push(
      deny(`${path}.mode`, `dedicated is only available with provider mariadb, not ${provider}`, 'Forbidden'),
    );
  }
  if (db.mariadbRef && provider !== 'mariadb') {
    findings.push(
      deny(`${path}.mariadbRef`, `only allowed with provider mariadb, not ${provider}`, 'Forbidden'),
    );
  }
  if (db.postgresRef && provider !== 'postgres') {
    findings.push(
      deny(`${path}.postgresRef`, `only allowed with provider postgres, not ${provider}`, 'Forbidden'),
    );
  }
  if (provider === 'external' && !db.connectionSecretRef?.name) {
    findings.push(
      deny(
        `${path}.connectionSecretRef`,
        'provider external needs the Secret with the credentials',
        'Required',
      ),
    );
  }
  if (db.port !== undefined && portNumber(db.port) === undefined) {
    findings.push(
      deny(`${path}.port`, `must be a port number from 1 to 65535, got ${JSON.stringify(db.port)}`),
    );
  }
  return findings;
}

function checkIdentifier(path: string, value: string | undefined, limit: number): Finding[] {
  if (value === undefined) return [];
  if (value.length > limit)
    return [deny(path, `is ${value.length} characters, more than MariaDB allows (${limit})`, 'TooLong')];
  return DATABASE_IDENTIFIER.test(value)
    ? []
    : [deny(path, `"${value}" may only contain A-Z, a-z, 0-9 and _`)];
}

export const databaseRules = [
  rule<FrappeSite>({
    id: 'S-DB-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      'provider and mode are known; dedicated only with mariadb; mariadbRef only with mariadb, postgresRef only with ' +
      'postgres; external needs connectionSecretRef; postgres and sqlite are not supported yet; port is 1-65535 ' +
      '(a string of digits, as the Go operator took it, is accepted).',
    check: ({ object: { spec } }) => checkDatabaseProvider('spec.dbConfig', spec.dbConfig),
  }),
  rule<FrappeSite>({
    id: 'S-DB-2',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: `databaseName is at most ${DATABASE_NAME_LIMIT} and databaseUser at most ${DATABASE_USER_LIMIT} of [A-Za-z0-9_].`,
    check: ({ object: { spec } }) => [
      ...checkIdentifier('spec.dbConfig.databaseName', spec.dbConfig?.databaseName, DATABASE_NAME_LIMIT),
      ...checkIdentifier('spec.dbConfig.databaseUser', spec.dbConfig?.databaseUser, DATABASE_USER_LIMIT),
    ],
  }),
  rule<FrappeBench>({
    id: 'B-DB-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: "The bench's dbConfig obeys S-DB-1 (it is the default of its sites).",
    check: ({ object: { spec } }) => checkDatabaseProvider('spec.dbConfig', spec.dbConfig),
  }),
  rule<FrappeBench>({
    id: 'B-DB-2',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'A bench sets no databaseName or databaseUser: every site gets its own (S-DB-2 applies to sites).',
    check: ({ object: { spec } }) =>
      (['databaseName', 'databaseUser'] as const)
        .filter((field) => spec.dbConfig?.[field] !== undefined)
        .map((field) =>
          deny(`spec.dbConfig.${field}`, 'set it on each FrappeSite, not on the bench', 'Forbidden'),
        ),
  }),
];
