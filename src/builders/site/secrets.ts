// Secrets of a site. The passwords are generated once by the reconciler (crypto) and passed in:
// it applies the Secret only when it does not exist yet, so a password is never regenerated.
// Credentials of data that deletionPolicy Retain keeps (the database password, a dedicated
// MariaDB's root password, the Administrator password) are not owned by the site, so they outlive
// it and the retained database stays reachable; with Delete they are owned and go with it.
import type { Child } from '../child.js';
import { siteMetadata, type SiteContext } from './context.js';
import { PASSWORD_KEY, databaseConfig } from './database.js';

export const INIT_SECRET_KEYS = { dbPassword: 'db-password', adminPassword: 'admin-password' } as const;

function opaqueSecret(
  context: SiteContext,
  name: string,
  data: Record<string, string>,
  owned: boolean,
): Child {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: siteMetadata(context, name, 'secret', { owned }),
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]),
    ),
  };
}

export function databasePasswordSecret(context: SiteContext, password: string): Child {
  return opaqueSecret(
    context,
    context.names.databasePasswordSecret,
    { [PASSWORD_KEY]: password },
    context.dropsData,
  );
}

export function dedicatedRootSecret(context: SiteContext, password: string): Child | undefined {
  const config = databaseConfig(context);
  if ((config.provider ?? 'mariadb') !== 'mariadb' || config.mode !== 'dedicated') return undefined;
  return opaqueSecret(
    context,
    context.names.dedicatedMariadbRootSecret,
    { [PASSWORD_KEY]: password },
    context.dropsData,
  );
}

/** The Administrator password Secret when the site uses the default one; a Secret the user named is theirs. */
export function adminSecret(context: SiteContext, password: string): Child | undefined {
  const ref = context.site.spec.adminPasswordSecretRef ?? {};
  const sameNamespace = !ref.namespace || ref.namespace === context.namespace;
  if ((ref.name && ref.name !== context.names.adminSecret) || !sameNamespace) return undefined;
  return opaqueSecret(
    context,
    context.names.adminSecret,
    { [ref.key || PASSWORD_KEY]: password },
    context.dropsData,
  );
}

/** A key of a Secret, as a Job's secretKeyRef names it (in the Job's namespace). */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/** A key of a Secret in any namespace: where a password lives. */
export interface SecretSource extends SecretKeyRef {
  namespace: string;
}

export interface InitPasswords {
  /** Where the database and Administrator passwords live. */
  sources: { dbPassword: SecretSource; adminPassword: SecretSource };
  /** What the init Job reads: the sources themselves, or the `<s>-init` copies of them. */
  job: { dbPassword: SecretKeyRef; adminPassword: SecretKeyRef };
}

/**
 * Where the init Job reads the database and Administrator passwords. Straight from the site's own
 * Secrets when the admin Secret is in the site's namespace; from `<s>-init`, an owned copy the
 * reconciler writes and removes once the site exists, when it lives in a shared namespace (which
 * a Job's secretKeyRef cannot reach).
 */
export function initPasswords(context: SiteContext): InitPasswords {
  const { names, namespace } = context;
  const ref = context.site.spec.adminPasswordSecretRef ?? {};
  const sources = {
    dbPassword: { namespace, name: names.databasePasswordSecret, key: PASSWORD_KEY },
    adminPassword: {
      namespace: ref.namespace || namespace,
      name: ref.name || names.adminSecret,
      key: ref.key || PASSWORD_KEY,
    },
  };
  if (sources.adminPassword.namespace === namespace) return { sources, job: sources };
  return {
    sources,
    job: {
      dbPassword: { name: names.initSecret, key: INIT_SECRET_KEYS.dbPassword },
      adminPassword: { name: names.initSecret, key: INIT_SECRET_KEYS.adminPassword },
    },
  };
}

/** Whether the init Job reads `<s>-init` copies (the admin Secret lives in another namespace). */
export const readsCopies = (passwords: InitPasswords) =>
  passwords.sources.adminPassword.namespace !== passwords.sources.dbPassword.namespace;

/** `<s>-init`: the copies of the passwords, when the Job reads copies (readsCopies). */
export function initSecret(
  context: SiteContext,
  values: { dbPassword: string; adminPassword: string },
): Child {
  return opaqueSecret(
    context,
    context.names.initSecret,
    {
      [INIT_SECRET_KEYS.dbPassword]: values.dbPassword,
      [INIT_SECRET_KEYS.adminPassword]: values.adminPassword,
    },
    true,
  );
}
