// Copy-on-write defaulting that records its own JSON Patch. The input is never mutated and never
// deep-cloned: only the objects on the path to a filled field are copied (shallowly), and each
// absent subtree becomes one `add` operation whose value later fills extend in place. So the
// patch is minimal and computed against the raw object the API server sent, and applying it to
// that object gives `root` exactly.
import type { PatchOperation } from '../api/admission-types.js';

import { isAbsent, isObject, valueAt, type JsonObject as Json } from '../api/json.js';

export function escapePointerSegment(segment: string): string {
  return segment.includes('~') || segment.includes('/')
    ? segment.replaceAll('~', '~0').replaceAll('/', '~1')
    : segment;
}

/** The JSON Pointer of the first `length` segments of path. */
function pointerTo(path: readonly string[], length: number): string {
  let pointer = '';
  for (let i = 0; i < length; i++) pointer += '/' + escapePointerSegment(path[i] as string);
  return pointer;
}

/** A copy of a JSON value that shares nothing with it (defaults come from a config reused by every request). */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (!isObject(value)) return value;
  const copy: Json = {};
  for (const key in value) copy[key] = copyOf(value[key]);
  return copy;
}

export class DefaultsRecorder {
  readonly root: Json;
  readonly patch: PatchOperation[] = [];
  // A recorder lives for one decision, so plain Sets (cheaper than WeakSets) hold nothing for long.
  /** Objects of the input this recorder copied (shallowly) on the way to a fill: safe to write to. */
  private readonly copied = new Set<object>();
  /**
   * The value of each `add` operation. Everything below one was made by this recorder (values are
   * copied whole), so a fill below it writes in place and extends that operation: only the root
   * of an added subtree is marked, not every object in it.
   */
  private readonly added = new Set<object>();

  constructor(input: Json) {
    this.root = { ...input };
    this.copied.add(this.root);
  }

  /** The value at path in the defaulted object, or undefined. */
  get(path: readonly string[]): unknown {
    return valueAt(this.root, path);
  }

  /**
   * Sets path to value when it is absent, creating absent parents. Returns the value now at the
   * path. A present non-object parent (a schema error) is left alone: nothing is filled.
   */
  fill<T>(path: readonly string[], value: T): unknown {
    // Read first: a present leaf (the common case once an object has been defaulted) copies nothing.
    let node: Json = this.root;
    let depth = 0;
    for (; depth < path.length; depth++) {
      const child = node[path[depth] as string];
      if (isAbsent(child)) break;
      if (depth === path.length - 1) return child;
      if (!isObject(child)) return undefined;
      node = child;
    }
    // path[depth] is absent: make its parents writable (copies of the input's objects, until an
    // added subtree is reached, which is ours), then add the subtree.
    node = this.root;
    let insideAdded = false;
    for (let i = 0; i < depth; i++) {
      const key = path[i] as string;
      const child = node[key] as Json;
      insideAdded ||= this.added.has(child);
      if (!insideAdded && !this.copied.has(child)) {
        const copy = { ...child };
        this.copied.add(copy);
        node[key] = copy;
        node = copy;
      } else node = child;
    }
    let subtree = copyOf(value);
    for (let i = path.length - 1; i > depth; i--) subtree = { [path[i] as string]: subtree };
    node[path[depth] as string] = subtree;
    if (!insideAdded) {
      this.patch.push({ op: 'add', path: pointerTo(path, depth + 1), value: subtree });
      if (isObject(subtree)) this.added.add(subtree);
    }
    return value;
  }
}
