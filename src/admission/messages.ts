// How findings read at the edge (webhook responses, CLI output, docs/rules.md): one line per
// warning, one message per denial, field path first and rule id last.
import type { FieldError, FieldWarning } from '../api/admission-types.js';
import { WARNING_LIMIT } from '../policies/rule.js';

/** `<field>: <detail> [<rule>]`, the detail cut with … so the whole stays within WARNING_LIMIT. */
export function formatWarning({ field, detail, rule }: FieldWarning): string {
  const head = `${field}: `;
  const tail = ` [${rule}]`;
  const room = WARNING_LIMIT - head.length - tail.length;
  return head + (detail.length > room ? `${detail.slice(0, Math.max(0, room - 1))}…` : detail) + tail;
}

/** The denial message: every violation as `<path>: <message> [<rule id>]`, joined by "; ". */
export function denialMessage(violations: readonly FieldError[]): string {
  return violations.map((v) => `${v.field}: ${v.detail} [${v.rule}]`).join('; ');
}
