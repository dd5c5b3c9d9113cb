// Serving certificate from files, reloaded without a restart. A mounted Secret changes by an
// atomic swap of its `..data` symlink, so the directory is watched (not the files) and, as a
// safety net for missed events, the files are polled. The pair is swapped only when the bytes
// changed and the new pair loads; a bad read keeps the last good certificate.
import { X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

export interface CertificateWatcherOptions {
  certFile: string;
  keyFile: string;
  /** Called with every new valid pair (not with the first one, which start() returns). */
  onChange: (pair: KeyPair) => void;
  /** notAfter of the certificate in use, as Unix seconds. */
  onExpiry?: (unixSeconds: number) => void;
  logger?: Logger;
  pollIntervalMs?: number;
}

/** Parses and checks a pair: throws when the certificate does not parse or the key does not match it. */
export function checkKeyPair(pair: KeyPair): X509Certificate {
  const certificate = new X509Certificate(pair.cert);
  createSecureContext({ cert: pair.cert, key: pair.key }); // throws on a key that does not match
  return certificate;
}

export class CertificateWatcher {
  private current?: KeyPair;
  private readonly watchers: FSWatcher[] = [];
  private poller?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(private readonly options: CertificateWatcherOptions) {}

  /** Reads the pair once (failing fast on a bad one), then watches for changes. */
  async start(): Promise<KeyPair> {
    const pair = await this.read();
    this.use(pair, checkKeyPair(pair));
    const directories = new Set([dirname(this.options.certFile), dirname(this.options.keyFile)]);
    for (const directory of directories) {
      const watcher = watch(directory, () => void this.check());
      watcher.on('error', (error) =>
        this.options.logger?.warn({ err: error }, 'certificate directory watch failed; polling'),
      );
      watcher.unref();
      this.watchers.push(watcher);
    }
    this.poller = setInterval(() => void this.check(), this.options.pollIntervalMs ?? 10_000);
    this.poller.unref();
    return pair;
  }

  stop(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
    clearInterval(this.poller);
  }

  /** Re-reads the files; swaps when they changed and load. Concurrent calls share one read. */
  check(): Promise<void> {
    this.checking ??= this.reload().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async reload(): Promise<void> {
    let pair: KeyPair;
    try {
      pair = await this.read();
    } catch (error) {
      this.options.logger?.warn(
        { err: error },
        'cannot read the serving certificate; keeping the current one',
      );
      return;
    }
    if (this.current && pair.cert.equals(this.current.cert) && pair.key.equals(this.current.key)) return;
    let certificate: X509Certificate;
    try {
      certificate = checkKeyPair(pair);
    } catch (error) {
      // Mid-rotation the certificate and key may briefly disagree: the next event or poll retries.
      this.options.logger?.warn(
        { err: error },
        'new serving certificate does not load; keeping the current one',
      );
      return;
    }
    this.use(pair, certificate);
    this.options.onChange(pair);
    this.options.logger?.info(
      { serial: certificate.serialNumber, notAfter: certificate.validTo },
      'serving certificate reloaded',
    );
  }

  private use(pair: KeyPair, certificate: X509Certificate): void {
    this.current = pair;
    this.options.onExpiry?.(Math.floor(new Date(certificate.validTo).getTime() / 1000));
  }

  private async read(): Promise<KeyPair> {
    const [cert, key] = await Promise.all([readFile(this.options.certFile), readFile(this.options.keyFile)]);
    return { cert, key };
  }
}
