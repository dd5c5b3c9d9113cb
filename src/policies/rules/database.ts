// Database settings: S-DB-1 … S-DB-3 for sites, and the same checks as B-DB-1, B-DB-2 for the
// database defaults a bench gives its sites. S-DB-3 is tenant isolation: the controller grants ALL
// on the database a site names, so a name another site (or the server itself) uses is a takeover.
import type { DatabaseConfig } from '../../api/common.js';
import { DATABASE_MODES, DATABASE_PROVIDERS, portNumber } from '../../api/values.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import type { ClusterView } from '../../api/cluster.js';
import { blockedHostProblem } from '../../api/network-targets.js';
import { databaseTarget, identifierKey, type SiteSummary } from '../../api/site-summary.js';
import {
  DATABASE_IDENTIFIER,
  DATABASE_NAME_LIMIT,
  DATABASE_USER_LIMIT,
  isReservedDatabaseIdentifier,
} from '../../api/database-identifiers.js';
import { defaultDatabaseIdentifiers } from '../../defaults/database-names.js';
import { CREATE_UPDATE, deny, rule, warn, type Finding } from '../rule.js';
import { describeOther } from './others.js';
import { namespaceOf } from '../../api/namespaces.js';

const NOT_YET_SUPPORTED = new Set(['postgres', 'sqlite']);

/** Provider and mode, the settings each allows, and the port (S-DB-1 / B-DB-1). */
export function checkDatabaseProvider(
  path: string,
  db: DatabaseConfig | undefined,
  allowedHosts: readonly string[] = [],
): Finding[] {
  if (!db) return [];
  const findings: Finding[] = [];
  const { provider, mode } = db;
  // An unset provider is not known yet (the site's bench is not cached; the controller fills it
  // from the bench): settings that need a provider are judged once it is set.
  const other = (wanted: string) => provider !== undefined && provider !== wanted;
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
  if (mode === 'dedicated' && other('mariadb')) {
    findings.push(
      deny(`${path}.mode`, `dedicated is only available with provider mariadb, not ${provider}`, 'Forbidden'),
    );
  }
  if (db.mariadbRef && other('mariadb')) {
    findings.push(
      deny(`${path}.mariadbRef`, `only allowed with provider mariadb, not ${provider}`, 'Forbidden'),
    );
  }
  if (db.postgresRef && other('postgres')) {
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
  const blocked = typeof db.host === 'string' ? blockedHostProblem(db.host, allowedHosts) : undefined;
  if (blocked) findings.push(deny(`${path}.host`, `${blocked}: name the database server`, 'Forbidden'));
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
    return [deny(path, `is ${value.length} characters: at most ${limit} (MariaDB)`, 'TooLong')];
  return DATABASE_IDENTIFIER.test(value)
    ? []
    : [deny(path, `"${value}" may only contain A-Z, a-z, 0-9 and _`)];
}

/** The shapes of generated names (`_<hash>_…`; `u<hash>_…`, the user of earlier versions). */
const GENERATED_NAME = /^_[0-9a-f]{8}_/i;
const LEGACY_GENERATED_USER = /^u[0-9a-f]{8}_/i;

type IdentifierField = 'databaseName' | 'databaseUser';

interface IdentifierOwner {
  namespace: string;
  name: string;
  target: string | undefined;
  /** This site's own generated names (computed at most once per decision, when a name needs them). */
  generated(): ReturnType<typeof defaultDatabaseIdentifiers>;
}

/** Whether value has the form of a generated name that is not one of this site's own. */
function someoneElsesGeneratedName(value: string, owner: IdentifierOwner): boolean {
  if (GENERATED_NAME.test(value)) return value !== owner.generated().databaseName;
  if (LEGACY_GENERATED_USER.test(value)) return value !== owner.generated().legacyUser;
  return false;
}

/**
 * Database names and user names are one namespace of accounts on a server: the site's account is
 * its databaseName (databaseAccount, src/builders/site/database.ts), so a databaseUser equal to
 * another site's databaseName names that site's account, and the reverse names the user that
 * site declared. Each value is looked up among both fields of the other sites.
 */
function checkIdentifierOwnership(
  field: IdentifierField,
  value: string | undefined,
  owner: IdentifierOwner,
  view: ClusterView,
): Finding[] {
  if (value === undefined) return [];
  const path = `spec.dbConfig.${field}`;
  const key = identifierKey(value);
  if (isReservedDatabaseIdentifier(value))
    return [deny(path, `"${value}" is reserved by the database server; choose another`, 'Forbidden')];
  if (someoneElsesGeneratedName(value, owner))
    return [
      deny(
        path,
        `"${value}" has the form of a generated name of another site; remove it or choose another`,
        'Forbidden',
      ),
    ];
  // An unknown target (bench not cached yet, server named only in a Secret) may be any server.
  const sameServer = (site: SiteSummary) =>
    (site.namespace !== owner.namespace || site.name !== owner.name) &&
    (site.databaseTarget === undefined || owner.target === undefined || site.databaseTarget === owner.target);
  const other =
    view.sitesWithDatabaseName(key).find(sameServer) ?? view.sitesWithDatabaseUser(key).find(sameServer);
  return other
    ? [
        deny(
          path,
          `"${value}" is already used by ${describeOther(other, owner.namespace)} on the same server`,
          'Duplicate',
        ),
      ]
    : [];
}

/**
 * The account is the database name on every Frappe version (databaseAccount): a databaseUser that
 * differs (a stored site's `u<h>_…`, a Go operator manifest's user) is accepted but does not run.
 */
function unusedUserWarning(dbConfig: DatabaseConfig | undefined): Finding[] {
  const { databaseName, databaseUser } = dbConfig ?? {};
  if (databaseName === undefined || databaseUser === undefined || databaseUser === databaseName) return [];
  return [
    warn(
      'spec.dbConfig.databaseUser',
      `not used: Frappe connects as the database name; the account is ${databaseName}`,
    ),
  ];
}

export const databaseRules = [
  rule<FrappeSite>({
    id: 'S-DB-1',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      'provider and mode are known; dedicated only with mariadb; mariadbRef only with mariadb, postgresRef only with ' +
      'postgres; external needs connectionSecretRef; postgres and sqlite are not supported yet; port is 1-65535 ' +
      '(a string of digits, as the Go operator took it, is accepted); host is not loopback, link-local, a ' +
      'metadata service or the API server (the operator would connect there).',
    check: ({ object: { spec }, config }) =>
      checkDatabaseProvider('spec.dbConfig', spec.dbConfig, config.allowedDatabaseHosts),
  }),
  rule<FrappeSite>({
    id: 'S-DB-2',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary: `databaseName is at most ${DATABASE_NAME_LIMIT} and databaseUser at most ${DATABASE_USER_LIMIT} (MariaDB) of [A-Za-z0-9_].`,
    check: ({ object: { spec } }) => [
      ...checkIdentifier('spec.dbConfig.databaseName', spec.dbConfig?.databaseName, DATABASE_NAME_LIMIT),
      ...checkIdentifier('spec.dbConfig.databaseUser', spec.dbConfig?.databaseUser, DATABASE_USER_LIMIT),
    ],
  }),
  rule<FrappeSite>({
    id: 'S-DB-3',
    kind: 'FrappeSite',
    operations: CREATE_UPDATE,
    summary:
      'databaseName and databaseUser are used by no other site on the same database server, as either field ' +
      "(the account is named after the database, so a user named after another site's database is its " +
      'account; compared without case); names of the server itself (mysql*, sys, information_schema, ' +
      "performance_schema, root, mariadb.sys) and another site's generated names are denied. Warning when " +
      'databaseUser differs from databaseName: Frappe 14 and 15 connect as the database name, so the ' +
      'account is databaseName and databaseUser is not used.',
    check: ({ object, oldObject, namespace, view }) => {
      const { spec, metadata } = object;
      // Names are immutable once set (S-IMM-2): an UPDATE is judged only on a name it sets.
      const judged = (field: IdentifierField) => {
        const value = spec.dbConfig?.[field];
        return value === oldObject?.spec.dbConfig?.[field] ? undefined : value;
      };
      const ownNamespace = namespaceOf(object, namespace);
      let generated: ReturnType<IdentifierOwner['generated']> | undefined;
      const owner: IdentifierOwner = {
        namespace: ownNamespace,
        name: metadata.name ?? '',
        target: databaseTarget(spec.dbConfig, ownNamespace, metadata.name ?? ''),
        generated: () => (generated ??= defaultDatabaseIdentifiers(ownNamespace, spec.siteName ?? '')),
      };
      const name = judged('databaseName');
      const user = judged('databaseUser');
      // A user equal to the name (the default) is the same account: judged once, as the name.
      const sameAsName =
        name !== undefined && user !== undefined && identifierKey(user) === identifierKey(name);
      return [
        ...checkIdentifierOwnership('databaseName', name, owner, view),
        ...(sameAsName ? [] : checkIdentifierOwnership('databaseUser', user, owner, view)),
        ...(name !== undefined || user !== undefined ? unusedUserWarning(spec.dbConfig) : []),
      ];
    },
  }),
  rule<FrappeBench>({
    id: 'B-DB-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: "The bench's dbConfig obeys S-DB-1 (it is the default of its sites).",
    check: ({ object: { spec }, config }) =>
      checkDatabaseProvider('spec.dbConfig', spec.dbConfig, config.allowedDatabaseHosts),
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
