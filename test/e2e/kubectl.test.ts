// What a person sees: the real kubectl against a real kube-apiserver with the real webhook
// server registered. Every test works in its own namespace.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cluster, eventually, freshNamespace, kubectl, webhookMetrics } from '../harness/cluster.js';
import { apply, expectCelDenial, expectWebhookDenial, mergePatch, site } from './kubectl-helpers.js';

const bench = (namespace: string, name = 'erpnext', extra = '') => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  frappeVersion: version-15
  apps: [{name: erpnext, source: image}]
  storageSize: 20Gi
${extra}`;

async function getYaml(kind: string, namespace: string, name: string) {
  const result = await kubectl(['get', kind, name, '-n', namespace, '-o', 'yaml']);
  expect(result.stderr).toBe('');
  return parse(result.stdout);
}

/** Waits until the webhook's informers have seen an object: a server-side dry run is then judged with it. */
async function untilDenied(args: string[], input?: string): Promise<string> {
  return eventually(async () => {
    const result = await kubectl([...args, '--dry-run=server'], input);
    return result.code !== 0 ? result.stderr : undefined;
  });
}

describe('kubectl apply with the webhooks registered', () => {
  it('applies a bench and a site; kubectl get -o yaml shows the defaults of API.md', async () => {
    const ns = await freshNamespace('defaults');
    expect((await apply(bench(ns))).code).toBe(0);
    const created = await apply(site(ns, 'acme', `acme.${ns}.example.com`));
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('frappesite.vyogo.tech/acme created');

    const b = await getYaml('frappebench', ns, 'erpnext');
    expect(b.spec.imageConfig).toEqual({
      repository: 'docker.io/frappe/erpnext',
      tag: 'version-15',
      pullPolicy: 'IfNotPresent',
    });
    expect(b.spec.componentReplicas).toEqual({ gunicorn: 1, nginx: 1, socketio: 1 });
    expect(b.spec.componentResources.gunicorn).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    expect(b.spec.storageSize).toBe('20Gi');
    expect(b.spec.storageAccessMode).toBe('ReadWriteOnce');
    expect(b.spec.dbConfig).toEqual({
      provider: 'mariadb',
      mode: 'shared',
      mariadbRef: { name: 'frappe-mariadb' },
    });
    expect(b.spec.workerAutoscaling.short).toEqual({
      enabled: true,
      staticReplicas: 1,
      minReplicas: 0,
      maxReplicas: 10,
      queueLength: 5,
      cooldownPeriod: 60,
      pollingInterval: 30,
    });
    expect(b.spec.workerAutoscaling.default).toEqual({ enabled: false, staticReplicas: 1 });

    const s = await getYaml('frappesite', ns, 'acme');
    expect(s.spec.domain).toBe(`acme.${ns}.example.com`);
    expect(s.spec.adminPasswordSecretRef).toEqual({ name: 'acme-admin', key: 'password' });
    expect(s.spec.dbConfig.databaseName).toMatch(/^_[0-9a-f]{8}_acme_/);
    // The account Frappe connects as is the database name (14 and 15 know no other user).
    expect(s.spec.dbConfig.databaseUser).toBe(s.spec.dbConfig.databaseName);
    expect(s.spec.deletionPolicy).toBe('Retain');
    expect(s.spec.ingress).toEqual({ enabled: true });
  });

  it('denies an invalid site: exit code 1, Forbidden, every violation with its rule id', async () => {
    const ns = await freshNamespace('invalid');
    const result = await apply(
      site(
        ns,
        'shop-with-a-name-far-too-long-for-its-derived-names',
        'shop.example.com',
        `  domain: www.shop.example.com
  dbConfig: {provider: external, databaseName: shop-acme}
`,
      ),
    );
    expectWebhookDenial(result, /\[S-NAME-2\]/);
    for (const text of [
      'metadata.name: is 51 characters, more than 44',
      '[S-NAME-2]',
      'spec.domain: must equal siteName',
      '[S-DOM-1]',
      'spec.dbConfig.connectionSecretRef: provider external needs',
      '[S-DB-1]',
      'spec.dbConfig.databaseName: "shop-acme" may only contain',
      '[S-DB-2]',
    ]) {
      expect(result.stderr).toContain(text);
    }
  });

  it('prints warnings as "Warning: …" lines on apply', async () => {
    const ns = await freshNamespace('warnings');
    const result = await apply(site(ns, 'orphan', `orphan.${ns}.example.com`, '', 'no-such-bench'));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^Warning: spec\.benchRef\.name: FrappeBench no-such-bench does not exist yet.*\[S-REF-2\]$/m,
    );
  });

  it('apply --dry-run=server -o yaml shows the defaults and creates nothing', async () => {
    const ns = await freshNamespace('dryrun');
    const result = await apply(bench(ns), '--dry-run=server', '-o', 'yaml');
    expect(result.code).toBe(0);
    const preview = parse(result.stdout);
    expect(preview.spec.imageConfig.tag).toBe('version-15');
    expect(preview.spec.workerAutoscaling.long.enabled).toBe(true);
    const listed = await kubectl(['get', 'frappebenches', '-n', ns, '-o', 'name']);
    expect(listed.stdout.trim()).toBe('');
  });

  it('a site created with generateName gets its database name', async () => {
    const ns = await freshNamespace('generate');
    const result = await kubectl(
      ['create', '-o', 'yaml', '-f', '-'],
      `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {generateName: shop-, namespace: ${ns}}
spec: {benchRef: {name: erpnext}, siteName: shop.${ns}.example.com}
`,
    );
    expect(result.code).toBe(0);
    const created = parse(result.stdout);
    expect(created.metadata.name).toMatch(/^shop-[a-z0-9]{5}$/);
    expect(created.spec.dbConfig.databaseName).toMatch(/^_[0-9a-f]{8}_shop_/);
  });
});

describe('changes and deletions', () => {
  it('denies storage shrink and storage class change on a bench', async () => {
    const ns = await freshNamespace('storage');
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ${ns}-nfs}
provisioner: nfs.csi.k8s.io
`,
    );
    expect((await apply(bench(ns, 'erpnext', `  storageClassName: ${ns}-nfs\n`))).code).toBe(0);
    expect((await getYaml('frappebench', ns, 'erpnext')).spec.storageAccessMode).toBe('ReadWriteMany');

    // CEL rules (API.md §6) answer first, from the API server itself: 422, with field and rule id.
    const shrink = await mergePatch('frappebench', 'erpnext', ns, '{"spec":{"storageSize":"5Gi"}}');
    expectCelDenial(
      shrink,
      /spec\.storageSize: Forbidden: storageSize must not decrease: volumes only grow.*\[B-STO-1\]/,
    );
    const reclass = await mergePatch('frappebench', 'erpnext', ns, '{"spec":{"storageClassName":"other"}}');
    expectCelDenial(
      reclass,
      /spec\.storageClassName: Forbidden: storageClassName is immutable once set.*\[B-STO-2\]/,
    );
    const grow = await mergePatch('frappebench', 'erpnext', ns, '{"spec":{"storageSize":"30Gi"}}');
    expect(grow.code).toBe(0);
  });

  it('denies database and siteName changes on a site', async () => {
    const ns = await freshNamespace('immutable');
    expect((await apply(site(ns, 'acme', `acme.${ns}.example.com`))).code).toBe(0);
    const database = await mergePatch(
      'frappesite',
      'acme',
      ns,
      '{"spec":{"dbConfig":{"databaseName":"other"}}}',
    );
    expectCelDenial(
      database,
      /spec\.dbConfig\.databaseName: Forbidden: dbConfig\.databaseName is immutable.*\[S-IMM-2\]/,
    );
    const renamed = await mergePatch(
      'frappesite',
      'acme',
      ns,
      `{"spec":{"siteName":"new.${ns}.example.com"}}`,
    );
    expectCelDenial(
      renamed,
      /spec\.siteName: Forbidden: siteName is immutable: create a new site instead \[S-IMM-1\]/,
    );
    // apps have no CEL rule: the webhook's S-IMM-3 answers, 403.
    const apps = await mergePatch('frappesite', 'acme', ns, '{"spec":{"apps":["hrms"]}}');
    expectWebhookDenial(apps, /spec\.apps: is immutable.*\[S-IMM-3\]/);
  });

  it('denies a second site with the same domain, naming the first', async () => {
    const ns = await freshNamespace('domains');
    const domain = `shop.${ns}.example.com`;
    expect((await apply(site(ns, 'first', domain))).code).toBe(0);
    const second = site(ns, 'second', domain);
    await untilDenied(['apply', '-f', '-'], second);
    const result = await apply(second);
    expectWebhookDenial(
      result,
      new RegExp(`${domain.replaceAll('.', '\\.')} is already served by FrappeSite first \\[S-DOM-2\\]`),
    );
  });

  it('a bench that hosts sites cannot be deleted; the message names them', async () => {
    const ns = await freshNamespace('hosting');
    expect((await apply(bench(ns))).code).toBe(0);
    expect((await apply(site(ns, 'alpha', `alpha.${ns}.example.com`))).code).toBe(0);
    expect((await apply(site(ns, 'beta', `beta.${ns}.example.com`))).code).toBe(0);
    await eventually(async () => {
      const r = await kubectl(['delete', 'frappebench', 'erpnext', '-n', ns, '--dry-run=server']);
      return r.stderr.includes('2 FrappeSite(s)') ? r : undefined;
    });
    const result = await kubectl(['delete', 'frappebench', 'erpnext', '-n', ns]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Error from server \(Forbidden\).*bench still hosts 2 FrappeSite\(s\): (alpha, beta|beta, alpha).*\[B-DEL-1\]/,
    );
    expect((await kubectl(['delete', 'frappesites', '--all', '-n', ns])).code).toBe(0);
    await eventually(async () =>
      (await kubectl(['delete', 'frappebench', 'erpnext', '-n', ns])).code === 0 ? true : undefined,
    );
  });

  it('deletion protection denies deleting a site until the annotation is removed', async () => {
    const ns = await freshNamespace('protect');
    expect((await apply(site(ns, 'kept', `kept.${ns}.example.com`))).code).toBe(0);
    await kubectl(['annotate', 'frappesite', 'kept', '-n', ns, 'vyogo.tech/deletion-protection=true']);
    const denied = await kubectl(['delete', 'frappesite', 'kept', '-n', ns]);
    expectWebhookDenial(denied, /deletion protection is on.*\[S-DEL-1\]/);
    await kubectl(['annotate', 'frappesite', 'kept', '-n', ns, 'vyogo.tech/deletion-protection-']);
    expect((await kubectl(['delete', 'frappesite', 'kept', '-n', ns])).code).toBe(0);
  });
});

describe('what kubectl shows about the API', () => {
  it('kubectl explain frappesite.spec.dbConfig shows the descriptions', async () => {
    const result = await kubectl(['explain', 'frappesite.spec.dbConfig']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "The site's database. Each unset field is taken from the bench's dbConfig",
    );
    expect(result.stdout).toMatch(/databaseName\s+<string>/);
  });

  it('kubectl get fs shows the printer columns', async () => {
    const ns = await freshNamespace('columns');
    await apply(bench(ns));
    await apply(site(ns, 'acme', `acme.${ns}.example.com`));
    const result = await kubectl(['get', 'fs', '-n', ns]);
    expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+PHASE\s+BENCH\s+URL\s+AGE$/);
    expect(result.stdout).toMatch(/^acme\s+erpnext\s+\d+s$/m);
    const benches = await kubectl(['get', 'fb', '-n', ns]);
    expect(benches.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+PHASE\s+VERSION\s+AGE$/);
    expect(benches.stdout).toMatch(/^erpnext\s+version-15\s+\d+s$/m);
  });

  it('counts the decisions on /metrics', async () => {
    const metrics = await webhookMetrics();
    expect(metrics).toMatch(
      /frappe_admission_requests_total\{webhook="validate",kind="FrappeSite",operation="CREATE",allowed="false"\} [1-9]/,
    );
    expect(metrics).toMatch(/frappe_admission_rule_violations_total\{rule="S-DOM-2"\} [1-9]/);
  });
});

describe('with the webhooks removed', () => {
  it('the CEL rules of the CRDs still deny (fallback)', async () => {
    const ns = await freshNamespace('fallback');
    expect((await apply(bench(ns))).code).toBe(0);
    expect((await apply(site(ns, 'acme', `acme.${ns}.example.com`))).code).toBe(0);
    const { webhookConfiguration } = cluster();
    expect((await kubectl(['delete', '-f', '-'], webhookConfiguration)).code).toBe(0);
    try {
      const badName = await apply(site(ns, 'upper', 'Upper.Example.com'));
      expect(badName.code).toBe(1);
      expect(badName.stderr).toMatch(/is invalid.*siteName must be a lower-case DNS name.*\[S-NAME-1\]/);
      const shrink = await mergePatch('frappebench', 'erpnext', ns, '{"spec":{"storageSize":"1Gi"}}');
      expectCelDenial(shrink, /storageSize must not decrease: volumes only grow.*\[B-STO-1\]/);
      const replicas = await mergePatch(
        'frappebench',
        'erpnext',
        ns,
        '{"spec":{"componentReplicas":{"gunicorn":0}}}',
      );
      expectCelDenial(replicas, /at least 1 replica: set 1 or more \[B-REP-1\]/);
      const moved = await mergePatch('frappesite', 'acme', ns, '{"spec":{"benchRef":{"name":"other"}}}');
      expectCelDenial(
        moved,
        /spec\.benchRef: Forbidden: benchRef is immutable: sites do not move; create a new site \[S-IMM-1\]/,
      );
      const database = await mergePatch(
        'frappesite',
        'acme',
        ns,
        '{"spec":{"dbConfig":{"provider":"external"}}}',
      );
      expectCelDenial(
        database,
        /dbConfig\.provider is immutable once set: the database is not moved.*\[S-IMM-2\]/,
      );
    } finally {
      expect((await kubectl(['apply', '-f', '-'], webhookConfiguration)).code).toBe(0);
    }
  });
});
