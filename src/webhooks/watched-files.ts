// A set of files read together and re-read when they change, without a restart (the serving
// certificate and key, the client CA). A mounted Secret or ConfigMap changes by an atomic swap of
// its `..data` symlink, so the directories are watched (not the files) and, as a safety net for
// missed events, the files are polled. The value is replaced only when the bytes changed and the
// new set loads; a bad read keeps the last good value. What the files mean is the caller's `load`.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';

export interface WatchedFilesOptions<T> {
  files: readonly string[];
  /** What the files hold, for log lines: "serving certificate", "client CA". */
  subject: string;
  /** The value of the files' contents (in the order of `files`); throws when they do not load. */
  load: (contents: Buffer[]) => T;
  /** Called with every new value (not with the first one, which start() returns). */
  onChange: (value: T) => void;
  logger?: Logger;
  pollIntervalMs?: number;
  /** Reads one file; fs/promises' readFile unless a test injects a slow or in-memory one. */
  readFile?: (path: string) => Promise<Buffer>;
}

/**
 * Whether a change to `name` in a watched directory may change the files: one of them, or the
 * kubelet's atomic writer at work (`..data`, `..data_tmp`, `..<timestamp>`); any name when the
 * platform gives none. Other files there (a log beside the certificate, say) cost no read.
 */
export function concerns(name: string | Buffer | null, files: ReadonlySet<string>): boolean {
  if (name === null) return true;
  const text = name.toString();
  return text.startsWith('..') || files.has(text);
}

export class WatchedFiles<T> {
  private current?: Buffer[];
  private readonly watchers: FSWatcher[] = [];
  private poller?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private rerun?: Promise<void>;

  constructor(private readonly options: WatchedFilesOptions<T>) {}

  /** Reads and loads the files once (failing fast on a bad set), then watches for changes. */
  async start(): Promise<T> {
    const contents = await this.read();
    let value: T;
    try {
      value = this.options.load(contents);
    } catch (error) {
      throw new Error(`${this.options.files.join(', ')}: ${(error as Error).message}`, { cause: error });
    }
    this.current = contents;
    for (const directory of new Set(this.options.files.map((file) => dirname(file)))) {
      const names = new Set(
        this.options.files.filter((file) => dirname(file) === directory).map((file) => basename(file)),
      );
      const watcher = watch(directory, (_event, name) => {
        if (concerns(name, names)) void this.check();
      });
      watcher.on('error', (error) =>
        this.options.logger?.warn({ err: error }, `${this.options.subject} directory watch failed; polling`),
      );
      watcher.unref();
      this.watchers.push(watcher);
    }
    this.poller = setInterval(() => void this.check(), this.options.pollIntervalMs ?? 10_000);
    this.poller.unref();
    return value;
  }

  stop(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
    clearInterval(this.poller);
  }

  /**
   * Re-reads the files; replaces the value when they changed and load. A call made while a read
   * is in flight cannot join it: that read may have seen the files before the change being
   * reported (a rotation's `..data_tmp` event starts a read, its `..data` rename lands during it).
   * So it gets one more read after the current one, shared by every call made until that starts.
   */
  check(): Promise<void> {
    if (!this.reading) {
      this.reading = this.reload().finally(() => (this.reading = undefined));
      return this.reading;
    }
    const next = () => {
      this.rerun = undefined;
      return this.check();
    };
    this.rerun ??= this.reading.then(next, next);
    return this.rerun;
  }

  private async reload(): Promise<void> {
    const { subject, logger } = this.options;
    let contents: Buffer[];
    try {
      contents = await this.read();
    } catch (error) {
      logger?.warn({ err: error }, `cannot read the ${subject}; keeping the current one`);
      return;
    }
    if (this.current && contents.every((bytes, i) => bytes.equals(this.current![i]!))) return;
    let value: T;
    try {
      value = this.options.load(contents);
    } catch (error) {
      // Mid-rotation a certificate and its key may briefly disagree: the next event or poll retries.
      logger?.warn({ err: error }, `new ${subject} does not load; keeping the current one`);
      return;
    }
    this.current = contents;
    this.options.onChange(value);
  }

  private read(): Promise<Buffer[]> {
    const read = this.options.readFile ?? readFile;
    return Promise.all(this.options.files.map((file) => read(file)));
  }
}
