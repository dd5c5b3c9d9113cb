// Generated database identifiers (API.md §4). The hash is taken over `<namespace>/<siteName>`,
// not metadata.name, so the name is known at CREATE even when the client used generateName.
import { DATABASE_NAME_LIMIT, DATABASE_USER_LIMIT } from '../api/database-identifiers.js';

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

/** The generated database name and user of a site: `_<h>_<s>` cut to 64, `u<h>_<s>` cut to 32. */
export function defaultDatabaseIdentifiers(
  namespace: string,
  siteName: string,
): { databaseName: string; databaseUser: string } {
  const hash = fnv1a32(`${namespace}/${siteName}`);
  const safe = identifierSafe(siteName);
  return {
    databaseName: `_${hash}_${safe}`.slice(0, DATABASE_NAME_LIMIT),
    databaseUser: `u${hash}_${safe}`.slice(0, DATABASE_USER_LIMIT),
  };
}
