// Applying desired children and pruning the ones no longer wanted. A child is applied (server-side
// apply, forced: its fields are ours) only when it is missing, when what we want changed (the
// hash of the desired object, kept in an annotation on the child, differs), or when someone else
// changed it since our last apply (AppliedRecord). So a bench at rest sends no request at all.
import { APPLIED_HASH_ANNOTATION, shortHash, type Child } from '../builders/child.js';
import type { EventSubject } from '../kube/events.js';
import { CHILD_TYPES, resourceTypeOf, type ChildKind } from '../kube/resources.js';
import { childVersion, type ChildSummary } from './child-state.js';
import type { JobType, ReconcileContext } from './context.js';
import type { JobRetryStatus } from '../api/common.js';
import type { JobRetryDecision } from './job-retry.js';

interface Applied {
  metadata?: { uid?: string; generation?: number; resourceVersion?: string };
}

/** Whether the cached child is what `hash` describes and nobody changed it since we applied it. */
function upToDate(cached: ChildSummary | undefined, hash: string, context: ReconcileContext): boolean {
  if (!cached || cached.metadata.deletionTimestamp) return false;
  if (cached.metadata.appliedHash !== hash) return false;
  const remembered = context.applied.get(cached.metadata.uid);
  // After a restart nothing is remembered: the annotation is trusted until the next change.
  return remembered === undefined || remembered === cached.metadata.version;
}

/**
 * Applies each child that is not up to date, all at once (they do not depend on each other: a
 * Deployment may exist before its ConfigMap); returns how many were applied.
 */
export async function applyChildren(children: readonly Child[], context: ReconcileContext): Promise<number> {
  const stale = children.filter((child) => {
    const cached = context.children.get(
      child.kind as ChildKind,
      child.metadata.namespace,
      child.metadata.name,
    );
    // A Job's pod template is immutable: a Job is created once and left as it is (a new
    // configuration gets a Job of a new name).
    if (child.kind === 'Job' && cached && !cached.metadata.deletionTimestamp) return false;
    return !upToDate(cached, shortHash(child), context);
  });
  await Promise.all(
    stale.map(async (child) => {
      const body = {
        ...child,
        metadata: {
          ...child.metadata,
          annotations: { ...child.metadata.annotations, [APPLIED_HASH_ANNOTATION]: shortHash(child) },
        },
      };
      const result = (await context.writes.apply(body)) as Applied;
      if (result.metadata?.uid) context.applied.remember(result.metadata.uid, childVersion(result.metadata));
    }),
  );
  return stale.length;
}

/**
 * Deletes children of `ownerUid` that are not in `wanted` (by kind and name). Only children with
 * our controller reference are ever pruned: data kept on purpose carries none.
 */
export async function pruneChildren(
  ownerUid: string,
  wanted: readonly { kind: string; metadata: { name: string } }[],
  context: ReconcileContext,
): Promise<number> {
  const keep = new Set(wanted.map((child) => `${child.kind}/${child.metadata.name}`));
  let pruned = 0;
  for (const child of context.children.ownedBy(ownerUid)) {
    if (keep.has(`${child.kind}/${child.metadata.name}`) || child.metadata.deletionTimestamp) continue;
    const type = resourceTypeOf(child.kind);
    if (!type) continue;
    await context.writes.remove(type, child.metadata.namespace, child.metadata.name, {
      uid: child.metadata.uid,
    });
    pruned++;
  }
  return pruned;
}

/**
 * Acts on a retry decision about a failed Job, after the status has recorded it (a crash here
 * cannot lose the count): tells the metrics of a newly scheduled retry, and deletes a failed Job
 * that is due (only that one: uid precondition) so the next reconcile runs it again.
 */
export async function actOnJobRetry(
  owner: EventSubject,
  job: { namespace: string; name: string; uid?: string; type: JobType },
  previous: JobRetryStatus | undefined,
  decision: JobRetryDecision,
  context: ReconcileContext,
): Promise<void> {
  const { retry } = decision;
  if (retry && retry.failedUid !== previous?.failedUid && retry.retryAt)
    context.onJobRetry?.(job.type, Date.parse(retry.retryAt) - context.now().getTime());
  if (decision.action !== 'recreate') return;
  await context.writes.remove(CHILD_TYPES.Job, job.namespace, job.name, { uid: job.uid });
  context.events.record(
    owner,
    'Warning',
    'JobRetry',
    'RecreateJob',
    `the Job ${job.name} failed ${decision.retry.failures} times; running it again`,
  );
}
