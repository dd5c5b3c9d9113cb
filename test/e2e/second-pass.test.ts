// The admission second pass as a person sees it through kubectl and the real API server: tenant
// isolation (403 from the webhook, never naming another namespace's objects), updates that judge
// only what they change (a site whose bench changed around it can still lose its finalizer and
// go), deletion protection in any letter case, and which layer answered (CEL 422 vs webhook 403).
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { cluster, eventually, freshNamespace, kubectl } from '../harness/cluster.js';
import { apply, expectWebhookDenial, mergePatch, site } from './kubectl-helpers.js';

const bench = (namespace: string, extra = '') => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeBench
metadata: {name: erpnext, namespace: ${namespace}}
spec:
  frappeVersion: version-15
  apps: [{name: erpnext, source: image}]
${extra}`;

/** Retries a server-side dry run until the webhook's caches have seen what the probe depends on. */
const untilOutput = (args: string[], pattern: RegExp, input?: string) =>
  eventually(async () => {
    const result = await kubectl([...args, '--dry-run=server'], input);
    return pattern.test(result.stderr + result.stdout) ? result : undefined;
  });

describe('tenant isolation through kubectl', () => {
  it("denies another namespace's database name without naming that site (403, webhook)", async () => {
    const victim = await freshNamespace('victim');
    const thief = await freshNamespace('thief');
    const shared = `  dbConfig: {mariadbRef: {name: frappe-mariadb, namespace: ${victim}}, databaseName: payroll_db}\n`;
    expect((await apply(site(victim, 'payroll', `payroll.${victim}.example.com`, shared))).code).toBe(0);
    // The thief points at the victim's MariaDB: S-REF-3 denies that too unless the namespace is shared.
    const attempt = site(thief, 'grab', `grab.${thief}.example.com`, shared);
    const denied = await untilOutput(['apply', '-f', '-'], /S-DB-3/, attempt);
    expectWebhookDenial(
      denied,
      /"payroll_db" is already used by a FrappeSite in another namespace.*\[S-DB-3\]/,
    );
    expect(denied.stderr).toMatch(/spec\.dbConfig\.mariadbRef\.namespace: must be empty or .*\[S-REF-3\]/);
    expect(denied.stderr).not.toContain('payroll ');
    expect(denied.stderr).not.toContain(`FrappeSite ${victim}`);
  });

  it('denies an ingress-nginx configuration snippet and a privileged bench (403, webhook)', async () => {
    const ns = await freshNamespace('escalate');
    const snippet = await apply(
      site(
        ns,
        'shop',
        `shop.${ns}.example.com`,
        '  ingress: {annotations: {nginx.ingress.kubernetes.io/server-snippet: "return 200;"}}\n',
      ),
    );
    expectWebhookDenial(
      snippet,
      /spec\.ingress\.annotations\[nginx\.ingress\.kubernetes\.io\/server-snippet\]: injects.*\[S-ING-1\]/,
    );
    const privileged = await apply(
      bench(ns, '  security: {securityContext: {privileged: true, runAsUser: 0}}\n'),
    );
    expectWebhookDenial(
      privileged,
      /spec\.security\.securityContext\.privileged: privileged containers are not allowed \[B-SEC-1\]/,
    );
    expect(privileged.stderr).toContain('spec.security.securityContext.runAsUser');
  });

  it('deletion protection holds in any letter case; other values warn that they do not protect', async () => {
    const ns = await freshNamespace('protect-case');
    expect((await apply(site(ns, 'kept', `kept.${ns}.example.com`))).code).toBe(0);
    const vague = await kubectl([
      'annotate',
      'frappesite',
      'kept',
      '-n',
      ns,
      'vyogo.tech/deletion-protection=yes',
    ]);
    expect(vague.code).toBe(0);
    expect(vague.stderr).toMatch(
      /^Warning: metadata\.annotations\[vyogo\.tech\/deletion-protection\]: "yes" does not protect.*\[S-DEL-1\]$/m,
    );
    await kubectl([
      'annotate',
      '--overwrite',
      'frappesite',
      'kept',
      '-n',
      ns,
      'vyogo.tech/deletion-protection=True',
    ]);
    expectWebhookDenial(
      await kubectl(['delete', 'frappesite', 'kept', '-n', ns]),
      /deletion protection is on.*\[S-DEL-1\]/,
    );
    await kubectl(['annotate', 'frappesite', 'kept', '-n', ns, 'vyogo.tech/deletion-protection-']);
    expect((await kubectl(['delete', 'frappesite', 'kept', '-n', ns])).code).toBe(0);
  });
});

describe('updates judge only what they change', () => {
  it("a site whose bench's suffix changed since can still be annotated, lose its finalizer and go", async () => {
    const ns = await freshNamespace('ratchet');
    expect((await apply(bench(ns, `  domainConfig: {suffix: old.example.com}\n`))).code).toBe(0);
    const stored = site(ns, 'shop', `shop.old.example.com`);
    await untilOutput(['apply', '-f', '-'], /created \(server dry run\)/, stored);
    expect((await apply(stored)).code).toBe(0);
    expect(
      (await mergePatch('frappesite', 'shop', ns, '{"metadata":{"finalizers":["vyogo.tech/site-cleanup"]}}'))
        .code,
    ).toBe(0);
    // The platform moves the bench to a new suffix: a new site must follow it (S-DOM-3 denies)…
    expect(
      (
        await mergePatch(
          'frappebench',
          'erpnext',
          ns,
          '{"spec":{"domainConfig":{"suffix":"new.example.com"}}}',
        )
      ).code,
    ).toBe(0);
    const newcomer = await untilOutput(
      ['apply', '-f', '-'],
      /S-DOM-3/,
      site(ns, 'late', 'late.old.example.com'),
    );
    expectWebhookDenial(newcomer, /must end with \.new\.example\.com.*\[S-DOM-3\]/);
    // …but the stored site, which this request does not change, is only warned about.
    const annotated = await kubectl(['annotate', 'frappesite', 'shop', '-n', ns, 'team=sales']);
    expect(annotated.code).toBe(0);
    expect(annotated.stderr).toMatch(
      /^Warning: spec\.siteName: unchanged, so allowed: must end with \.new\.example\.com.*\[S-DOM-3\]$/m,
    );
    expect((await kubectl(['delete', 'frappesite', 'shop', '-n', ns, '--wait=false'])).code).toBe(0);
    const released = await mergePatch('frappesite', 'shop', ns, '{"metadata":{"finalizers":null}}');
    expect(released.code).toBe(0);
    await eventually(async () => {
      const gone = await kubectl(['get', 'frappesite', 'shop', '-n', ns]);
      return gone.stderr.includes('NotFound') ? true : undefined;
    });
  });

  it('a site applied before its bench leaves the inherited database fields to the controller', async () => {
    const ns = await freshNamespace('early');
    const result = await apply(site(ns, 'early', `early.${ns}.example.com`), '-o', 'json');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/FrappeBench erpnext does not exist yet.*\[S-REF-2\]/);
    const dbConfig = (JSON.parse(result.stdout) as { spec: { dbConfig: Record<string, unknown> } }).spec
      .dbConfig;
    expect(Object.keys(dbConfig).sort()).toEqual(['databaseName', 'databaseUser']);
  });

  it('a schema error and a rule violation: the API server answers the schema (422), the webhook the rule (403)', async () => {
    const ns = await freshNamespace('together');
    // The API server checks its structural schema before calling validating webhooks (and prints
    // its own pattern message); the webhook's clearer one shows in `review` and the suites.
    const schema = await apply(bench(ns, '  storageSize: 20GB\n'));
    expect(schema.code).toBe(1);
    expect(schema.stderr).toMatch(/is invalid: .*spec\.storageSize/s);
    expect(schema.stderr).toContain('"20GB"');
    expect(schema.stderr).not.toContain('admission webhook');
    const rule = await apply(bench(ns, '  domainConfig: {suffix: Shop.Example.com.}\n'));
    expectWebhookDenial(rule, /spec\.domainConfig\.suffix: .*\[B-DOM-1\]/);
  });
});

/** GET /healthz straight to the webhook: the status, or the transport error when refused. */
function healthz(client?: { cert: Buffer; key: Buffer }): Promise<number | Error> {
  return (async () => {
    const { webhookUrl, caFile } = cluster();
    const ca = await readFile(caFile);
    return new Promise<number | Error>((resolve) => {
      const req = request(`${webhookUrl}/healthz`, { ca, ...client, timeout: 5000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error) => resolve(error));
      req.end();
    });
  })();
}

describe('client authentication (serve --client-ca-file) with the real API server', () => {
  it('the API server presents its admission client certificate; a caller without one gets no answer', async () => {
    const ns = await freshNamespace('mtls');
    const created = await apply(site(ns, 'shop', `shop.${ns}.example.com`), '-o', 'json');
    expect(created.code).toBe(0);
    // The mutating webhook answered (through mTLS): its defaults are in the stored object.
    expect(JSON.parse(created.stdout).spec.deletionPolicy).toBe('Retain');
    const { webhookClient } = cluster();
    const client = { cert: await readFile(webhookClient.cert), key: await readFile(webhookClient.key) };
    expect(await healthz(client)).toBe(200);
    expect(await healthz()).toBeInstanceOf(Error);
  });
});
