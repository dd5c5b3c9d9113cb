// What the e2e tests of an installed chart share (certificates-netns, cert-manager-netns,
// helm-upgrade): helm against a control plane in a network namespace, the caBundles of the chart's
// two webhook configurations, a site manifest.
import type { NetnsPlane } from '../../harness/netns-plane.js';
import { helm } from '../../scripts/chart.js';

export const WEBHOOK_CONFIGURATIONS = ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'];

/** helm (install, upgrade, …) inside the namespace against its API server; throws with helm's stderr. */
export async function helmIn(np: NetnsPlane, args: string[]): Promise<string> {
  const result = await helm([...args, `--kubeconfig=${np.plane.kubeconfig}`], { netns: np.netns });
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** `helm install` of `chart` (webhooks only: the controller is off) with `--set` values. */
export const installChart = (
  np: NetnsPlane,
  release: { name: string; namespace: string; chart: string },
  set: string[] = [],
) =>
  helmIn(np, [
    'install',
    release.name,
    release.chart,
    `--namespace=${release.namespace}`,
    '--create-namespace',
    '--set=controller.enabled=false',
    ...set.map((value) => `--set=${value}`),
  ]);

/** Every webhook's caBundle ('' when unset), mutating then validating. */
export async function caBundles(np: NetnsPlane, name: string): Promise<string[]> {
  const lists = await Promise.all(
    WEBHOOK_CONFIGURATIONS.map(async (kind) =>
      (await np.getJson<{ webhooks: { clientConfig: { caBundle?: string } }[] }>([kind, name])).webhooks.map(
        (w) => w.clientConfig.caBundle ?? '',
      ),
    ),
  );
  return lists.flat();
}

export const siteJson = (name: string, namespace = 'erp', bench = 'erpnext') =>
  JSON.stringify({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { name, namespace },
    spec: { benchRef: { name: bench }, siteName: `${name}.${namespace}.example` },
  });
