// A kubeconfig that authenticates as a ServiceAccount, with a token from the TokenRequest API
// (POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token), the way a pod's projected token
// does: a process started with it has exactly the RBAC bound to that ServiceAccount.
import { readFile, writeFile } from 'node:fs/promises';
import type { KubeHttp } from '../src/kube/kube-http.js';

export interface ServiceAccountKubeconfigOptions {
  /** An admin client that may request tokens. */
  http: KubeHttp;
  server: string;
  /** The API server's CA certificate (PEM file). */
  caFile: string;
  namespace: string;
  name: string;
  /** Where to write the kubeconfig. */
  file: string;
  /** Token lifetime (the API server's minimum is 600 s). */
  expirationSeconds?: number;
}

/** The user name the API server gives the ServiceAccount's tokens (audit log, RBAC subjects). */
export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;

export async function serviceAccountKubeconfig(options: ServiceAccountKubeconfigOptions): Promise<string> {
  const { namespace, name } = options;
  const answer = (await options.http.sendJSON(
    'POST',
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`,
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: options.expirationSeconds ?? 3600 },
    },
  )) as { status: { token: string } };
  const ca = (await readFile(options.caFile)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server: options.server, 'certificate-authority-data': ca } }],
    users: [{ name, user: { token: answer.status.token } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: name } }],
    'current-context': 'local',
  };
  await writeFile(options.file, JSON.stringify(config), { mode: 0o600 });
  return options.file;
}
