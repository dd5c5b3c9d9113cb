// A small reflector: list, then watch from the list's resourceVersion, keeping a store of plain
// JSON objects and calling handlers on every change. A watch that ends (server timeout, idle
// timeout, network) resumes from the last resourceVersion seen (bookmarks keep it fresh); only a
// 410 Gone relists. Failures back off exponentially with jitter. Nothing runs after stop().
import type { Logger } from 'pino';
import { KubeApiError, type KubeHttp } from './kube-http.js';

export interface KubeObject {
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface ReflectorHandlers<T> {
  /**
   * After every list: the whole store was replaced (called once per list, before watch events);
   * `previous` is what it held before.
   */
  onReplace?(objects: readonly T[], previous: readonly T[]): void;
  onUpsert?(object: T, previous: T | undefined): void;
  onDelete?(object: T): void;
}

export interface ReflectorOptions<T extends KubeObject, S = T> {
  http: KubeHttp;
  /** Collection path, e.g. /apis/vyogo.tech/v1alpha1/frappesites */
  path: string;
  /** Extra query, e.g. `fieldSelector=metadata.name%3Dx` */
  query?: string;
  handlers: ReflectorHandlers<S>;
  /**
   * What the store keeps of each object (default: the object itself), e.g. the few fields a view
   * reads: an object is dropped as soon as it is transformed, so a large collection costs only that.
   */
  transform?: (object: T) => S;
  logger?: Logger;
  /** Server-side watch timeout; the server ends the watch and we resume. */
  watchTimeoutSeconds?: number;
  pageSize?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export const keyOf = (object: KubeObject) =>
  `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;

export class Reflector<T extends KubeObject, S = T> {
  readonly store = new Map<string, S>();
  private readonly transform: (object: T) => S;
  private resourceVersion = '';
  private synced = false;
  private readonly controller = new AbortController();
  private readonly syncWaiters: (() => void)[] = [];
  private failures = 0;

  constructor(private readonly options: ReflectorOptions<T, S>) {
    this.transform = options.transform ?? ((object) => object as unknown as S);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.controller.abort();
  }

  private get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        await this.watch();
        this.failures = 0;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof KubeApiError && error.statusCode === 410) {
          needList = true; // our resourceVersion is too old: start over from a fresh list
          continue;
        }
        this.failures++;
        this.options.logger?.warn(
          { path: this.options.path, err: error, failures: this.failures },
          'list/watch failed; retrying',
        );
        await this.sleep(this.backoffMs());
      }
    }
  }

  private async list(): Promise<void> {
    const objects = new Map<string, S>();
    let next = '';
    let version = '';
    do {
      const query = [
        `limit=${this.options.pageSize ?? 500}`,
        this.options.query,
        next && `continue=${encodeURIComponent(next)}`,
      ]
        .filter(Boolean)
        .join('&');
      const page = (await this.options.http.getJSON(`${this.options.path}?${query}`)) as {
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      for (const item of page.items ?? []) objects.set(keyOf(item), this.transform(item));
      next = page.metadata?.continue ?? '';
      version = page.metadata?.resourceVersion ?? version;
    } while (next);
    const previous = this.options.handlers.onReplace ? [...this.store.values()] : [];
    this.store.clear();
    for (const [key, object] of objects) this.store.set(key, object);
    this.resourceVersion = version;
    this.options.handlers.onReplace?.([...objects.values()], previous);
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private async watch(): Promise<void> {
    const timeout = this.options.watchTimeoutSeconds ?? 300;
    const query = [
      'watch=1',
      'allowWatchBookmarks=true',
      `timeoutSeconds=${timeout}`,
      `resourceVersion=${encodeURIComponent(this.resourceVersion)}`,
      this.options.query,
    ]
      .filter(Boolean)
      .join('&');
    await this.options.http.watch(
      `${this.options.path}?${query}`,
      (event) => this.apply(event as WatchEvent<T>),
      {
        signal: this.controller.signal,
        idleTimeoutMs: (timeout + 30) * 1000,
      },
    );
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object as unknown as { code?: number; message?: string };
      throw new KubeApiError(status.code ?? 500, status.message ?? 'watch error');
    }
    const object = event.object;
    const version = object?.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (event.type === 'BOOKMARK' || !object?.metadata) return;
    const key = keyOf(object);
    const stored = this.transform(object);
    if (event.type === 'DELETED') {
      this.store.delete(key);
      this.options.handlers.onDelete?.(stored);
    } else {
      const previous = this.store.get(key);
      this.store.set(key, stored);
      this.options.handlers.onUpsert?.(stored, previous);
    }
  }

  private backoffMs(): number {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 30_000 };
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures - 1, 20));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.controller.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}
