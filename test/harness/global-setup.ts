// One real control plane per test run for the cluster tests (test/integration, test/e2e):
// etcd + kube-apiserver + kube-controller-manager built from Go modules, the CRDs, and the
// real `frappe-admission serve` registered as webhooks. Torn down when the run ends.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { installCrds, startControlPlane } from '../../harness/control-plane.js';
import { startWebhookProcess } from '../../harness/webhook-process.js';

export interface ClusterContext {
  kubeconfig: string;
  binDir: string;
  dir: string;
  caFile: string;
  /** The control plane's CA (certificate and key), to issue serving certificates in tests. */
  ca: { cert: string; key: string };
  /** The API server's audit log of write requests (see harness/control-plane.ts). */
  auditLog: string;
  /** The client certificate the API server presents to the webhook (which requires it). */
  webhookClient: { cert: string; key: string };
  webhookUrl: string;
  webhookConfiguration: string;
  /** The operator config the run's webhook serves with (`--config`); controller tests start their operators with it too. */
  operatorConfig: string;
}

/** The one namespace the run's operator config shares with every tenant (sharedNamespaces, S-REF-3). */
export const SHARED_NAMESPACE = 'fa-shared';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterContext;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const plane = await startControlPlane({ withControllerManager: true });
  try {
    await installCrds(plane);
    const operatorConfig = join(plane.dir, 'operator-config.json');
    await writeFile(operatorConfig, JSON.stringify({ sharedNamespaces: [SHARED_NAMESPACE] }));
    // The run's webhook serves admission only: controller tests start operators of their own.
    const webhook = await startWebhookProcess(plane, {
      config: operatorConfig,
      extraArgs: ['--no-controller'],
    });
    project.provide('cluster', {
      kubeconfig: plane.kubeconfig,
      binDir: plane.binDir,
      dir: plane.dir,
      caFile: plane.ca.cert,
      ca: plane.ca,
      auditLog: plane.auditLog ?? '',
      webhookClient: plane.webhookClient!,
      webhookUrl: webhook.url,
      webhookConfiguration: webhook.configuration,
      operatorConfig,
    });
    process.stderr.write(
      `control plane, CRDs and webhook ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return async () => {
      await webhook.stop();
      await plane.stop();
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}
