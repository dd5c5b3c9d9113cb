// What every defaulter takes and gives: the request's namespace, the cluster view and the operator
// config in; the defaulted object and the minimal JSON Patch that makes it out.
import type { PatchOperation } from '../api/admission-types.js';
import type { ClusterView } from '../api/cluster.js';
import type { OperatorConfig } from './config.js';

export interface DefaultingContext {
  /** Namespace of the request (metadata.namespace may be empty on CREATE). */
  namespace: string;
  view: ClusterView;
  config: OperatorConfig;
  /** On UPDATE, the stored object: fields immutable once set are carried over when absent. */
  previous?: unknown;
}

export interface Defaulted {
  object: Record<string, unknown>;
  patch: PatchOperation[];
}
