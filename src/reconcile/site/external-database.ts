// The external provider (dbConfig.provider external): the controller itself creates the site's
// database, user and grant over SQL with the admin credentials of connectionSecretRef, through one
// circuit breaker per server (src/database). A site whose database was made for exactly these
// server, names and password (a fingerprint in status) needs no connection at all, so a site at
// rest never touches its server.
import { portNumber } from '../../api/values.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { blockedHostProblem } from '../../api/network-targets.js';
import { shortHash } from '../../builders/child.js';
import { siteDatabaseAccount } from '../../builders/site/index.js';
import { CircuitOpenError } from '../../database/circuit-breakers.js';
import { ExternalDatabaseError } from '../../database/errors.js';
import type { AdminCredentials } from '../../database/external-mariadb.js';
import type { ReconcileContext } from '../context.js';
import { readSecret, secretKey } from '../secret-values.js';

export interface DatabaseProblem {
  reason: string;
  message: string;
  /** Needs a user or an outside fix (Stalled). */
  failed?: boolean;
}

export interface DatabaseOutcome {
  problem?: DatabaseProblem;
  /** Where Frappe reaches the database, when known. */
  endpoint?: { host: string; port: number; database: string };
  /** The fingerprint of what was provisioned (status.databaseStatus.provisioned). */
  provisioned?: string;
  requeueAfterMs?: number;
}

const DEFAULT_PORT = 3306;
/** After a connection error (the breaker is still closed): try again soon, the breaker bounds it. */
const CONNECTION_RETRY_MS = 2_000;
/** After an error that is the request's fault (access denied…): a person has to act. */
const FAULT_RETRY_MS = 5 * 60_000;

/** The admin credentials: host and port from the spec when set, else from the Secret. */
async function adminCredentials(
  site: FrappeSite,
  context: ReconcileContext,
): Promise<{ admin: AdminCredentials; version: string } | DatabaseProblem> {
  const config = site.spec.dbConfig ?? {};
  const ref = config.connectionSecretRef;
  const namespace = ref?.namespace || site.metadata.namespace || '';
  const secret = ref?.name ? await readSecret(namespace, ref.name, context) : undefined;
  if (!secret)
    return {
      reason: 'SecretMissing',
      message: `the connection Secret ${ref?.name ?? '(none)'} does not exist`,
    };
  const host = config.host || secretKey(secret, 'host') || '';
  const port = portNumber(config.port) ?? portNumber(secretKey(secret, 'port')) ?? DEFAULT_PORT;
  const password = secretKey(secret, 'password');
  if (host === '' || password === undefined)
    return {
      reason: 'SecretIncomplete',
      message: `the connection Secret ${ref?.name} needs the keys host (unless dbConfig.host is set) and password`,
      failed: true,
    };
  // The host a tenant wrote (or put in a Secret) is reached from the operator's network position.
  const blocked = blockedHostProblem(host, context.config.allowedDatabaseHosts);
  if (blocked)
    return { reason: 'HostNotAllowed', message: `database host ${host}: ${blocked}`, failed: true };
  return {
    admin: { host, port, user: secretKey(secret, 'username') || 'root', password },
    version: secret.metadata?.resourceVersion ?? '',
  };
}

export async function provisionExternal(
  site: FrappeSite,
  bench: FrappeBench,
  passwordSecret: string,
  context: ReconcileContext,
): Promise<DatabaseOutcome> {
  const database = context.externalDatabase;
  if (!database)
    return {
      problem: {
        reason: 'ExternalProviderOff',
        message: 'the external provider is not enabled',
        failed: true,
      },
    };
  const credentials = await adminCredentials(site, context);
  if ('reason' in credentials)
    return { problem: credentials, requeueAfterMs: credentials.failed ? FAULT_RETRY_MS : 30_000 };
  const { admin } = credentials;
  const namespace = site.metadata.namespace ?? '';
  const sitePassword = secretKey(await readSecret(namespace, passwordSecret, context), 'password');
  if (sitePassword === undefined)
    return {
      problem: { reason: 'Waiting', message: `waiting for the Secret ${passwordSecret}` },
      requeueAfterMs: 1_000,
    };
  const account = siteDatabaseAccount(site, bench);
  const endpoint = { host: admin.host, port: admin.port, database: account.database };
  const target = `${admin.host.toLowerCase()}:${admin.port}`;
  // The password enters the fingerprint only hashed with everything else: never readable from status.
  const provisioned = shortHash({ target, ...account, sitePassword, admin: credentials.version });
  if (
    site.status?.databaseStatus?.provisioned === provisioned &&
    site.status.databaseStatus.phase === 'Ready'
  )
    return { endpoint, provisioned };
  try {
    await database.ensure(admin, { ...account, password: sitePassword });
    return { endpoint, provisioned };
  } catch (error) {
    if (error instanceof CircuitOpenError) {
      const retryAt = error.retryAt.toISOString();
      const message = `the circuit to ${target} is open after repeated connection failures; next attempt at ${retryAt}`;
      context.events.record(site, 'Warning', 'CircuitOpen', 'ProvisionDatabase', message);
      return {
        problem: { reason: 'CircuitOpen', message },
        endpoint,
        requeueAfterMs: Math.max(1_000, error.retryAt.getTime() - context.now().getTime()),
      };
    }
    if (error instanceof ExternalDatabaseError && error.connectionLevel)
      return {
        problem: { reason: 'ConnectionFailed', message: error.message },
        endpoint,
        requeueAfterMs: CONNECTION_RETRY_MS,
      };
    const message = error instanceof Error ? error.message : String(error);
    context.events.record(site, 'Warning', 'DatabaseError', 'ProvisionDatabase', message);
    return {
      problem: { reason: 'DatabaseError', message, failed: true },
      endpoint,
      requeueAfterMs: FAULT_RETRY_MS,
    };
  }
}

/** deletionPolicy Delete: drops the database and the user; resolves whether it is done. */
export async function dropExternal(
  site: FrappeSite,
  bench: FrappeBench,
  context: ReconcileContext,
): Promise<{ done: boolean; requeueAfterMs?: number }> {
  const database = context.externalDatabase;
  const credentials = await adminCredentials(site, context);
  if (!database || 'reason' in credentials) {
    context.events.record(
      site,
      'Warning',
      'DropFailed',
      'DropDatabase',
      `cannot drop the database: ${'reason' in credentials ? credentials.message : 'the external provider is not enabled'}`,
    );
    return { done: false, requeueAfterMs: 60_000 };
  }
  try {
    await database.drop(credentials.admin, siteDatabaseAccount(site, bench));
    return { done: true };
  } catch (error) {
    const retryAt =
      error instanceof CircuitOpenError
        ? error.retryAt.getTime() - context.now().getTime()
        : CONNECTION_RETRY_MS;
    context.events.record(
      site,
      'Warning',
      'DropFailed',
      'DropDatabase',
      error instanceof Error ? error.message : String(error),
    );
    return { done: false, requeueAfterMs: Math.max(1_000, retryAt) };
  }
}
