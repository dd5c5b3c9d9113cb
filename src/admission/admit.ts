// The rules engine's entry points: one mutation and one validation decision per request,
// called as is by the webhook server, the CLI and the controller. Mutation runs the defaults;
// validation runs the schema, then the defaults (of the object and of the stored one), then the
// rules on the defaulted objects.
import type { ClusterView } from '../api/cluster.js';
import { DELETION_PROTECTION_ANNOTATION } from '../api/values.js';
import type { AdmittedKind } from '../api/kinds.js';
import { isObject, sameJSON, valueAtFieldPath } from '../api/json.js';
import { schemaErrors } from '../api/validation.js';
import { defaultBench } from '../defaults/bench.js';
import type { Defaulted, DefaultingContext } from '../defaults/context.js';
import { defaultSite } from '../defaults/site.js';
import { rulesOf } from '../policies/registry.js';
import type { RuleRequest } from '../policies/rule.js';
import type { AdmissionInput, Decision, FieldError, FieldWarning } from '../api/admission-types.js';
import type { AdmissionContext } from './context.js';

const DEFAULTERS: Record<
  AdmittedKind,
  (input: Record<string, unknown>, context: DefaultingContext) => Defaulted
> = {
  FrappeBench: defaultBench,
  FrappeSite: defaultSite,
};

const allow = (extra: Partial<Decision> = {}): Decision => ({
  allowed: true,
  code: 200,
  violations: [],
  warnings: [],
  patch: [],
  ...extra,
});

const invalid = (violations: FieldError[]): Decision => ({
  allowed: false,
  code: 422,
  violations,
  warnings: [],
  patch: [],
});

const notAnObject = (field: string): FieldError => ({
  type: 'Invalid',
  field,
  detail: 'must be a JSON object',
  rule: 'SCHEMA',
});

/** Defaults the object of a CREATE or UPDATE. Only a body that is not an object is denied. */
export function admitMutation(
  kind: AdmittedKind,
  input: AdmissionInput,
  context: AdmissionContext,
): Decision {
  if (input.operation !== 'CREATE' && input.operation !== 'UPDATE') return allow({ object: input.object });
  if (!isObject(input.object)) return invalid([notAnObject('object')]);
  const { object, patch } = DEFAULTERS[kind](input.object, {
    namespace: input.namespace,
    view: context.view,
    config: context.config,
    previous: input.operation === 'UPDATE' ? input.oldObject : undefined,
  });
  return allow({ object, patch });
}

/**
 * Runs every rule of the kind for the operation; schema errors, violations and warnings come back
 * together. On UPDATE a finding the stored object already had, on a field the request leaves as
 * it was, is only a warning (ratcheting, as the API server does for CRD schemas): an object whose
 * neighbours or rules changed can still be edited, have its finalizer removed and be deleted.
 */
export function admitValidation(
  kind: AdmittedKind,
  input: AdmissionInput,
  context: AdmissionContext,
): Decision {
  const { operation } = input;
  if (operation === 'CONNECT') return allow();
  if (operation === 'DELETE') return judgeDeletion(kind, input, context);
  if (!isObject(input.object)) return invalid([notAnObject('object')]);
  const schema = schemaErrors(kind, input.object);
  const unreadable = unreadableParts(input.object);
  if (unreadable.length > 0) return invalid(mergeErrors(unreadable, schema));

  const defaultingContext = { namespace: input.namespace, view: context.view, config: context.config };
  const stored = operation === 'UPDATE' && readable(input.oldObject) ? input.oldObject : undefined;
  let oldObject: Record<string, unknown> | undefined;
  let object: Record<string, unknown>;
  try {
    if (stored) oldObject = DEFAULTERS[kind](stored, defaultingContext).object;
    object = DEFAULTERS[kind](input.object, { ...defaultingContext, previous: oldObject }).object;
  } catch (error) {
    if (schema.length === 0) throw error;
    return invalid(schema); // defaults cannot read an object of the wrong shape; the schema says why
  }
  const request = ruleRequest(input, context, object, oldObject);
  const found = judge(kind, request, schema.length > 0);
  let violations = mergeErrors(schema, found.violations);
  let warnings = found.warnings;
  if (oldObject && stored && violations.length > 0) {
    const before = judge(kind, { ...request, object: oldObject as never }, true);
    const previously = [...schemaErrors(kind, stored), ...before.violations];
    ({ violations, warnings } = ratchet(violations, warnings, previously, oldObject, object));
  }
  if (violations.length === 0) return allow({ warnings });
  return {
    allowed: false,
    code: violations.some((v) => v.rule === 'SCHEMA') ? 422 : 403,
    violations,
    warnings,
    patch: [],
  };
}

/** DELETE: the stored object is oldObject; an API server that sends none gets the cached site. */
function judgeDeletion(kind: AdmittedKind, input: AdmissionInput, context: AdmissionContext): Decision {
  const object = readable(input.oldObject)
    ? input.oldObject
    : storedForDeletion(kind, input.namespace, input.name ?? '', context.view);
  const found = judge(kind, ruleRequest(input, context, object, undefined), !readable(input.oldObject));
  return found.violations.length > 0
    ? { allowed: false, code: 403, violations: found.violations, warnings: found.warnings, patch: [] }
    : allow({ warnings: found.warnings });
}

/** What the deletion rules read of an object known only by name: its cached summary, if any. */
function storedForDeletion(kind: AdmittedKind, namespace: string, name: string, view: ClusterView) {
  const site = kind === 'FrappeSite' ? view.site(namespace, name) : undefined;
  const annotations =
    site?.deletionProtection !== undefined
      ? { [DELETION_PROTECTION_ANNOTATION]: site.deletionProtection }
      : {};
  return {
    metadata: { name, namespace, annotations },
    spec: site?.deletionPolicy !== undefined ? { deletionPolicy: site.deletionPolicy } : {},
  };
}

function ruleRequest(
  input: AdmissionInput,
  context: AdmissionContext,
  object: unknown,
  oldObject: unknown,
): RuleRequest<never> {
  return {
    operation: input.operation,
    namespace: input.namespace,
    object: object as never,
    oldObject: oldObject as never,
    dryRun: input.dryRun,
    user: input.user,
    view: context.view,
    config: context.config,
  };
}

/**
 * Every rule of the kind for the request's operation. With `tolerant`, a rule that throws on an
 * object of the wrong shape is skipped (its schema errors already say what is wrong); otherwise a
 * throw is a bug and reaches the caller (a 500 and a metric in the webhook).
 */
function judge(kind: AdmittedKind, request: RuleRequest<never>, tolerant: boolean) {
  const violations: FieldError[] = [];
  const warnings: FieldWarning[] = [];
  for (const rule of rulesOf(kind)) {
    if (!rule.operations.includes(request.operation)) continue;
    let findings;
    try {
      findings = rule.check(request);
    } catch (error) {
      if (tolerant) continue;
      throw error;
    }
    for (const { severity, type, field, detail } of findings) {
      if (severity === 'warn') warnings.push({ field, detail, rule: rule.id });
      else violations.push({ type, field, detail, rule: rule.id });
    }
  }
  return { violations, warnings };
}

/** Demotes to warnings the violations the stored object had too, on a field left unchanged. */
function ratchet(
  violations: FieldError[],
  warnings: FieldWarning[],
  previously: readonly FieldError[],
  oldObject: unknown,
  object: unknown,
): { violations: FieldError[]; warnings: FieldWarning[] } {
  const before = new Set(previously.map((v) => `${v.rule}\u0000${v.field}`));
  const kept: FieldError[] = [];
  const demoted: FieldWarning[] = [];
  for (const v of violations) {
    const unchanged =
      before.has(`${v.rule}\u0000${v.field}`) &&
      sameJSON(valueAtFieldPath(oldObject, v.field), valueAtFieldPath(object, v.field));
    if (unchanged)
      demoted.push({ field: v.field, detail: `unchanged, so allowed: ${v.detail}`, rule: v.rule });
    else kept.push(v);
  }
  return { violations: kept, warnings: [...warnings, ...demoted] };
}

/** Schema errors first, then rule violations on fields the schema has not already faulted. */
function mergeErrors(first: readonly FieldError[], second: readonly FieldError[]): FieldError[] {
  const faulted = first.map((e) => e.field);
  const covered = (field: string) =>
    faulted.some((f) => field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`));
  return [...first, ...second.filter((e) => !covered(e.field))];
}

/** An object the rules can read: metadata and spec are objects (the schema says the rest). */
function readable(object: unknown): object is Record<string, unknown> {
  return isObject(object) && unreadableParts(object).length === 0;
}

function unreadableParts(object: Record<string, unknown>): FieldError[] {
  return (['metadata', 'spec'] as const).flatMap((field): FieldError[] => {
    const value = object[field];
    if (isObject(value)) return [];
    return value === undefined
      ? [{ type: 'Required', field, detail: 'Required value', rule: 'SCHEMA' }]
      : [notAnObject(field)];
  });
}

/** What the API server does for a CREATE or UPDATE: mutate, then validate the mutated object. */
export function admit(kind: AdmittedKind, input: AdmissionInput, context: AdmissionContext) {
  const mutation = admitMutation(kind, input, context);
  if (!mutation.allowed) return { mutation, validation: mutation };
  const validation = admitValidation(kind, { ...input, object: mutation.object ?? input.object }, context);
  return { mutation, validation };
}
