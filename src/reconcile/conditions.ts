// Status conditions (metav1.Condition) as kstatus, Flux, Argo CD and `kubectl wait` read them:
// Ready (positive polarity), Reconciling (work under way) and Stalled (needs a user or an outside
// fix), plus detail conditions. lastTransitionTime changes only when a condition's status flips.
// Pure: the time comes in as an argument.
import type { Condition } from '../api/common.js';

/** A condition's lastTransitionTime: RFC 3339 in whole seconds, as Kubernetes writes them. */
export const conditionTime = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * The new conditions list: each input in order, keeping the previous lastTransitionTime of a
 * condition whose status did not change. Conditions not listed are dropped.
 */
export function nextConditions(
  previous: readonly Condition[] | undefined,
  wanted: readonly ConditionInput[],
  generation: number | undefined,
  now: string,
): Condition[] {
  return wanted.map((condition) => {
    const before = previous?.find((c) => c.type === condition.type);
    return {
      type: condition.type,
      status: condition.status,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
      lastTransitionTime: before && before.status === condition.status ? before.lastTransitionTime : now,
      reason: condition.reason,
      message: condition.message || condition.reason,
    };
  });
}

/** A detail condition that is True with `reason` when `ok`, else False with the failing reason. */
export function detail(
  type: string,
  ok: boolean,
  reasons: { ok: string; not: string },
  message: string,
): ConditionInput {
  return { type, status: ok ? 'True' : 'False', reason: ok ? reasons.ok : reasons.not, message };
}

/**
 * Ready, Reconciling and Stalled from the detail conditions: Ready when every blocking detail is
 * True; Stalled when `stalled` names a reason progress needs outside help; Reconciling otherwise.
 */
export function summaryConditions(
  details: readonly ConditionInput[],
  blocking: readonly string[],
  stalled: { reason: string; message: string } | undefined,
): ConditionInput[] {
  const failing = details.filter((d) => blocking.includes(d.type) && d.status !== 'True');
  const ready = failing.length === 0;
  const first = failing[0];
  return [
    ready
      ? { type: 'Ready', status: 'True', reason: 'Ready', message: 'every part is ready' }
      : {
          type: 'Ready',
          status: 'False',
          reason: stalled?.reason ?? first?.reason ?? 'NotReady',
          message: stalled?.message ?? first?.message ?? '',
        },
    ready || stalled
      ? { type: 'Reconciling', status: 'False', reason: ready ? 'Ready' : 'Stalled', message: '' }
      : {
          type: 'Reconciling',
          status: 'True',
          reason: first?.reason ?? 'Progressing',
          message: first?.message ?? '',
        },
    stalled
      ? { type: 'Stalled', status: 'True', reason: stalled.reason, message: stalled.message }
      : { type: 'Stalled', status: 'False', reason: 'Progressing', message: '' },
  ];
}
