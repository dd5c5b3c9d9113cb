// Self-managed certificates, the pure part: what node-forge issues (checked with node's own X.509
// parser and a real TLS handshake), the renewal decision at its boundaries, the caBundle overlap,
// and the Secret round trip.
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  caBundle,
  issueServing,
  issueSet,
  planRenewal,
  renew,
  serviceDnsNames,
} from '../../../src/certificates/pki.js';
import {
  DAY_MS,
  DEFAULT_POLICY,
  parseDuration,
  type CertificatePolicy,
} from '../../../src/certificates/policy.js';
import {
  PREVIOUS_CA_UNTIL,
  RENEW_ANNOTATION,
  requestedRenewal,
  secretFromSet,
  setFromSecret,
} from '../../../src/certificates/secret.js';

const identity = { service: 'fa-frappe-admission', namespace: 'ops' };
const T0 = new Date('2030-01-01T00:00:00Z');
const policy: CertificatePolicy = { ...DEFAULT_POLICY, overlapMs: 60 * 60 * 1000 };
const set = issueSet(identity, policy, T0);
const at = (ms: number) => new Date(T0.getTime() + ms);
const certificates = (bundle: string) =>
  (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new X509Certificate(pem),
  );

describe('issued certificates', () => {
  const ca = new X509Certificate(set.ca.cert);
  const serving = new X509Certificate(set.serving.cert);

  it("has the Service's four DNS names and serverAuth only on the serving certificate", () => {
    expect(serving.subjectAltName).toBe(
      serviceDnsNames(identity)
        .map((n) => `DNS:${n}`)
        .join(', '),
    );
    expect(serviceDnsNames(identity)).toEqual([
      'fa-frappe-admission',
      'fa-frappe-admission.ops',
      'fa-frappe-admission.ops.svc',
      'fa-frappe-admission.ops.svc.cluster.local',
    ]);
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // id-kp-serverAuth
    expect(serving.ca).toBe(false);
    expect(ca.ca).toBe(true);
    // forge writes names as PrintableString: Go's x509 rejects one with other characters.
    for (const name of [ca.subject, serving.subject, serving.issuer])
      expect(name).toMatch(/^CN=[A-Za-z0-9 '()+,\-./:=?]+$/);
  });

  it('is signed by the CA, RSA 2048, valid 1 year (serving) and 10 years (CA) by default', () => {
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
    expect(ca.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const days = (c: X509Certificate) => (new Date(c.validTo).getTime() - T0.getTime()) / DAY_MS;
    expect(days(serving)).toBe(365);
    expect(days(ca)).toBe(3650);
  });

  it('gets random, positive serials that differ every time', () => {
    const again = issueSet(identity, policy, T0);
    const serials = [set.ca.cert, set.serving.cert, again.ca.cert, again.serving.cert].map(
      (pem) => new X509Certificate(pem).serialNumber,
    );
    expect(new Set(serials).size).toBe(4);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-9A-F]{32}$/);
      expect(Number.parseInt(serial[0]!, 16)).toBeLessThan(8);
    }
  });

  it('never outlives its CA', () => {
    const shortCA = issueSet(identity, { ...policy, caValidityMs: 30 * DAY_MS }, T0);
    const leaf = issueServing(shortCA.ca, identity, 365 * DAY_MS, T0);
    expect(new X509Certificate(leaf.cert).validTo).toBe(new X509Certificate(shortCA.ca.cert).validTo);
  });

  it('serves TLS that a client trusting the CA accepts for <svc>.<ns>.svc, and rejects for another name', async () => {
    const server = createServer({ cert: set.serving.cert, key: set.serving.key }, (socket) =>
      socket.end('ok'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const handshake = (servername: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, servername, ca: caBundle(set, T0) }, () => {
          socket.end();
          resolve('ok');
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    try {
      // The certificates are dated 2030: check names with the real clock out of the way.
      expect(await handshake(`${identity.service}.${identity.namespace}.svc`)).toBe('CERT_NOT_YET_VALID');
      const now = issueSet(identity, policy, new Date());
      server.setSecureContext({ cert: now.serving.cert, key: now.serving.key });
      const handshakeNow = (servername: string) =>
        new Promise<string>((resolve) => {
          const socket = connect(
            { host: '127.0.0.1', port, servername, ca: caBundle(now, new Date()) },
            () => {
              socket.end();
              resolve('ok');
            },
          );
          socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        });
      expect(await handshakeNow(`${identity.service}.${identity.namespace}.svc`)).toBe('ok');
      expect(await handshakeNow('other.ops.svc')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      server.close();
    }
  });
});

describe('planRenewal', () => {
  const servingLife = 365 * DAY_MS + 5 * 60 * 1000; // backdated 5 minutes
  const servingRenewAt = -5 * 60 * 1000 + (servingLife * 2) / 3;

  it('issues everything when nothing is stored, and nothing while the certificates are young', () => {
    expect(planRenewal(undefined, identity, policy, T0)?.kind).toBe('ca');
    expect(planRenewal(set, identity, policy, T0)).toBeUndefined();
  });

  it('renews the serving certificate at 2/3 of its life, not a second before', () => {
    expect(planRenewal(set, identity, policy, at(servingRenewAt - 1000))).toBeUndefined();
    expect(planRenewal(set, identity, policy, at(servingRenewAt + 1000))).toEqual({
      kind: 'serving',
      reason: 'the serving certificate is near its expiry',
    });
  });

  it('renews the CA (and so the serving certificate) at 2/3 of its life', () => {
    const caLife = 3650 * DAY_MS + 5 * 60 * 1000;
    const caRenewAt = -5 * 60 * 1000 + (caLife * 2) / 3;
    // A serving certificate young enough at that point: only the CA is due.
    const young = { ...set, serving: issueServing(set.ca, identity, 365 * DAY_MS, at(caRenewAt - DAY_MS)) };
    expect(planRenewal(young, identity, policy, at(caRenewAt - 1000))).toBeUndefined();
    expect(planRenewal(young, identity, policy, at(caRenewAt + 1000))?.kind).toBe('ca');
  });

  it('renews when asked, when the names change, or when key or issuer do not match', () => {
    expect(planRenewal(set, identity, policy, T0, 'serving')?.kind).toBe('serving');
    expect(planRenewal(set, identity, policy, T0, 'ca')?.kind).toBe('ca');
    expect(planRenewal(set, { ...identity, service: 'renamed' }, policy, T0)?.reason).toBe(
      'the Service names changed',
    );
    const other = issueSet(identity, policy, T0);
    expect(planRenewal({ ...set, serving: other.serving }, identity, policy, T0)?.reason).toBe(
      'the serving certificate is not signed by the CA',
    );
    expect(
      planRenewal({ ...set, serving: { ...set.serving, key: other.serving.key } }, identity, policy, T0)
        ?.kind,
    ).toBe('serving');
    expect(planRenewal({ ...set, ca: { ...set.ca, key: other.ca.key } }, identity, policy, T0)?.kind).toBe(
      'ca',
    );
    expect(planRenewal({ ...set, ca: { ...set.ca, cert: 'garbage' } }, identity, policy, T0)?.kind).toBe(
      'ca',
    );
  });
});

describe('CA renewal: the caBundle keeps the replaced CA during the overlap, then drops it', () => {
  const renewedAt = at(10 * DAY_MS);
  const renewed = renew(set, { kind: 'ca', reason: 'test' }, identity, policy, renewedAt);

  it('issues a new CA and a serving certificate signed by it', () => {
    expect(renewed.ca.cert).not.toBe(set.ca.cert);
    const serving = new X509Certificate(renewed.serving.cert);
    expect(serving.verify(new X509Certificate(renewed.ca.cert).publicKey)).toBe(true);
    expect(renewed.previousCA).toEqual({ cert: set.ca.cert, until: at(10 * DAY_MS + policy.overlapMs) });
  });

  it('trusts both CAs until the overlap ends, then the new one only', () => {
    const during = certificates(caBundle(renewed, at(10 * DAY_MS + policy.overlapMs - 1000)));
    expect(during.map((c) => c.fingerprint256)).toEqual(
      [renewed.ca.cert, set.ca.cert].map((pem) => new X509Certificate(pem).fingerprint256),
    );
    // Both the old serving certificate and the new one verify against the bundle.
    for (const leaf of [set.serving.cert, renewed.serving.cert])
      expect(during.some((ca) => new X509Certificate(leaf).verify(ca.publicKey))).toBe(true);
    const after = at(10 * DAY_MS + policy.overlapMs);
    expect(certificates(caBundle(renewed, after)).map((c) => c.fingerprint256)).toEqual([
      new X509Certificate(renewed.ca.cert).fingerprint256,
    ]);
    expect(planRenewal(renewed, identity, policy, after)?.kind).toBe('drop-previous-ca');
    expect(planRenewal(renewed, identity, policy, at(10 * DAY_MS + policy.overlapMs - 1000))).toBeUndefined();
    const dropped = renew(renewed, { kind: 'drop-previous-ca', reason: 'test' }, identity, policy, after);
    expect(dropped.previousCA).toBeUndefined();
    expect(dropped.ca).toEqual(renewed.ca);
    expect(dropped.serving).toEqual(renewed.serving);
  });

  it('a serving renewal keeps the CA and the overlap', () => {
    const next = renew(renewed, { kind: 'serving', reason: 'test' }, identity, policy, renewedAt);
    expect(next.ca).toEqual(renewed.ca);
    expect(next.previousCA).toEqual(renewed.previousCA);
    expect(next.serving.cert).not.toBe(renewed.serving.cert);
  });
});

describe('the Secret', () => {
  const renewedAt = at(DAY_MS);
  const renewed = renew(set, { kind: 'ca', reason: 'test' }, identity, policy, renewedAt);

  it('round-trips a set with its overlap, as type kubernetes.io/tls with ca.crt', () => {
    const secret = secretFromSet('fa-tls', 'ops', renewed, renewedAt);
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret.data!).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(secret.metadata.annotations?.[PREVIOUS_CA_UNTIL]).toBe(renewed.previousCA!.until.toISOString());
    expect(Buffer.from(secret.data!['ca.crt']!, 'base64').toString()).toBe(caBundle(renewed, renewedAt));
    expect(setFromSecret(secret)).toEqual(renewed);
  });

  it('keeps the resourceVersion and other annotations, and clears a handled renewal request', () => {
    const base = secretFromSet('fa-tls', 'ops', set, T0);
    base.metadata.resourceVersion = '42';
    base.metadata.annotations = { [RENEW_ANNOTATION]: 'ca', keep: 'me' };
    expect(requestedRenewal(base)).toBe('ca');
    const written = secretFromSet('fa-tls', 'ops', renewed, renewedAt, base);
    expect(written.metadata.resourceVersion).toBe('42');
    expect(written.metadata.annotations).toEqual({
      keep: 'me',
      [PREVIOUS_CA_UNTIL]: renewed.previousCA!.until.toISOString(),
    });
    expect(requestedRenewal(written)).toBeUndefined();
    expect(
      requestedRenewal({
        ...base,
        metadata: { ...base.metadata, annotations: { [RENEW_ANNOTATION]: 'now' } },
      }),
    ).toBe('serving');
  });

  it('holds no set when a key is missing', () => {
    const secret = secretFromSet('fa-tls', 'ops', set, T0);
    delete secret.data!['ca.key'];
    expect(setFromSecret(secret)).toBeUndefined();
    expect(setFromSecret(undefined)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it('reads h, m and s, and rejects the rest', () => {
    expect(parseDuration('8760h')).toBe(365 * DAY_MS);
    expect(parseDuration('1h30m')).toBe(90 * 60 * 1000);
    expect(parseDuration('5s')).toBe(5000);
    for (const bad of ['', '5', '1d', 'h', '-1h']) expect(() => parseDuration(bad)).toThrow();
  });
});
