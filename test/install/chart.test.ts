// The Helm chart, rendered by the real helm (from the Kubernetes binaries cache): lint clean, every
// values combination renders, RBAC exactly as docs/rbac.md with no wildcard, webhook configurations
// equal to what `frappe-admission webhook-config` builds (Service form), certificates per mode, the
// Deployment's flags accepted by the real `serve`, the operator config accepted by `serve --config`,
// and the chart's CRDs and manifests/install.yaml not stale. (The API server's verdict on the
// rendered objects: test/e2e/helm-chart.test.ts.)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/control-plane.js';
import { builtCli, projectRoot } from '../../harness/paths.js';
import { createCA, issueCertificate } from '../../harness/pki.js';
import {
  chartDir,
  helm,
  installManifestsFile,
  INSTALL_NAMESPACE,
  INSTALL_RELEASE,
  renderInstallManifests,
} from '../../scripts/chart.js';
import { CONFIG_KEY_NAMES, operatorConfigFrom } from '../../src/defaults/config-document.js';
import { buildWebhookConfigurations } from '../../src/webhooks/webhook-configuration.js';
import { COMBINATIONS, ofKind, one, parseObjects, render, type K8sObject } from './render.js';

const root = projectRoot();
const NS = 'ops';
const RELEASE = 'fa';
const FULLNAME = 'fa-frappe-admission';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
type Container = Record<string, unknown> & {
  args: string[];
  env: { name: string; valueFrom?: unknown }[];
  securityContext: Record<string, unknown>;
};

const rulesOf = (o: K8sObject) => o.rules as Rule[];
const podSpec = (objects: K8sObject[]) =>
  (one(objects, 'Deployment').spec as { template: { spec: Record<string, unknown> } }).template.spec;
const container = (objects: K8sObject[]) => (podSpec(objects).containers as Container[])[0]!;

/** Rules as "group resource verb" triples (resourceNames appended), for exact comparison. */
function grants(rules: Rule[]): string[] {
  return rules
    .flatMap((r) =>
      r.apiGroups!.flatMap((g) =>
        r.resources!.flatMap((res) =>
          r.verbs.map(
            (v) => `${g || 'core'} ${res} ${v}${r.resourceNames ? ` [${r.resourceNames.join(',')}]` : ''}`,
          ),
        ),
      ),
    )
    .sort();
}

const triples = (group: string, resources: string[], verbs: string[]) =>
  resources.flatMap((r) => verbs.map((v) => `${group} ${r} ${v}`));
const WRITE = ['list', 'watch', 'create', 'patch', 'delete'];
const READ = ['list', 'watch'];
/**
 * What the process touches (docs/rbac.md): informers list+watch, server-side apply creates and
 * patches; only Secrets are read one by one. test/e2e/rbac.test.ts proves each grant needed.
 */
const CONTROLLER_GRANTS = [
  ...triples('vyogo.tech', ['frappebenches', 'frappesites'], ['list', 'watch', 'patch']),
  ...triples('vyogo.tech', ['frappebenches/status', 'frappesites/status'], ['patch']),
  ...triples('core', ['persistentvolumeclaims', 'configmaps', 'services'], WRITE),
  ...triples('core', ['secrets'], ['get', 'list', 'watch', 'create', 'delete']),
  ...triples('apps', ['deployments', 'statefulsets'], WRITE),
  ...triples('batch', ['jobs'], WRITE),
  ...triples('networking.k8s.io', ['ingresses'], WRITE),
  ...triples('networking.k8s.io', ['ingressclasses'], READ),
  ...triples('storage.k8s.io', ['storageclasses'], READ),
  ...triples('autoscaling', ['horizontalpodautoscalers'], READ),
  ...triples('apiextensions.k8s.io', ['customresourcedefinitions'], READ),
  ...triples('apiregistration.k8s.io', ['apiservices'], READ),
  ...triples('keda.sh', ['scaledobjects', 'triggerauthentications'], WRITE),
  ...triples('k8s.mariadb.com', ['mariadbs', 'databases', 'users', 'grants'], WRITE),
  ...triples('route.openshift.io', ['routes'], WRITE),
  'route.openshift.io routes/custom-host create',
  'events.k8s.io events create',
].sort();

describe('helm lint', () => {
  it.each(COMBINATIONS)('is clean with --strict: $name', async ({ set }) => {
    const started = Date.now();
    const result = await helm(['lint', chartDir(), '--strict', ...set.flatMap((s) => ['--set', s])]);
    expect(result.stderr + result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe.each(COMBINATIONS)('helm template: $name', ({ mode, serviceMonitor, networkPolicy, set }) => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await render({ release: RELEASE, namespace: NS, set });
  });

  it('renders the optional parts only when asked', () => {
    expect(ofKind(objects, 'ServiceMonitor')).toHaveLength(serviceMonitor ? 1 : 0);
    expect(ofKind(objects, 'NetworkPolicy')).toHaveLength(networkPolicy ? 1 : 0);
    expect(ofKind(objects, 'Certificate')).toHaveLength(mode === 'cert-manager' ? 2 : 0);
    expect(ofKind(objects, 'Issuer')).toHaveLength(mode === 'cert-manager' ? 2 : 0);
    for (const o of objects)
      if (
        o.kind !== 'ClusterRole' &&
        o.kind !== 'ClusterRoleBinding' &&
        !o.kind.endsWith('WebhookConfiguration')
      )
        expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(NS);
  });

  it('has no wildcard anywhere in its RBAC', () => {
    const rbac = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(rbac.length).toBeGreaterThanOrEqual(2);
    for (const role of rbac)
      for (const rule of rulesOf(role)) {
        expect(rule.nonResourceURLs).toBeUndefined();
        const values = [rule.apiGroups, rule.resources, rule.verbs, rule.resourceNames].flat();
        for (const value of values.filter((v) => v !== undefined))
          expect(value, `${role.kind} ${role.metadata.name}: ${JSON.stringify(rule)}`).not.toMatch(/\*/);
      }
  });

  it('grants cluster-wide exactly what the webhooks and the controller touch', () => {
    expect(grants(rulesOf(one(objects, 'ClusterRole', FULLNAME)))).toEqual(CONTROLLER_GRANTS);
    const binding = one(objects, 'ClusterRoleBinding', FULLNAME);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: FULLNAME,
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: FULLNAME, namespace: NS }]);
    one(objects, 'ServiceAccount', FULLNAME);
  });

  it('grants the Lease in its own namespace: create, and get/update by name', () => {
    const role = one(objects, 'Role', `${FULLNAME}-leader-election`);
    expect(grants(rulesOf(role))).toEqual(
      [
        'coordination.k8s.io leases create',
        `coordination.k8s.io leases get [${FULLNAME}]`,
        `coordination.k8s.io leases update [${FULLNAME}]`,
      ].sort(),
    );
    expect(container(objects).args).toContain(`--leader-election-name=${FULLNAME}`);
  });

  it('grants the certificate Secret and its own webhook configurations only when self-managed', () => {
    const secretRole = ofKind(objects, 'Role').find((r) => r.metadata.name === `${FULLNAME}-certificates`);
    const caRole = ofKind(objects, 'ClusterRole').find((r) => r.metadata.name === `${FULLNAME}-webhook-ca`);
    if (mode === 'cert-manager') {
      expect(secretRole).toBeUndefined();
      expect(caRole).toBeUndefined();
      return;
    }
    const secret = `${FULLNAME}-tls`;
    // Creating and reading it are the ClusterRole's Secret rule.
    expect(grants(rulesOf(secretRole!))).toEqual([`core secrets update [${secret}]`]);
    expect(grants(rulesOf(caRole!))).toEqual(
      ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']
        .flatMap((r) => ['get', 'patch'].map((v) => `admissionregistration.k8s.io ${r} ${v} [${FULLNAME}]`))
        .sort(),
    );
    for (const name of [`${FULLNAME}-certificates`, `${FULLNAME}-webhook-ca`])
      expect(
        one(objects, name.endsWith('-ca') ? 'ClusterRoleBinding' : 'RoleBinding', name).subjects,
      ).toEqual([{ kind: 'ServiceAccount', name: FULLNAME, namespace: NS }]);
  });

  it('passes the self-managed certificate flags only when self-managed', () => {
    const args = container(objects).args;
    const selfManaged = [
      '--self-managed-certificates',
      `--certificate-secret=${FULLNAME}-tls`,
      `--service-name=${FULLNAME}`,
      `--webhook-configurations=${FULLNAME},${FULLNAME}`,
      '--ca-validity=87600h',
      '--certificate-validity=8760h',
      '--ca-overlap=1h',
      '--certificate-wait-timeout=5m',
    ];
    if (mode === 'cert-manager') {
      const flag = (arg: string) => arg.split('=')[0];
      expect(args.filter((arg) => selfManaged.map(flag).includes(flag(arg)))).toEqual([]);
      return;
    }
    expect(args).toEqual(expect.arrayContaining(selfManaged));
    // The files it waits for and serves are the Secret's mount.
    expect(args).toContain('--tls-cert-file=/var/run/frappe-admission/tls/tls.crt');
    const mount = (container(objects).volumeMounts as { name: string; mountPath: string }[]).find(
      (m) => m.name === 'tls',
    );
    expect(mount?.mountPath).toBe('/var/run/frappe-admission/tls');
    // Time for kubelet to mount the Secret the leader writes on a fresh install.
    expect((container(objects).startupProbe as { failureThreshold: number }).failureThreshold).toBe(180);
  });

  it('renders the webhook configurations `frappe-admission webhook-config` builds, by Service, without caBundle', () => {
    const expected = buildWebhookConfigurations({
      target: { service: { namespace: NS, name: FULLNAME } },
      namespace: NS,
    });
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const rendered = one(objects, kind, FULLNAME);
      expect(rendered.apiVersion).toBe('admissionregistration.k8s.io/v1');
      expect(rendered.webhooks).toEqual(expected.find((c) => c.kind === kind)!.webhooks);
      expect(JSON.stringify(rendered)).not.toContain('caBundle');
      const inject = rendered.metadata.annotations?.['cert-manager.io/inject-ca-from'];
      expect(inject).toBe(mode === 'cert-manager' ? `${NS}/${FULLNAME}-serving` : undefined);
    }
    const service = one(objects, 'Service', FULLNAME);
    expect((service.spec as { ports: unknown[] }).ports).toEqual([
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ]);
    expect((container(objects).ports as unknown[])[0]).toEqual({
      name: 'https',
      containerPort: 9443,
      protocol: 'TCP',
    });
  });

  it('mounts the serving certificate Secret that cert-manager (or the process) writes', () => {
    const volumes = podSpec(objects).volumes as {
      name: string;
      secret?: { secretName: string; optional?: boolean };
    }[];
    const tls = volumes.find((v) => v.name === 'tls')!.secret!;
    expect(tls.secretName).toBe(`${FULLNAME}-tls`);
    expect(tls.optional).toBe(mode === 'self-managed' ? true : undefined);
    if (mode === 'self-managed') return;
    const serving = one(objects, 'Certificate', `${FULLNAME}-serving`).spec as Record<string, unknown>;
    expect(serving.secretName).toBe(`${FULLNAME}-tls`);
    expect(serving.dnsNames).toEqual([
      FULLNAME,
      `${FULLNAME}.${NS}`,
      `${FULLNAME}.${NS}.svc`,
      `${FULLNAME}.${NS}.svc.cluster.local`,
    ]);
    expect(serving.usages).toContain('server auth');
    expect(serving.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: `${FULLNAME}-ca` });
    // The chain: self-signed Issuer → CA Certificate (isCA) → CA Issuer.
    expect(one(objects, 'Issuer', `${FULLNAME}-ca`).spec).toEqual({ ca: { secretName: `${FULLNAME}-ca` } });
    const ca = one(objects, 'Certificate', `${FULLNAME}-ca`).spec as Record<string, unknown>;
    expect(ca.isCA).toBe(true);
    expect(ca.secretName).toBe(`${FULLNAME}-ca`);
    expect(ca.issuerRef).toEqual({
      group: 'cert-manager.io',
      kind: 'Issuer',
      name: `${FULLNAME}-selfsigned`,
    });
    expect(one(objects, 'Issuer', `${FULLNAME}-selfsigned`).spec).toEqual({ selfSigned: {} });
  });
});

describe('helm template: the Deployment', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await render({ release: RELEASE, namespace: NS });
  });

  it('runs 2 replicas spread over nodes, kept at least 1 by a PodDisruptionBudget', () => {
    const deployment = one(objects, 'Deployment', FULLNAME).spec as Record<string, unknown>;
    expect(deployment.replicas).toBe(2);
    const spec = podSpec(objects);
    const selector = {
      matchLabels: { 'app.kubernetes.io/name': 'frappe-admission', 'app.kubernetes.io/instance': RELEASE },
    };
    expect(spec.topologySpreadConstraints).toContainEqual(
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', labelSelector: selector }),
    );
    const anti = (
      spec.affinity as { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: unknown[] } }
    ).podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(anti[0]).toMatchObject({
      podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector },
    });
    expect(one(objects, 'PodDisruptionBudget', FULLNAME).spec).toEqual({ minAvailable: 1, selector });
  });

  it('runs restricted: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp', () => {
    const pod = podSpec(objects).securityContext as Record<string, unknown>;
    expect(pod).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(objects).resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
    });
  });

  it('probes /healthz and /readyz over HTTPS on the webhook port, and passes POD_NAME/POD_NAMESPACE and runtimeEnv', () => {
    const c = container(objects);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' } });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' } });
    expect(c.args.some((a) => a.startsWith('--client-ca-file'))).toBe(false);
    expect(c.env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      // values.yaml runtimeEnv, in name order (test/install/pod-memory-limit.test.ts: what they do).
      { name: 'MALLOC_ARENA_MAX', value: '1' },
      { name: 'NODE_OPTIONS', value: '--max-semi-space-size=4' },
    ]);
  });

  it('renders runtimeEnv as the user sets it, and no entry for an empty map', async () => {
    const custom = await render({
      release: RELEASE,
      namespace: NS,
      set: ['runtimeEnv.NODE_OPTIONS=--max-semi-space-size=8', 'runtimeEnv.TZ=UTC'],
    });
    expect(container(custom).env).toEqual(
      expect.arrayContaining([
        { name: 'NODE_OPTIONS', value: '--max-semi-space-size=8' },
        { name: 'TZ', value: 'UTC' },
        { name: 'MALLOC_ARENA_MAX', value: '1' },
      ]),
    );
    const none = await render({ release: RELEASE, namespace: NS, set: ['runtimeEnv=null'] });
    expect(container(none).env.map((e: { name: string }) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE']);
  });

  it("runs the image's entry point with runtimeFlags on node's command line, as the user sets them", async () => {
    // The Dockerfile's ENTRYPOINT is the same command without flags.
    const entrypoint = JSON.parse(
      /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1] ?? '[]',
    ) as string[];
    expect(entrypoint).toEqual(['node', '/app/dist/src/cli.js', 'serve']);
    // values.yaml runtimeFlags (test/install/pod-memory-limit.test.ts: what they do).
    expect(container(objects).command).toEqual(['node', '--no-maglev', ...entrypoint.slice(1)]);
    const custom = await render({
      release: RELEASE,
      namespace: NS,
      set: ['runtimeFlags={--no-maglev,--stack-size=2000}'],
    });
    expect(container(custom).command).toEqual([
      'node',
      '--no-maglev',
      '--stack-size=2000',
      ...entrypoint.slice(1),
    ]);
    const none = await render({ release: RELEASE, namespace: NS, set: ['runtimeFlags=null'] });
    expect(container(none).command).toEqual(entrypoint);
  });

  it('with a client CA: passes --client-ca-file and probes the port by TCP (kubelet has no client certificate)', async () => {
    const withCA = await render({
      release: RELEASE,
      namespace: NS,
      set: ['server.clientCA.configMapName=apiserver-ca'],
    });
    const c = container(withCA);
    expect(c.args).toContain('--client-ca-file=/var/run/frappe-admission/client-ca/ca.crt');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'])
      expect(c[probe], probe).toMatchObject({ tcpSocket: { port: 'https' } });
    expect(podSpec(withCA).volumes).toContainEqual({
      name: 'client-ca',
      configMap: { name: 'apiserver-ca' },
    });
  });

  it('is started by the real `serve` with exactly the flags and config file the chart renders', async () => {
    // The pod's files, rebuilt: the serving certificate and the ConfigMap's config.yaml.
    const dir = await mkdtemp(join(tmpdir(), 'frappe-admission-chart-'));
    try {
      const withConfig = await render({
        release: RELEASE,
        namespace: NS,
        values: {
          config: { profile: 'small', tlsIssuer: 'letsencrypt-prod', sharedNamespaces: ['databases'] },
        },
        set: ['controller.enabled=false', 'server.port=19443'],
      });
      const ca = await createCA(dir, 'test-ca');
      const serving = await issueCertificate(dir, ca, {
        name: 'serving',
        commonName: 'x',
        usage: 'serverAuth',
        ipAddresses: ['127.0.0.1'],
      });
      const configMap = one(withConfig, 'ConfigMap', `${FULLNAME}-config`).data as Record<string, string>;
      await writeFile(join(dir, 'config.yaml'), configMap['config.yaml']!);
      const port = await freePort();
      const paths: Record<string, string> = {
        '/var/run/frappe-admission/tls/tls.crt': serving.cert,
        '/var/run/frappe-admission/tls/tls.key': serving.key,
        '/etc/frappe-admission/config.yaml': join(dir, 'config.yaml'),
      };
      const args = container(withConfig).args.map((arg) => {
        const [flag, value] = arg.split('=');
        if (flag === '--port') return `--port=${port}`;
        return value !== undefined && paths[value] ? `${flag}=${paths[value]}` : arg;
      });
      expect(args).toContain('--no-controller');
      const child = spawn(process.execPath, [builtCli(), 'serve', ...args, '--host=127.0.0.1', '--offline'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        const caPem = readFileSync(ca.cert);
        const status = await new Promise<number>((resolve, reject) => {
          const deadline = Date.now() + 15_000;
          const attempt = () => {
            const req = request({ host: '127.0.0.1', port, path: '/readyz', ca: caPem }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            });
            req.on('error', (error) => {
              if (Date.now() > deadline || child.exitCode !== null)
                reject(new Error(`${error.message}\n${stderr}`));
              else setTimeout(attempt, 100);
            });
            req.end();
          };
          attempt();
        });
        expect(status).toBe(200);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited, stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('helm template: self-managed certificates', () => {
  it('renders flags the real `serve` accepts, with lifetimes from values (and rejects a bad lifetime)', async () => {
    const objects = await render({
      release: RELEASE,
      namespace: NS,
      set: [
        'certificates.mode=self-managed',
        'certificates.selfManaged.validity=720h',
        'certificates.selfManaged.caOverlap=30m',
      ],
    });
    const args = container(objects).args;
    expect(args).toContain('--certificate-validity=720h');
    expect(args).toContain('--ca-overlap=30m');
    // Every flag parses and validates; only the missing cluster (--offline here) stops it.
    const run = (extra: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [builtCli(), 'serve', ...args, ...extra], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const offline = await run(['--offline']);
    expect(offline.stderr).toContain('--self-managed-certificates needs a cluster: not with --offline');
    expect(offline.code).toBe(2);
    const bad = await run(['--offline', '--ca-overlap=1d']);
    expect(bad.stderr).toContain('--ca-overlap: not a duration');
    await expect(
      render({
        release: RELEASE,
        namespace: NS,
        set: ['certificates.mode=self-managed', 'certificates.selfManaged.validity=1d'],
      }),
    ).rejects.toThrow(/selfManaged/);
  });
});

describe('helm template: the operator config', () => {
  const FULL = {
    profile: 'small',
    imageRepository: 'registry.example/frappe/erpnext',
    redisImage: 'redis:7.4-alpine',
    mariadbRef: { name: 'platform-mariadb', namespace: 'databases' },
    storageClassName: 'fast',
    storageSize: '20Gi',
    ingressClassName: 'nginx',
    tlsIssuer: 'letsencrypt-prod',
    jobTTLSeconds: 600,
    jobRetryLimit: 3,
    jobRetryBaseSeconds: 5,
    jobRetryMaxSeconds: 300,
    circuitBreakerOpenSeconds: 60,
    sharedNamespaces: ['databases'],
    allowIngressSnippets: true,
    deniedIngressAnnotations: ['example.com/*'],
    allowPrivilegedSecurityContexts: true,
    allowedDatabaseHosts: ['127.0.0.1'],
  };

  it('exercises every key of the operator config', () => {
    expect(Object.keys(FULL).sort()).toEqual([...CONFIG_KEY_NAMES].sort());
  });

  it('accepts every key `serve --config` knows, and renders them as the file it reads', async () => {
    const objects = await render({ values: { config: FULL } });
    const configMap = one(objects, 'ConfigMap', 'frappe-admission-config').data as Record<string, string>;
    const document = parse(configMap['config.yaml']!);
    expect(document).toEqual(FULL);
    const { resources: _resources, ...loaded } = operatorConfigFrom(document);
    expect(loaded).toEqual(FULL);
    const deployment = container(objects);
    expect(deployment.args).toContain('--config=/etc/frappe-admission/config.yaml');
  });

  it('renders the defaults as an empty document, which serve reads as its defaults', async () => {
    const configMap = one(await render(), 'ConfigMap', 'frappe-admission-config').data as Record<
      string,
      string
    >;
    expect(parse(configMap['config.yaml']!)).toEqual({});
    expect(operatorConfigFrom(parse(configMap['config.yaml']!))).toEqual(operatorConfigFrom(undefined));
  });

  it('rejects in values.schema.json what serve would reject at start', async () => {
    for (const config of [
      { bogus: 1 },
      { profile: 'huge' },
      { jobTTLSeconds: -1 },
      { mariadbRef: { namespace: 'x' } },
    ]) {
      await expect(render({ values: { config } }), JSON.stringify(config)).rejects.toThrow(/schema/);
      expect(() => operatorConfigFrom(config), JSON.stringify(config)).toThrow();
    }
  });
});

describe('files generated from the repo', () => {
  it("ships crds/ unchanged in the chart's crds/ (npm run manifests)", () => {
    const files = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort();
    const chartCrds = join(chartDir(), 'crds');
    expect(files(chartCrds)).toEqual(files(join(root, 'crds')));
    for (const file of files(join(root, 'crds')))
      expect(
        readFileSync(join(chartCrds, file)).equals(readFileSync(join(root, 'crds', file))),
        `${file} drifted: npm run manifests`,
      ).toBe(true);
  });

  it('has manifests/install.yaml as the chart renders it (npm run manifests)', async () => {
    const current = readFileSync(installManifestsFile(), 'utf8');
    expect(
      current === (await renderInstallManifests()),
      'manifests/install.yaml is stale: npm run manifests',
    ).toBe(true);
    const objects = parseObjects(current);
    expect(one(objects, 'Namespace').metadata.name).toBe(INSTALL_NAMESPACE);
    expect(ofKind(objects, 'CustomResourceDefinition')).toHaveLength(2);
    expect(one(objects, 'Deployment').metadata).toMatchObject({
      name: INSTALL_RELEASE,
      namespace: INSTALL_NAMESPACE,
    });
    expect(ofKind(objects, 'Certificate')).toHaveLength(2);
  });
});
