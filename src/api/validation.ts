// Schema validation of whole objects, against the same structural schemas as the CRDs, closed: an
// unknown field is an error here (the API server would prune it silently). The validators are ajv's,
// generated ahead of time (scripts/validator-code.ts), so no process compiles them.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ADMISSION_REVIEW_ENVELOPE } from './admission-review-schema.js';
import { QUANTITY_PATTERN } from './values.js';
import * as GENERATED from './schema-validators.generated.js';
import type { FieldError } from './admission-types.js';

/** The validator of each kind (errors carry the offending value, so a message can show it), and the envelope's. */
const { [ADMISSION_REVIEW_ENVELOPE]: envelope, ...kindValidators } = GENERATED as unknown as Record<
  string,
  ValidateFunction
>;

/** The AdmissionReview envelope's validator (admission-review-schema.ts). */
export const admissionReviewEnvelope = envelope as ValidateFunction;

/** `/spec/apps/0/name` → `spec.apps[0].name` */
export function fieldPath(pointer: string, child?: string): string {
  const segments = pointer.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  return segments
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}

function toFieldError(error: ErrorObject): FieldError {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        type: 'Required',
        field: fieldPath(error.instancePath, String(p.missingProperty)),
        detail: 'Required value',
        rule: 'SCHEMA',
      };
    case 'additionalProperties':
      return {
        type: 'NotSupported',
        field: fieldPath(error.instancePath, String(p.additionalProperty)),
        detail: 'unknown field',
        rule: 'SCHEMA',
      };
    case 'pattern':
      return {
        type: 'Invalid',
        field: fieldPath(error.instancePath),
        detail:
          p.pattern === QUANTITY_PATTERN
            ? `${JSON.stringify(error.data)} is not a quantity (such as 500m, 2, 512Mi or 10Gi)`
            : `${JSON.stringify(error.data)} has not the required form`,
        rule: 'SCHEMA',
      };
    case 'enum':
      return {
        type: 'NotSupported',
        field: fieldPath(error.instancePath),
        detail: `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`,
        rule: 'SCHEMA',
      };
    default:
      return {
        type: 'Invalid',
        field: fieldPath(error.instancePath),
        detail: error.message ?? 'invalid',
        rule: 'SCHEMA',
      };
  }
}

/**
 * One error per problem: the branches of an int-or-string union each say "must be integer" and
 * "must be string"; they become one "must be string or integer" (the validators try the string branch first).
 */
function mergeTypeErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const types = new Map<string, ErrorObject>();
  const merged: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== 'type') {
      merged.push(error);
      continue;
    }
    const first = types.get(error.instancePath);
    if (!first) {
      const copy = { ...error };
      types.set(error.instancePath, copy);
      merged.push(copy);
    } else {
      first.message = `${first.message} or ${String((error.params as { type: string }).type)}`;
    }
  }
  return merged;
}

/** Schema errors of an object of a known kind, deduplicated by field and message. */
export function schemaErrors(kind: string, object: unknown): FieldError[] {
  const validate = kindValidators[kind];
  if (!validate)
    return [{ type: 'NotSupported', field: 'kind', detail: `unknown kind ${kind}`, rule: 'SCHEMA' }];
  if (validate(object)) return [];
  const seen = new Set<string>();
  return mergeTypeErrors((validate.errors ?? []).filter((e) => e.keyword !== 'anyOf'))
    .map(toFieldError)
    .filter((e) => {
      const key = `${e.field}\u0000${e.detail}`;
      return !seen.has(key) && seen.add(key) !== undefined;
    });
}
