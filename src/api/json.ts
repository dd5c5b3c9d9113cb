// Small helpers over plain JSON values, shared by defaults, policies and the CLI.

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Absent in the API's sense: missing or null (the API server drops nulls from custom resources). */
export const isAbsent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** Freezes value and everything below it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The value at path in a JSON object, or undefined when any step is missing or not an object. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as JsonObject)[key];
  }
  return node;
}

/**
 * Structural equality of JSON values; an undefined member equals a missing one. Rules compare
 * subtrees of both objects on every UPDATE, so it walks them without building key lists.
 */
export function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as JsonObject;
  const y = b as JsonObject;
  // Members of x, each equal to y's; then y may have no defined member more.
  let members = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    if (!Object.hasOwn(y, key) || !sameJSON(x[key], y[key])) return false;
    members++;
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) members--;
  return members === 0;
}

/** Segments of a field path as kubectl prints it: `spec.apps[0].name`, `metadata.annotations[a.b/c]`. */
export function fieldPathSegments(path: string): string[] {
  const segments: string[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g))
    segments.push((match[1] ?? match[2]) as string);
  return segments;
}

/** The value at a kubectl-style field path (see fieldPathSegments), or undefined. */
export const valueAtFieldPath = (root: unknown, path: string) => valueAt(root, fieldPathSegments(path));
