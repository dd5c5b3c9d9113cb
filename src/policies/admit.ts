// The rules engine's entry points: one mutation and one validation decision per request,
// called as is by the webhook server, the CLI and the controller.
import type { ClusterView } from '../api/cluster.js';
import { isObject } from '../api/json.js';
import { buildSchemaValidators, schemaErrors } from '../api/validation.js';
import { defaultBench, type Defaulted, type DefaultingContext } from '../defaults/bench.js';
import type { OperatorConfig } from '../defaults/config.js';
import { defaultSite } from '../defaults/site.js';
import { rulesOf } from './registry.js';
import { WARNING_LIMIT, type RuleRequest } from './rule.js';
import type { AdmissionContext, AdmissionInput, Decision, FieldError } from './types.js';

export type AdmittedKind = 'FrappeBench' | 'FrappeSite';

/** Warnings are at most this long (defined with the rules, which shorten theirs to fit). */
export { WARNING_LIMIT };

const DEFAULTERS: Record<
  AdmittedKind,
  (input: Record<string, unknown>, context: DefaultingContext) => Defaulted
> = {
  FrappeBench: defaultBench,
  FrappeSite: defaultSite,
};

/** The context every decision needs; schema validators are compiled here, once. */
export function admissionContext(view: ClusterView, config: OperatorConfig): AdmissionContext {
  return { view, config, schemas: buildSchemaValidators() };
}

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

/** Runs every rule of the kind for the operation; all violations and warnings come back together. */
export function admitValidation(
  kind: AdmittedKind,
  input: AdmissionInput,
  context: AdmissionContext,
): Decision {
  const { operation } = input;
  if (operation === 'CONNECT') return allow();
  let object: unknown;
  let oldObject: unknown;
  if (operation === 'DELETE') {
    object = isObject(input.oldObject)
      ? input.oldObject
      : { metadata: { name: input.name, namespace: input.namespace }, spec: {} };
  } else {
    const schema = schemaErrors(context.schemas, kind, input.object);
    if (schema.length > 0) return invalid(schema);
    const defaultingContext = { namespace: input.namespace, view: context.view, config: context.config };
    if (operation === 'UPDATE' && isObject(input.oldObject)) {
      oldObject = DEFAULTERS[kind](input.oldObject, defaultingContext).object;
    }
    object = DEFAULTERS[kind](input.object as Record<string, unknown>, {
      ...defaultingContext,
      previous: oldObject,
    }).object;
  }
  const request: RuleRequest<never> = {
    operation,
    namespace: input.namespace,
    object: object as never,
    oldObject: oldObject as never,
    dryRun: input.dryRun,
    user: input.user,
    view: context.view,
    config: context.config,
  };
  const violations: FieldError[] = [];
  const warnings: string[] = [];
  for (const rule of rulesOf(kind)) {
    if (!rule.operations.includes(operation)) continue;
    for (const finding of rule.check(request)) {
      if (finding.severity === 'warn') warnings.push(formatWarning(finding.field, finding.detail, rule.id));
      else
        violations.push({ type: finding.type, field: finding.field, detail: finding.detail, rule: rule.id });
    }
  }
  return violations.length > 0
    ? { allowed: false, code: 403, violations, warnings, patch: [] }
    : allow({ warnings });
}

/** What the API server does for a CREATE or UPDATE: mutate, then validate the mutated object. */
export function admit(kind: AdmittedKind, input: AdmissionInput, context: AdmissionContext) {
  const mutation = admitMutation(kind, input, context);
  if (!mutation.allowed) return { mutation, validation: mutation };
  const validation = admitValidation(kind, { ...input, object: mutation.object ?? input.object }, context);
  return { mutation, validation };
}

/** `<field>: <detail> [<rule>]`, the detail cut with … so the whole stays within WARNING_LIMIT. */
export function formatWarning(field: string, detail: string, rule: string): string {
  const head = `${field}: `;
  const tail = ` [${rule}]`;
  const room = WARNING_LIMIT - head.length - tail.length;
  return head + (detail.length > room ? `${detail.slice(0, Math.max(0, room - 1))}…` : detail) + tail;
}

/** The denial message: every violation as `<path>: <message> [<rule id>]`, joined by "; ". */
export function denialMessage(violations: readonly FieldError[]): string {
  return violations.map((v) => `${v.field}: ${v.detail} [${v.rule}]`).join('; ');
}
