// Faults against real parts: the external provider creates the site's database on a real MariaDB
// server (Debian's mariadbd on loopback); the server is stopped mid-way and the circuit breaker
// opens (no connection attempt while open, counted by a TCP proxy), status and an event say so,
// and the site converges once the server is back; an init Job that keeps failing is retried with
// growing intervals, ends Stalled with a readable reason, and a spec change starts it over.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection } from 'mariadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCountingProxy,
  startMariaDb,
  type CountingProxy,
  type MariaDbServer,
} from '../../harness/mariadb.js';
import { startOperatorProcess, type OperatorProcess } from '../../harness/operator-process.js';
import { cluster, eventually, freshNamespace, kubectl } from '../harness/cluster.js';
import { playKubelet, testHttp, type Kubelet } from '../harness/kubelet.js';
import { applyOk, mergePatch, site } from '../e2e/kubectl-helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const OPEN_SECONDS = 4;

async function getJSON(kind: string, name: string, namespace: string): Promise<Loose> {
  const result = await kubectl(['get', kind, name, '-n', namespace, '-o', 'json']);
  return result.code === 0 ? JSON.parse(result.stdout) : undefined;
}
const condition = (object: Loose, type: string) =>
  (object?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
const waitCondition = (
  name: string,
  ns: string,
  type: string,
  test: (c: Loose) => boolean,
  timeoutMs = 60_000,
) =>
  eventually(async () => {
    const object = await getJSON('frappesite', name, ns);
    const found = condition(object, type);
    return found && test(found) ? object : undefined;
  }, timeoutMs);

/** When the operator created the Job `name` in `ns`, each time (server-side apply answering 201). */
async function jobCreations(ns: string, name: string): Promise<number[]> {
  const lines = (await readFile(cluster().auditLog, 'utf8'))
    .split('\n')
    .filter((line) => line.includes(`/jobs/${name}?`));
  return lines
    .map(
      (line) =>
        JSON.parse(line) as {
          userAgent: string;
          requestURI: string;
          verb: string;
          responseStatus?: { code: number };
          requestReceivedTimestamp: string;
        },
    )
    .filter(
      (e) =>
        e.userAgent === 'frappe-admission' &&
        e.requestURI.includes(`/namespaces/${ns}/jobs/`) &&
        e.verb === 'patch' &&
        e.responseStatus?.code === 201,
    )
    .map((e) => Date.parse(e.requestReceivedTimestamp));
}

const bench = (ns: string) => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: erpnext, namespace: ${ns}}
spec: {frappeVersion: version-15, apps: [{name: erpnext, source: image}]}
`;
const externalSite = (ns: string, name: string) =>
  site(
    ns,
    name,
    `${name}.${ns}.example.com`,
    '  dbConfig: {provider: external, connectionSecretRef: {name: db-admin}}',
  );

describe('faults against a real MariaDB server and failing Jobs', () => {
  let server: MariaDbServer;
  let proxy: CountingProxy;
  let operator: OperatorProcess;
  const kubelets: Kubelet[] = [];

  beforeAll(async () => {
    server = await startMariaDb();
    proxy = await startCountingProxy({ host: server.host, port: server.port });
    const { kubeconfig, dir, ca } = cluster();
    const config = join(dir, `external-db-config-${process.pid}.json`);
    // The server is on loopback, which S-DB-1 and the controller refuse unless the platform allows it.
    await writeFile(
      config,
      JSON.stringify({
        allowedDatabaseHosts: ['127.0.0.1'],
        circuitBreakerOpenSeconds: OPEN_SECONDS,
        jobRetryLimit: 3,
        jobRetryBaseSeconds: 3,
        jobRetryMaxSeconds: 12,
      }),
    );
    operator = await startOperatorProcess({
      kubeconfig,
      dir,
      ca,
      name: 'external-db',
      leaseName: `external-db-${process.pid}`,
      extraArgs: ['--config', config],
    });
  });
  afterAll(async () => {
    await Promise.all(kubelets.map((k) => k.stop()));
    await operator?.stop();
    await proxy?.close();
    await server?.destroy();
  });

  async function namespaceWithBench(prefix: string) {
    const ns = await freshNamespace(prefix);
    kubelets.push(playKubelet(testHttp(), [ns]));
    const secret = await kubectl([
      'create',
      'secret',
      'generic',
      'db-admin',
      '-n',
      ns,
      `--from-literal=host=${proxy.host}`,
      `--from-literal=port=${proxy.port}`,
      `--from-literal=username=${server.rootUser}`,
      `--from-literal=password=${server.rootPassword}`,
    ]);
    expect(secret.code, secret.stderr).toBe(0);
    await applyOk(bench(ns));
    return ns;
  }

  it('creates the database, user and grant on the server, and connects no more once done', async () => {
    const ns = await namespaceWithBench('ext-db');
    await applyOk(externalSite(ns, 'shop'));
    const ready = await waitCondition('shop', ns, 'Ready', (c) => c.status === 'True');
    const database = ready.spec.dbConfig.databaseName;
    expect(ready.status.databaseStatus).toMatchObject({
      phase: 'Ready',
      host: proxy.host,
      port: proxy.port,
      database,
    });
    const root = await createConnection({
      host: server.host,
      port: server.port,
      user: server.rootUser,
      password: server.rootPassword,
    });
    try {
      const [schema] = await root.query(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [database],
      );
      expect(schema).toEqual({ cs: 'utf8mb4', co: 'utf8mb4_unicode_ci' });
      const grants = (await root.query(`SHOW GRANTS FOR ${root.escape(database)}@'%'`)) as Record<
        string,
        string
      >[];
      expect(grants.map((g) => Object.values(g)[0]).join('\n')).toContain(
        `ALL PRIVILEGES ON \`${database.replaceAll('_', '\\_')}\`.*`,
      );
    } finally {
      await root.end();
    }
    // At rest, and when woken, the site needs no connection: status remembers what was made.
    const before = proxy.accepted;
    expect((await kubectl(['annotate', 'frappesite', 'shop', '-n', ns, 'touched=yes'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(proxy.accepted).toBe(before);
  });

  it('opens the circuit when the server is down, makes no attempt while open, and converges once it is back', async () => {
    const ns = await namespaceWithBench('ext-down');
    await server.stop();
    const start = proxy.accepted;
    await applyOk(externalSite(ns, 'late'));
    const open = await waitCondition('late', ns, 'DatabaseReady', (c) => c.reason === 'CircuitOpen', 30_000);
    const openedAttempts = proxy.accepted - start;
    const message = condition(open, 'DatabaseReady').message as string;
    expect(message).toMatch(/circuit to 127\.0\.0\.1:\d+ is open .* next attempt at \d{4}-/);
    expect(open.status.phase).not.toBe('Ready');
    const retryAt = Date.parse(/next attempt at (\S+)/.exec(message)![1]!);
    // While open: zero connection attempts.
    const atOpen = proxy.accepted;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAt - Date.now() - 500)));
    const whileOpen = proxy.accepted - atOpen;
    expect(whileOpen).toBe(0);
    const events = await kubectl([
      'get',
      'events',
      '-n',
      ns,
      '--field-selector',
      'reason=CircuitOpen',
      '-o',
      'name',
    ]);
    expect(events.stdout.trim().split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(1);

    const restartedAt = Date.now();
    await server.restart();
    await waitCondition('late', ns, 'Ready', (c) => c.status === 'True', 60_000);
    const recoverSeconds = (Date.now() - restartedAt) / 1000;
    process.stderr.write(
      `breaker: ${openedAttempts} attempts before it opened, ${whileOpen} while open (${OPEN_SECONDS} s), recovered ${recoverSeconds.toFixed(1)} s after the server restarted\n`,
    );
    expect(openedAttempts).toBeGreaterThanOrEqual(5);
  });

  it('retries a failing init Job with growing intervals, stalls at the limit, and starts over on a spec change', async () => {
    const ns = await namespaceWithBench('ext-job');
    const kubelet = kubelets.at(-1)!;
    kubelet.failJobs.add('flaky-init');
    await applyOk(externalSite(ns, 'flaky'));
    const stalled = await waitCondition('flaky', ns, 'Stalled', (c) => c.status === 'True', 120_000);
    expect(condition(stalled, 'Stalled')).toMatchObject({ reason: 'InitJobFailed' });
    expect(condition(stalled, 'Stalled').message).toMatch(/failed 3 times: BackoffLimitExceeded/);
    expect(stalled.status.initJobRetry).toMatchObject({ failures: 3 });
    // Every run of the Job, as the API server saw its creation (the audit log: microseconds).
    const created = await jobCreations(ns, 'flaky-init');
    expect(created).toHaveLength(3);
    const intervals = [created[1]! - created[0]!, created[2]! - created[1]!];
    expect(intervals[1]!).toBeGreaterThan(intervals[0]!);
    // Stalled means no more runs.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await jobCreations(ns, 'flaky-init')).toHaveLength(3);

    kubelet.failJobs.delete('flaky-init');
    expect(
      (await mergePatch('frappesite', 'flaky', ns, '{"spec":{"ingress":{"annotations":{"retry":"please"}}}}'))
        .code,
    ).toBe(0);
    const ready = await waitCondition('flaky', ns, 'Ready', (c) => c.status === 'True', 60_000);
    expect(ready.status.initJobRetry).toBeUndefined();
    const metrics = await operator.metrics();
    expect(metrics).toMatch(/^frappe_operator_job_retries_total\{job_type="site-init"\} [2-9]/m);
    expect(metrics).toMatch(/^frappe_operator_job_retry_delay_seconds_count\{job_type="site-init"\} [2-9]/m);
    process.stderr.write(
      `init Job retries: intervals ${intervals.map((ms) => (ms / 1000).toFixed(0)).join(' s, ')} s\n`,
    );
  });

  it("drops the database and user of a Delete site on the server, and keeps a Retain site's", async () => {
    const ns = await namespaceWithBench('ext-delete');
    await applyOk(externalSite(ns, 'kept'));
    await applyOk(`${externalSite(ns, 'dropped')}\n  deletionPolicy: Delete\n`);
    const kept = (await waitCondition('kept', ns, 'Ready', (c) => c.status === 'True')).spec.dbConfig
      .databaseName;
    const dropped = (await waitCondition('dropped', ns, 'Ready', (c) => c.status === 'True')).spec.dbConfig
      .databaseName;
    const root = await createConnection({
      host: server.host,
      port: server.port,
      user: server.rootUser,
      password: server.rootPassword,
    });
    const exists = async (name: string) => {
      const [databases] = await root.query(
        'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [name],
      );
      const [users] = await root.query("SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = '%'", [
        name,
      ]);
      return [Number(databases.n), Number(users.n)];
    };
    try {
      expect(await exists(kept)).toEqual([1, 1]);
      expect(await exists(dropped)).toEqual([1, 1]);
      for (const name of ['kept', 'dropped'])
        expect(
          (await kubectl(['delete', 'frappesite', name, '-n', ns, '--wait=true', '--timeout=60s'])).code,
        ).toBe(0);
      expect(await exists(dropped)).toEqual([0, 0]);
      expect(await exists(kept)).toEqual([1, 1]);
    } finally {
      await root.end();
    }
  });
});
