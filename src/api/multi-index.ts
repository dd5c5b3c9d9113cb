// A multimap whose buckets are keyed by object key, so re-adding an object never duplicates it:
// the indexes of the cluster views (sites by bench, by domain…, HPAs by namespace). Most buckets
// (a domain, a database name) hold one object: it is stored as is, and only a second one turns
// the bucket into a Map. At 10,000 sites that halves the index's heap (one small Map costs more
// than the summary it holds).
interface Single<T> {
  key: string;
  value: T;
}

export class MultiIndex<T> {
  private readonly buckets = new Map<string, Single<T> | Map<string, T>>();

  add(index: string | undefined, key: string, value: T): void {
    if (index === undefined) return;
    const bucket = this.buckets.get(index);
    if (bucket === undefined || (!(bucket instanceof Map) && bucket.key === key)) {
      this.buckets.set(index, { key, value });
    } else if (bucket instanceof Map) {
      bucket.set(key, value);
    } else {
      this.buckets.set(
        index,
        new Map([
          [bucket.key, bucket.value],
          [key, value],
        ]),
      );
    }
  }

  remove(index: string | undefined, key: string): void {
    if (index === undefined) return;
    const bucket = this.buckets.get(index);
    if (bucket === undefined) return;
    if (!(bucket instanceof Map)) {
      if (bucket.key === key) this.buckets.delete(index);
      return;
    }
    bucket.delete(key);
    const rest = bucket.entries().next();
    if (bucket.size === 1 && !rest.done)
      this.buckets.set(index, { key: rest.value[0], value: rest.value[1] });
  }

  get(index: string): T[] {
    const bucket = this.buckets.get(index);
    if (bucket === undefined) return [];
    return bucket instanceof Map ? [...bucket.values()] : [bucket.value];
  }

  clear(): void {
    this.buckets.clear();
  }
}
