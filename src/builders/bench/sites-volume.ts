// The sites volume `<b>-sites`: every site's files, shared by all bench pods (API.md §8).
import type { FrappeBench } from '../../api/frappe-bench.js';
import { benchChildNames } from '../../api/child-names.js';
import { childMetadata, type Child } from '../child.js';

/**
 * Not owned by the bench (no owner reference): the volume holds every site's files (uploads,
 * site_config.json, assets), and deleting a bench — by mistake, or to recreate it under GitOps —
 * must not let the garbage collector delete them. The user deletes it when the data can go.
 *
 * Only spec.resources.requests.storage of a PVC may change after creation (and only grow), so
 * the object is built from the immutable storageClassName/storageAccessMode (B-STO-2) and the
 * size alone; nothing else that could drift goes in.
 */
export function buildSitesVolume(bench: FrappeBench): Child {
  const { storageClassName, storageAccessMode, storageSize } = bench.spec;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: childMetadata(bench, benchChildNames(bench.metadata.name ?? '').sitesVolume, 'sites', {
      owned: false,
    }),
    spec: {
      accessModes: [storageAccessMode ?? 'ReadWriteOnce'],
      ...(storageClassName ? { storageClassName } : {}),
      resources: { requests: { storage: storageSize ?? '10Gi' } },
    },
  };
}
