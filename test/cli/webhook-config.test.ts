// `frappe-admission webhook-config` prints the configurations of API.md §7 for a URL-served webhook.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createCA, issueCertificate } from '../../harness/pki.js';
import { runCli } from './run-cli.js';

describe('webhook-config', () => {
  it('prints mutating and validating configurations with url + caBundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fa-whc-'));
    const ca = join(dir, 'ca.crt');
    await writeFile(ca, 'PEM BYTES');
    const result = await runCli([
      'webhook-config',
      '--url',
      'https://127.0.0.1:9443/',
      '--ca-file',
      ca,
      '--namespace',
      'ops',
    ]);
    expect(result.code).toBe(0);
    const [mutating, validating] = parseAllDocuments(result.stdout).map((d) => d.toJS());
    expect(mutating.kind).toBe('MutatingWebhookConfiguration');
    expect(validating.kind).toBe('ValidatingWebhookConfiguration');
    const hooks = [...mutating.webhooks, ...validating.webhooks];
    expect(hooks.map((h: { clientConfig: { url: string } }) => h.clientConfig.url).sort()).toEqual([
      'https://127.0.0.1:9443/mutate-vyogo-tech-v1alpha1-frappebench',
      'https://127.0.0.1:9443/mutate-vyogo-tech-v1alpha1-frappesite',
      'https://127.0.0.1:9443/validate-vyogo-tech-v1alpha1-frappebench',
      'https://127.0.0.1:9443/validate-vyogo-tech-v1alpha1-frappesite',
    ]);
    for (const hook of hooks) {
      expect(hook).toMatchObject({
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        matchPolicy: 'Equivalent',
        timeoutSeconds: 5,
        failurePolicy: 'Fail',
        clientConfig: { caBundle: Buffer.from('PEM BYTES').toString('base64') },
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['ops'] }],
        },
      });
    }
    expect(mutating.webhooks[0].rules[0].operations).toEqual(['CREATE', 'UPDATE']);
    expect(validating.webhooks[0].rules[0].operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    expect(
      validating.webhooks.map((h: { rules: { resources: string[] }[] }) => h.rules[0]!.resources[0]),
    ).toEqual(['frappebenches', 'frappesites']);
  });

  it('lets the mutating webhook fail open, and rejects a missing or plain-http URL', async () => {
    const open = await runCli([
      'webhook-config',
      '--url',
      'https://h:1',
      '--mutating-failure-policy',
      'Ignore',
    ]);
    const [mutating, validating] = parseAllDocuments(open.stdout).map((d) => d.toJS());
    expect(mutating.webhooks[0].failurePolicy).toBe('Ignore');
    expect(validating.webhooks[0].failurePolicy).toBe('Fail');
    for (const args of [[], ['--url', 'http://h:1']]) {
      const bad = await runCli(['webhook-config', ...args]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('webhook-config needs --url https://HOST:PORT');
    }
  });
});

describe('serve', () => {
  it('refuses to start without a cluster to watch, saying how to give one', async () => {
    const home = await mkdtemp(join(tmpdir(), 'fa-home-'));
    const env = { ...process.env, HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
    const result = await runCli(['serve', '--tls-cert-file', 'x', '--tls-private-key-file', 'y'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: no cluster to watch: no kubeconfig');
    expect(result.stderr).toContain('(pass --kubeconfig, or --offline)');
  });

  it('names a missing certificate file', async () => {
    const result = await runCli([
      'serve',
      '--offline',
      '--tls-cert-file',
      '/nope.crt',
      '--tls-private-key-file',
      '/nope.key',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot serve: ENOENT.*\/nope\.(crt|key)/);
  });

  it('names a --client-ca-file that holds no CA certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fa-serve-'));
    const ca = await createCA(dir, 'serve-test-ca');
    const serving = await issueCertificate(dir, ca, {
      name: 'serving',
      commonName: '127.0.0.1',
      usage: 'serverAuth',
      ipAddresses: ['127.0.0.1'],
    });
    const notCA = join(dir, 'garbled.crt');
    await writeFile(notCA, 'not a certificate');
    const result = await runCli([
      'serve',
      '--offline',
      '--port',
      '0',
      '--tls-cert-file',
      serving.cert,
      '--tls-private-key-file',
      serving.key,
      '--client-ca-file',
      notCA,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: cannot serve: ${notCA}: no PEM certificate in the CA file\n`);
  });
});
