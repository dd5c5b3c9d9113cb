// The controller when the API server restarts: every watch breaks; the reflectors resume (or
// relist), the queue drains, and changes made after the restart converge. A control plane of its
// own, so the run's shared one is never restarted under other tests. No webhooks are registered
// here: the controller writes the defaults itself, as it must when the webhook never saw an object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { startOperatorProcess, type OperatorProcess } from '../../harness/operator-process.js';
import { kubeHttp, loadKubeConfig } from '../../src/kube/kube-http.js';
import { eventually } from '../harness/cluster.js';
import { playKubelet, type Kubelet } from '../../harness/kubelet.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

describe('the controller across an API server restart', () => {
  let plane: ControlPlane;
  let operator: OperatorProcess;
  let kubelet: Kubelet;

  beforeAll(async () => {
    plane = await startControlPlane();
    await installCrds(plane);
    operator = await startOperatorProcess({
      kubeconfig: plane.kubeconfig,
      dir: plane.dir,
      ca: plane.ca,
      name: 'restart',
      leaseName: 'frappe-admission',
    });
  });
  afterAll(async () => {
    await kubelet?.stop();
    await operator?.stop();
    await plane?.stop();
  });

  const get = async (kind: string, name: string, ns: string): Promise<Loose> => {
    const result = await plane.kubectl(['get', kind, name, '-n', ns, '-o', 'json']);
    return result.code === 0 ? JSON.parse(result.stdout) : undefined;
  };
  const ready = (kind: string, name: string, ns: string) =>
    eventually(async () => {
      const object = await get(kind, name, ns);
      return object?.status?.conditions?.some((c: Loose) => c.type === 'Ready' && c.status === 'True')
        ? object
        : undefined;
    }, 60_000);

  it('recovers every watch and converges what changed after the restart', async () => {
    const ns = 'restart';
    expect((await plane.kubectl(['create', 'namespace', ns])).code).toBe(0);
    kubelet = playKubelet(kubeHttp(loadKubeConfig(plane.kubeconfig), 'frappe-admission-tests'), [ns]);
    const bench = `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: erpnext, namespace: ${ns}}
spec: {frappeVersion: version-15}
`;
    expect((await plane.kubectl(['apply', '-f', '-'], { input: bench })).code).toBe(0);
    const before = await ready('frappebench', 'erpnext', ns);
    // Nothing admitted it: the controller wrote the defaults.
    expect(before.spec.imageConfig).toMatchObject({
      repository: 'docker.io/frappe/erpnext',
      tag: 'version-15',
    });

    const restartedAt = Date.now();
    await plane.restartApiServer!();
    const downSeconds = (Date.now() - restartedAt) / 1000;

    // Changes after the restart: a new site and a bench change. Both need working watches.
    const site = `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {name: shop, namespace: ${ns}}
spec: {benchRef: {name: erpnext}, siteName: shop.example.com, dbConfig: {provider: mariadb, mode: shared, mariadbRef: {name: db}}}
`;
    expect((await plane.kubectl(['apply', '-f', '-'], { input: site })).code).toBe(0);
    expect(
      (
        await plane.kubectl([
          'patch',
          'frappebench',
          'erpnext',
          '-n',
          ns,
          '--type=merge',
          '-p',
          '{"spec":{"componentReplicas":{"nginx":2}}}',
        ])
      ).code,
    ).toBe(0);
    const convergedAt = await eventually(async () => {
      const nginx = await get('deployment', 'erpnext-nginx', ns);
      const shop = await get('frappesite', 'shop', ns);
      return nginx?.spec.replicas === 2 && shop?.status?.phase ? Date.now() : undefined;
    }, 60_000);
    // mariadb-operator is not installed here: the site says so instead of looping.
    const shop = await get('frappesite', 'shop', ns);
    expect(shop.status.conditions.find((c: Loose) => c.type === 'DatabaseReady')).toMatchObject({
      status: 'False',
      reason: 'MariaDBOperatorMissing',
    });
    expect(shop.status.phase).toBe('Failed');
    expect(operator.process.child.exitCode).toBeNull();
    process.stderr.write(
      `apiserver restart: down ${downSeconds.toFixed(1)} s, converged ${((convergedAt - restartedAt) / 1000).toFixed(1)} s after the restart began\n`,
    );
  });
});
