// One real control plane per test run for the cluster tests (test/integration, test/e2e):
// etcd + kube-apiserver + kube-controller-manager built from Go modules, the CRDs, and the
// real `frappe-admission serve` registered as webhooks. Torn down when the run ends.
import type { TestProject } from 'vitest/node';
import { installCrds, startControlPlane } from '../../harness/control-plane.js';
import { startWebhookProcess } from '../../harness/webhook-process.js';

export interface ClusterContext {
  kubeconfig: string;
  binDir: string;
  dir: string;
  caFile: string;
  /** The client certificate the API server presents to the webhook (which requires it). */
  webhookClient: { cert: string; key: string };
  webhookUrl: string;
  webhookConfiguration: string;
}

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
    const webhook = await startWebhookProcess(plane);
    project.provide('cluster', {
      kubeconfig: plane.kubeconfig,
      binDir: plane.binDir,
      dir: plane.dir,
      caFile: plane.ca.cert,
      webhookClient: plane.webhookClient!,
      webhookUrl: webhook.url,
      webhookConfiguration: webhook.configuration,
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
