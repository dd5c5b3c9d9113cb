// The kubelet player (harness/kubelet.ts) as the cluster tests use it.
import { kubeHttp, loadKubeConfig, type KubeHttp } from '../../src/kube/kube-http.js';
import { cluster } from './cluster.js';

export { playKubelet, type Kubelet } from '../../harness/kubelet.js';

export function testHttp(): KubeHttp {
  // Its own user agent: the audit log tells the operator's writes from the tests'.
  return kubeHttp(loadKubeConfig(cluster().kubeconfig), 'frappe-admission-tests');
}
