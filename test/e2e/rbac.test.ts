// The chart's RBAC proven sufficient and minimal against the real RBAC authorizer. A control plane
// of this file's own (the foreign and Route CRDs it installs never reach other tests) gets the
// chart's ClusterRoles, Roles and bindings exactly as `helm template` renders them (self-managed
// certificates: the superset of both modes), and `serve` runs with the chart's own flags,
// authenticated only by a ServiceAccount token from the TokenRequest API.
//
// Sufficient: as the chart's ServiceAccount, a scenario that needs every grant passes, and the audit
// log (which records every request of a ServiceAccount, reads included) holds no 403 for it; in
// cert-manager mode too, with that mode's roles (certificates from files, no certificate steps).
// Minimal: each rule removed, one at a time, bound to another ServiceAccount, and the same scenario
// run again must fail (it stops at the first 403 the audit log shows for that account, or when a
// step times out); each verb removed from a rule must deny one of the requests the sufficient run
// made (asked of the same authorizer with SubjectAccessReviews). What cannot be proven here is an
// asserted, named exception (EXCEPTIONS), explained in docs/rbac.md.
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, installCrds, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import {
  installForeignCrds,
  KEDA_KINDS,
  MARIADB_KINDS,
  type ForeignKind,
} from '../../harness/foreign-crds.js';
import { playKubelet, type Kubelet } from '../../harness/kubelet.js';
import { builtCli } from '../../harness/paths.js';
import { issueCertificate } from '../../harness/pki.js';
import { startProcess, type ManagedProcess } from '../../harness/processes.js';
import { mirrorSecret } from '../../harness/secret-volume.js';
import { serviceAccountKubeconfig, serviceAccountUser } from '../../harness/service-account.js';
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import { helmTemplate } from '../../scripts/chart.js';
import { parseObjects, serveArgs, type K8sObject } from '../install/render.js';
import { WEBHOOK_CONFIGURATIONS } from './chart-install.js';

const RELEASE = 'fa';
const NS = 'fa-system';
const FULLNAME = 'fa-frappe-admission';
const SECRET = `${FULLNAME}-tls`;
const SERVICE_HOST = `${FULLNAME}.${NS}.svc`;
const ROUTE_KIND: ForeignKind = {
  group: 'route.openshift.io',
  version: 'v1',
  kind: 'Route',
  plural: 'routes',
};

/**
 * Grants no request here can prove needed, by rule (as ruleName names them), and why. The test
 * fails when the chart's rules change without this list following.
 */
const EXCEPTIONS: Record<string, string> = {
  [`ClusterRole ${FULLNAME}: route.openshift.io routes/custom-host create`]:
    "only OpenShift's route admission checks it (a Route that sets spec.host); kube-apiserver serving a Route CRD never does",
};

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}
type Role = K8sObject & { rules: Rule[] };

/** A rule as the outcomes and EXCEPTIONS name it: `<kind> <role>: <groups> <resources> [names] <verbs>`. */
const ruleName = (role: Role, rule: Rule) =>
  `${role.kind} ${role.metadata.name}: ${rule.apiGroups.map((g) => g || 'core').join(',')} ` +
  `${rule.resources.join(',')}${rule.resourceNames ? ` [${rule.resourceNames.join(',')}]` : ''} ${rule.verbs.join(',')}`;

interface Variant {
  name: string;
  roles: Role[];
  /** The verb removed (verb variants only). */
  verb?: string;
}

/**
 * The chart's roles with one rule removed, for each rule; and with one verb removed, for each verb of
 * a rule that has several (a rule's only verb removed is the rule removed).
 */
function variants(roles: Role[]): { rules: Variant[]; verbs: Variant[] } {
  const rules: Variant[] = [];
  const verbs: Variant[] = [];
  roles.forEach((role, r) =>
    role.rules.forEach((rule, i) => {
      const replace = (next: Rule[]) => roles.map((o, k) => (k === r ? { ...o, rules: next } : o));
      rules.push({ name: ruleName(role, rule), roles: replace(role.rules.filter((_, j) => j !== i)) });
      if (rule.verbs.length > 1)
        for (const verb of rule.verbs)
          verbs.push({
            name: `${ruleName(role, rule)} without ${verb}`,
            verb,
            roles: replace(
              role.rules.map((o, j) => (j === i ? { ...o, verbs: o.verbs.filter((v) => v !== verb) } : o)),
            ),
          });
    }),
  );
  return { rules, verbs };
}

/** The chart's ServiceAccount, roles and bindings. */
const isRbac = (o: K8sObject) => /^(Cluster)?Role(Binding)?$/.test(o.kind) || o.kind === 'ServiceAccount';

/** The roles renamed for `account`, each bound to that ServiceAccount only. */
function boundTo(account: string, roles: Role[]): K8sObject[] {
  return roles.flatMap((role) => {
    const name = `${role.metadata.name}-${account}`;
    const metadata = { ...role.metadata, name };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: role.kind === 'Role' ? 'RoleBinding' : 'ClusterRoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: NS }],
    };
    return [{ ...role, metadata }, binding];
  });
}

interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  };
  responseStatus?: { code?: number };
}

/** Reads the audit log as it grows, keeping the events of ServiceAccounts. */
function auditReader(file: string) {
  const events: AuditEvent[] = [];
  let offset = 0;
  let partial = '';
  return async (): Promise<AuditEvent[]> => {
    const handle = await open(file);
    try {
      const { size } = await handle.stat();
      if (size > offset) {
        const buffer = Buffer.alloc(size - offset);
        await handle.read(buffer, 0, buffer.length, offset);
        offset = size;
        const lines = (partial + buffer.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines)
          if (line.includes('system:serviceaccount:')) events.push(JSON.parse(line) as AuditEvent);
      }
    } finally {
      await handle.close();
    }
    return events;
  };
}

const describeEvent = (e: AuditEvent) =>
  `${e.responseStatus?.code} ${e.verb} ${e.requestURI.replace(/\?.*/, '')}`;

/** An HTTPS request to the process, verifying its certificate for the Service's name against `ca`. */
function toProcess(
  url: string,
  ca: Buffer,
  body?: unknown,
): Promise<{ status: number; json: () => Record<string, unknown> }> {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        ca,
        servername: SERVICE_HOST,
        method: data ? 'POST' : 'GET',
        headers: data
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
          : {},
        timeout: 2000,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, json: () => ({}) }));
    req.end(data);
  });
}

// Objects as kubectl prints them: read field by field, asserted with expect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

let plane: ControlPlane;
let dir: string;
let admin: KubeHttp;
let chartRoles: Role[];
let chartObjects: K8sObject[];
let readAudit: () => Promise<AuditEvent[]>;
let runs = 0;

async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await plane.kubectl(args, { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
const applyObjects = (objects: object[]) =>
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
async function getJSON(kind: string, name: string, namespace?: string): Promise<Loose> {
  const result = await plane.kubectl([
    'get',
    kind,
    name,
    ...(namespace ? ['-n', namespace] : []),
    '-o',
    'json',
  ]);
  return result.code === 0 ? JSON.parse(result.stdout) : undefined;
}
const condition = (object: Loose, type: string) =>
  (object?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

/**
 * The chart's webhook configurations, named and shaped as the chart makes them, but matching no
 * namespace: there is no Service endpoint here, and this file's objects must reach the API server
 * without a webhook (the controller then writes their defaults itself). The process still patches
 * their caBundle, and the test sends its AdmissionReviews to the process directly.
 */
function webhookConfigurations(chart: K8sObject[]): K8sObject[] {
  return chart
    .filter((o) => o.kind.endsWith('WebhookConfiguration'))
    .map((o) => ({
      ...o,
      webhooks: (o.webhooks as object[]).map((w) => ({
        ...w,
        namespaceSelector: { matchLabels: { 'rbac-test.vyogo.tech/never': 'true' } },
      })),
    }));
}

/** `serve` with the Deployment's own arguments `args`, as `kubeconfig`'s user. */
function startServe(runDir: string, args: string[], kubeconfig: string, name: string): ManagedProcess {
  return startProcess(
    `serve-${name}`,
    process.execPath,
    [
      builtCli(),
      'serve',
      ...args,
      '--host=127.0.0.1',
      `--kubeconfig=${kubeconfig}`,
      // Renewals are checked each second, so the forced one below happens at once.
      '--certificate-check-interval=1s',
    ],
    runDir,
    { ...process.env, POD_NAME: name, POD_NAMESPACE: NS },
  );
}

const bench = (namespace: string) => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: erpnext, namespace: ${namespace}}
spec:
  frappeVersion: version-15
  apps: [{name: erpnext, source: image}]
`;
const site = (namespace: string, name: string) => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  benchRef: {name: erpnext}
  siteName: ${name}.${namespace}.example.com
  dbConfig: {mode: dedicated}
  deletionPolicy: Delete
  adminPasswordSecretRef: {name: admin, namespace: ${namespace}-shared}
`;

const BENCH_CHILDREN: [string, string][] = [
  ['persistentvolumeclaim', 'erpnext-sites'],
  ['configmap', 'erpnext-config'],
  ['statefulset', 'erpnext-redis-cache'],
  ['statefulset', 'erpnext-redis-queue'],
  ['service', 'erpnext-redis-queue'],
  ['service', 'erpnext-gunicorn'],
  ['deployment', 'erpnext-gunicorn'],
  ['deployment', 'erpnext-worker-short'],
  ['scaledobjects.keda.sh', 'erpnext-worker-short'],
];
const SITE_CHILDREN: [string, string][] = [
  ['mariadbs.k8s.mariadb.com', 'shop-mariadb'],
  ['databases.k8s.mariadb.com', 'shop-db'],
  ['users.k8s.mariadb.com', 'shop-user'],
  ['grants.k8s.mariadb.com', 'shop-grant'],
  ['secret', 'shop-mariadb-root'],
  ['secret', 'shop-db-password'],
  ['ingress', 'shop'],
];

/**
 * The scenario, with the chart rendered as `chart` (its mode, flags and webhook configurations), as
 * ServiceAccount `account` with the RBAC objects `rbac`: throws at the first 403 the audit log shows
 * for that account, when the process exits, or when a step is not reached in time. Each step reached
 * is added to `steps`.
 */
async function scenario(
  chart: K8sObject[],
  account: string,
  rbac: K8sObject[],
  steps: string[] = [],
): Promise<void> {
  const run = ++runs;
  const runDir = join(dir, `run-${run}`);
  await mkdir(runDir);
  const ns = `rbac-${run}`;
  const user = serviceAccountUser(NS, account);
  // A clean start: no Lease, no certificate Secret, configurations without caBundle.
  await kubectl(['delete', '--ignore-not-found', `lease/${FULLNAME}`, `secret/${SECRET}`, '-n', NS]);
  await kubectl(
    ['delete', '--ignore-not-found', '-f', '-'],
    JSON.stringify({ kind: 'List', apiVersion: 'v1', items: webhookConfigurations(chart) }),
  );
  await applyObjects(webhookConfigurations(chart));
  await applyObjects([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: NS } },
  ]);
  await applyObjects(rbac);
  await kubectl(['create', 'namespace', ns]);
  const kubeconfig = await serviceAccountKubeconfig({
    http: admin,
    server: plane.server,
    caFile: plane.ca.cert,
    namespace: NS,
    name: account,
    file: join(runDir, 'kubeconfig'),
  });
  const port = await freePort();
  let args = await serveArgs(chart, runDir, { '--port': String(port), '--drain-delay-seconds': '0' });
  const selfManaged = args.includes('--self-managed-certificates');
  // Self-managed: the process issues its certificate into the Secret, kubelet mounts it (played).
  // cert-manager mode: the certificate cert-manager would issue, from the control plane's CA.
  const volume = selfManaged
    ? mirrorSecret({ kubeconfig: plane.kubeconfig, namespace: NS, name: SECRET, dir: join(runDir, 'tls') })
    : undefined;
  if (!selfManaged) {
    const serving = await issueCertificate(runDir, plane.ca, {
      name: 'serving',
      commonName: SERVICE_HOST,
      usage: 'serverAuth',
      dnsNames: [SERVICE_HOST],
    });
    args = await serveArgs(chart, runDir, {
      '--port': String(port),
      '--drain-delay-seconds': '0',
      '--tls-cert-file': serving.cert,
      '--tls-private-key-file': serving.key,
    });
  }
  const kubelet: Kubelet = playKubelet(kubeHttp(loadKubeConfig(plane.kubeconfig), 'rbac-test-kubelet'), [ns]);
  const serve = startServe(runDir, args, kubeconfig, `rbac-${run}`);
  const url = `https://127.0.0.1:${port}`;

  /** Polls `probe` until it gives a value; fails fast on a 403 for the account or the process's exit. */
  async function step<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 1.5, 400)) {
      const denied = (await readAudit()).find(
        (e) => e.user.username === user && e.responseStatus?.code === 403,
      );
      if (denied) throw new Error(`${what}: denied ${describeEvent(denied)}`);
      if (serve.child.exitCode !== null)
        throw new Error(`${what}: the process exited\n${await serve.tail(10)}`);
      const value = await probe().catch(() => undefined);
      if (value !== undefined) {
        steps.push(what);
        return value;
      }
      if (Date.now() > deadline)
        throw new Error(`${what}: not within ${timeoutMs} ms\n${await serve.tail(10)}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  const exists = (kind: string, name: string) => async () =>
    (await getJSON(kind, name, ns)) ? true : undefined;
  const mergePatch = (kind: string, name: string, patch: string) =>
    kubectl(['patch', kind, name, '-n', ns, '--type=merge', '-p', patch]);
  const gone = (kind: string, name: string) => async () =>
    (await getJSON(kind, name, ns)) === undefined ? true : undefined;
  const ready = (kind: string, name: string) => async () => {
    const o = await getJSON(kind, name, ns);
    return condition(o, 'Ready')?.status === 'True' ? o : undefined;
  };

  try {
    // Leader election, then the certificates the Lease holder issues (self-managed).
    const lease = await step('Lease taken', async () => {
      const l = await getJSON('lease', FULLNAME, NS);
      return l?.spec?.holderIdentity?.startsWith(`rbac-${run}`) ? l : undefined;
    });
    let ca = await readFile(plane.ca.cert);
    const secret = selfManaged
      ? await step('certificate Secret issued', () => getJSON('secret', SECRET, NS))
      : undefined;
    if (secret) {
      const caBundle = secret.data['ca.crt'] as string;
      await step('caBundle patched into both configurations', async () => {
        const bundles = await Promise.all(
          WEBHOOK_CONFIGURATIONS.map(async (kind) =>
            ((await getJSON(kind, FULLNAME)).webhooks as Loose[]).map((w) => w.clientConfig.caBundle),
          ),
        );
        return bundles.flat().every((b) => b === caBundle) ? true : undefined;
      });
      ca = Buffer.from(caBundle, 'base64');
    }
    await step('/readyz (every informer listed)', async () =>
      (await toProcess(`${url}/readyz`, ca)).status === 200 ? true : undefined,
    );

    // The controller: a bench with every child kind (KEDA installed), defaults written by it.
    await kubectl(['create', '-f', '-'], bench(ns));
    const readyBench = await step('bench defaulted and Ready', ready('frappebench', 'erpnext'), 45_000);
    expect(readyBench.spec.imageConfig.repository).toBe('docker.io/frappe/erpnext');
    expect(readyBench.status.observedGeneration).toBe(readyBench.metadata.generation);
    for (const [kind, name] of BENCH_CHILDREN) await step(`bench child ${kind} ${name}`, exists(kind, name));

    // A site with a dedicated MariaDB, deleted with its data (finalizer), whose admin password
    // lives in another namespace: the init Job reads copies (created, then deleted).
    await kubectl(['create', 'namespace', `${ns}-shared`]);
    await kubectl([
      'create',
      'secret',
      'generic',
      'admin',
      '-n',
      `${ns}-shared`,
      '--from-literal=password=pw',
    ]);
    await kubectl(['create', '-f', '-'], site(ns, 'shop'));
    const readySite = await step('site Ready', ready('frappesite', 'shop'), 45_000);
    expect(readySite.metadata.finalizers).toContain('vyogo.tech/site-cleanup');
    for (const [kind, name] of SITE_CHILDREN) await step(`site child ${kind} ${name}`, exists(kind, name));
    await step('the init Secret deleted once the site exists', gone('secret', 'shop-init'));
    await step('Events recorded', async () => {
      const events = JSON.parse(await kubectl(['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])).items;
      return events.some((e: Loose) => e.reportingController === 'vyogo.tech/frappe-admission')
        ? true
        : undefined;
    });

    // The webhook answers a cross-object rule (S-DOM-2) from its caches.
    const review = await step('AdmissionReview answered from the caches', async () => {
      const copy = JSON.parse(JSON.stringify(readySite));
      copy.metadata = { name: 'copy', namespace: ns };
      const answer = await toProcess(`${url}/validate-vyogo-tech-v1alpha1-frappesite`, ca, {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: {
          uid: `rbac-${run}`,
          kind: { group: 'vyogo.tech', version: 'v1alpha1', kind: 'FrappeSite' },
          resource: { group: 'vyogo.tech', version: 'v1alpha1', resource: 'frappesites' },
          operation: 'CREATE',
          namespace: ns,
          name: 'copy',
          object: copy,
          userInfo: { username: 'tenant' },
          dryRun: false,
        },
      });
      return answer.status === 200 ? (answer.json().response as Loose) : undefined;
    });
    expect(review.allowed).toBe(false);
    expect(review.status.message).toContain('is already served by');

    // Route instead of Ingress, and back: both kinds are created and pruned.
    await mergePatch('frappesite', 'shop', '{"spec":{"routeConfig":{}}}');
    await step('Route created', exists('routes.route.openshift.io', 'shop'));
    await step('Ingress pruned', gone('ingress', 'shop'));
    await mergePatch('frappesite', 'shop', '{"spec":{"routeConfig":null}}');
    await step('Ingress back', exists('ingress', 'shop'));
    await step('Route pruned', gone('routes.route.openshift.io', 'shop'));

    // An external Redis through a Secret: the managed Redis and the old init Job go, KEDA gets a
    // TriggerAuthentication; then no autoscaling: the KEDA objects go.
    const initJobs = async () =>
      (JSON.parse(await kubectl(['get', 'jobs', '-n', ns, '-o', 'json'])).items as Loose[])
        .map((j) => j.metadata.name as string)
        .filter((n) => n.startsWith('erpnext-init-'));
    const [oldInit] = await initJobs();
    expect(oldInit).toBeDefined();
    await kubectl([
      'create',
      'secret',
      'generic',
      'redis',
      '-n',
      ns,
      '--from-literal=host=redis.example.com',
      '--from-literal=password=x',
    ]);
    await mergePatch(
      'frappebench',
      'erpnext',
      '{"spec":{"redisConfig":{"connectionSecretRef":{"name":"redis"}}}}',
    );
    await step(
      'TriggerAuthentication created',
      exists('triggerauthentications.keda.sh', 'erpnext-redis-auth'),
    );
    for (const [kind, name] of [
      ['statefulset', 'erpnext-redis-queue'],
      ['service', 'erpnext-redis-queue'],
      ['job', oldInit!],
    ] as [string, string][])
      await step(`${kind} ${name} pruned`, gone(kind, name));
    await mergePatch(
      'frappebench',
      'erpnext',
      '{"spec":{"workerAutoscaling":{"short":{"enabled":false},"long":{"enabled":false}}}}',
    );
    await step('ScaledObject pruned', gone('scaledobjects.keda.sh', 'erpnext-worker-short'));
    await step('TriggerAuthentication pruned', gone('triggerauthentications.keda.sh', 'erpnext-redis-auth'));

    if (secret) {
      // A forced renewal: the process rewrites its Secret.
      await kubectl(['annotate', 'secret', SECRET, '-n', NS, 'frappe-admission.vyogo.tech/renew=serving']);
      await step('certificate renewed', async () => {
        const s = await getJSON('secret', SECRET, NS);
        return s.data['tls.crt'] !== secret.data['tls.crt'] ? true : undefined;
      });
    }
    await step('Lease renewed', async () => {
      const l = await getJSON('lease', FULLNAME, NS);
      return l.spec.renewTime !== lease.spec.renewTime ? true : undefined;
    });

    // Deletion: the drop Job (completed by the kubelet player), the database objects, the finalizer.
    await kubectl(['delete', 'frappesite', 'shop', '-n', ns, '--wait=false']);
    await step('drop Job created', exists('job', 'shop-drop'));
    for (const [kind, name] of SITE_CHILDREN.filter(([k]) => k.endsWith('mariadb.com')))
      await step(`${kind} ${name} deleted`, gone(kind, name));
    await step('site gone (finalizer removed)', gone('frappesite', 'shop'));
    await step('no request denied', async () => true);
  } finally {
    await serve.stop();
    await Promise.all([kubelet.stop(), volume?.stop()]);
    // The next run's process must not find what this one left.
    const left = await plane.kubectl(['get', 'frappesites', '-n', ns, '-o', 'name']);
    for (const name of left.stdout.split('\n').filter(Boolean))
      await plane.kubectl([
        'patch',
        name,
        '-n',
        ns,
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]);
    await plane.kubectl(['delete', 'frappesites,frappebenches', '--all', '-n', ns, '--wait=false']);
  }
}

beforeAll(async () => {
  plane = await startControlPlane();
  dir = await mkdtemp(join(tmpdir(), 'frappe-admission-rbac-'));
  admin = kubeHttp(loadKubeConfig(plane.kubeconfig), 'rbac-test');
  readAudit = auditReader(plane.auditLog!);
  const kubectlRaw = (args: string[], input?: string) => plane.kubectl(args, { input });
  await installCrds(plane);
  await installForeignCrds(kubectlRaw, [...KEDA_KINDS, ...MARIADB_KINDS, ROUTE_KIND]);
  chartObjects = parseObjects(
    await helmTemplate({ release: RELEASE, namespace: NS, set: ['certificates.mode=self-managed'] }),
  );
  chartRoles = chartObjects.filter((o): o is Role => o.kind === 'ClusterRole' || o.kind === 'Role');
  await kubectl(['create', 'namespace', NS]);
  // For a Route CRD the aggregator registers the APIService the webhooks watch for (S-ROUTE-2).
  await kubectl(['wait', '--for=condition=Available', '--timeout=30s', 'apiservice/v1.route.openshift.io']);
}, 120_000);

afterAll(async () => {
  await plane?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the chart's RBAC, as ServiceAccounts with TokenRequest tokens", () => {
  let recorded: AuditEvent[] = [];

  it('is sufficient: webhooks, controller, Lease and self-managed certificates, and no request denied', async () => {
    const steps: string[] = [];
    const started = Date.now();
    await scenario(chartObjects, FULLNAME, chartObjects.filter(isRbac), steps);
    const user = serviceAccountUser(NS, FULLNAME);
    // Watches still open have only their ResponseStarted event: every stage counts.
    recorded = (await readAudit()).filter((e) => e.user.username === user);
    console.log(
      `sufficient run: ${steps.length} steps in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `${recorded.length} requests as ${user}`,
    );
    expect(recorded.filter((e) => e.responseStatus?.code === 403).map(describeEvent)).toEqual([]);
    expect(recorded.length).toBeGreaterThan(50);
  }, 240_000);

  it('is sufficient in cert-manager mode: the same scenario, certificates from files, without the two certificate rules', async () => {
    const chart = parseObjects(await helmTemplate({ release: RELEASE, namespace: NS }));
    const roles = chart.filter((o): o is Role => o.kind === 'ClusterRole' || o.kind === 'Role');
    // The self-managed roles less the certificates Role and the webhook-ca ClusterRole, nothing else.
    expect(roles.map((r) => r.metadata.name).sort()).toEqual(
      chartRoles
        .map((r) => r.metadata.name)
        .filter((n) => !n.endsWith('-certificates') && !n.endsWith('-webhook-ca'))
        .sort(),
    );
    const steps: string[] = [];
    // The chart's roles under names of their own: the self-managed ones stay bound to the chart's account.
    await scenario(chart, 'cert-manager-mode', boundTo('cert-manager-mode', roles), steps);
    expect(steps).not.toContain('certificate Secret issued');
    expect(steps).toContain('site gone (finalizer removed)');
  }, 240_000);

  it('is minimal: without any one rule the same scenario fails', async () => {
    expect(recorded.length, 'the sufficient run must pass first').toBeGreaterThan(0);
    const { rules } = variants(chartRoles);
    expect(rules.map((v) => v.name).filter((n) => n in EXCEPTIONS)).toEqual(Object.keys(EXCEPTIONS));
    const outcomes: { name: string; error?: Error }[] = [];
    for (const [index, variant] of rules.entries()) {
      if (variant.name in EXCEPTIONS) continue;
      const started = Date.now();
      const account = `rbac-rule-${index}`;
      const error = await scenario(chartObjects, account, boundTo(account, variant.roles)).then(
        () => undefined,
        (e: Error) => e,
      );
      outcomes.push({ name: variant.name, error });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`without ${variant.name}: ${error?.message.split('\n')[0] ?? 'PASSED'} (${seconds} s)`);
    }
    // Each failed at a denial, not at a timeout or a broken harness.
    expect(outcomes.filter((o) => !/: denied 403 /.test(o.error?.message ?? '')).map((o) => o.name)).toEqual(
      [],
    );
  }, 600_000);

  it('is minimal: without any one verb of a rule some request of the sufficient run is denied', async () => {
    expect(recorded.length, 'the sufficient run must pass first').toBeGreaterThan(0);
    const { verbs } = variants(chartRoles);
    /** What each request asked the authorizer; a server-side apply that created also needed create. */
    const asked = recorded.flatMap((e) => {
      const attributes = {
        verb: e.verb,
        group: e.objectRef?.apiGroup ?? '',
        resource: e.objectRef?.resource,
        subresource: e.objectRef?.subresource,
        namespace: e.objectRef?.namespace,
        name: e.objectRef?.name,
      };
      return e.verb === 'patch' && e.responseStatus?.code === 201
        ? [attributes, { ...attributes, verb: 'create' }]
        : [attributes];
    });
    const distinct = [...new Map(asked.map((a) => [JSON.stringify(a), a])).values()];
    const allowed = async (account: string, attributes: object) =>
      (
        (await admin.sendJSON('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: serviceAccountUser(NS, account),
            groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
            resourceAttributes: attributes,
          },
        })) as { status: { allowed: boolean } }
      ).status.allowed;
    const unproven: string[] = [];
    for (const [index, variant] of verbs.entries()) {
      const account = `rbac-verb-${index}`;
      await applyObjects(boundTo(account, variant.roles));
      const others = distinct.filter((a) => a.verb !== variant.verb);
      // The bindings are in effect once a request of another verb is allowed (the authorizer's caches).
      const deadline = Date.now() + 10_000;
      while (!(await allowed(account, others[0]!))) {
        expect(Date.now(), `${variant.name}: bindings never took effect`).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      let denied = false;
      for (const attributes of distinct.filter((a) => a.verb === variant.verb))
        if (!(await allowed(account, attributes))) {
          denied = true;
          break;
        }
      if (!denied && !(variant.name.replace(/ without .*/, '') in EXCEPTIONS)) unproven.push(variant.name);
    }
    console.log(`${verbs.length} verb variants checked against ${distinct.length} distinct requests`);
    expect(unproven).toEqual([]);
  }, 300_000);
});
