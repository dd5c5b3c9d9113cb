// The serving certificate and the client CA, from files reloaded without a restart (the reading,
// watching and keeping of the last good set is watched-files.ts). The serving pair is swapped only
// when it loads, i.e. the certificate parses and the key matches it.
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { WatchedFiles } from './watched-files.js';

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
  /** Reads one file; tests inject a slow or in-memory one. */
  readFile?: (path: string) => Promise<Buffer>;
}

/** Parses and checks a pair: throws when the certificate does not parse or the key does not match it. */
export function checkKeyPair(pair: KeyPair): X509Certificate {
  const certificate = new X509Certificate(pair.cert);
  createSecureContext({ cert: pair.cert, key: pair.key }); // throws on a key that does not match
  return certificate;
}

interface LoadedPair {
  pair: KeyPair;
  certificate: X509Certificate;
}

export class CertificateWatcher {
  private readonly files: WatchedFiles<LoadedPair>;

  constructor(private readonly options: CertificateWatcherOptions) {
    this.files = new WatchedFiles<LoadedPair>({
      files: [options.certFile, options.keyFile],
      subject: 'serving certificate',
      load: ([cert, key]) => {
        const pair = { cert: cert!, key: key! };
        return { pair, certificate: checkKeyPair(pair) };
      },
      onChange: ({ pair, certificate }) => {
        this.reportExpiry(certificate);
        options.onChange(pair);
        options.logger?.info(
          { serial: certificate.serialNumber, notAfter: certificate.validTo },
          'serving certificate reloaded',
        );
      },
      logger: options.logger,
      pollIntervalMs: options.pollIntervalMs,
      readFile: options.readFile,
    });
  }

  /** Reads the pair once (failing fast on a bad one), then watches for changes. */
  async start(): Promise<KeyPair> {
    const { pair, certificate } = await this.files.start();
    this.reportExpiry(certificate);
    return pair;
  }

  stop(): void {
    this.files.stop();
  }

  /** Re-reads the files; swaps when they changed and load (see WatchedFiles.check). */
  check(): Promise<void> {
    return this.files.check();
  }

  private reportExpiry(certificate: X509Certificate): void {
    this.options.onExpiry?.(Math.floor(new Date(certificate.validTo).getTime() / 1000));
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Parses a CA bundle (one or more PEM certificates): throws unless every certificate parses and
 * is a CA. node's TLS takes any bytes as `ca` without complaint, so a garbled file would otherwise
 * refuse every client silently.
 */
export function checkCABundle(bundle: Buffer): X509Certificate[] {
  const blocks = bundle.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in the CA file');
  return blocks.map((block) => {
    const certificate = new X509Certificate(block);
    if (!certificate.ca) throw new Error(`${certificate.subject.replaceAll('\n', ', ')} is not a CA`);
    return certificate;
  });
}

export interface ClientCAWatcherOptions {
  caFile: string;
  /** Called with every new valid bundle (not with the first one, which start() returns). */
  onChange: (bundle: Buffer) => void;
  logger?: Logger;
  pollIntervalMs?: number;
  readFile?: (path: string) => Promise<Buffer>;
}

/** The CA bundle that signs accepted client certificates, reloaded like the serving pair. */
export function clientCAWatcher(options: ClientCAWatcherOptions): WatchedFiles<Buffer> {
  return new WatchedFiles<Buffer>({
    files: [options.caFile],
    subject: 'client CA',
    load: ([bundle]) => {
      checkCABundle(bundle!);
      return bundle!;
    },
    onChange: (bundle) => {
      options.onChange(bundle);
      options.logger?.info(
        { subjects: checkCABundle(bundle).map((c) => c.subject.replaceAll('\n', ', ')) },
        'client CA reloaded',
      );
    },
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    readFile: options.readFile,
  });
}
