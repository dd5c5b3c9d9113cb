// Generated database identifiers (API.md §4). The hash is taken over `<namespace>/<siteName>`,
// not metadata.name, so the name is known at CREATE even when the client used generateName.
import { DATABASE_NAME_LIMIT } from '../api/database-identifiers.js';

// Printable ASCII covers host names; anything else takes the encoder.
const ASCII = /^[ -~]*$/;

/** FNV-1a 32-bit over the UTF-8 bytes of text, as 8 lower-case hex characters. */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  // Host names are ASCII: their UTF-8 bytes are their char codes, no encoding needed.
  const bytes = ASCII.test(text) ? text : new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i++) {
    hash ^= typeof bytes === 'string' ? bytes.charCodeAt(i) : (bytes[i] as number);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** siteName with every character outside [A-Za-z0-9_] as `_`, runs of `_` collapsed, trimmed. */
export function identifierSafe(siteName: string): string {
  // One pass (this runs on every site admission): keep [A-Za-z0-9_], turn any run of other
  // characters and underscores into one `_`, drop it at either end.
  let safe = '';
  let pendingUnderscore = false;
  for (let i = 0; i < siteName.length; i++) {
    const code = siteName.charCodeAt(i);
    const alphanumeric =
      (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    if (!alphanumeric) {
      pendingUnderscore = true;
      continue;
    }
    if (pendingUnderscore && safe !== '') safe += '_';
    pendingUnderscore = false;
    safe += siteName[i];
  }
  return safe;
}

/** The user name earlier versions generated, `u<h>_<s>` cut to 32 (stored sites keep it, S-IMM-2). */
const LEGACY_USER_LIMIT = 32;

/**
 * The generated names of a site: the database `_<h>_<s>` cut to 64, and its user, the same name.
 * The account is named after the database because Frappe 14 and 15 connect as db_name (see
 * databaseAccount in src/builders/site/database.ts), so a user named otherwise would not be the
 * one that runs. `legacyUser` is what earlier versions defaulted the user to: still this site's
 * own name (S-DB-3), never another's.
 */
export function defaultDatabaseIdentifiers(
  namespace: string,
  siteName: string,
): { databaseName: string; databaseUser: string; legacyUser: string } {
  const hash = fnv1a32(`${namespace}/${siteName}`);
  const safe = identifierSafe(siteName);
  const databaseName = `_${hash}_${safe}`.slice(0, DATABASE_NAME_LIMIT);
  return {
    databaseName,
    databaseUser: databaseName,
    legacyUser: `u${hash}_${safe}`.slice(0, LEGACY_USER_LIMIT),
  };
}
