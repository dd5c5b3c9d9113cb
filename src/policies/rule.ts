// What a rule is: a small pure function carrying its id. Rules get the defaulted object (and the
// defaulted old object on UPDATE), so a default added by a newer version never looks like a
// user's change; they never throw and never do I/O.
import type { ClusterView } from '../api/cluster.js';
import type { OperatorConfig } from '../defaults/config.js';
import type { FieldErrorType, Operation, UserInfo } from '../api/admission-types.js';
import type { AdmittedKind } from '../api/kinds.js';

/** The request as a rule sees it. On DELETE, `object` is the object being deleted. */
export interface RuleRequest<T> {
  operation: Operation;
  namespace: string;
  object: T;
  /** UPDATE only: the stored object, defaulted. */
  oldObject?: T;
  dryRun: boolean;
  user?: UserInfo;
  view: ClusterView;
  config: OperatorConfig;
}

export interface Finding {
  severity: 'deny' | 'warn';
  field: string;
  detail: string;
  type: FieldErrorType;
}

export interface Rule<T = unknown> {
  id: string;
  kind: AdmittedKind;
  operations: readonly Operation[];
  /** One line for docs/rules.md: what it checks. */
  summary: string;
  /** True when the CRD carries the same rule as CEL (it holds while the webhook is down). */
  cel?: boolean;
  check(request: RuleRequest<T>): Finding[];
}

export const deny = (field: string, detail: string, type: FieldErrorType = 'Invalid'): Finding => ({
  severity: 'deny',
  field,
  detail,
  type,
});

export const warn = (field: string, detail: string): Finding => ({
  severity: 'warn',
  field,
  detail,
  type: 'Invalid',
});

/** Warnings are at most this long (kubectl prints them on one line each). */
export const WARNING_LIMIT = 120;

export const CREATE_UPDATE: readonly Operation[] = ['CREATE', 'UPDATE'];

/** Defines a rule with its object type fixed, so rule files stay one expression each. */
export const rule = <T>(definition: Rule<T>): Rule<T> => definition;
