// The certificate Secret (type kubernetes.io/tls) ↔ a CertificateSet, pure. Keys: tls.crt and
// tls.key (the serving pair every replica mounts), ca.crt (the caBundle: the CA, then the replaced
// CA during the overlap), ca.key (the CA's key, for renewing the serving certificate). The end of
// the overlap is an annotation; another annotation asks the leader for a renewal (`kubectl annotate`).
import { caBundle, type CertificateSet } from './pki.js';

export const PREVIOUS_CA_UNTIL = 'frappe-admission.vyogo.tech/previous-ca-until';
/** `ca` renews the CA and the serving certificate; any other value the serving certificate only. */
export const RENEW_ANNOTATION = 'frappe-admission.vyogo.tech/renew';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  type: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined) =>
  text === undefined ? undefined : Buffer.from(text, 'base64').toString('utf8');

/** The set a Secret holds, or undefined when it holds none (missing keys). Contents are not checked here. */
export function setFromSecret(secret: SecretObject | undefined): CertificateSet | undefined {
  const data = secret?.data ?? {};
  const [cert, key, bundle, caKey] = [data['tls.crt'], data['tls.key'], data['ca.crt'], data['ca.key']].map(
    unb64,
  );
  if (!cert || !key || !bundle || !caKey) return undefined;
  const [ca, previous] = bundle.match(PEM_CERTIFICATE) ?? [];
  if (!ca) return undefined;
  const until = secret?.metadata.annotations?.[PREVIOUS_CA_UNTIL];
  const untilDate = until ? new Date(until) : undefined;
  return {
    ca: { cert: `${ca}\n`, key: caKey },
    serving: { cert, key },
    ...(previous && untilDate && !Number.isNaN(untilDate.getTime())
      ? { previousCA: { cert: `${previous}\n`, until: untilDate } }
      : {}),
  };
}

/** The renewal the Secret's annotation asks for, if any. */
export function requestedRenewal(secret: SecretObject | undefined): 'ca' | 'serving' | undefined {
  const value = secret?.metadata.annotations?.[RENEW_ANNOTATION];
  if (value === undefined) return undefined;
  return value === 'ca' ? 'ca' : 'serving';
}

/**
 * The Secret holding `set`, written over `base` (its resourceVersion is the update's precondition,
 * other labels and annotations are kept; the renewal request is removed: it has been done).
 */
export function secretFromSet(
  name: string,
  namespace: string,
  set: CertificateSet,
  now: Date,
  base?: SecretObject,
): SecretObject {
  const annotations = { ...base?.metadata.annotations };
  delete annotations[RENEW_ANNOTATION];
  delete annotations[PREVIOUS_CA_UNTIL];
  const bundle = caBundle(set, now);
  if (set.previousCA && bundle.includes(set.previousCA.cert.trim()))
    annotations[PREVIOUS_CA_UNTIL] = set.previousCA.until.toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name,
      namespace,
      ...(base?.metadata.resourceVersion ? { resourceVersion: base.metadata.resourceVersion } : {}),
      labels: { ...base?.metadata.labels, [MANAGED_BY_LABEL]: 'frappe-admission' },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    data: {
      'tls.crt': b64(set.serving.cert),
      'tls.key': b64(set.serving.key),
      'ca.crt': b64(bundle),
      'ca.key': b64(set.ca.key),
    },
  };
}

/** The caBundle stored in the Secret (base64, as webhook configurations carry it). */
export function storedBundle(secret: SecretObject): string | undefined {
  return secret.data?.['ca.crt'];
}
