// What the e2e tests do with kubectl, written once: a site manifest, apply from stdin, a merge patch the way a
// person changes one field, and the two ways a denial reaches a user (the CRD's CEL rules answer
// 422 in the API server itself, before any webhook; our validating webhook answers 403).
import { expect } from 'vitest';
import { kubectl } from '../harness/cluster.js';

export const apply = (yaml: string, ...flags: string[]) => kubectl(['apply', ...flags, '-f', '-'], yaml);

export const mergePatch = (kind: string, name: string, namespace: string, patch: string) =>
  kubectl(['patch', kind, name, '-n', namespace, '--type=merge', '-p', patch]);

/** A minimal FrappeSite manifest; `extra` adds lines under spec (two-space indented). */
export const site = (
  namespace: string,
  name: string,
  siteName: string,
  extra = '',
  benchName = 'erpnext',
) => `apiVersion: vyogo.tech/v1alpha1
kind: FrappeSite
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  benchRef: {name: ${benchName}}
  siteName: ${siteName}
${extra}`;

interface Outcome {
  code: number;
  stderr: string;
}

/** Denied by the CRD's CEL rules: 422 Invalid from the API server, no webhook involved. */
export function expectCelDenial(result: Outcome, message: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/is invalid: /);
  expect(result.stderr).not.toContain('admission webhook');
  expect(result.stderr).toMatch(message);
}

/** Denied by our validating webhook: 403 Forbidden, "admission webhook … denied the request". */
export function expectWebhookDenial(result: Outcome, message: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /Error from server \(Forbidden\): .*admission webhook "[^"]+" denied the request: /,
  );
  expect(result.stderr).toMatch(message);
}

/** Applies and expects success; a failure shows kubectl's stderr (a denial, a webhook timeout…). */
export async function applyOk(yaml: string, ...flags: string[]): Promise<void> {
  const result = await apply(yaml, ...flags);
  expect(result.code, result.stderr).toBe(0);
}
