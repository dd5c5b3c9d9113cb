// A smaller run of the fuzzer (bench/fuzz): random and malformed reviews against the real
// binary; every answer must be a valid AdmissionReview or a clean 4xx, and the server must live.
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/control-plane.js';
import { fuzz } from '../../bench/fuzz/run.js';

describe('fuzzing the webhook server', () => {
  it('answers 3,000 hostile requests validly and does not crash', async () => {
    const report = await fuzz({
      count: 3000,
      seed: Date.now() % 100_000,
      concurrency: 8,
      port: await freePort(),
    });
    expect(report.crashed).toBe(false);
    expect(report.invalid.slice(0, 3)).toEqual([]);
    expect(report.validReviews + report.clean4xx).toBe(report.sent);
    expect(report.validReviews).toBeGreaterThan(report.sent / 3);
    expect(report.clean4xx).toBeGreaterThan(0);
  }, 120_000);
});
