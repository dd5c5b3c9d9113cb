// What a decision reads besides the request: the cluster view and the operator's configuration.
// (The schema validators are generated code, imported where they are used: src/api/validation.ts.)
import type { ClusterView } from '../api/cluster.js';
import type { OperatorConfig } from '../defaults/config.js';

export interface AdmissionContext {
  view: ClusterView;
  config: OperatorConfig;
}
