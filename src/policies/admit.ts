// The rules engine's entry points: one mutation and one validation decision per request,
// called as is by the webhook server, the CLI and the controller.
import type { AdmissionContext, AdmissionInput, Decision, FieldError } from './types.js';

export type AdmittedKind = 'FrappeBench' | 'FrappeSite';

/** Defaults the object (CREATE/UPDATE) and returns the minimal patch; never denies rules, only schema errors. */
export function admitMutation(_kind: AdmittedKind, input: AdmissionInput, _context: AdmissionContext): Decision {
  // Placeholder until the rules engine lands (issue 3): allows with no patch.
  return { allowed: true, code: 200, violations: [], warnings: [], patch: [], object: input.object };
}

/** Runs every rule for the operation and returns all violations and warnings together. */
export function admitValidation(_kind: AdmittedKind, _input: AdmissionInput, _context: AdmissionContext): Decision {
  return { allowed: true, code: 200, violations: [], warnings: [], patch: [] };
}

/** The denial message: every violation as `<path>: <message> [<rule id>]`, joined by "; ". */
export function denialMessage(violations: readonly FieldError[]): string {
  return violations.map((v) => `${v.field}: ${v.detail} [${v.rule}]`).join('; ');
}
