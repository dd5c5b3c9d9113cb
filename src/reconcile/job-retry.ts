// Retries of a failed init Job: each failure is counted once (by the failed Job's uid), the Job is
// created again after an exponential delay with jitter, and after `limit` failures the object is
// Stalled until its spec changes. The count lives in status, so a restart of the operator neither
// resets it nor re-runs a Job early. Pure: the time and the random source come in.
import type { JobRetryStatus } from '../api/common.js';
import type { ChildState } from './child-state.js';
import type { ConditionInput } from './conditions.js';

export interface JobRetryPolicy {
  /** Failures after which the object is Stalled (default 5). */
  limit: number;
  /** Delay after the first failure; doubled after each (default 10 s). */
  baseMs: number;
  /** Longest delay (default 10 minutes). */
  maxMs: number;
}

/** The policy the operator config sets. */
export const jobRetryPolicy = (config: {
  jobRetryLimit: number;
  jobRetryBaseSeconds: number;
  jobRetryMaxSeconds: number;
}): JobRetryPolicy => ({
  limit: config.jobRetryLimit,
  baseMs: config.jobRetryBaseSeconds * 1000,
  maxMs: config.jobRetryMaxSeconds * 1000,
});

export const DEFAULT_JOB_RETRY: JobRetryPolicy = { limit: 5, baseMs: 10_000, maxMs: 600_000 };

export type JobRetryDecision =
  | { action: 'none'; retry: JobRetryStatus | undefined }
  /** Not yet: reconcile again after waitMs. */
  | { action: 'wait'; retry: JobRetryStatus; waitMs: number }
  /** Delete the failed Job now: the next reconcile creates it again. */
  | { action: 'recreate'; retry: JobRetryStatus }
  /** The limit is reached: Stalled until the spec changes. */
  | { action: 'give-up'; retry: JobRetryStatus };

/** The delay before run n+1 after n failures: base × 2^(n-1), capped, with ±20 % jitter. */
export function retryDelayMs(failures: number, policy: JobRetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.8 + 0.4 * random()));
}

/**
 * What to do about the Job `jobKey` (its name and the generation it runs for: a spec change is a
 * new key and starts over) in `state`, given the recorded retries.
 */
export function decideJobRetry(
  previous: JobRetryStatus | undefined,
  jobKey: string,
  job: { uid: string; state: ChildState } | undefined,
  now: Date,
  random: () => number,
  policy: JobRetryPolicy = DEFAULT_JOB_RETRY,
): JobRetryDecision {
  const recorded = previous?.job === jobKey ? previous : undefined;
  if (!job?.state.failed) return { action: 'none', retry: recorded };
  let retry = recorded;
  if (retry?.failedUid !== job.uid) {
    const failures = (retry?.failures ?? 0) + 1;
    retry = {
      job: jobKey,
      failures,
      failedUid: job.uid,
      lastError: job.state.message,
      ...(failures < policy.limit
        ? { retryAt: new Date(now.getTime() + retryDelayMs(failures, policy, random)).toISOString() }
        : {}),
    };
  }
  if (retry.failures >= policy.limit) return { action: 'give-up', retry };
  const waitMs = Date.parse(retry.retryAt ?? '') - now.getTime();
  return waitMs > 0 ? { action: 'wait', retry, waitMs } : { action: 'recreate', retry };
}

/**
 * The InitJobComplete condition, and the stall when the retries are used up. A failed run that
 * will be retried is progress (Reconciling), not a stall.
 */
export function initJobCondition(
  initialized: boolean,
  job: ChildState | undefined,
  decision: JobRetryDecision,
  texts: { done: { reason: string; message: string }; waiting: string },
): { condition: ConditionInput; stalled?: { reason: string; message: string } } {
  const type = 'InitJobComplete';
  if (initialized) return { condition: { type, status: 'True', ...texts.done } };
  if (decision.action === 'give-up') {
    const { retry } = decision;
    return failedTimes(
      'InitJobFailed',
      `the init Job failed ${retry.failures} times: ${retry.lastError ?? 'see its logs'}`,
    );
  }
  if (decision.action === 'wait' || decision.action === 'recreate') {
    const { retry } = decision;
    return {
      condition: {
        type,
        status: 'False',
        reason: 'InitJobRetrying',
        message: `the init Job failed (${retry.lastError ?? 'see its logs'}); run ${retry.failures + 1} at ${retry.retryAt}`,
      },
    };
  }
  return {
    condition: {
      type,
      status: 'False',
      reason: job ? 'InitJobRunning' : 'Waiting',
      message: job ? 'the init Job is running' : texts.waiting,
    },
  };

  function failedTimes(reason: string, message: string) {
    return { condition: { type, status: 'False' as const, reason, message }, stalled: { reason, message } };
  }
}
