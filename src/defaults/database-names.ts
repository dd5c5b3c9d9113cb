// Generated database identifiers (API.md §4). The hash is taken over `<namespace>/<siteName>`,
// not metadata.name, so the name is known at CREATE even when the client used generateName.

/** MariaDB/MySQL identifier limits: database names 64, user names 32 (MySQL ≥ 5.7.8 and MariaDB). */
export const DATABASE_NAME_LIMIT = 64;
export const DATABASE_USER_LIMIT = 32;
export const DATABASE_IDENTIFIER = /^[A-Za-z0-9_]+$/;

/** FNV-1a 32-bit over the UTF-8 bytes of text, as 8 lower-case hex characters. */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** siteName with every character outside [A-Za-z0-9_] as `_`, runs of `_` collapsed, trimmed. */
export function identifierSafe(siteName: string): string {
  return siteName
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

export function defaultDatabaseName(namespace: string, siteName: string): string {
  return `_${fnv1a32(`${namespace}/${siteName}`)}_${identifierSafe(siteName)}`.slice(0, DATABASE_NAME_LIMIT);
}

export function defaultDatabaseUser(namespace: string, siteName: string): string {
  return `u${fnv1a32(`${namespace}/${siteName}`)}_${identifierSafe(siteName)}`.slice(0, DATABASE_USER_LIMIT);
}
