// Which watch events are worth a reconcile. A reconcile reads the owner, its bench and its
// children's summaries; an event that changed none of what it reads would only find nothing to do
// (no write), yet take a queue slot behind the objects that do have work. Pure functions of the
// object before and after the event; `undefined` before means added (or relisted), after deleted.
import type { FrappeBench } from '../api/frappe-bench.js';
import type { FrappeSite } from '../api/frappe-site.js';
import type { ChildSummary } from '../reconcile/child-state.js';

type Owner = FrappeBench | FrappeSite;

const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Metadata a reconcile acts on (labels and annotations too: deletion protection, touches). */
function sameMetadata(a: Owner, b: Owner): boolean {
  const { metadata: x } = a;
  const { metadata: y } = b;
  return (
    x.uid === y.uid &&
    x.generation === y.generation &&
    x.deletionTimestamp === y.deletionTimestamp &&
    sameJSON(x.finalizers, y.finalizers) &&
    sameJSON(x.labels, y.labels) &&
    sameJSON(x.annotations, y.annotations)
  );
}

/**
 * A site's own change: everything but its status. The status is the reconcile's output, written
 * by the reconcile itself (the same pass acts on it: retry, prune), so a status-only event would
 * find nothing to do; a hand-edited status is rewritten at the next event or resync.
 */
export function siteChangeNeedsReconcile(previous: FrappeSite | undefined, current: FrappeSite | undefined) {
  return !previous || !current || !sameMetadata(previous, current);
}

/**
 * A bench's change, for its sites: they read its spec (builders, inherited defaults), whether it
 * is initialized and whether it exists; not its conditions, which change with every child.
 */
export function benchChangeConcernsSites(
  previous: FrappeBench | undefined,
  current: FrappeBench | undefined,
) {
  return (
    !previous ||
    !current ||
    previous.metadata.uid !== current.metadata.uid ||
    previous.metadata.generation !== current.metadata.generation ||
    previous.metadata.deletionTimestamp !== current.metadata.deletionTimestamp ||
    previous.status?.initializedConfigHash !== current.status?.initializedConfigHash
  );
}

/**
 * A child's change, for its owner: its state (ready, failed, message), its version (a spec edit:
 * generation, or resourceVersion for kinds without one), the hash we applied, its deletion and
 * ownership. A status update that leaves the state as it was (a Deployment's observedGeneration,
 * a Job's start time) is not worth a reconcile.
 */
export function childChangeNeedsReconcile(
  previous: ChildSummary | undefined,
  current: ChildSummary | undefined,
) {
  if (!previous || !current) return true;
  const a = previous.metadata;
  const b = current.metadata;
  return (
    a.uid !== b.uid ||
    a.version !== b.version ||
    a.appliedHash !== b.appliedHash ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    a.ownerUid !== b.ownerUid ||
    a.instance !== b.instance ||
    !sameJSON(previous.state, current.state)
  );
}
