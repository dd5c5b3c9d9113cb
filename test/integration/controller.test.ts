// The controller against the real API server, run as users run it (`frappe-admission serve`, the
// controller behind its Lease), with this test playing the kubelet, KEDA and mariadb-operator.
// Covered: a bench and a site converge to Ready with every child of API.md §8; KEDA absent, then
// installed later; a spec change updates children in place; a child deleted or edited by hand is
// put back; zero writes at rest (counted in the API server's audit log); dedicated databases;
// deletion with Retain and with Delete; an object the mutating webhook never saw gets defaults.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperatorProcess, type OperatorProcess } from '../../harness/operator-process.js';
import { cluster, eventually, freshNamespace, kubectl } from '../harness/cluster.js';
import { SHARED_NAMESPACE } from '../harness/global-setup.js';
import { installForeignCrds, KEDA_KINDS, MARIADB_KINDS, removeForeignCrds } from '../harness/foreign-crds.js';
import { playKubelet, testHttp, type Kubelet } from '../harness/kubelet.js';
import { applyOk, mergePatch, site } from '../e2e/kubectl-helpers.js';

const bench = (namespace: string, name = 'erpnext', extra = '') => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  frappeVersion: version-15
  apps: [{name: erpnext, source: image}]
${extra}`;

// Objects as kubectl prints them: read field by field, asserted with expect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function getJSON(kind: string, name: string, namespace: string, ...flags: string[]): Promise<Loose> {
  const result = await kubectl(['get', kind, name, '-n', namespace, '-o', 'json', ...flags]);
  return result.code === 0 ? JSON.parse(result.stdout) : undefined;
}

const condition = (object: Loose, type: string) =>
  (object?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

async function waitReady(kind: string, name: string, namespace: string, timeoutMs = 45_000) {
  return eventually(async () => {
    const object = await getJSON(kind, name, namespace);
    return condition(object, 'Ready')?.status === 'True' ? object : undefined;
  }, timeoutMs);
}

/** Write requests the operator (user agent frappe-admission) made, as the API server's audit log has them. */
async function operatorWrites(): Promise<{ verb: string; uri: string; resource: string; name: string }[]> {
  const text = await readFile(cluster().auditLog, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.includes('"userAgent":"frappe-admission"'))
    .map(
      (line) =>
        JSON.parse(line) as {
          verb: string;
          requestURI: string;
          userAgent: string;
          objectRef?: { resource?: string; namespace?: string; name?: string };
        },
    )
    .filter((event) => event.userAgent === 'frappe-admission' && !event.requestURI.includes('/leases/'))
    .map((event) => ({
      verb: event.verb,
      uri: event.requestURI,
      resource: `${event.objectRef?.namespace ?? ''}/${event.objectRef?.resource ?? ''}`,
      name: event.objectRef?.name ?? '',
    }));
}

/** The Secret each secretKeyRef env var of a Job's first container reads. */
const secretRefs = (job: Loose) =>
  Object.fromEntries(
    (job.spec.template.spec.containers[0].env as Loose[])
      .filter((e) => e.valueFrom?.secretKeyRef)
      .map((e) => [e.name, e.valueFrom.secretKeyRef]),
  );

const BENCH_CHILDREN = (b: string): [string, string][] => [
  ['persistentvolumeclaim', `${b}-sites`],
  ['configmap', `${b}-config`],
  ['statefulset', `${b}-redis-cache`],
  ['statefulset', `${b}-redis-queue`],
  ['service', `${b}-redis-cache`],
  ['service', `${b}-redis-queue`],
  ['service', `${b}-gunicorn`],
  ['service', `${b}-nginx`],
  ['service', `${b}-socketio`],
  ['deployment', `${b}-gunicorn`],
  ['deployment', `${b}-nginx`],
  ['deployment', `${b}-socketio`],
  ['deployment', `${b}-scheduler`],
  ['deployment', `${b}-worker-default`],
  ['deployment', `${b}-worker-long`],
  ['deployment', `${b}-worker-short`],
];

describe('the controller', () => {
  let operator: OperatorProcess;
  const kubelets: Kubelet[] = [];
  const play = (namespace: string) => {
    const kubelet = playKubelet(testHttp(), [namespace]);
    kubelets.push(kubelet);
    return kubelet;
  };

  beforeAll(async () => {
    await installForeignCrds(MARIADB_KINDS);
    const { kubeconfig, dir, ca, operatorConfig } = cluster();
    operator = await startOperatorProcess({
      kubeconfig,
      dir,
      ca,
      name: 'controller-a',
      leaseName: `controller-${process.pid}`,
      extraArgs: ['--config', operatorConfig],
    });
  });

  afterAll(async () => {
    await Promise.all(kubelets.map((k) => k.stop()));
    await operator?.stop();
    await removeForeignCrds([...MARIADB_KINDS, ...KEDA_KINDS]);
  });

  it('runs workers static without KEDA, and autoscales them once KEDA is installed', async () => {
    const ns = await freshNamespace('ctl-keda');
    play(ns);
    await applyOk(bench(ns));
    const ready = await waitReady('frappebench', 'erpnext', ns);
    expect(ready.status.workerScaling.short).toMatchObject({ mode: 'static', kedaManaged: false });
    expect(condition(ready, 'Autoscaling')).toMatchObject({ status: 'False', reason: 'KedaNotInstalled' });
    expect((await getJSON('deployment', 'erpnext-worker-short', ns)).spec.replicas).toBe(1);

    await installForeignCrds(KEDA_KINDS);
    const scaled = await eventually(
      () => getJSON('scaledobjects.keda.sh', 'erpnext-worker-short', ns),
      30_000,
    );
    expect(scaled.spec.triggers[0].metadata.listName).toBe(`rq:queue:${ns}-erpnext:short`);
    expect(scaled.spec.triggers[0].metadata.address).toBe(`erpnext-redis-queue.${ns}.svc:6379`);
    const autoscaled = await eventually(async () => {
      const b = await getJSON('frappebench', 'erpnext', ns);
      return b.status.workerScaling.short.mode === 'autoscaled' &&
        condition(b, 'Autoscaling')?.status === 'True'
        ? b
        : undefined;
    }, 30_000);
    expect(autoscaled.status.workerScaling.short.kedaManaged).toBe(true);
    // The Deployment's replicas are no longer ours: the field manager gave them up to KEDA's HPA.
    const worker = await getJSON('deployment', 'erpnext-worker-short', ns, '--show-managed-fields');
    const ours = worker.metadata.managedFields.find(
      (m: { manager: string }) => m.manager === 'frappe-admission',
    );
    const spec = JSON.stringify(ours.fieldsV1['f:spec']);
    expect(spec).toContain('f:template');
    expect(spec).not.toContain('f:replicas');
  });

  it('converges a bench and a site to Ready with every child, and writes nothing at rest', async () => {
    const ns = await freshNamespace('ctl-ready');
    const kubelet = play(ns);
    await applyOk(bench(ns));
    await applyOk(site(ns, 'shop', `shop.${ns}.example.com`));
    const readyBench = await waitReady('frappebench', 'erpnext', ns);
    expect(readyBench.status).toMatchObject({
      phase: 'Ready',
      observedGeneration: readyBench.metadata.generation,
    });
    expect(readyBench.status.initializedConfigHash).toMatch(/^[0-9a-f]{8}$/);
    for (const type of ['Reconciling', 'Stalled']) expect(condition(readyBench, type)?.status).toBe('False');
    for (const [kind, name] of BENCH_CHILDREN('erpnext')) {
      const child = await getJSON(kind, name, ns);
      expect(child, `${kind} ${name}`).toBeDefined();
      expect(child.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'frappe',
        'app.kubernetes.io/instance': 'erpnext',
        'app.kubernetes.io/managed-by': 'frappe-admission',
      });
      if (kind !== 'persistentvolumeclaim')
        expect(child.metadata.ownerReferences).toEqual([
          expect.objectContaining({ kind: 'FrappeBench', name: 'erpnext', controller: true }),
        ]);
    }
    const config = await getJSON('configmap', 'erpnext-config', ns);
    expect(JSON.parse(config.data['common_site_config.json'])).toMatchObject({
      bench_id: `${ns}-erpnext`,
      socketio_port: 9000,
    });

    const readySite = await waitReady('frappesite', 'shop', ns);
    expect(readySite.status).toMatchObject({ phase: 'Ready', siteURL: `http://shop.${ns}.example.com` });
    expect(readySite.status.databaseStatus).toMatchObject({
      phase: 'Ready',
      host: `frappe-mariadb.${ns}.svc`,
      port: 3306,
    });
    const database = await getJSON('databases.k8s.mariadb.com', 'shop-db', ns);
    expect(database.spec).toMatchObject({
      characterSet: 'utf8mb4',
      collate: 'utf8mb4_unicode_ci',
      cleanupPolicy: 'Skip',
      name: readySite.spec.dbConfig.databaseName,
    });
    expect((await getJSON('users.k8s.mariadb.com', 'shop-user', ns)).spec.maxUserConnections).toBe(100);
    expect((await getJSON('grants.k8s.mariadb.com', 'shop-grant', ns)).spec.privileges).toEqual([
      'ALL PRIVILEGES',
    ]);
    expect((await getJSON('ingress', 'shop', ns)).spec.rules[0]).toMatchObject({
      host: `shop.${ns}.example.com`,
    });
    // The init Job reads the passwords from the site's own Secrets: no copy is ever written.
    const initJob = await getJSON('job', 'shop-init', ns);
    expect(secretRefs(initJob)).toEqual({
      DB_PASSWORD: { name: 'shop-db-password', key: 'password' },
      ADMIN_PASSWORD: { name: 'shop-admin', key: 'password' },
    });
    expect(await getJSON('secret', 'shop-db-password', ns)).toBeDefined();
    expect(await getJSON('secret', 'shop-admin', ns)).toBeDefined();
    const written = await operatorWrites();
    expect(written.filter((w) => w.resource === `${ns}/secrets` && w.name === 'shop-init')).toEqual([]);
    // Deployments wait for the bench's init Job: each is written once, already carrying the
    // configuration hash the Job wrote (no second apply, no pod started on an empty volume).
    for (const [kind, name] of BENCH_CHILDREN('erpnext').filter(([kind]) => kind === 'deployment')) {
      const writes = written.filter((w) => w.resource === `${ns}/${kind}s` && w.name === name);
      expect(writes, name).toHaveLength(1);
      const deployment = await getJSON(kind, name, ns);
      expect(deployment.spec.template.metadata.annotations).toMatchObject({
        'vyogo.tech/initialized-config-hash': readyBench.status.initializedConfigHash,
      });
    }

    // At rest: the kubelet stops writing, and the operator must write nothing at all.
    await kubelet.stop();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = await operatorWrites();
    // Wake every reconcile without changing any spec: each must find nothing to do.
    expect((await kubectl(['label', 'frappebench', 'erpnext', '-n', ns, 'touched=yes'])).code).toBe(0);
    expect((await kubectl(['annotate', 'frappesite', 'shop', '-n', ns, 'touched=yes'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const after = await operatorWrites();
    expect(after.slice(before.length)).toEqual([]);
    expect(before.length).toBeGreaterThan(20); // the count is real: it saw the operator's writes

    const metrics = await operator.metrics();
    expect(metrics).toMatch(/^frappe_operator_leader 1$/m);
    expect(metrics).toMatch(
      /^frappe_operator_reconciliation_total\{controller="frappesite",result="success"\} [1-9]/m,
    );
    expect(metrics).toMatch(/^frappe_operator_sites_total\{phase="Ready"\} [1-9]/m);
    expect(metrics).toMatch(/^frappe_operator_jobs_running\{job_type="site-init"\} 0$/m);
    expect(metrics).toMatch(/^frappe_operator_workqueue_depth\{controller="frappebench"\} 0$/m);
  });

  it('updates children in place on a spec change, and puts back what a person changed', async () => {
    const ns = await freshNamespace('ctl-drift');
    play(ns);
    await applyOk(bench(ns));
    await waitReady('frappebench', 'erpnext', ns);
    const gunicorn = await getJSON('deployment', 'erpnext-gunicorn', ns);

    expect(
      (await mergePatch('frappebench', 'erpnext', ns, '{"spec":{"componentReplicas":{"gunicorn":3}}}')).code,
    ).toBe(0);
    const scaled = await eventually(async () => {
      const d = await getJSON('deployment', 'erpnext-gunicorn', ns);
      return d.spec.replicas === 3 ? d : undefined;
    });
    expect(scaled.metadata.uid).toBe(gunicorn.metadata.uid);

    expect(
      (await kubectl(['set', 'image', 'deployment/erpnext-nginx', '-n', ns, 'nginx=example.com/evil:1']))
        .code,
    ).toBe(0);
    await eventually(async () => {
      const d = await getJSON('deployment', 'erpnext-nginx', ns);
      return d.spec.template.spec.containers[0].image !== 'example.com/evil:1' ? true : undefined;
    });

    const service = await getJSON('service', 'erpnext-socketio', ns);
    expect((await kubectl(['delete', 'service', 'erpnext-socketio', '-n', ns])).code).toBe(0);
    const recreated = await eventually(async () => {
      const s = await getJSON('service', 'erpnext-socketio', ns);
      return s && s.metadata.uid !== service.metadata.uid ? s : undefined;
    });
    expect(recreated.spec.ports[0].port).toBe(9000);
  });

  it('gives a dedicated database its own MariaDB', async () => {
    const ns = await freshNamespace('ctl-dedicated');
    play(ns);
    await applyOk(bench(ns));
    await applyOk(site(ns, 'solo', `solo.${ns}.example.com`, '  dbConfig: {mode: dedicated}'));
    const ready = await waitReady('frappesite', 'solo', ns);
    expect(ready.status.databaseStatus.host).toBe(`solo-mariadb.${ns}.svc`);
    const mariadb = await getJSON('mariadbs.k8s.mariadb.com', 'solo-mariadb', ns);
    expect(mariadb.spec.rootPasswordSecretKeyRef).toMatchObject({ name: 'solo-mariadb-root' });
    expect((await getJSON('databases.k8s.mariadb.com', 'solo-db', ns)).spec.mariaDbRef.name).toBe(
      'solo-mariadb',
    );
  });

  it('copies an admin password kept in a shared namespace for the init Job, and removes the copy', async () => {
    const ns = await freshNamespace('ctl-shared-admin');
    play(ns);
    await kubectl(['create', 'namespace', SHARED_NAMESPACE]); // may exist already: other tests share it
    const secretName = `admin-${ns}`.slice(0, 63);
    const created = await kubectl([
      'create',
      'secret',
      'generic',
      secretName,
      '-n',
      SHARED_NAMESPACE,
      '--from-literal=pw=s3cret',
    ]);
    expect(created.code, created.stderr).toBe(0);
    await applyOk(bench(ns));
    await applyOk(
      site(
        ns,
        'shop',
        `shop.${ns}.example.com`,
        `  adminPasswordSecretRef: {name: ${secretName}, namespace: ${SHARED_NAMESPACE}, key: pw}`,
      ),
    );
    await waitReady('frappesite', 'shop', ns);
    // A Job cannot read a Secret of another namespace: it reads an owned copy in the site's.
    expect(secretRefs(await getJSON('job', 'shop-init', ns))).toEqual({
      DB_PASSWORD: { name: 'shop-init', key: 'db-password' },
      ADMIN_PASSWORD: { name: 'shop-init', key: 'admin-password' },
    });
    // Written while the site was initialized, deleted once its success was recorded.
    await eventually(async () =>
      (await getJSON('secret', 'shop-init', ns)) === undefined ? true : undefined,
    );
    const copyWrites = (await operatorWrites())
      .filter((w) => w.resource === `${ns}/secrets` && w.name === 'shop-init')
      .map((w) => w.verb);
    expect(copyWrites).toEqual(['create', 'delete']);
  });

  it('keeps the data of a Retain site and cleans up a Delete site before it goes', async () => {
    const ns = await freshNamespace('ctl-delete');
    const kubelet = play(ns);
    await applyOk(bench(ns));
    await applyOk(site(ns, 'kept', `kept.${ns}.example.com`));
    await applyOk(site(ns, 'gone', `gone.${ns}.example.com`, '  deletionPolicy: Delete'));
    await waitReady('frappesite', 'kept', ns);
    const gone = await waitReady('frappesite', 'gone', ns);
    expect(gone.metadata.finalizers).toContain('vyogo.tech/site-cleanup');
    expect((await getJSON('databases.k8s.mariadb.com', 'gone-db', ns)).spec.cleanupPolicy).toBe('Delete');

    expect(
      (await kubectl(['delete', 'frappesite', 'kept', '-n', ns, '--wait=true', '--timeout=30s'])).code,
    ).toBe(0);
    expect(await getJSON('secret', 'kept-db-password', ns)).toBeDefined();

    kubelet.failJobs.add('gone-drop');
    expect((await kubectl(['delete', 'frappesite', 'gone', '-n', ns, '--wait=false'])).code).toBe(0);
    const drop = await eventually(() => getJSON('job', 'gone-drop', ns));
    expect(JSON.stringify(drop.spec.template.spec.containers[0].env)).toContain(`gone.${ns}.example.com`);
    // A failed drop Job keeps the site (and its database) until someone looks.
    await eventually(async () =>
      (await getJSON('job', 'gone-drop', ns))?.status?.failed ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await getJSON('frappesite', 'gone', ns)).toBeDefined();
    expect(await getJSON('databases.k8s.mariadb.com', 'gone-db', ns)).toBeDefined();

    kubelet.failJobs.delete('gone-drop');
    expect((await kubectl(['delete', 'job', 'gone-drop', '-n', ns])).code).toBe(0);
    await eventually(
      async () => ((await getJSON('frappesite', 'gone', ns)) === undefined ? true : undefined),
      30_000,
    );
    expect(await getJSON('databases.k8s.mariadb.com', 'gone-db', ns)).toBeUndefined();
  });

  it('writes the defaults into an object the mutating webhook never saw', async () => {
    // The run's webhook configuration excludes the operator's own namespace
    // (frappe-admission-system): an object created there is stored as written, as with a webhook
    // that is down under failurePolicy Ignore.
    const system = 'frappe-admission-system';
    await kubectl(['create', 'namespace', system]);
    const name = `raw-${process.pid}`;
    const created = await kubectl(['create', '-o', 'json', '-f', '-'], bench(system, name));
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).spec.imageConfig).toBeUndefined();
    const defaulted = await eventually(async () => {
      const b = await getJSON('frappebench', name, system);
      return b?.spec?.imageConfig?.repository ? b : undefined;
    });
    expect(defaulted.spec.imageConfig).toMatchObject({
      repository: 'docker.io/frappe/erpnext',
      tag: 'version-15',
    });
    expect(defaulted.spec.workerAutoscaling.short).toMatchObject({ enabled: true, maxReplicas: 10 });
    await kubectl(['delete', 'frappebench', name, '-n', system, '--wait=false']);
  });
});
