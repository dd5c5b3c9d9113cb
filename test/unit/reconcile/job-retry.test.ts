// Retries of a failed Job: counted once per failed Job, delays that grow, a limit, and a fresh
// start when the spec changes.
import { describe, expect, it } from 'vitest';
import { decideJobRetry, retryDelayMs } from '../../../src/reconcile/job-retry.js';

const policy = { limit: 3, baseMs: 1000, maxMs: 3000 };
const failed = (uid: string) => ({ uid, state: { ready: false, failed: true, message: 'exit 1' } });
const at = (ms: number) => new Date(Date.UTC(2026, 11, 2) + ms);
const half = () => 0.5;

describe('decideJobRetry', () => {
  it('waits, then recreates, with delays that double up to the cap', () => {
    const first = decideJobRetry(undefined, 'init@1', failed('a'), at(0), half, policy);
    expect(first).toMatchObject({
      action: 'wait',
      waitMs: 1000,
      retry: { failures: 1, failedUid: 'a', lastError: 'exit 1' },
    });
    // The same failed Job again: counted once.
    const same = decideJobRetry(first.retry, 'init@1', failed('a'), at(400), half, policy);
    expect(same).toMatchObject({ action: 'wait', waitMs: 600, retry: { failures: 1 } });
    const due = decideJobRetry(first.retry, 'init@1', failed('a'), at(1000), half, policy);
    expect(due.action).toBe('recreate');
    const second = decideJobRetry(due.retry, 'init@1', failed('b'), at(2000), half, policy);
    expect(second).toMatchObject({ action: 'wait', waitMs: 2000, retry: { failures: 2 } });
  });

  it('gives up at the limit and starts over when the spec changes', () => {
    let retry = decideJobRetry(undefined, 'init@1', failed('a'), at(0), half, policy).retry;
    retry = decideJobRetry(retry, 'init@1', failed('b'), at(10_000), half, policy).retry;
    const third = decideJobRetry(retry, 'init@1', failed('c'), at(20_000), half, policy);
    expect(third).toMatchObject({ action: 'give-up', retry: { failures: 3 } });
    expect(third.retry?.retryAt).toBeUndefined();
    const changed = decideJobRetry(third.retry, 'init@2', failed('c'), at(21_000), half, policy);
    expect(changed).toMatchObject({ action: 'wait', retry: { job: 'init@2', failures: 1 } });
  });

  it('does nothing while the Job has not failed, keeping the count of this key only', () => {
    const retry = decideJobRetry(undefined, 'init@1', failed('a'), at(0), half, policy).retry;
    expect(
      decideJobRetry(
        retry,
        'init@1',
        { uid: 'b', state: { ready: false, failed: false } },
        at(5000),
        half,
        policy,
      ),
    ).toEqual({ action: 'none', retry });
    expect(decideJobRetry(retry, 'init@2', undefined, at(5000), half, policy)).toEqual({
      action: 'none',
      retry: undefined,
    });
  });
});

it('retryDelayMs jitters ±20 % around base × 2^(n-1), capped', () => {
  expect(retryDelayMs(1, policy, () => 0)).toBe(800);
  expect(retryDelayMs(1, policy, () => 0.999999)).toBe(1200);
  expect(retryDelayMs(5, policy, half)).toBe(3000);
});
