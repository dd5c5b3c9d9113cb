// The foreign CRDs (harness/foreign-crds.ts) against the run's control plane.
import {
  installForeignCrds as install,
  removeForeignCrds as remove,
  type ForeignKind,
} from '../../harness/foreign-crds.js';
import { kubectl } from './cluster.js';

export { KEDA_KINDS, MARIADB_KINDS, type ForeignKind } from '../../harness/foreign-crds.js';

export const installForeignCrds = (kinds: ForeignKind[]) => install(kubectl, kinds);
export const removeForeignCrds = (kinds: ForeignKind[]) => remove(kubectl, kinds);
