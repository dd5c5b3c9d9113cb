// A smaller run of the fuzzer (benchmarks/fuzz): random and malformed reviews against the real
// binary; every answer must be a valid AdmissionReview or a clean 4xx, and the server must live.
// The same checks run against a server whose engine throws: its 200 answers with
// `response.status.code: 500` must fail them, or the fuzzer could not tell a broken engine.
import { describe, expect, it } from 'vitest';
import { freePort } from '../../harness/control-plane.js';
import type { Engine } from '../../src/webhooks/decide.js';
import { fuzz, sendFuzz, type FuzzCounts } from '../../benchmarks/fuzz/run.js';
import { startTestServer } from './server-fixture.js';

/** What a healthy server's fuzz run looks like (seed in every message, to replay a failure). */
function expectValidAnswers(report: FuzzCounts, seed: number): void {
  const replay = `seed ${seed}`;
  expect(report.invalid.slice(0, 3), replay).toEqual([]);
  expect(report.internalErrors, replay).toBe(0);
  expect(report.validReviews + report.clean4xx, replay).toBe(report.sent);
  expect(report.validReviews, replay).toBeGreaterThan(report.sent / 3);
  expect(report.clean4xx, replay).toBeGreaterThan(0);
}

describe('fuzzing the webhook server', () => {
  it('answers 3,000 hostile requests validly and does not crash', async () => {
    const seed = Date.now() % 100_000;
    const report = await fuzz({ count: 3000, seed, concurrency: 8, port: await freePort() });
    expect(report.crashed, `seed ${seed}`).toBe(false);
    expectValidAnswers(report, seed);
  }, 120_000);

  it('fails a server whose engine throws on every request (200 answers with status.code 500)', async () => {
    const broken = () => {
      throw new Error('engine broken on purpose');
    };
    const engine: Engine = { mutate: broken, validate: broken };
    const t = await startTestServer({ engine });
    try {
      const seed = 1;
      const report = await sendFuzz({ port: t.port, count: 300, seed, concurrency: 4 });
      expect(report.internalErrors).toBeGreaterThan(report.sent / 3);
      expect(report.invalid[0]?.status).toBe(200);
      expect(report.invalid[0]?.body).toContain('"code":500');
      expect(() => expectValidAnswers(report, seed)).toThrow();
    } finally {
      await t.server.close();
    }
  });
});
