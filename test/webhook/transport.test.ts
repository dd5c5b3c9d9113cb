// Transport behaviour over real sockets: RSA and ECDSA keys, certificate rotation the way a
// mounted Secret changes (atomic `..data` symlink swap), and SIGTERM drain of the real binary.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { offlineServeCommand } from '../../benchmarks/lib/process.js';
import { freePort } from '../../harness/control-plane.js';
import { issueCertificate } from '../../harness/pki.js';
import { postOver, send, startTestServer, testCertificates } from './server-fixture.js';

const fixture = readFileSync(new URL('../fixtures/admission/site-create.json', import.meta.url), 'utf8');

const VALIDATE_SITE = '/validate-vyogo-tech-v1alpha1-frappesite';

function peerSerial(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: undefined }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

async function until(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('TLS keys', () => {
  it.each(['ec', 'rsa'] as const)('serves with a %s key', async (keyType) => {
    const t = await startTestServer({ keyType });
    try {
      const answer = await t.post(VALIDATE_SITE, fixture);
      expect(answer.status).toBe(200);
    } finally {
      await t.server.close();
    }
  });
});

describe('certificate rotation', () => {
  it('swaps to the new certificate after a ..data symlink swap; no request fails meanwhile', async () => {
    const { dir, ca } = await testCertificates();
    // The kubelet's layout of a mounted Secret: <dir>/..<timestamp>/{tls.crt,tls.key}, ..data -> it,
    // tls.crt -> ..data/tls.crt. Rotation writes a new timestamped dir and renames ..data over.
    const mount = join(dir, 'mount');
    await mkdir(mount);
    const version = async (name: string) => {
      const payload = join(mount, `..${name}`);
      await mkdir(payload);
      const leaf = await issueCertificate(dir, ca, {
        name,
        commonName: '127.0.0.1',
        usage: 'serverAuth',
        ipAddresses: ['127.0.0.1'],
      });
      await writeFile(join(payload, 'tls.crt'), await readFile(leaf.cert));
      await writeFile(join(payload, 'tls.key'), await readFile(leaf.key));
      await symlink(`..${name}`, join(mount, '..data_tmp'));
      await rename(join(mount, '..data_tmp'), join(mount, '..data'));
    };
    await version('v1');
    await symlink('..data/tls.crt', join(mount, 'tls.crt'));
    await symlink('..data/tls.key', join(mount, 'tls.key'));

    const t = await startTestServer({
      certFile: join(mount, 'tls.crt'),
      keyFile: join(mount, 'tls.key'),
      dir,
      pollMs: 60_000,
    });
    try {
      const caPem = await readFile(ca.cert);
      const before = await peerSerial(t.port, caPem);
      const expiryBefore = /frappe_admission_certificate_expiry_timestamp_seconds (\d+)/.exec(
        (await t.get('/metrics')).body,
      )?.[1];
      let stop = false;
      let sent = 0;
      const failures: unknown[] = [];
      const agent = new Agent({ keepAlive: true, ca: caPem });
      const load = (async () => {
        while (!stop) {
          sent++;
          const answer = await postOver(agent, t.port, VALIDATE_SITE, fixture);
          if ('error' in answer) failures.push(answer.error);
          else if (answer.status !== 200) failures.push(answer.status);
        }
      })();
      try {
        await version('v2');
        // The watch event of the `..data` rename reloads the pair (the poll is a minute away): a
        // fresh handshake sees the new certificate within a second of the swap.
        await until(async () => (await peerSerial(t.port, caPem)) !== before, 1_000);
      } finally {
        stop = true;
        await load;
        agent.destroy();
      }
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(0);
      const expiryAfter = /frappe_admission_certificate_expiry_timestamp_seconds (\d+)/.exec(
        (await t.get('/metrics')).body,
      )?.[1];
      expect(Number(expiryAfter)).toBeGreaterThanOrEqual(Number(expiryBefore));
      expect(t.logs.some((l) => l.msg === 'serving certificate reloaded')).toBe(true);
    } finally {
      await t.server.close();
    }
  });

  it('keeps the last good certificate when the new files do not load', async () => {
    const { dir, ca, serving } = await testCertificates();
    const certFile = join(dir, 'live.crt');
    const keyFile = join(dir, 'live.key');
    await writeFile(certFile, await readFile(serving.cert));
    await writeFile(keyFile, await readFile(serving.key));
    const t = await startTestServer({ certFile, keyFile, dir, pollMs: 60_000 });
    try {
      const caPem = await readFile(ca.cert);
      const serial = await peerSerial(t.port, caPem);
      await writeFile(certFile, 'not a certificate');
      await until(async () => t.logs.some((l) => String(l.msg).includes('keeping the current one')));
      expect(await peerSerial(t.port, caPem)).toBe(serial);
      expect((await send(t.port, caPem, 'POST', VALIDATE_SITE, fixture)).status).toBe(200);
    } finally {
      await t.server.close();
    }
  });
});

describe('SIGTERM under load (the real binary)', () => {
  it('fails readiness at once, closes kept-alive connections, finishes and logs every request, exits 0', async () => {
    const { ca, serving } = await testCertificates();
    const caPem = await readFile(ca.cert);
    const port = await freePort();
    const [node, ...args] = offlineServeCommand(port, serving, '--drain-delay-seconds', '1');
    const child = spawn(node as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(
      async () => (await send(port, caPem, 'GET', '/readyz').catch(() => ({ status: 0 }))).status === 200,
    );

    const agent = new Agent({ keepAlive: true, maxSockets: 4, ca: caPem });
    let signalled = false;
    let stop = false;
    const results: { status: number; close: boolean; afterSignal: boolean }[] = [];
    const failures: unknown[] = [];
    const worker = async () => {
      while (!stop) {
        const afterSignal = signalled;
        const answer = await postOver(agent, port, VALIDATE_SITE, fixture);
        if ('error' in answer) failures.push(answer.error);
        else
          results.push({ status: answer.status, close: answer.headers.connection === 'close', afterSignal });
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await until(async () => results.length > 50);
    child.kill('SIGTERM');
    signalled = true;
    await until(async () => (await send(port, caPem, 'GET', '/readyz')).status === 503, 900);
    await until(async () => results.filter((r) => r.afterSignal && r.close).length >= 4, 900);
    stop = true; // the endpoints have "moved": no new requests from here on
    await Promise.all(workers);
    agent.destroy();
    expect(await exited).toBe(0);
    expect(failures).toEqual([]);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => !r.afterSignal).some((r) => r.close)).toBe(false);
    // Batched log lines are all written by the time it exits: one per answered request.
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.filter((l) => l.msg === 'admission')).toHaveLength(results.length);
    expect(lines.some((l) => l.msg === 'shutting down')).toBe(true);
  });
});
