import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reviewJSON, reviewOf, type AdmissionResponse } from '../../../src/webhooks/admission-review.js';

const base64 = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64'));

const responses: fc.Arbitrary<AdmissionResponse> = fc.record(
  {
    uid: fc.string(),
    allowed: fc.boolean(),
    status: fc.record({ code: fc.integer(), reason: fc.string(), message: fc.string() }),
    patchType: fc.constant('JSONPatch' as const),
    patch: base64,
    warnings: fc.array(fc.string()),
  },
  { requiredKeys: ['uid', 'allowed'] },
);

describe('reviewJSON', () => {
  it('is the JSON of reviewOf, with or without a patch', () => {
    fc.assert(
      fc.property(responses, (response) => {
        expect(JSON.parse(reviewJSON(response))).toEqual(reviewOf(response));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the patch as given (base64 needs no escaping)', () => {
    const text = reviewJSON({ uid: 'u', allowed: true, patchType: 'JSONPatch', patch: 'W10=' });
    expect(text).toBe(
      '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",' +
        '"response":{"uid":"u","allowed":true,"patchType":"JSONPatch","patch":"W10="}}',
    );
  });
});
