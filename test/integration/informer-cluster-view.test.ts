// The informer-backed cluster view against the real API server: it syncs, follows adds and
// deletes in its indexes, sees default classes and installed CRDs, and a watch that ends resumes
// from its resourceVersion without relisting, and a 410 Gone relists.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeSite } from '../../src/api/frappe-site.js';
import {
  startInformerClusterView,
  type InformerClusterView,
} from '../../src/controller/informer-cluster-view.js';
import { kubeHttp, loadKubeConfig } from '../../src/kube/kube-http.js';
import { Reflector } from '../../src/kube/reflector.js';
import { cluster, eventually, freshNamespace, kubectl } from '../harness/cluster.js';

let informers: InformerClusterView;
beforeAll(async () => {
  informers = startInformerClusterView({ kubeconfig: cluster().kubeconfig, watchTimeoutSeconds: 5 });
  await informers.waitForSync();
});
afterAll(() => informers.stop());

const site = (ns: string, name: string, bench: string) =>
  `{"apiVersion":"vyogo.tech/v1alpha1","kind":"FrappeSite","metadata":{"name":"${name}","namespace":"${ns}"},"spec":{"benchRef":{"name":"${bench}"},"siteName":"${name}.${ns}.example.com"}}`;

describe('informer cluster view', () => {
  it('is ready once every cache has listed', () => {
    expect(informers.ready()).toBe(true);
    expect(informers.view.storageClassesKnown()).toBe(true);
  });

  it('indexes sites by bench and by domain, and forgets deleted ones', async () => {
    const ns = await freshNamespace('informer');
    await kubectl(
      ['apply', '-f', '-'],
      `{"apiVersion":"vyogo.tech/v1alpha1","kind":"FrappeBench","metadata":{"name":"b","namespace":"${ns}"},"spec":{"frappeVersion":"version-15","apps":[{"name":"erpnext","source":"image"}]}}`,
    );
    await kubectl(['apply', '-f', '-'], site(ns, 'one', 'b'));
    await kubectl(['apply', '-f', '-'], site(ns, 'two', 'b'));
    await eventually(async () => (informers.view.sitesOfBench(ns, 'b').length === 2 ? true : undefined));
    expect(informers.view.bench(ns, 'b')?.spec.imageConfig?.tag).toBe('version-15');
    const byDomain = informers.view.sitesWithDomain(`one.${ns}.example.com`);
    expect(byDomain.map((s) => s.name)).toEqual(['one']);
    const summary = informers.view.site(ns, 'one');
    expect(summary?.bench).toBe(`${ns}/b`);
    expect(summary?.databaseTarget).toBe(`mariadb:${ns}/frappe-mariadb`);
    expect(informers.view.sitesWithDatabaseName(summary?.databaseName?.toLowerCase() ?? '-')).toHaveLength(1);

    await kubectl(['delete', 'frappesite', 'one', '-n', ns]);
    await eventually(async () =>
      informers.view.sitesWithDomain(`one.${ns}.example.com`).length === 0 ? true : undefined,
    );
    expect(informers.view.sitesOfBench(ns, 'b').map((s) => s.name)).toEqual(['two']);
    expect(informers.view.site(ns, 'one')).toBeUndefined();
  });

  it('sees the default StorageClass and IngressClass and whether KEDA is installed', async () => {
    const ns = await freshNamespace('classes');
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ${ns}-default, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/${ns}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ${ns}-nginx, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: k8s.io/ingress-nginx}
`,
    );
    await eventually(async () =>
      informers.view.defaultStorageClass()?.metadata.name === `${ns}-default` ? true : undefined,
    );
    await eventually(async () =>
      informers.view.defaultIngressClass()?.metadata.name === `${ns}-nginx` ? true : undefined,
    );
    expect(informers.view.storageClass(`${ns}-default`)?.provisioner).toBe(`example.com/${ns}`);
    await kubectl(['delete', 'storageclass', `${ns}-default`]);
    await kubectl(['delete', 'ingressclass', `${ns}-nginx`]);
    await eventually(async () =>
      informers.view.defaultStorageClass()?.metadata.name !== `${ns}-default` ? true : undefined,
    );

    expect(informers.view.kedaInstalled()).toBe(false);
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: scaledobjects.keda.sh}
spec:
  group: keda.sh
  scope: Namespaced
  names: {kind: ScaledObject, plural: scaledobjects, singular: scaledobject}
  versions: [{name: v1alpha1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;
    expect((await kubectl(['apply', '-f', '-'], crd)).code).toBe(0);
    try {
      await eventually(async () => (informers.view.kedaInstalled() ? true : undefined));
    } finally {
      await kubectl(['delete', '-f', '-'], crd);
    }
    await eventually(async () => (!informers.view.kedaInstalled() ? true : undefined));
  });
});

describe('reflector', () => {
  it('resumes an ended watch from its resourceVersion without relisting', async () => {
    const ns = await freshNamespace('reflector');
    let lists = 0;
    const seen: string[] = [];
    const reflector = new Reflector<FrappeSite>({
      http: kubeHttp(loadKubeConfig(cluster().kubeconfig)),
      path: `/apis/vyogo.tech/v1alpha1/namespaces/${ns}/frappesites`,
      watchTimeoutSeconds: 1, // the server ends every watch after a second
      handlers: { onReplace: () => lists++, onUpsert: (s) => seen.push(s.metadata.name ?? '') },
    });
    reflector.start();
    try {
      await reflector.waitForSync();
      // Outlive several server-side watch timeouts, then change something.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await kubectl(['apply', '-f', '-'], site(ns, 'late', 'b'));
      await eventually(async () => (seen.includes('late') ? true : undefined));
      expect(lists).toBe(1);
      expect(reflector.store.get(`${ns}/late`)?.spec.siteName).toBe(`late.${ns}.example.com`);
    } finally {
      reflector.stop();
    }
  });

  it('relists when the API server answers 410 Gone to a watch from a resourceVersion too old', async () => {
    const ns = await freshNamespace('relist');
    await kubectl(['apply', '-f', '-'], site(ns, 'before', 'b'));
    const http = kubeHttp(loadKubeConfig(cluster().kubeconfig));
    const watches: string[] = [];
    const errors: number[] = [];
    let lists = 0;
    const reflector = new Reflector<FrappeSite>({
      http: {
        ...http,
        // The first watch asks for resourceVersion 1, long compacted out of the watch cache:
        // the real API server ends it with an ERROR event, code 410 (too old resource version).
        watch: (path, onEvent, options) => {
          const asked =
            watches.length === 0 ? path.replace(/resourceVersion=\d+/, 'resourceVersion=1') : path;
          watches.push(asked);
          return http.watch(
            asked,
            (event) => {
              const { type, object } = event as { type: string; object: { code?: number } };
              if (type === 'ERROR') errors.push(object.code ?? 0);
              onEvent(event);
            },
            options,
          );
        },
      },
      path: `/apis/vyogo.tech/v1alpha1/namespaces/${ns}/frappesites`,
      handlers: { onReplace: () => lists++ },
    });
    reflector.start();
    try {
      await reflector.waitForSync();
      await eventually(async () => (lists === 2 ? true : undefined));
      expect(errors).toEqual([410]);
      expect(watches[0]).toMatch(/resourceVersion=1(&|$)/);
      await kubectl(['apply', '-f', '-'], site(ns, 'after', 'b'));
      await eventually(async () => (reflector.store.has(`${ns}/after`) ? true : undefined));
      expect([...reflector.store.keys()].sort()).toEqual([`${ns}/after`, `${ns}/before`]);
      expect(lists).toBe(2);
    } finally {
      reflector.stop();
    }
  });

  it('keeps retrying a collection that does not exist yet and syncs once its CRD is installed', async () => {
    const group = `retry-${Date.now().toString(36)}.example.com`;
    let failures = 0;
    const reflector = new Reflector({
      http: kubeHttp(loadKubeConfig(cluster().kubeconfig)),
      path: `/apis/${group}/v1/widgets`,
      backoff: { initialMs: 20, maxMs: 200 },
      logger: pino({}, { write: () => failures++ }), // one line per failed list or watch
      handlers: {},
    });
    reflector.start();
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(reflector.hasSynced()).toBe(false);
      expect(failures).toBeGreaterThan(0);
      await kubectl(['apply', '-f', '-'], JSON.stringify(crd));
      await eventually(async () => (reflector.hasSynced() ? true : undefined));
    } finally {
      reflector.stop();
      await kubectl(['delete', 'crd', `widgets.${group}`, '--wait=false']);
    }
  });
});
