// The webhook over real HTTPS for what the admission second pass added: denials carry
// details.causes like the API server's own Invalid errors; a DELETE without oldObject is judged
// from the cache; an object of the wrong shape gets a 422 naming the field, never a 500.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionReview } from '../../src/webhooks/admission-review.js';
import { startTestServer, type TestServer } from './server-fixture.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/admission/${name}.json`, import.meta.url), 'utf8'),
  ) as AdmissionReview;
const VALIDATE_SITE = '/validate-vyogo-tech-v1alpha1-frappesite';

interface Answer {
  response: {
    allowed: boolean;
    warnings?: string[];
    status?: { code: number; reason: string; message: string; details?: { causes: unknown[] } };
  };
}

const protectedSite = {
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeSite',
  metadata: { name: 'acme', namespace: 'erp', annotations: { 'vyogo.tech/deletion-protection': 'TRUE' } },
  spec: { benchRef: { name: 'erpnext' }, siteName: 'acme.example.com', deletionPolicy: 'Delete' },
};

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ objects: [protectedSite] });
});
afterAll(async () => {
  await t.server.close();
});

const post = async (review: AdmissionReview) => {
  const answer = await t.post(VALIDATE_SITE, JSON.stringify(review));
  expect(answer.status).toBe(200);
  return answer.json<Answer>().response;
};

describe('validating webhook, second pass', () => {
  it('lists every violation as a cause with field, reason and rule', async () => {
    const review = fixture('site-create');
    const spec = (review.request.object as { spec: Record<string, unknown> }).spec;
    spec.domain = 'other.example.com';
    spec.ingress = { annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'return 200;' } };
    const response = await post(review);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.details?.causes).toEqual([
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'spec.domain' }),
      {
        reason: 'FieldValueForbidden',
        field: 'spec.ingress.annotations[nginx.ingress.kubernetes.io/server-snippet]',
        message: 'injects ingress controller configuration; remove it [S-ING-1]',
      },
    ]);
  });

  it('judges a DELETE without oldObject from the cache: a protected site stays', async () => {
    const review = fixture('site-delete-protected');
    delete review.request.oldObject;
    review.request.name = 'acme';
    review.request.namespace = 'erp';
    const response = await post(review);
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toContain('[S-DEL-1]');
    expect(response.warnings).toEqual([expect.stringContaining('[S-DEL-2]')]);
  });

  it.each([
    [
      'without metadata',
      (object: Record<string, unknown>) => delete object.metadata,
      'metadata: Required value',
    ],
    [
      'with a string spec',
      (object: Record<string, unknown>) => (object.spec = 'x'),
      'spec: must be a JSON object',
    ],
    [
      'with a number siteName',
      (object: Record<string, unknown>) => ((object.spec as Record<string, unknown>).siteName = 7),
      'spec.siteName: must be string',
    ],
  ])('answers an object %s with a 422 naming the field, not a 500', async (_what, spoil, message) => {
    const review = fixture('site-create');
    spoil(review.request.object as Record<string, unknown>);
    const response = await post(review);
    expect(response.allowed).toBe(false);
    expect(response.status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(response.status?.message).toContain(message);
  });
});
