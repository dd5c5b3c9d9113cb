// Leader election against the real API server, with short timings (lease 3 s, renew deadline
// 2 s, retry 0.5 s unless a test says otherwise): of two candidates exactly one leads; a leader
// that dies without releasing is replaced after about a lease duration, one that stops
// gracefully within a retry period or two; leaseTransitions counts takeovers; a leader that
// cannot renew, or sees the Lease taken, stops leading; the API server takes our MicroTime and
// refuses toISOString()'s.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError, kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import {
  LeaderElector,
  leaderIdentity,
  type LeaderElectionOptions,
  type LeaseSpec,
} from '../../src/controller/leader-election.js';
import { microTime } from '../../src/kube/micro-time.js';
import { cluster, eventually, freshNamespace } from '../harness/cluster.js';

const fast = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
const leasePath = (ns: string) => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/operator`;

interface Candidate {
  elector: LeaderElector;
  identity: string;
  started: number;
  stopped: number;
}

const running: Candidate[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.elector.stop()));
});

function candidate(http: KubeHttp, namespace: string, timings: Partial<LeaderElectionOptions> = fast) {
  const identity = leaderIdentity('operator-pod');
  const c: Candidate = { identity, started: 0, stopped: 0 } as Candidate;
  c.elector = new LeaderElector({
    http,
    namespace,
    name: 'operator',
    identity,
    ...timings,
    onStartedLeading: () => void c.started++,
    onStoppedLeading: () => void c.stopped++,
  });
  running.push(c);
  c.elector.start();
  return c;
}

const client = () => kubeHttp(loadKubeConfig(cluster().kubeconfig));
const leaseSpec = async (http: KubeHttp, ns: string) =>
  ((await http.getJSON(leasePath(ns))) as { spec: LeaseSpec }).spec;
const leaderOf = (...candidates: Candidate[]) => candidates.filter((c) => c.elector.isLeader());
const firstLeader = (...candidates: Candidate[]) =>
  eventually(async () => (leaderOf(...candidates).length > 0 ? leaderOf(...candidates)[0] : undefined));

/** Time until the candidate leads, polled every 50 ms. */
async function msUntilLeading(c: Candidate, timeoutMs: number): Promise<number> {
  const start = performance.now();
  await eventually(async () => (c.elector.isLeader() ? true : undefined), timeoutMs);
  return performance.now() - start;
}

/** Two candidates on one Lease: returns the one that leads and the standby. */
async function pair(http: KubeHttp, ns: string, timings: Partial<LeaderElectionOptions> = fast) {
  const a = candidate(http, ns, timings);
  const b = candidate(http, ns, timings);
  const leader = await firstLeader(a, b);
  return { leader, standby: leader === a ? b : a };
}

describe('leader election on a Lease', () => {
  it('lets exactly one of two candidates lead, and keeps it so while it renews', async () => {
    const http = client();
    const ns = await freshNamespace('lease-one');
    const { leader, standby } = await pair(http, ns);
    // Watch over several renewals (3 retry periods, longer than the renew deadline).
    const until = performance.now() + 2_500;
    while (performance.now() < until) {
      expect(leaderOf(leader, standby)).toEqual([leader]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const spec = await leaseSpec(http, ns);
    expect(spec).toMatchObject({
      holderIdentity: leader.identity,
      leaseDurationSeconds: 3,
      leaseTransitions: 0,
    });
    expect(spec.renewTime).toMatch(/\.\d{6}Z$/);
    expect(spec.renewTime).not.toBe(spec.acquireTime); // renewed since acquired
    expect([leader.started, leader.stopped, standby.started]).toEqual([1, 0, 0]);
  });

  it('hands over after about a lease duration when the leader dies without releasing', async () => {
    const http = client();
    const ns = await freshNamespace('lease-death');
    const { leader, standby } = await pair(http, ns);
    await leader.elector.stop({ release: false }); // its timers stop; the Lease stays its
    const elapsed = await msUntilLeading(standby, 20_000);
    // Not before the lease could have expired (its last renewal was at most a retry period
    // ago), and within lease + two jittered retry periods + request time.
    expect(elapsed).toBeGreaterThan(3_000 - 500 - 200);
    expect(elapsed).toBeLessThan(3_000 + 2 * 600 + 1_000);
    expect(await leaseSpec(http, ns)).toMatchObject({
      holderIdentity: standby.identity,
      leaseTransitions: 1,
    });
    expect(leader.stopped).toBe(1);
  });

  it('hands over within a retry period or two when the leader stops gracefully', async () => {
    const http = client();
    const ns = await freshNamespace('lease-release');
    const timings = { leaseDurationMs: 10_000, renewDeadlineMs: 5_000, retryPeriodMs: 1_000 };
    const { leader, standby } = await pair(http, ns, timings);
    const start = performance.now();
    await leader.elector.stop();
    expect(leader.stopped).toBe(1);
    await eventually(async () => (standby.elector.isLeader() ? true : undefined), 10_000);
    expect(performance.now() - start).toBeLessThan(2 * 1_000 * 1.2 + 500); // far below the 10 s lease
    expect(await leaseSpec(http, ns)).toMatchObject({
      holderIdentity: standby.identity,
      leaseDurationSeconds: 10,
      leaseTransitions: 1,
    });
  });

  it.each(['refuses connections', 'never answers'])(
    'stops leading at the renew deadline when the API server %s',
    async (failure) => {
      const real = client();
      const ns = await freshNamespace('lease-deadline');
      let broken = false;
      // A hung request must not keep a leader leading past its deadline either.
      const check = () =>
        !broken
          ? Promise.resolve()
          : failure === 'never answers'
            ? new Promise<never>(() => {})
            : Promise.reject(new Error('connect ECONNREFUSED (test)'));
      const http: KubeHttp = {
        getJSON: (path) => check().then(() => real.getJSON(path)),
        sendJSON: (method, path, body) => check().then(() => real.sendJSON(method, path, body)),
        watch: (...args) => real.watch(...args),
      };
      const leader = candidate(http, ns);
      await firstLeader(leader);
      broken = true;
      const start = performance.now();
      await eventually(async () => (leader.stopped === 1 ? true : undefined), 10_000);
      const elapsed = performance.now() - start;
      expect(elapsed).toBeGreaterThan(2_000 - 500 - 200); // its last renewal was ≤ a retry period ago
      expect(elapsed).toBeLessThan(2_000 + 500 + 500);
      expect(leader.elector.isLeader()).toBe(false);
      await leader.elector.stop();
      expect(leader.stopped).toBe(1); // once, not again on stop()
    },
  );

  it('stops within bounded time, though the API server never answers the release', async () => {
    const real = client();
    const ns = await freshNamespace('lease-hung-stop');
    let hang = false;
    const check = () => (hang ? new Promise<never>(() => {}) : Promise.resolve());
    const http: KubeHttp = {
      getJSON: (path) => check().then(() => real.getJSON(path)),
      sendJSON: (method, path, body) => check().then(() => real.sendJSON(method, path, body)),
      watch: (...args) => real.watch(...args),
    };
    const leader = candidate(http, ns);
    await firstLeader(leader);
    hang = true;
    running.splice(running.indexOf(leader), 1); // stopped here, not again by afterEach
    const start = performance.now();
    // At most the in-flight renewal's wait and the release's, each bounded by the 2 s deadline.
    const limit = new Promise((resolve) => setTimeout(resolve, 2 * 2_000 + 500, 'still stopping'));
    expect(await Promise.race([leader.elector.stop().then(() => 'stopped'), limit])).toBe('stopped');
    expect(performance.now() - start).toBeLessThan(2 * 2_000 + 500);
    expect([leader.elector.isLeader(), leader.stopped]).toEqual([false, 1]);
  });

  it('does not lead when the Lease changed between its read and its write (409)', async () => {
    const real = client();
    const ns = await freshNamespace('lease-race');
    const free = { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 4 };
    await real.sendJSON('POST', leasePath(ns).replace(/\/operator$/, ''), {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'operator', namespace: ns },
      spec: free,
    });
    const answers: (number | 'ok')[] = [];
    let raced = false;
    // Right after the candidate's first read of the free Lease, a rival takes it: the
    // candidate's write must carry the resourceVersion it read, and so fail.
    const http: KubeHttp = {
      async getJSON(path) {
        const read = await real.getJSON(path);
        if (!raced) {
          raced = true;
          const rival = {
            holderIdentity: 'rival',
            leaseDurationSeconds: 30,
            renewTime: microTime(new Date()),
          };
          const lease = read as { spec: LeaseSpec };
          await real.sendJSON('PUT', leasePath(ns), { ...lease, spec: { ...lease.spec, ...rival } });
        }
        return read;
      },
      sendJSON: (method, path, body) =>
        real.sendJSON(method, path, body).then(
          (written) => (answers.push('ok'), written),
          (error: unknown) => {
            answers.push(error instanceof KubeApiError ? error.statusCode : -1);
            throw error;
          },
        ),
      watch: (...args) => real.watch(...args),
    };
    const c = candidate(http, ns);
    await eventually(async () => (answers.length > 0 ? true : undefined));
    expect(answers).toEqual([409]);
    // Its next reads find the rival's Lease fresh: it waits (several retry periods here).
    const until = performance.now() + 1_500;
    while (performance.now() < until) {
      expect(c.elector.isLeader()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answers).toEqual([409]);
    expect(c.started).toBe(0);
    expect(await leaseSpec(real, ns)).toMatchObject({ holderIdentity: 'rival', leaseTransitions: 4 });
  });

  it('stops leading at once when it finds the Lease taken by another', async () => {
    const http = client();
    const ns = await freshNamespace('lease-taken');
    const timings = { leaseDurationMs: 8_000, renewDeadlineMs: 5_000, retryPeriodMs: 500 };
    const leader = candidate(http, ns, timings);
    await firstLeader(leader);
    const lease = (await http.getJSON(leasePath(ns))) as { spec: LeaseSpec };
    const start = performance.now();
    await http.sendJSON('PUT', leasePath(ns), {
      ...lease,
      spec: { ...lease.spec, holderIdentity: 'intruder' },
    });
    await eventually(async () => (leader.stopped === 1 ? true : undefined), 10_000);
    expect(performance.now() - start).toBeLessThan(2 * 500 + 500); // not the 5 s renew deadline
    expect((await leaseSpec(http, ns)).holderIdentity).toBe('intruder'); // and it did not release it
  });

  it('writes MicroTime the API server accepts, which refuses toISOString() with 400', async () => {
    const http = client();
    const ns = await freshNamespace('lease-time');
    const lease = (renewTime: string) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: `t${renewTime.length}`, namespace: ns },
      spec: { holderIdentity: 'x', renewTime },
    });
    const collection = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    const date = new Date('2026-12-02T04:30:00.123Z');
    const error = await http.sendJSON('POST', collection, lease(date.toISOString())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).statusCode).toBe(400);
    const created = (await http.sendJSON('POST', collection, lease(microTime(date)))) as { spec: LeaseSpec };
    expect(created.spec.renewTime).toBe('2026-12-02T04:30:00.123000Z');
  });
});
