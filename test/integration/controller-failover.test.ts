// The controller when processes die: two operators elect one leader; the leader is killed with
// SIGKILL in the middle of creating and deleting sites; the standby takes over within 20 s and
// every site converges, with no duplicate child and no lost deletion, and no database dropped
// that should be kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperatorProcess, type OperatorProcess } from '../../harness/operator-process.js';
import { cluster, eventually, freshNamespace, kubectl } from '../harness/cluster.js';
import { installForeignCrds, MARIADB_KINDS, removeForeignCrds } from '../harness/foreign-crds.js';
import { playKubelet, testHttp, type Kubelet } from '../harness/kubelet.js';
import { applyOk, site } from '../e2e/kubectl-helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function list(kind: string, namespace: string, selector?: string): Promise<Loose[]> {
  const result = await kubectl([
    'get',
    kind,
    '-n',
    namespace,
    '-o',
    'json',
    ...(selector ? ['-l', selector] : []),
  ]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout).items;
}

const ready = (object: Loose) =>
  object.status?.conditions?.some((c: Loose) => c.type === 'Ready' && c.status === 'True') === true;

async function leaseHolder(lease: string): Promise<string | undefined> {
  const result = await kubectl([
    'get',
    'lease',
    lease,
    '-n',
    'default',
    '-o',
    'jsonpath={.spec.holderIdentity}',
  ]);
  return result.code === 0 && result.stdout !== '' ? result.stdout : undefined;
}

const SITES = 200;

describe('the controller across a leader killed mid-work', () => {
  const lease = `failover-${process.pid}`;
  const operators: OperatorProcess[] = [];
  let kubelet: Kubelet;
  const start = async (name: string) => {
    const { kubeconfig, dir, ca } = cluster();
    const operator = await startOperatorProcess({ kubeconfig, dir, ca, name, leaseName: lease });
    operators.push(operator);
    return operator;
  };

  beforeAll(async () => {
    await installForeignCrds(MARIADB_KINDS);
  });
  afterAll(async () => {
    await kubelet?.stop();
    await Promise.all(operators.map((o) => o.stop()));
    await removeForeignCrds(MARIADB_KINDS);
  });

  it('elects one leader; the standby takes over within 20 s of a SIGKILL and every site converges', async () => {
    const ns = await freshNamespace('ctl-failover');
    kubelet = playKubelet(testHttp(), [ns]);
    const [a, b] = await Promise.all([
      start(`failover-a-${process.pid}`),
      start(`failover-b-${process.pid}`),
    ]);
    const holder = await eventually(() => leaseHolder(lease), 20_000);
    const leader = holder.startsWith(a.name) ? a : b;
    const standby = leader === a ? b : a;
    expect(holder.startsWith(leader.name)).toBe(true);

    const benchYaml = `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: erpnext, namespace: ${ns}}
spec: {frappeVersion: version-15, apps: [{name: erpnext, source: image}]}
`;
    await applyOk(benchYaml);
    const manifests = Array.from({ length: SITES }, (_, i) =>
      site(ns, `s${i}`, `s${i}.${ns}.example.com`, i % 2 === 0 ? '  deletionPolicy: Delete' : ''),
    ).join('\n---\n');
    await applyOk(manifests);

    // Mid-work: some sites are Ready, not all.
    await eventually(async () => {
      const count = (await list('frappesites', ns)).filter(ready).length;
      return count >= 10 ? count : undefined;
    }, 120_000);
    await leader.kill();
    const killedAt = Date.now();
    // Deletions issued while nobody leads must not be lost.
    const deleted = Array.from({ length: SITES / 2 }, (_, i) => `s${i * 2}`);
    const deletion = await kubectl(['delete', 'frappesite', '-n', ns, '--wait=false', ...deleted]);
    expect(deletion.code, deletion.stderr).toBe(0);

    const newHolder = await eventually(async () => {
      const h = await leaseHolder(lease);
      return h?.startsWith(standby.name) ? h : undefined;
    }, 25_000);
    // When the standby took the Lease, as it wrote it (this test's polling adds its own delay).
    const acquired = await kubectl([
      'get',
      'lease',
      lease,
      '-n',
      'default',
      '-o',
      'jsonpath={.spec.acquireTime}',
    ]);
    const takeoverSeconds = (Date.parse(acquired.stdout) - killedAt) / 1000;
    expect(newHolder.startsWith(standby.name)).toBe(true);
    expect(takeoverSeconds).toBeLessThanOrEqual(20);

    // The killed process comes back (its Deployment would restart it) and stays a standby.
    const restarted = await start(`${leader.name}-restarted`);
    const convergedAt = await eventually(async () => {
      const sites = await list('frappesites', ns);
      const kept = sites.filter((s) => !deleted.includes(s.metadata.name));
      return sites.length === SITES / 2 && kept.every(ready) ? Date.now() : undefined;
    }, 300_000);
    expect((await leaseHolder(lease))?.startsWith(standby.name)).toBe(true);
    expect((await leaseHolder(lease))?.startsWith(restarted.name)).toBe(false);

    // No lost deletion: the Delete sites' database objects are gone; the Retain sites' are there.
    const databases = (await list('databases.k8s.mariadb.com', ns)).map((d) => d.metadata.name).sort();
    expect(databases).toEqual(Array.from({ length: SITES / 2 }, (_, i) => `s${i * 2 + 1}-db`).sort());
    // No duplicate children: one of each per site.
    for (const kind of ['jobs', 'ingresses', 'users.k8s.mariadb.com', 'grants.k8s.mariadb.com']) {
      const names = (await list(kind, ns)).map((o) => o.metadata.name);
      expect(new Set(names).size, kind).toBe(names.length);
    }
    // The deleted sites' other children go with them (owner references; the garbage collector
    // takes a moment).
    const keptNames = Array.from({ length: SITES / 2 }, (_, i) => `s${i * 2 + 1}`).sort();
    await eventually(async () => {
      const names = (await list('ingresses', ns)).map((i) => i.metadata.name).sort();
      return JSON.stringify(names) === JSON.stringify(keptNames) ? true : undefined;
    }, 60_000);
    process.stderr.write(
      `failover: ${SITES} sites, standby took over ${takeoverSeconds.toFixed(1)} s after SIGKILL, ` +
        `all converged ${((convergedAt - killedAt) / 1000).toFixed(1)} s after it\n`,
    );
  }, 600_000);
});
