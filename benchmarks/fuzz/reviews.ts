// Structure-aware generator of hostile admission requests for the fuzzer: valid envelopes with
// hostile objects (wrong types, deep nesting, huge strings, prototype keys, odd unicode), broken
// envelopes, and plain garbage. Deterministic for a seed, so a failure can be replayed.
import { KIND_NAMES, WEBHOOK_ROUTES } from '../../src/api/kinds.js';

export interface FuzzRequest {
  path: string;
  contentType: string;
  body: string | Buffer;
  /** The uid when the envelope carries one (a valid answer must echo it). */
  uid?: string;
}

export type Random = () => number;

/** mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const ROUTES = WEBHOOK_ROUTES;

const STRINGS = [
  '',
  'erp.example.com',
  'A'.repeat(300),
  'x'.repeat(70_000),
  '\u0000\u202e\ud83d\ude00',
  '__proto__',
  '../../etc/passwd',
  '10Gi',
  '-1',
  '1e400',
  'version-15',
  'Ω.example.com',
];
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'spec',
  'metadata',
  'name',
  'apps',
  'dbConfig',
  'a/b',
  'a~b',
  '',
];

function hostileValue(random: Random, depth: number): unknown {
  const roll = random();
  if (depth > 6 || roll < 0.25)
    return pick(random, [null, true, false, 0, -1, 1.5, 2 ** 53, -0, 1e308, ...STRINGS]);
  if (roll < 0.4)
    return Array.from({ length: Math.floor(random() * 4) }, () => hostileValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 4); i > 0; i--) {
    Object.defineProperty(object, pick(random, KEYS), {
      value: hostileValue(random, depth + 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return object;
}

function baseObject(kind: string, random: Random): Record<string, unknown> {
  const spec: Record<string, unknown> =
    kind === 'FrappeBench'
      ? { frappeVersion: 'version-15', apps: [{ name: 'erpnext', source: 'image' }] }
      : { benchRef: { name: 'erpnext' }, siteName: 'erp.example.com' };
  const object: Record<string, unknown> = {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind,
    metadata: { name: random() < 0.1 ? '' : 'fuzz', generateName: 'fuzz-', namespace: 'fuzz' },
    spec,
  };
  // Replace a few fields at random places by hostile values.
  const fields =
    kind === 'FrappeBench'
      ? [
          'frappeVersion',
          'apps',
          'imageConfig',
          'componentResources',
          'storageSize',
          'dbConfig',
          'workerAutoscaling',
          'storageClassName',
          'componentReplicas',
          'appsJSON',
        ]
      : [
          'siteName',
          'domain',
          'benchRef',
          'dbConfig',
          'tls',
          'apps',
          'ingress',
          'deletionPolicy',
          'adminPasswordSecretRef',
        ];
  for (let i = 1 + Math.floor(random() * 3); i > 0; i--) spec[pick(random, fields)] = hostileValue(random, 0);
  if (random() < 0.1) object.spec = hostileValue(random, 0);
  if (random() < 0.05) object.metadata = hostileValue(random, 0);
  return object;
}

function deepNesting(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

let counter = 0;

/** One request: mostly valid envelopes with hostile objects, the rest broken in one way. */
export function fuzzRequest(random: Random): FuzzRequest {
  const { path, kind } = pick(random, ROUTES);
  const uid = `fuzz-${++counter}`;
  const operation = pick(random, ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'PATCH', 7]);
  const request: Record<string, unknown> = {
    uid,
    kind: { group: 'vyogo.tech', version: 'v1alpha1', kind },
    resource: { group: 'vyogo.tech', version: 'v1alpha1', resource: KIND_NAMES[kind].plural },
    namespace: 'fuzz',
    name: 'fuzz',
    operation,
    userInfo: { username: 'fuzzer' },
    object: operation === 'DELETE' ? null : baseObject(kind, random),
    oldObject: operation === 'CREATE' ? null : baseObject(kind, random),
    dryRun: random() < 0.5,
  };
  const review: Record<string, unknown> = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request,
  };
  const json = 'application/json';
  const roll = random();
  if (roll < 0.7) return { path, contentType: json, body: JSON.stringify(review), uid };
  if (roll < 0.74)
    return {
      path,
      contentType: json,
      body: JSON.stringify({ ...review, apiVersion: 'admission.k8s.io/v1beta1' }),
    };
  if (roll < 0.77) {
    delete request.uid;
    return { path, contentType: json, body: JSON.stringify(review) };
  }
  if (roll < 0.8)
    return { path, contentType: json, body: JSON.stringify(review).slice(0, Math.floor(random() * 200)) };
  if (roll < 0.83)
    return { path, contentType: json, body: pick(random, ['null', '[]', '42', '"review"', 'true', '']) };
  if (roll < 0.86)
    return {
      path,
      contentType: pick(random, ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']),
      body: JSON.stringify(review),
    };
  if (roll < 0.89)
    return {
      path: pick(random, ['/', '/mutate', '/validate-apps-v1-deployment', `${path}/extra`]),
      contentType: json,
      body: JSON.stringify(review),
    };
  if (roll < 0.92) return { path, contentType: json, body: deepNesting(1 + Math.floor(random() * 5000)) };
  if (roll < 0.95)
    return { path, contentType: json, body: JSON.stringify({ ...review, request: hostileValue(random, 0) }) };
  return {
    path,
    contentType: json,
    body: Buffer.from(Array.from({ length: Math.floor(random() * 512) }, () => Math.floor(random() * 256))),
  };
}
