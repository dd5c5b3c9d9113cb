// What a decision reads besides the request: the cluster view, the operator's configuration and
// the schema validators, compiled once per process and shared by every decision.
import type { ClusterView } from '../api/cluster.js';
import { schemaValidators, type SchemaValidators } from '../api/validation.js';
import type { OperatorConfig } from '../defaults/config.js';

export interface AdmissionContext {
  view: ClusterView;
  config: OperatorConfig;
  /** Compiled once per process (admissionContext() builds them) and shared by every decision. */
  schemas: SchemaValidators;
}

/** The context every decision needs; schema validators are compiled here, once. */
export function admissionContext(view: ClusterView, config: OperatorConfig): AdmissionContext {
  return { view, config, schemas: schemaValidators() };
}
