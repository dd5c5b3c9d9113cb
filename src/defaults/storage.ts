// Which storage provisioners give ReadWriteMany volumes. All bench pods mount the sites volume;
// with ReadWriteOnce they must all run on one node. Matched on the StorageClass provisioner.
import type { StorageClass } from '../api/cluster.js';

const RWX_PROVISIONERS: readonly RegExp[] = [
  /nfs/i, // nfs.csi.k8s.io, nfs-subdir-external-provisioner, …
  /cephfs/i, // cephfs.csi.ceph.com, rook-ceph.cephfs.csi.ceph.com, kubernetes.io/cephfs
  /^efs\.csi\.aws\.com$/,
  /^file\.csi\.azure\.com$/,
  /^kubernetes\.io\/azure-file$/,
  /^filestore\.csi\.storage\.gke\.io$/,
  /^driver\.longhorn\.io$/, // Longhorn serves RWX through its share manager
  /glusterfs/i,
  /^kubernetes\.io\/portworx-volume$|^pxd\.portworx\.com$/,
];

export function supportsReadWriteMany(storageClass: StorageClass | undefined): boolean {
  const provisioner = storageClass?.provisioner ?? '';
  return RWX_PROVISIONERS.some((pattern) => pattern.test(provisioner));
}
