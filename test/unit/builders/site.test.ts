// The builders of a FrappeSite's children (API.md §8): exact names, labels, owner references and
// the mariadb-operator fields per database mode and deletionPolicy; the Job scripts run for real
// under bash in a temporary bench directory, with a fake `bench` on PATH that records its calls.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrappeBench } from '../../../src/api/frappe-bench.js';
import type { FrappeSite } from '../../../src/api/frappe-site.js';
import type { Child } from '../../../src/builders/child.js';
import { desiredSiteChildren, type SiteBuildOptions } from '../../../src/builders/site/index.js';
import { scriptPath } from '../../../src/builders/site/scripts.js';

const OPTIONS: SiteBuildOptions = { jobTTLSeconds: 3600, routeApiInstalled: false };

function bench(spec: Partial<FrappeBench['spec']> = {}): FrappeBench {
  return {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name: 'erp', namespace: 'team-a', uid: 'bench-uid' },
    spec: {
      frappeVersion: 'version-15',
      imageConfig: { repository: 'docker.io/frappe/erpnext', tag: 'v15.40.0', pullPolicy: 'IfNotPresent' },
      ...spec,
    },
  };
}

function site(spec: Partial<FrappeSite['spec']> = {}, name = 'shop'): FrappeSite {
  return {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { name, namespace: 'team-a', uid: `${name}-uid` },
    spec: {
      benchRef: { name: 'erp' },
      siteName: 'shop.example.com',
      domain: 'shop.example.com',
      adminPasswordSecretRef: { name: `${name}-admin`, key: 'password' },
      dbConfig: {
        provider: 'mariadb',
        mode: 'shared',
        mariadbRef: { name: 'frappe-mariadb', namespace: 'databases' },
        databaseName: '_0a1b2c3d_shop_example_com',
        // The default: the database name, the account Frappe connects as.
        databaseUser: '_0a1b2c3d_shop_example_com',
      },
      ingressClassName: 'nginx',
      ingress: { enabled: true },
      tls: { enabled: false },
      deletionPolicy: 'Retain',
      ...spec,
    },
  };
}

const build = (s: FrappeSite, options: SiteBuildOptions = OPTIONS) =>
  desiredSiteChildren(s, bench(), options);
const byKind = (children: Child[]) => Object.fromEntries(children.map((c) => [c.kind, c]));
const spec = (child: Child | undefined) => child?.spec as Record<string, unknown>;
const ownerRef = {
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeSite',
  name: 'shop',
  uid: 'shop-uid',
  controller: true,
  blockOwnerDeletion: true,
};
const labels = (component: string) => ({
  'app.kubernetes.io/name': 'frappe',
  'app.kubernetes.io/instance': 'shop',
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/managed-by': 'frappe-admission',
});

describe('database objects (mariadb-operator k8s.mariadb.com/v1alpha1)', () => {
  it('shared: Database, User, Grant on the shared MariaDB with Frappe charset, 100 connections, account named after the database', () => {
    const { database, endpoint } = build(site());
    expect(database.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'Database/shop-db',
      'User/shop-user',
      'Grant/shop-grant',
    ]);
    const { Database, User, Grant } = byKind(database);
    const ref = { name: 'frappe-mariadb', namespace: 'databases' };
    expect(Database!.apiVersion).toBe('k8s.mariadb.com/v1alpha1');
    expect(spec(Database)).toEqual({
      mariaDbRef: ref,
      name: '_0a1b2c3d_shop_example_com',
      characterSet: 'utf8mb4',
      collate: 'utf8mb4_unicode_ci',
      cleanupPolicy: 'Skip',
    });
    // Frappe 14/15 connect as db_name (no --db-user in their new-site): the account is the database name.
    expect(spec(User)).toEqual({
      mariaDbRef: ref,
      name: '_0a1b2c3d_shop_example_com',
      host: '%',
      passwordSecretKeyRef: { name: 'shop-db-password', key: 'password' },
      maxUserConnections: 100,
      cleanupPolicy: 'Skip',
    });
    expect(spec(Grant)).toEqual({
      mariaDbRef: ref,
      privileges: ['ALL PRIVILEGES'],
      // `_` escaped: a GRANT reads it as a wildcard (mariadb-operator only backticks the name).
      database: '\\_0a1b2c3d\\_shop\\_example\\_com',
      table: '*',
      username: '_0a1b2c3d_shop_example_com',
      host: '%',
      grantOption: false,
      cleanupPolicy: 'Skip',
    });
    expect(Database!.metadata.labels).toEqual(labels('database'));
    expect(User!.metadata.labels).toEqual(labels('database-user'));
    expect(Grant!.metadata.labels).toEqual(labels('grant'));
    // Owned even with Retain: cleanupPolicy Skip leaves the SQL objects when GC deletes the CRs.
    for (const child of database) expect(child.metadata.ownerReferences).toEqual([ownerRef]);
    expect(endpoint).toEqual({
      host: 'frappe-mariadb.databases.svc',
      port: 3306,
      database: '_0a1b2c3d_shop_example_com',
      user: '_0a1b2c3d_shop_example_com',
    });
  });

  // Frappe 14/15 log in as db_name; 16 reads db_user, which new-site.sh sets to the same account.
  // The account never follows the bench's version: mariadb-operator makes User.spec.name and
  // Grant.spec.username immutable, and a bench upgraded from 15 to 16 keeps its sites' site_config.
  it.each([
    ['version-14', 'u0a1b2c3d_shop_example_com'],
    ['version-15', 'u0a1b2c3d_shop_example_com'],
    ['version-16', 'u0a1b2c3d_shop_example_com'],
    ['develop', 'u0a1b2c3d_shop_example_com'],
    ['version-15', 'shop_admin'],
    ['version-16', 'shop_admin'],
    ['v16.0.0', 'shop_admin'],
  ])(
    'on a %s bench a databaseUser of %s (stored, or written by hand) is not the account: the database name is',
    (frappeVersion, databaseUser) => {
      const s = site({ dbConfig: { ...site().spec.dbConfig, databaseUser } });
      const children = desiredSiteChildren(s, bench({ frappeVersion }), OPTIONS);
      const { User, Grant } = byKind(children.database);
      expect(spec(User).name).toBe('_0a1b2c3d_shop_example_com');
      expect(spec(Grant).username).toBe('_0a1b2c3d_shop_example_com');
      expect(children.endpoint?.user).toBe('_0a1b2c3d_shop_example_com');
      const env = (
        children.initJob.spec as {
          template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
        }
      ).template.spec.containers[0]!.env;
      expect(env.find((e) => e.name === 'DB_USER')?.value).toBe('_0a1b2c3d_shop_example_com');
    },
  );

  it('a mariadbRef without namespace points into the site namespace', () => {
    const s = site({ dbConfig: { ...site().spec.dbConfig, mariadbRef: { name: 'frappe-mariadb' } } });
    const { database, endpoint } = build(s);
    expect(spec(database[0]).mariaDbRef).toEqual({ name: 'frappe-mariadb' });
    expect(endpoint?.host).toBe('frappe-mariadb.team-a.svc');
  });

  it('cleanupPolicy follows deletionPolicy', () => {
    for (const [policy, cleanup] of [
      ['Retain', 'Skip'],
      ['Delete', 'Delete'],
    ] as const) {
      const { database } = build(site({ deletionPolicy: policy }));
      expect(database.map((c) => spec(c).cleanupPolicy)).toEqual([cleanup, cleanup, cleanup]);
    }
  });

  it('dedicated: MariaDB first, then Database/User/Grant on it; the MariaDB is unowned with Retain', () => {
    const dbConfig = {
      provider: 'mariadb',
      mode: 'dedicated',
      storageSize: '20Gi',
      image: 'docker-registry1.mariadb.com/library/mariadb:11.4',
      databaseName: '_h_shop',
      databaseUser: 'uh_shop',
    };
    const retain = build(site({ dbConfig }));
    expect(retain.database.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'MariaDB/shop-mariadb',
      'Database/shop-db',
      'User/shop-user',
      'Grant/shop-grant',
    ]);
    const mariadb = retain.database[0]!;
    expect(mariadb.metadata.labels).toEqual(labels('mariadb'));
    expect(mariadb.metadata.ownerReferences).toBeUndefined();
    expect(spec(mariadb)).toEqual({
      rootPasswordSecretKeyRef: { name: 'shop-mariadb-root', key: 'password', generate: false },
      image: 'docker-registry1.mariadb.com/library/mariadb:11.4',
      storage: { size: '20Gi' },
    });
    for (const child of retain.database.slice(1))
      expect(spec(child).mariaDbRef).toEqual({ name: 'shop-mariadb' });
    expect(retain.endpoint).toEqual({
      host: 'shop-mariadb.team-a.svc',
      port: 3306,
      database: '_h_shop',
      user: '_h_shop',
    });

    const del = build(site({ dbConfig, deletionPolicy: 'Delete' }));
    expect(del.database[0]!.metadata.ownerReferences).toEqual([ownerRef]);
    expect(spec(del.database[0]).storage).toEqual({
      size: '20Gi',
      pvcRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
  });

  it('external: no mariadb-operator objects; endpoint from host/port, or undefined when the host is only in a Secret', () => {
    const external = {
      provider: 'external',
      host: 'db.example.net',
      port: '3307',
      connectionSecretRef: { name: 'ext' },
      databaseName: '_h_shop',
      databaseUser: 'uh_shop',
    };
    const withHost = build(site({ dbConfig: external }));
    expect(withHost.database).toEqual([]);
    expect(withHost.endpoint).toEqual({
      host: 'db.example.net',
      port: 3307,
      database: '_h_shop',
      user: '_h_shop',
    });
    expect(withHost.dedicatedRootSecret('x')).toBeUndefined();

    const secretOnly = build(site({ dbConfig: { ...external, host: undefined, port: undefined } }));
    expect(secretOnly.endpoint).toBeUndefined();
    const env = secretOnly.initJob.spec as never as {
      template: { spec: { containers: { env: unknown[] }[] } };
    };
    expect(env.template.spec.containers[0]!.env).toContainEqual({
      name: 'DB_HOST',
      valueFrom: { secretKeyRef: { name: 'ext', key: 'host' } },
    });
    expect(env.template.spec.containers[0]!.env).toContainEqual({
      name: 'DB_PORT',
      valueFrom: { secretKeyRef: { name: 'ext', key: 'port', optional: true } },
    });
  });
});

describe('secrets', () => {
  const decode = (child: Child) =>
    Object.fromEntries(
      Object.entries(child.data as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString(),
      ]),
    );

  it('database password: `<s>-db-password`, key password; unowned with Retain, owned with Delete', () => {
    const retained = build(site()).databasePasswordSecret('p@ss');
    expect(retained.metadata.name).toBe('shop-db-password');
    expect(retained.metadata.labels).toEqual(labels('secret'));
    expect(decode(retained)).toEqual({ password: 'p@ss' });
    expect(retained.metadata.ownerReferences).toBeUndefined();
    expect(
      build(site({ deletionPolicy: 'Delete' })).databasePasswordSecret('p').metadata.ownerReferences,
    ).toEqual([ownerRef]);
  });

  it('dedicated root secret only for dedicated mode', () => {
    expect(build(site()).dedicatedRootSecret('r')).toBeUndefined();
    const root = build(
      site({ dbConfig: { provider: 'mariadb', mode: 'dedicated', databaseName: '_h', databaseUser: 'u' } }),
    ).dedicatedRootSecret('r')!;
    expect(root.metadata.name).toBe('shop-mariadb-root');
    expect(decode(root)).toEqual({ password: 'r' });
  });

  it('admin secret only when the reference is the default one', () => {
    expect(build(site()).adminSecret('a')?.metadata.name).toBe('shop-admin');
    expect(decode(build(site()).adminSecret('a')!)).toEqual({ password: 'a' });
    expect(
      build(site({ adminPasswordSecretRef: { name: 'mine', key: 'pw' } })).adminSecret('a'),
    ).toBeUndefined();
    expect(
      build(site({ adminPasswordSecretRef: { name: 'shop-admin', namespace: 'shared' } })).adminSecret('a'),
    ).toBeUndefined();
  });

  it('init passwords: read from the site Secrets, no copy, when the admin Secret is in its namespace', () => {
    const own = build(site());
    expect(own.initSecret).toBeUndefined();
    expect(own.initPasswords.job).toEqual({
      dbPassword: { namespace: 'team-a', name: 'shop-db-password', key: 'password' },
      adminPassword: { namespace: 'team-a', name: 'shop-admin', key: 'password' },
    });
    const named = build(site({ adminPasswordSecretRef: { name: 'mine', namespace: 'team-a', key: 'pw' } }));
    expect(named.initSecret).toBeUndefined();
    expect(named.initPasswords.job.adminPassword).toMatchObject({ name: 'mine', key: 'pw' });
  });

  it('init secret: owned copies under db-password and admin-password when the admin Secret is shared', () => {
    const shared = build(site({ adminPasswordSecretRef: { name: 'admin', namespace: 'shared', key: 'pw' } }));
    expect(shared.initPasswords.job).toEqual({
      dbPassword: { name: 'shop-init', key: 'db-password' },
      adminPassword: { name: 'shop-init', key: 'admin-password' },
    });
    expect(shared.initPasswords.sources.adminPassword).toEqual({
      namespace: 'shared',
      name: 'admin',
      key: 'pw',
    });
    const init = shared.initSecret!({ dbPassword: 'd', adminPassword: 'a' });
    expect(init.metadata.name).toBe('shop-init');
    expect(init.metadata.ownerReferences).toEqual([ownerRef]);
    expect(decode(init)).toEqual({ 'db-password': 'd', 'admin-password': 'a' });
  });
});

interface PodSpec {
  restartPolicy: string;
  securityContext: Record<string, unknown>;
  imagePullSecrets?: { name: string }[];
  nodeSelector?: Record<string, string>;
  volumes: unknown[];
  containers: {
    image: string;
    command: string[];
    env: { name: string; value?: string; valueFrom?: unknown }[];
    securityContext: Record<string, unknown>;
    volumeMounts: unknown[];
    workingDir: string;
  }[];
}
const jobSpec = (job: Child) =>
  job.spec as {
    backoffLimit: number;
    activeDeadlineSeconds: number;
    ttlSecondsAfterFinished: number;
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };

describe('init Job', () => {
  it('runs new-site.sh with the bench image and volume, restricted, values from env and secretKeyRef', () => {
    const s = site({
      apps: ['erpnext', 'hrms'],
      podConfig: { nodeSelector: { pool: 'sites' }, labels: { team: 'a' } },
    });
    const b = bench({
      imageConfig: {
        repository: 'registry.example/erp',
        tag: 'v1',
        pullPolicy: 'Always',
        pullSecrets: [{ name: 'regcred' }],
      },
    });
    const job = desiredSiteChildren(s, b, { jobTTLSeconds: 120, routeApiInstalled: false }).initJob;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.metadata.name).toBe('shop-init');
    expect(job.metadata.labels).toEqual(labels('init'));
    expect(job.metadata.ownerReferences).toEqual([ownerRef]);
    const { backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished, template } = jobSpec(job);
    expect(ttlSecondsAfterFinished).toBe(120);
    expect(backoffLimit).toBeGreaterThan(0);
    expect(activeDeadlineSeconds).toBeGreaterThan(0);
    expect(template.metadata.labels).toEqual({ team: 'a', ...labels('init') });
    const pod = template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.nodeSelector).toEqual({ pool: 'sites' });
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.volumes).toEqual([{ name: 'sites', persistentVolumeClaim: { claimName: 'erp-sites' } }]);
    const [container] = pod.containers;
    expect(container!.image).toBe('registry.example/erp:v1');
    expect(container!.workingDir).toBe('/home/frappe/frappe-bench');
    expect(container!.volumeMounts).toEqual([
      { name: 'sites', mountPath: '/home/frappe/frappe-bench/sites' },
    ]);
    expect(container!.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container!.command.slice(0, 2)).toEqual(['bash', '-c']);
    expect(container!.command[2]).toBe(readFileSync(scriptPath('new-site.sh'), 'utf8'));
    expect(container!.env).toEqual([
      { name: 'SITE_NAME', value: 'shop.example.com' },
      { name: 'DB_NAME', value: '_0a1b2c3d_shop_example_com' },
      { name: 'DB_HOST', value: 'frappe-mariadb.databases.svc' },
      { name: 'DB_PORT', value: '3306' },
      { name: 'DB_USER', value: '_0a1b2c3d_shop_example_com' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-password', key: 'password' } } },
      { name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-admin', key: 'password' } } },
      { name: 'INSTALL_APPS', value: 'erpnext hrms' },
    ]);
  });

  it('the script text is the same for two different sites (nothing interpolated)', () => {
    const a = jobSpec(build(site()).initJob).template.spec.containers[0]!.command;
    const other = site(
      {
        siteName: 'other.example.org',
        domain: 'other.example.org',
        dbConfig: { ...site().spec.dbConfig, databaseName: '_ffff_other' },
      },
      'other',
    );
    const b = jobSpec(build(other).initJob).template.spec.containers[0]!.command;
    expect(b[2]).toBe(a[2]);
    expect(a[2]).not.toContain('shop');
  });

  it('podConfig falls back to the bench', () => {
    const job = desiredSiteChildren(
      site(),
      bench({ podConfig: { nodeSelector: { pool: 'bench' } } }),
      OPTIONS,
    ).initJob;
    expect(jobSpec(job).template.spec.nodeSelector).toEqual({ pool: 'bench' });
  });
});

describe('drop Job', () => {
  it('`<s>-drop` runs drop-site.sh with SITE_NAME only: no database credentials', () => {
    const job = build(site({ deletionPolicy: 'Delete' })).dropJob;
    expect(job.metadata.name).toBe('shop-drop');
    expect(job.metadata.labels).toEqual(labels('drop'));
    const [container] = jobSpec(job).template.spec.containers;
    expect(container!.env).toEqual([{ name: 'SITE_NAME', value: 'shop.example.com' }]);
    expect(container!.command[2]).toBe(readFileSync(scriptPath('drop-site.sh'), 'utf8'));
    expect(jobSpec(job).template.spec.volumes).toEqual([
      { name: 'sites', persistentVolumeClaim: { claimName: 'erp-sites' } },
    ]);
  });
});

describe('Ingress and Route', () => {
  it('host, class, backend, annotations; no TLS when disabled', () => {
    const ingress = build(
      site({
        ingress: { enabled: true, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '50m' } },
      }),
    ).ingress!;
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.kind).toBe('Ingress');
    expect(ingress.metadata.name).toBe('shop');
    expect(ingress.metadata.labels).toEqual(labels('ingress'));
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '50m' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'erp-nginx', port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
    });
  });

  it('TLS with the default secret name and the cluster-issuer annotation; class from ingress.className', () => {
    const s = site({
      ingressClassName: undefined,
      ingress: { enabled: true, className: 'traefik' },
      tls: { enabled: true, issuer: 'letsencrypt' },
    });
    const ingress = build(s).ingress!;
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(spec(ingress).ingressClassName).toBe('traefik');
    expect(spec(ingress).tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    const named = build(site({ tls: { enabled: true, secretName: 'my-cert' } })).ingress!;
    expect(spec(named).tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'my-cert' }]);
    expect(named.metadata.annotations).toBeUndefined();
  });

  it('no Ingress when disabled', () => {
    expect(build(site({ ingress: { enabled: false } })).ingress).toBeUndefined();
  });

  it('a Route instead when the Route API is installed and routeConfig asks for one', () => {
    const s = site({
      routeConfig: { annotations: { 'haproxy.router.openshift.io/timeout': '60s' } },
      tls: { enabled: true },
    });
    expect(build(s).ingress?.kind).toBe('Ingress');
    const route = build(s, { ...OPTIONS, routeApiInstalled: true }).ingress!;
    expect(route.apiVersion).toBe('route.openshift.io/v1');
    expect(route.kind).toBe('Route');
    expect(route.metadata.name).toBe('shop');
    expect(route.metadata.annotations).toEqual({ 'haproxy.router.openshift.io/timeout': '60s' });
    expect(route.spec).toEqual({
      host: 'shop.example.com',
      to: { kind: 'Service', name: 'erp-nginx', weight: 100 },
      port: { targetPort: 8080 },
      wildcardPolicy: 'None',
      tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
    });
    expect(
      build(site({ routeConfig: { enabled: false } }), { ...OPTIONS, routeApiInstalled: true }).ingress?.kind,
    ).toBe('Ingress');
  });
});

describe('site URL and determinism', () => {
  it('siteURL follows tls.enabled', () => {
    expect(build(site()).siteURL).toBe('http://shop.example.com');
    expect(build(site({ tls: { enabled: true } })).siteURL).toBe('https://shop.example.com');
  });

  it('the same input builds the same objects', () => {
    const render = () => {
      const c = build(site({ deletionPolicy: 'Delete', tls: { enabled: true, issuer: 'x' } }));
      return JSON.stringify({
        ...c,
        secrets: [
          c.databasePasswordSecret('p'),
          c.adminSecret('a'),
          c.initSecret?.({ dbPassword: 'd', adminPassword: 'a' }),
        ],
      });
    };
    expect(render()).toBe(render());
  });
});

// The scripts, run for real.
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bench directory with sites/ and a fake `bench` that appends its arguments to calls.log. */
function benchDir(options: { benchFails?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'site-script-'));
  temps.push(root);
  mkdirSync(join(root, 'sites'));
  mkdirSync(join(root, 'bin'));
  const fake = join(root, 'bin', 'bench');
  writeFileSync(
    fake,
    [
      '#!/bin/bash',
      `printf '%s\\n' "$*" >> "${join(root, 'calls.log')}"`,
      options.benchFails
        ? 'if [ "$1" = new-site ]; then mkdir -p "sites/$2"; echo "{}" > "sites/$2/site_config.json"; exit 1; fi'
        : 'if [ "$1" = new-site ]; then mkdir -p "sites/$2"; echo "{}" > "sites/$2/site_config.json"; fi',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(fake, 0o755);
  const run = (script: 'new-site.sh' | 'drop-site.sh', env: Record<string, string>) =>
    spawnSync('bash', [fileURLToPath(scriptPath(script))], {
      cwd: root,
      env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, ...env },
      encoding: 'utf8',
    });
  const calls = () =>
    existsSync(join(root, 'calls.log'))
      ? readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n')
      : [];
  return { root, run, calls };
}

const NEW_SITE_ENV = {
  SITE_NAME: 'shop.example.com',
  DB_NAME: '_h_shop',
  DB_HOST: 'frappe-mariadb.databases.svc',
  DB_PORT: '3306',
  DB_USER: '_h_shop',
  DB_PASSWORD: 'pa ss$(touch pwned)',
  ADMIN_PASSWORD: 'admin',
  INSTALL_APPS: 'erpnext hrms',
};

describe('new-site.sh', () => {
  it('creates the site with --no-setup-db, passes values as single arguments, then sets the db config', () => {
    const { root, run, calls } = benchDir();
    const result = run('new-site.sh', NEW_SITE_ENV);
    expect(result.status, result.stderr).toBe(0);
    expect(calls()).toEqual([
      'new-site shop.example.com --no-setup-db --db-type mariadb --db-name _h_shop --db-host frappe-mariadb.databases.svc --db-port 3306 --db-password pa ss$(touch pwned) --admin-password admin --install-app erpnext --install-app hrms',
      '--site shop.example.com set-config db_name _h_shop',
      '--site shop.example.com set-config db_user _h_shop',
      '--site shop.example.com set-config db_password pa ss$(touch pwned)',
      '--site shop.example.com set-config db_host frappe-mariadb.databases.svc',
      '--site shop.example.com set-config -p db_port 3306',
    ]);
    expect(existsSync(join(root, 'pwned'))).toBe(false);
  });

  it('an existing site is success without calling bench', () => {
    const { root, run, calls } = benchDir();
    mkdirSync(join(root, 'sites', 'shop.example.com'));
    writeFileSync(join(root, 'sites', 'shop.example.com', 'site_config.json'), '{"db_name":"_h_shop"}');
    const result = run('new-site.sh', NEW_SITE_ENV);
    expect(result.status, result.stderr).toBe(0);
    expect(calls()).toEqual([]);
  });

  it('a failed new-site removes the directory it made, so a retry starts afresh', () => {
    const { root, run } = benchDir({ benchFails: true });
    const result = run('new-site.sh', NEW_SITE_ENV);
    expect(result.status).toBe(1);
    expect(existsSync(join(root, 'sites', 'shop.example.com'))).toBe(false);
  });

  it('refuses a missing value or a path as site name', () => {
    const { run, calls } = benchDir();
    expect(run('new-site.sh', { ...NEW_SITE_ENV, DB_PASSWORD: '' }).status).not.toBe(0);
    expect(run('new-site.sh', { ...NEW_SITE_ENV, SITE_NAME: '../x' }).status).not.toBe(0);
    expect(calls()).toEqual([]);
  });
});

describe('drop-site.sh', () => {
  it('removes the site directory, then succeeds again when it is absent', () => {
    const { root, run } = benchDir();
    mkdirSync(join(root, 'sites', 'shop.example.com', 'private'), { recursive: true });
    writeFileSync(join(root, 'sites', 'shop.example.com', 'site_config.json'), '{}');
    writeFileSync(join(root, 'sites', 'common_site_config.json'), '{}');
    expect(run('drop-site.sh', { SITE_NAME: 'shop.example.com' }).status).toBe(0);
    expect(existsSync(join(root, 'sites', 'shop.example.com'))).toBe(false);
    expect(existsSync(join(root, 'sites', 'common_site_config.json'))).toBe(true);
    const again = run('drop-site.sh', { SITE_NAME: 'shop.example.com' });
    expect(again.status, again.stderr).toBe(0);
  });

  it.each(['', '.', '..', 'a/b', '../sites', 'assets', '-rf'])('refuses %j and removes nothing', (name) => {
    const { root, run } = benchDir();
    mkdirSync(join(root, 'sites', 'assets'));
    mkdirSync(join(root, 'sites', 'a', 'b'), { recursive: true });
    const result = run('drop-site.sh', { SITE_NAME: name });
    expect(result.status).toBe(2);
    expect(existsSync(join(root, 'sites', 'assets'))).toBe(true);
    expect(existsSync(join(root, 'sites', 'a', 'b'))).toBe(true);
    expect(existsSync(join(root, 'sites'))).toBe(true);
  });

  it('scripts parse as shell', () => {
    for (const script of ['new-site.sh', 'drop-site.sh'] as const)
      execFileSync('bash', ['-n', fileURLToPath(scriptPath(script))]);
  });
});
