// A multimap whose buckets are keyed by object key, so re-adding an object never duplicates it:
// the indexes of the cluster views (sites by bench, by domain…, HPAs by namespace).
export class MultiIndex<T> {
  private readonly buckets = new Map<string, Map<string, T>>();

  add(index: string | undefined, key: string, value: T): void {
    if (index === undefined) return;
    let bucket = this.buckets.get(index);
    if (!bucket) this.buckets.set(index, (bucket = new Map()));
    bucket.set(key, value);
  }

  remove(index: string | undefined, key: string): void {
    if (index === undefined) return;
    const bucket = this.buckets.get(index);
    bucket?.delete(key);
    if (bucket?.size === 0) this.buckets.delete(index);
  }

  get(index: string): T[] {
    const bucket = this.buckets.get(index);
    return bucket ? [...bucket.values()] : [];
  }

  clear(): void {
    this.buckets.clear();
  }
}
