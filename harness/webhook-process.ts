// Runs the real `frappe-admission serve` against a control plane, as its pod would (the chart's memory
// limit, runtimeEnv and runtimeFlags; harness/memory-limit.ts) and as a person would: a serving
// certificate from the control plane's CA, informer caches synced before /readyz passes, and the
// webhook configurations registered by URL + caBundle (the `webhook-config` output).
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { freePort, runCommand, type ControlPlane } from './control-plane.js';
import { startAsInPod } from './memory-limit.js';
import { builtCli } from './paths.js';
import { issueCertificate } from './pki.js';
import { waitFor, type ManagedProcess } from './processes.js';

export interface WebhookProcess {
  process: ManagedProcess;
  url: string;
  /** The Mutating/ValidatingWebhookConfiguration YAML that was applied. */
  configuration: string;
  /** Registers the webhook configurations (again). */
  register(): Promise<void>;
  /** Removes the webhook configurations: only the CRDs' CEL rules remain. */
  unregister(): Promise<void>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** A GET over HTTPS, presenting the client certificate when the server requires one. */
export function get(
  url: string,
  ca: Buffer,
  client?: { cert: Buffer; key: Buffer },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { ca, ...client, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

export async function startWebhookProcess(
  plane: ControlPlane,
  options: { config?: string; extraArgs?: string[] } = {},
): Promise<WebhookProcess> {
  const serving = await issueCertificate(plane.dir, plane.ca, {
    name: 'webhook',
    commonName: 'frappe-admission-webhook',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
  });
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const args = [
    builtCli(),
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--kubeconfig',
    plane.kubeconfig,
    '--tls-cert-file',
    serving.cert,
    '--tls-private-key-file',
    serving.key,
    '--drain-delay-seconds',
    '0',
    // The API server presents plane.webhookClient (signed by the plane's CA): require it, as mTLS does.
    ...(plane.webhookClient ? ['--client-ca-file', plane.ca.cert] : []),
    ...(options.config ? ['--config', options.config] : []),
    ...(options.extraArgs ?? []),
  ];
  // Under the chart's memory limit, with its runtimeEnv and runtimeFlags, as in its pod.
  const { process: server } = startAsInPod('webhook', [process.execPath, ...args], plane.dir);
  const ca = await readFile(plane.ca.cert);
  const client = plane.webhookClient && {
    cert: await readFile(plane.webhookClient.cert),
    key: await readFile(plane.webhookClient.key),
  };
  await waitFor(
    async () => (await get(`${url}/readyz`, ca, client)).status === 200,
    60_000,
    async () => `webhook not ready:\n${await server.tail()}`,
  );
  const generated = await runCommand(process.execPath, [
    builtCli(),
    'webhook-config',
    '--url',
    url,
    '--ca-file',
    plane.ca.cert,
    '--namespace',
    'frappe-admission-system',
  ]);
  if (generated.code !== 0) throw new Error(`webhook-config failed: ${generated.stderr}`);
  const register = async () => {
    const applied = await plane.kubectl(['apply', '-f', '-'], { input: generated.stdout });
    if (applied.code !== 0) throw new Error(`registering webhooks failed: ${applied.stderr}`);
  };
  const unregister = async () => {
    const deleted = await plane.kubectl(['delete', '--ignore-not-found', '-f', '-'], {
      input: generated.stdout,
    });
    if (deleted.code !== 0) throw new Error(`removing webhooks failed: ${deleted.stderr}`);
  };
  await register();
  return {
    process: server,
    url,
    configuration: generated.stdout,
    register,
    unregister,
    metrics: async () => (await get(`${url}/metrics`, ca, client)).body,
    stop: async () => {
      await unregister().catch(() => undefined);
      await server.stop();
    },
  };
}
