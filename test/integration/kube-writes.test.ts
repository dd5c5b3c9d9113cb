// The controller's writes against the real API server: a DELETE carries its DeleteOptions (a uid
// precondition that does not match is refused), and the next request on the same keep-alive
// connection is answered normally. Node sends a DELETE's body with neither chunking nor a length
// unless told its length: the API server then ignored the options and read the body as the start
// of the next request (a plain-text 400).
import { describe, expect, it } from 'vitest';
import { kubeHttp, KubeApiError, loadKubeConfig } from '../../src/kube/kube-http.js';
import { CHILD_TYPES } from '../../src/kube/resources.js';
import { writes } from '../../src/kube/writes.js';
import { cluster, freshNamespace } from '../harness/cluster.js';

describe('writes', () => {
  it('sends DeleteOptions with a DELETE, and the connection stays usable', async () => {
    const ns = await freshNamespace('writes');
    // One socket, so every request below reuses the connection of the one before.
    const http = kubeHttp(loadKubeConfig(cluster().kubeconfig), 'frappe-admission-tests');
    const write = writes(http);
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kept', namespace: ns },
      data: { a: 'b' },
    };
    await write.createIfAbsent(configMap);
    const error = await write
      .remove(CHILD_TYPES.ConfigMap, ns, 'kept', { uid: '00000000-0000-0000-0000-000000000000' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).statusCode).toBe(409);
    for (let i = 0; i < 20; i++) {
      await write.remove(CHILD_TYPES.ConfigMap, ns, `absent-${i}`, { uid: 'x' });
      const stored = (await http.getJSON(`/api/v1/namespaces/${ns}/configmaps/kept`)) as {
        data: { a: string };
      };
      expect(stored.data.a).toBe('b');
    }
  });
});
