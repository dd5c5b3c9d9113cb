// Reading Secret values, the one way the reconcilers do it: a GET when a Job or the external
// provider needs a value (Secrets are never cached whole: their data must not sit in memory).
import { isNotFound } from '../kube/kube-http.js';
import type { ReconcileContext } from './context.js';

export interface SecretData {
  metadata?: { resourceVersion?: string };
  data?: Record<string, string>;
}

/** The Secret, or undefined when it does not exist. */
export async function readSecret(
  namespace: string,
  name: string,
  context: ReconcileContext,
): Promise<SecretData | undefined> {
  try {
    return (await context.http.getJSON(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
    )) as SecretData;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** One key of a Secret, decoded, or undefined when the Secret or the key is missing. */
export function secretKey(secret: SecretData | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}
