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

export class DefaultsRecorder {
  readonly root: Json;
  readonly patch: PatchOperation[] = [];
  // A recorder lives for one decision, so plain Sets (cheaper than WeakSets) hold nothing for long.
  /** Objects this recorder created or copied: safe to write to. */
  private readonly owned = new Set<object>();
  /** Objects created inside an `add` operation's value: filling them extends that operation. */
  private readonly added = new Set<object>();

  constructor(input: Json) {
    this.root = { ...input };
    this.owned.add(this.root);
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
    // path[depth] is absent: make its parents writable, then add the subtree.
    node = this.root;
    for (let i = 0; i < depth; i++) {
      const key = path[i] as string;
      node = this.writable(node, key, node[key] as Json);
    }
    const subtree = this.nest(path, depth + 1, value);
    node[path[depth] as string] = subtree;
    if (!this.added.has(node))
      this.patch.push({ op: 'add', path: pointerTo(path, depth + 1), value: subtree });
    return value;
  }

  private adopt(object: Json): void {
    this.owned.add(object);
    this.added.add(object);
  }

  private writable(parent: Json, key: string, child: Json): Json {
    if (this.owned.has(child)) return child;
    const copy = { ...child };
    if (this.added.has(parent)) this.adopt(copy);
    else this.owned.add(copy);
    parent[key] = copy;
    return copy;
  }

  /** Wraps value in objects for the rest of the path; the caller's value is copied, not adopted. */
  private nest(path: readonly string[], from: number, value: unknown): unknown {
    let subtree: unknown = isObject(value) ? { ...value } : value;
    if (isObject(subtree)) this.adopt(subtree);
    for (let i = path.length - 1; i >= from; i--) {
      const wrapper: Json = { [path[i] as string]: subtree };
      this.adopt(wrapper);
      subtree = wrapper;
    }
    return subtree;
  }
}
