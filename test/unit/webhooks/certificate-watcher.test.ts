// CertificateWatcher.check() with the reads under the test's control (an injected in-memory
// readFile that a test can hold open): a change reported while a read is in flight is read after
// that read, not absorbed by it (issue 9: the `..data` rename of a Secret rotation landed during
// the read its `..data_tmp` event had started, and nothing reloaded until the 10 s poll). Also
// what a client CA file must hold.
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCA, issueCertificate } from '../../../harness/pki.js';
import { checkCABundle, CertificateWatcher, type KeyPair } from '../../../src/webhooks/certificates.js';
import { concerns } from '../../../src/webhooks/watched-files.js';
import { testCertificates } from '../../webhook/server-fixture.js';

/** Files in memory; while held, a read takes the bytes at once but answers only on release. */
function memoryFiles(initial: Record<string, Buffer>) {
  const files = new Map(Object.entries(initial));
  const reads: string[] = [];
  let gate: Promise<void> | undefined;
  return {
    files,
    reads,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    readFile: async (path: string): Promise<Buffer> => {
      const bytes = files.get(path);
      reads.push(path);
      if (gate) await gate;
      if (!bytes) throw new Error(`ENOENT: ${path}`);
      return bytes;
    },
  };
}

async function pairs() {
  const { dir, ca, serving } = await testCertificates();
  const read = async (files: { cert: string; key: string }): Promise<KeyPair> => ({
    cert: await readFile(files.cert),
    key: await readFile(files.key),
  });
  const leaf = (name: string) =>
    issueCertificate(dir, ca, {
      name,
      commonName: '127.0.0.1',
      usage: 'serverAuth',
      ipAddresses: ['127.0.0.1'],
    });
  return {
    dir,
    v1: await read(serving),
    v2: await read(await leaf('v2')),
    v3: await read(await leaf('v3')),
  };
}

async function startWatcher() {
  const { dir, v1, v2, v3 } = await pairs();
  // Paths in a real directory (the watcher watches it) that nothing writes to: only check() reads.
  const certFile = join(dir, 'live.crt');
  const keyFile = join(dir, 'live.key');
  const memory = memoryFiles({ [certFile]: v1.cert, [keyFile]: v1.key });
  const changes: KeyPair[] = [];
  const watcher = new CertificateWatcher({
    certFile,
    keyFile,
    pollIntervalMs: 3_600_000,
    readFile: memory.readFile,
    onChange: (pair) => changes.push(pair),
  });
  expect(await watcher.start()).toEqual(v1);
  const rotate = (pair: KeyPair) => {
    memory.files.set(certFile, pair.cert);
    memory.files.set(keyFile, pair.key);
  };
  const certReads = () => memory.reads.filter((path) => path === certFile).length;
  return { watcher, memory, changes, rotate, certReads, v2, v3 };
}

describe('CertificateWatcher.check() while a read is in flight', () => {
  it('a change reported during a read that saw the old pair ends with the new pair', async () => {
    const { watcher, memory, changes, rotate, v2 } = await startWatcher();
    try {
      const release = memory.hold();
      const first = watcher.check(); // the `..data_tmp` event: this read takes the old pair
      rotate(v2);
      const second = watcher.check(); // the `..data` rename, while that read is still open
      release();
      await Promise.all([first, second]);
      expect(changes).toEqual([v2]);
    } finally {
      watcher.stop();
    }
  });

  it('calls during one read share exactly one rerun, which reads the latest files', async () => {
    const { watcher, memory, changes, rotate, certReads, v2, v3 } = await startWatcher();
    try {
      const readsAtStart = certReads();
      const release = memory.hold();
      const first = watcher.check();
      rotate(v2);
      const later = [watcher.check(), watcher.check()];
      rotate(v3);
      later.push(watcher.check());
      release();
      await first;
      await Promise.all(later);
      expect(certReads() - readsAtStart).toBe(2);
      expect(changes).toEqual([v3]);
    } finally {
      watcher.stop();
    }
  });

  it('a call after a read has ended reads again (nothing is cached between checks)', async () => {
    const { watcher, changes, rotate, certReads, v2 } = await startWatcher();
    try {
      const readsAtStart = certReads();
      await watcher.check();
      rotate(v2);
      await watcher.check();
      expect(certReads() - readsAtStart).toBe(2);
      expect(changes).toEqual([v2]);
    } finally {
      watcher.stop();
    }
  });
});

describe('what a change in a watched directory costs', () => {
  it('a file beside the certificate (a log, say) causes no read; the kubelet swapping ..data does', async () => {
    const { watcher, certReads, memory } = await startWatcher();
    const dir = dirname(memory.files.keys().next().value as string);
    try {
      const before = certReads();
      for (let i = 0; i < 20; i++) await appendFile(join(dir, 'operator.log'), `line ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(certReads()).toBe(before);
      await writeFile(join(dir, '..data'), 'swap');
      await vi.waitFor(() => expect(certReads()).toBeGreaterThan(before), { timeout: 2000 });
    } finally {
      watcher.stop();
    }
  });

  it('concerns the watched files, the atomic writer and an unnamed event, nothing else', () => {
    const files = new Set(['tls.crt', 'tls.key']);
    expect(
      ['tls.crt', 'tls.key', '..data', '..data_tmp', '..2026_12_02_13_00_00.123', null].map((n) =>
        concerns(n, files),
      ),
    ).toEqual([true, true, true, true, true, true]);
    expect(['audit.log', 'tls.crt.swp', 'ca.crt', '.data'].map((n) => concerns(n, files))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('checkCABundle (serve --client-ca-file)', () => {
  it('takes a bundle of CAs and refuses a leaf certificate or bytes without a certificate', async () => {
    const { ca, serving } = await testCertificates();
    const other = await createCA(await mkdtemp(join(tmpdir(), 'fa-other-ca-')), 'other-ca');
    const bundle = Buffer.concat([await readFile(ca.cert), await readFile(other.cert)]);
    expect(checkCABundle(bundle).map((c) => c.subject)).toEqual(['CN=webhook-test-ca', 'CN=other-ca']);
    const leaf = await readFile(serving.cert);
    expect(() => checkCABundle(leaf)).toThrow('CN=127.0.0.1 is not a CA');
    expect(() => checkCABundle(Buffer.from('not a certificate'))).toThrow(
      'no PEM certificate in the CA file',
    );
  });
});
