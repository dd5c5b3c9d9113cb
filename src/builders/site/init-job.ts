// Job `<s>-init`: `bench new-site --no-setup-db` on the database mariadb-operator (or the operator,
// for an external server) has already made; scripts/new-site.sh says how it stays idempotent.
import type { Child } from '../child.js';
import type { SiteContext } from './context.js';
import { databaseAccount, databaseConfig, databaseEndpoint, databaseName } from './database.js';
import { secretEnv, siteJob, type EnvVar } from './job.js';
import { scriptText } from './scripts.js';
import { initPasswords } from './secrets.js';

/** Installing ERPNext and its apps takes minutes; a stuck install is cut off after an hour. */
export const INIT_DEADLINE_SECONDS = 3600;
export const INIT_BACKOFF_LIMIT = 3;

export function initJob(context: SiteContext, jobTTLSeconds: number): Child {
  const { names, site } = context;
  const passwords = initPasswords(context).job;
  return siteJob(context, {
    name: names.initJob,
    component: 'init',
    script: scriptText('new-site.sh'),
    env: [
      { name: 'SITE_NAME', value: site.spec.siteName },
      { name: 'DB_NAME', value: databaseName(context) },
      ...hostEnv(context),
      { name: 'DB_USER', value: databaseAccount(context) },
      secretEnv('DB_PASSWORD', passwords.dbPassword.name, passwords.dbPassword.key),
      secretEnv('ADMIN_PASSWORD', passwords.adminPassword.name, passwords.adminPassword.key),
      { name: 'INSTALL_APPS', value: (site.spec.apps ?? []).join(' ') },
    ],
    backoffLimit: INIT_BACKOFF_LIMIT,
    activeDeadlineSeconds: INIT_DEADLINE_SECONDS,
    ttlSecondsAfterFinished: jobTTLSeconds,
  });
}

/**
 * DB_HOST and DB_PORT: from the endpoint when it is known; for an external server whose host is
 * only in its connection Secret, from that Secret (keys host and port, as its description says).
 */
function hostEnv(context: SiteContext): EnvVar[] {
  const endpoint = databaseEndpoint(context);
  if (endpoint) {
    return [
      { name: 'DB_HOST', value: endpoint.host },
      { name: 'DB_PORT', value: String(endpoint.port) },
    ];
  }
  const secret = databaseConfig(context).connectionSecretRef?.name ?? '';
  return [
    secretEnv('DB_HOST', secret, 'host'),
    // A connection Secret without a port means MariaDB's (new-site.sh falls back to 3306).
    secretEnv('DB_PORT', secret, 'port', true),
  ];
}
