// Copy-on-write defaulting that records its own JSON Patch. Neither the input nor a default value
// (the operator config's, deep-frozen, shared by every request) is ever mutated or deep-cloned:
// only the objects on the path to a filled field are copied (shallowly), and each absent subtree
// becomes one `add` operation whose value later fills extend in place. So the patch is minimal and
// computed against the raw object the API server sent, and applying it to that object gives `root`
// exactly.
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

/** An added subtree's root: its operation, and the object and key it sits at. */
interface AddedValue {
  operation: PatchOperation;
  parent: Json;
  key: string;
}

export class DefaultsRecorder {
  readonly root: Json;
  readonly patch: PatchOperation[] = [];
  // A recorder lives for one decision, so plain Sets (cheaper than WeakSets) hold nothing for long.
  /**
   * Objects this recorder made (the root, shallow copies, the objects of added subtrees): safe to
   * write to. Any other object is the input's or a default's, shared, and copied before a write.
   */
  private readonly owned = new Set<object>();
  /**
   * The value of each `add` operation, and where it sits. A fill below one writes in place (copying
   * shared objects on the way) and so extends that operation: only the root of an added subtree is
   * marked. A shared value at the root is copied when a fill first writes below it, and the
   * operation then carries the copy.
   */
  private readonly added = new Map<object, AddedValue>();

  constructor(input: Json) {
    this.root = this.own({ ...input });
  }

  private own<T extends object>(object: T): T {
    this.owned.add(object);
    return object;
  }

  /** The value at path in the defaulted object, or undefined. */
  get(path: readonly string[]): unknown {
    return valueAt(this.root, path);
  }

  /**
   * fill with a value built only when the path is absent: a default that costs allocation to make
   * (generated names, whole subtrees) is not made for an object that already has it, as every
   * UPDATE's objects do.
   */
  fillBuilt<T>(path: readonly string[], build: () => T): unknown {
    const present = this.get(path);
    return isAbsent(present) ? this.fill(path, build()) : present;
  }

  /**
   * Sets path to value when it is absent, creating absent parents. Returns the value now at the
   * path. A present non-object parent (a schema error) is left alone: nothing is filled. The
   * value is shared, not copied: it must not change later (the operator config is deep-frozen).
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
    // path[depth] is absent: make its parents ours (shallow copies of shared objects, also inside
    // an added subtree, whose operation then sees the write), then add the subtree.
    node = this.root;
    let insideAdded = false;
    for (let i = 0; i < depth; i++) {
      const key = path[i] as string;
      const child = node[key] as Json;
      const added = this.added.get(child);
      const addedHere = added !== undefined && added.parent === node && added.key === key;
      insideAdded ||= addedHere;
      if (this.owned.has(child)) {
        node = child;
        continue;
      }
      const copy = this.own({ ...child });
      node[key] = copy;
      if (addedHere) {
        added.operation.value = copy;
        this.added.delete(child);
        this.added.set(copy, added);
      }
      node = copy;
    }
    // The value itself goes in, shared (copied on a later write below it); a value that is
    // already an operation's root elsewhere goes in as a copy, so each root is one object.
    let subtree: unknown = isObject(value) && this.added.has(value) ? this.own({ ...value }) : value;
    for (let i = path.length - 1; i > depth; i--) subtree = this.own({ [path[i] as string]: subtree });
    node[path[depth] as string] = subtree;
    if (!insideAdded) {
      const operation: PatchOperation = { op: 'add', path: pointerTo(path, depth + 1), value: subtree };
      this.patch.push(operation);
      if (isObject(subtree)) this.added.set(subtree, { operation, parent: node, key: path[depth] as string });
    }
    return value;
  }
}
