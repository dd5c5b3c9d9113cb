// The shapes of admission that every layer shares (rules, defaults, the engine, webhook, CLI,
// controller): requests, field errors and warnings, patch operations and decisions.

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
export const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Field error types, as Kubernetes' field.ErrorType names them. */
export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'Duplicate' | 'NotSupported' | 'TooLong';

/** One violation: where, what to do about it, and which rule says so. */
export interface FieldError {
  type: FieldErrorType;
  /** Field path as kubectl prints it, e.g. `spec.dbConfig.databaseName`. */
  field: string;
  /** A message a user can act on; it names fields, never Secret values. */
  detail: string;
  /** Rule id of API.md §6, or `SCHEMA` for an error of the CRD schema. */
  rule: string;
}

/** A warning, kept structured until the edge (webhook, CLI) formats it with formatWarning(). */
export interface FieldWarning {
  field: string;
  detail: string;
  rule: string;
}

export interface UserInfo {
  username?: string;
  groups?: string[];
}

/** The admission request as the rules see it, whoever asks (webhook, CLI, controller). */
export interface AdmissionInput {
  operation: Operation;
  /** Namespace of the request: on CREATE with generateName it is the only reliable one. */
  namespace: string;
  /** Name of the request (empty on CREATE with generateName). */
  name?: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun: boolean;
  user?: UserInfo;
}

/** A JSON Patch operation (RFC 6902) as the mutating webhook sends it. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** The outcome of admitting one request. */
export interface Decision {
  allowed: boolean;
  /** 200 when allowed; 403 Forbidden for rule violations; 422 Invalid for schema errors. */
  code: 200 | 403 | 422;
  violations: FieldError[];
  /** Returned on allow and on deny; formatWarning() makes the ≤120-character line kubectl prints. */
  warnings: FieldWarning[];
  /** Mutation only: the minimal patch against the incoming object (empty when nothing changed). */
  patch: PatchOperation[];
  /** Mutation only: the defaulted object (the incoming one when nothing changed). */
  object?: unknown;
}
