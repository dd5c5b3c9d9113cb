// The webhook over real HTTPS with fixture AdmissionReviews: answers, patches, denials, warnings,
// malformed input, metrics and the decision log.
import { readFileSync } from 'node:fs';
import fastJsonPatch from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMISSION_ENGINE } from '../../src/webhooks/decide.js';
import type { AdmissionReview } from '../../src/webhooks/admission-review.js';
import { startTestServer, type TestServer } from './server-fixture.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/admission/${name}.json`, import.meta.url), 'utf8');
const MUTATE_SITE = '/mutate-vyogo-tech-v1alpha1-frappesite';
const MUTATE_BENCH = '/mutate-vyogo-tech-v1alpha1-frappebench';
const VALIDATE_SITE = '/validate-vyogo-tech-v1alpha1-frappesite';

interface ReviewAnswer {
  apiVersion: string;
  kind: string;
  response: {
    uid: string;
    allowed: boolean;
    patchType?: string;
    patch?: string;
    warnings?: string[];
    status?: { code: number; reason: string; message: string };
  };
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.server.close();
});

/** Requests → limits of one component, as API.md §5 writes them (cpu / memory). */
const profile = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});
const autoscaled = {
  enabled: true,
  staticReplicas: 1,
  minReplicas: 0,
  maxReplicas: 10,
  queueLength: 5,
  cooldownPeriod: 60,
  pollingInterval: 30,
};
const sharedDatabase = { provider: 'mariadb', mode: 'shared', mariadbRef: { name: 'frappe-mariadb' } };
/** Site fields defaulted alike in both site fixtures (no IngressClass and no TLS issuer here). */
const siteDefaults = { ingress: { enabled: true }, tls: { enabled: false }, deletionPolicy: 'Retain' };

/**
 * What each fixture must become once the webhook's patch is applied to the raw object, written out
 * from API.md §2, §4 and §5 (production profile, default operator config, a cluster whose
 * StorageClasses are known and where there are none), not computed by the engine: a comparison
 * with the engine's own output would agree with whatever defaults it wrote or forgot. Database
 * names: `_<h>_<s>` and `u<h>_<s>` with h the FNV-1a-32 of `<namespace>/<siteName>` (14d87a84 for
 * erp/erp.acme.example, 66369155 for erp/shop.acme.example).
 */
const EXPECTED: Record<string, unknown> = {
  'site-create': {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { name: 'acme', namespace: 'erp' },
    spec: {
      benchRef: { name: 'erpnext' },
      siteName: 'erp.acme.example',
      domain: 'erp.acme.example',
      adminPasswordSecretRef: { name: 'acme-admin', key: 'password' },
      // The bench erpnext is not in this server's cache: the database fields a site inherits from its
      // bench stay unset (S-REF-2 warns; the controller fills them), only the site's own names are set.
      dbConfig: {
        databaseName: '_14d87a84_erp_acme_example',
        databaseUser: '_14d87a84_erp_acme_example',
      },
      ...siteDefaults,
    },
  },
  // metadata.name is empty until the API server generates it: no `<site>-admin` Secret name yet.
  'site-create-generate-name': {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { generateName: 'shop-', namespace: 'erp' },
    spec: {
      benchRef: { name: 'erpnext' },
      siteName: 'shop.acme.example',
      domain: 'shop.acme.example',
      dbConfig: {
        databaseName: '_66369155_shop_acme_example',
        databaseUser: '_66369155_shop_acme_example',
      },
      ...siteDefaults,
    },
  },
  'bench-create': {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeBench',
    metadata: { name: 'erpnext', namespace: 'erp' },
    spec: {
      frappeVersion: 'version-15',
      apps: [{ name: 'erpnext', source: 'image' }],
      storageSize: '20Gi', // written by the user: kept
      imageConfig: { repository: 'docker.io/frappe/erpnext', tag: 'version-15', pullPolicy: 'IfNotPresent' },
      componentReplicas: { gunicorn: 1, nginx: 1, socketio: 1 },
      componentResources: {
        gunicorn: profile('500m', '1Gi', '2', '4Gi'),
        nginx: profile('100m', '128Mi', '500m', '512Mi'),
        socketio: profile('100m', '128Mi', '500m', '512Mi'),
        scheduler: profile('200m', '256Mi', '1', '1Gi'),
        workerDefault: profile('250m', '512Mi', '1', '2Gi'),
        workerLong: profile('500m', '1Gi', '2', '4Gi'),
        workerShort: profile('100m', '256Mi', '500m', '512Mi'),
      },
      redisConfig: {
        type: 'redis',
        image: 'redis:7-alpine',
        resources: profile('100m', '256Mi', '500m', '1Gi'),
      },
      // No StorageClass at all: the class stays empty and the mode is the one that works anywhere.
      storageAccessMode: 'ReadWriteOnce',
      dbConfig: sharedDatabase,
      workerAutoscaling: {
        default: { enabled: false, staticReplicas: 1 },
        long: autoscaled,
        short: autoscaled,
      },
    },
  },
};

describe('mutating webhook', () => {
  it.each([
    ['site-create', MUTATE_SITE],
    ['bench-create', MUTATE_BENCH],
    ['site-create-generate-name', MUTATE_SITE],
  ] as const)(
    '%s: echoes the uid and sends a JSON patch that yields the documented defaults',
    async (name, path) => {
      const body = fixture(name);
      const answer = await t.post(path, body);
      expect(answer.status).toBe(200);
      const review = answer.json<ReviewAnswer>();
      const sent = JSON.parse(body) as AdmissionReview;
      expect(review.apiVersion).toBe('admission.k8s.io/v1');
      expect(review.kind).toBe('AdmissionReview');
      expect(review.response.uid).toBe(sent.request.uid);
      expect(review.response.allowed).toBe(true);
      expect(review.response.patchType).toBe('JSONPatch');
      const patch = JSON.parse(
        Buffer.from(review.response.patch!, 'base64').toString(),
      ) as fastJsonPatch.Operation[];
      const patched = fastJsonPatch.applyPatch(
        structuredClone(sent.request.object),
        patch,
        true,
        false,
      ).newDocument;
      expect(patched).toEqual(EXPECTED[name]);
      expect(patch.every((op) => op.op === 'add')).toBe(true);
    },
  );

  it('gives a generateName site its database name although metadata.name is empty', async () => {
    const review = (await t.post(MUTATE_SITE, fixture('site-create-generate-name'))).json<ReviewAnswer>();
    const patch = JSON.parse(Buffer.from(review.response.patch!, 'base64').toString()) as {
      path: string;
      value: Record<string, unknown>;
    }[];
    const dbConfig = patch.find((op) => op.path === '/spec/dbConfig')?.value;
    expect(dbConfig?.databaseName).toMatch(/^_[0-9a-f]{8}_shop_acme_example$/);
    expect(patch.some((op) => op.path === '/spec/adminPasswordSecretRef')).toBe(false);
  });

  it('sends no patch when nothing is missing', async () => {
    const review = (
      await t.post('/mutate-vyogo-tech-v1alpha1-frappesite', fixture('site-update-unchanged'))
    ).json<ReviewAnswer>();
    expect(review.response.allowed).toBe(true);
    expect(review.response.patch).toBeUndefined();
    expect(review.response.patchType).toBeUndefined();
  });
});

describe('validating webhook', () => {
  it('denies a database change with 403 Forbidden, the field path and the rule id', async () => {
    const review = (await t.post(VALIDATE_SITE, fixture('site-update-database'))).json<ReviewAnswer>();
    expect(review.response.allowed).toBe(false);
    expect(review.response.status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(review.response.status?.message).toBe(
      'spec.dbConfig.databaseName: is immutable (was _14d87a84_erp_acme_example): the database is not moved; migrate with a backup and a new site [S-IMM-2]',
    );
  });

  it('uses oldObject on DELETE: deletion protection denies, the Delete policy warns', async () => {
    const review = (await t.post(VALIDATE_SITE, fixture('site-delete-protected'))).json<ReviewAnswer>();
    expect(review.response.allowed).toBe(false);
    expect(review.response.status?.message).toMatch(
      /^metadata\.annotations\[vyogo\.tech\/deletion-protection\]: .*\[S-DEL-1\]$/,
    );
    expect(review.response.warnings).toEqual([
      'spec.deletionPolicy: Delete: the database and the site files will be dropped [S-DEL-2]',
    ]);
  });

  it('returns warnings on allow', async () => {
    const review = (await t.post(VALIDATE_SITE, fixture('site-create'))).json<ReviewAnswer>();
    expect(review.response.allowed).toBe(true);
    expect(review.response.warnings).toEqual([
      'spec.benchRef.name: FrappeBench erpnext does not exist yet; the site waits for it and its database defaults [S-REF-2]',
    ]);
  });

  it('answers schema errors with 422 Invalid', async () => {
    const review = JSON.parse(fixture('site-create')) as AdmissionReview;
    (review.request.object as { spec: Record<string, unknown> }).spec.ingress = { enabled: 'yes' };
    const answer = (await t.post(VALIDATE_SITE, JSON.stringify(review))).json<ReviewAnswer>();
    expect(answer.response.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'spec.ingress.enabled: must be boolean [SCHEMA]',
    });
  });

  it('honours dryRun: the same decision, recorded in the log line', async () => {
    const review = (await t.post(VALIDATE_SITE, fixture('site-create-dry-run'))).json<ReviewAnswer>();
    expect(review.response.allowed).toBe(true);
    const line = t.logs.find((l) => l.uid === review.response.uid);
    expect(line).toMatchObject({
      dryRun: true,
      allowed: true,
      operation: 'CREATE',
      kind: 'FrappeSite',
      namespace: 'erp',
      name: 'acme',
    });
  });

  it('denies a review of another kind on a kind-specific path', async () => {
    const review = (
      await t.post('/validate-vyogo-tech-v1alpha1-frappebench', fixture('site-create'))
    ).json<ReviewAnswer>();
    expect(review.response.status).toMatchObject({
      code: 400,
      message: '/validate-vyogo-tech-v1alpha1-frappebench admits FrappeBench, not FrappeSite',
    });
  });
});

describe('malformed input gets a clear 4xx and never a crash', () => {
  const review = () => JSON.parse(fixture('site-create')) as Record<string, Record<string, unknown>>;
  it.each([
    ['bad JSON', '{"apiVersion": ', {}, 400, /body is not valid JSON/],
    ['a JSON array', '[]', {}, 400, /not an admission\.k8s\.io\/v1 AdmissionReview/],
    ['a JSON string', '"review"', {}, 400, /not an admission\.k8s\.io\/v1 AdmissionReview/],
    ['an empty body', '', {}, 400, /./],
    [
      'the wrong apiVersion',
      JSON.stringify({ ...review(), apiVersion: 'admission.k8s.io/v1beta1' }),
      {},
      400,
      /apiVersion must be equal to constant/,
    ],
    [
      'the wrong kind',
      JSON.stringify({ ...review(), kind: 'Review' }),
      {},
      400,
      /kind must be equal to constant/,
    ],
    [
      'no uid',
      JSON.stringify({ ...review(), request: { ...review().request, uid: undefined } }),
      {},
      400,
      /request\.uid is required/,
    ],
    [
      'an object that is not an object',
      JSON.stringify({ ...review(), request: { ...review().request, object: 'x' } }),
      {},
      400,
      /request\.object must be object,null/,
    ],
    [
      'the wrong content type',
      fixture('site-create'),
      { 'content-type': 'text/plain' },
      415,
      /content type must be application\/json/,
    ],
  ] as const)('%s', async (_what, body, headers, status, message) => {
    const answer = await t.post(VALIDATE_SITE, body, headers as Record<string, string>);
    expect(answer.status).toBe(status);
    expect(answer.json<{ message: string }>().message).toMatch(message);
  });

  it('an unknown path is 404', async () => {
    const answer = await t.post('/validate-apps-v1-deployment', fixture('site-create'));
    expect(answer.status).toBe(404);
    expect(answer.json<{ message: string }>().message).toBe(
      'no webhook at POST /validate-apps-v1-deployment',
    );
  });

  it('a body above 8 MiB is 413', async () => {
    const review = JSON.parse(fixture('site-create')) as {
      request: { object: { metadata: Record<string, unknown> } };
    };
    review.request.object.metadata.annotations = { big: 'x'.repeat(8 * 1024 * 1024) };
    const answer = await t.post(VALIDATE_SITE, JSON.stringify(review));
    expect(answer.status).toBe(413);
    expect(answer.json<{ message: string }>().message).toBe('request body is larger than 8 MiB');
  });

  it('accepts an UPDATE of two 3 MiB objects (below the limit)', async () => {
    const review = JSON.parse(fixture('site-update-unchanged')) as {
      request: Record<string, { metadata: Record<string, unknown> }>;
    };
    for (const key of ['object', 'oldObject'])
      review.request[key]!.metadata.annotations = { big: 'x'.repeat(3 * 1024 * 1024) };
    const answer = await t.post(VALIDATE_SITE, JSON.stringify(review));
    expect(answer.status).toBe(200);
    expect(answer.json<ReviewAnswer>().response.allowed).toBe(true);
  });

  it('the server still answers after all of that', async () => {
    expect((await t.get('/healthz')).status).toBe(200);
  });
});

describe('an engine failure', () => {
  it('becomes a 500 AdmissionReview answer and a metric, not a crash', async () => {
    const failing = await startTestServer({
      engine: {
        ...ADMISSION_ENGINE,
        validate: () => {
          throw new Error('rule exploded');
        },
      },
    });
    try {
      const review = (await failing.post(VALIDATE_SITE, fixture('site-create'))).json<ReviewAnswer>();
      expect(review.response).toMatchObject({
        allowed: false,
        status: { code: 500, reason: 'InternalError' },
      });
      expect(review.response.status?.message).toContain('rule exploded');
      const metrics = (await failing.get('/metrics')).body;
      expect(metrics).toMatch(/frappe_admission_internal_errors_total\{webhook="validate"\} 1/);
      expect(metrics).toMatch(/frappe_admission_in_flight_requests 0/);
    } finally {
      await failing.server.close();
    }
  });
});

describe('metrics and logs', () => {
  it('counts decisions, violations and durations with sub-millisecond buckets', async () => {
    const fresh = await startTestServer();
    try {
      await fresh.post(VALIDATE_SITE, fixture('site-update-database'));
      await fresh.post(VALIDATE_SITE, fixture('site-update-database'));
      await fresh.post(MUTATE_SITE, fixture('site-create'));
      const metrics = (await fresh.get('/metrics')).body;
      expect(metrics).toContain(
        'frappe_admission_requests_total{webhook="validate",kind="FrappeSite",operation="UPDATE",allowed="false"} 2',
      );
      expect(metrics).toContain(
        'frappe_admission_requests_total{webhook="mutate",kind="FrappeSite",operation="CREATE",allowed="true"} 1',
      );
      expect(metrics).toContain('frappe_admission_rule_violations_total{rule="S-IMM-2"} 2');
      expect(metrics).toMatch(
        /frappe_admission_request_duration_seconds_bucket\{le="0.0001",webhook="mutate",kind="FrappeSite",operation="CREATE"\} \d/,
      );
      expect(metrics).toMatch(/frappe_admission_certificate_expiry_timestamp_seconds \d{10}/);
      expect(metrics).toContain('process_cpu_seconds_total');
      // One line per decision, no object contents.
      const decisions = fresh.logs.filter((l) => l.msg === 'admission');
      expect(decisions).toHaveLength(3);
      expect(decisions[0]).toMatchObject({
        webhook: 'validate',
        allowed: false,
        rules: ['S-IMM-2'],
        operation: 'UPDATE',
      });
      expect(typeof decisions[0]?.durationMs).toBe('number');
      // An allowed decision names no rules.
      expect(decisions[2]).toMatchObject({ webhook: 'mutate', kind: 'FrappeSite', allowed: true });
      expect(decisions[2]).not.toHaveProperty('rules');
      expect(JSON.stringify(fresh.logs)).not.toContain('erp.acme.example');
      expect(JSON.stringify(fresh.logs)).not.toContain('other_db');
    } finally {
      await fresh.server.close();
    }
  });

  it('readyz follows the ready predicate and fails while draining', async () => {
    const fresh = await startTestServer();
    try {
      expect((await fresh.get('/readyz')).status).toBe(200);
      fresh.server.startDraining();
      const draining = await fresh.get('/readyz');
      expect(draining.status).toBe(503);
      expect(draining.headers.connection).toBe('close');
    } finally {
      await fresh.server.close();
    }
  });
});
