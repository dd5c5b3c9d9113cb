// Runs `frappe-admission serve` as the operator runs in a cluster, for the controller's tests:
// webhooks on a port of its own (not registered: the run's webhook process answers admission)
// and the controller behind its Lease. Several can run at once (leader election), and each can be
// stopped gracefully or killed with SIGKILL.
import { readFile } from 'node:fs/promises';
import { freePort } from './control-plane.js';
import { startAsInPod } from './memory-limit.js';
import { builtCli } from './paths.js';
import { issueCertificate, type CertificateFiles } from './pki.js';
import { waitFor, type ManagedProcess } from './processes.js';
import { get } from './webhook-process.js';

export interface OperatorProcess {
  process: ManagedProcess;
  /** The identity it elects with (its POD_NAME). */
  name: string;
  metrics(): Promise<string>;
  /** The memory limit it runs under (the chart's), or why it runs without one. */
  memoryLimit: { bytes: number; unlimited?: string };
  /** SIGTERM: releases the Lease and drains. */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup at all, as a node failure or OOM kill. */
  kill(): Promise<void>;
}

export interface OperatorOptions {
  kubeconfig: string;
  /** Directory for certificates and the log. */
  dir: string;
  ca: CertificateFiles;
  /** Unique per process; also its POD_NAME (the Lease's holder identity starts with it). */
  name: string;
  leaseName: string;
  extraArgs?: string[];
}

export async function startOperatorProcess(options: OperatorOptions): Promise<OperatorProcess> {
  const serving = await issueCertificate(options.dir, options.ca, {
    name: `operator-${options.name}`,
    commonName: 'frappe-admission-operator',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
  });
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  // Under the chart's memory limit, with its runtimeEnv and runtimeFlags, as in its pod: V8 sizes its heap from them.
  const { process: server, memoryLimit } = startAsInPod(
    `operator-${options.name}`,
    [
      process.execPath,
      builtCli(),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--kubeconfig',
      options.kubeconfig,
      '--tls-cert-file',
      serving.cert,
      '--tls-private-key-file',
      serving.key,
      '--drain-delay-seconds',
      '0',
      '--leader-election-namespace',
      'default',
      '--leader-election-name',
      options.leaseName,
      ...(options.extraArgs ?? []),
    ],
    options.dir,
    { POD_NAME: options.name },
  );
  const ca = await readFile(options.ca.cert);
  await waitFor(
    async () => (await get(`${url}/readyz`, ca)).status === 200,
    60_000,
    async () => `operator ${options.name} not ready:\n${await server.tail()}`,
  );
  return {
    process: server,
    name: options.name,
    metrics: async () => (await get(`${url}/metrics`, ca)).body,
    memoryLimit,
    stop: () => server.stop(),
    kill: async () => {
      if (server.child.exitCode !== null) return;
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGKILL');
      await exited;
    },
  };
}
