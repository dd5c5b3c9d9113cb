// Writes to a FrappeBench or FrappeSite itself: the defaults the mutating webhook would have
// written (for an object it never saw: webhook down with failurePolicy Ignore, a restore from
// backup), the finalizer, and the status — each only when it changes something.
import { admitMutation } from '../admission/admit.js';
import { sameJSON } from '../api/json.js';
import type { FrappeBench } from '../api/frappe-bench.js';
import type { FrappeSite } from '../api/frappe-site.js';
import { OWNER_TYPES } from '../kube/resources.js';
import type { JsonPatchOperation } from '../kube/writes.js';
import type { ReconcileContext } from './context.js';

type Owner = FrappeBench | FrappeSite;

/** A JSON patch guarded by the resourceVersion we read: a concurrent change makes it a 409. */
async function patchOwner(owner: Owner, operations: JsonPatchOperation[], context: ReconcileContext) {
  await context.writes.patch(
    OWNER_TYPES[owner.kind],
    owner.metadata.namespace ?? '',
    owner.metadata.name ?? '',
    [{ op: 'test', path: '/metadata/resourceVersion', value: owner.metadata.resourceVersion }, ...operations],
  );
}

/**
 * Writes the defaults the object lacks, through the same function as the mutating webhook.
 * Returns true when it wrote (the watch then brings the defaulted object back).
 */
export async function writeMissingDefaults(owner: Owner, context: ReconcileContext): Promise<boolean> {
  const decision = admitMutation(
    owner.kind,
    {
      operation: 'UPDATE',
      namespace: owner.metadata.namespace ?? '',
      name: owner.metadata.name,
      object: owner,
      oldObject: owner,
      dryRun: false,
    },
    context.admission,
  );
  const operations = decision.patch.filter((operation) => operation.path.startsWith('/spec'));
  if (operations.length === 0) return false;
  await patchOwner(owner, operations as JsonPatchOperation[], context);
  context.logger?.info(
    {
      kind: owner.kind,
      namespace: owner.metadata.namespace,
      name: owner.metadata.name,
      fields: operations.length,
    },
    'wrote missing defaults',
  );
  return true;
}

export async function addFinalizer(
  owner: Owner,
  finalizer: string,
  context: ReconcileContext,
): Promise<void> {
  const finalizers = owner.metadata.finalizers ?? [];
  if (finalizers.includes(finalizer)) return;
  await patchOwner(
    owner,
    finalizers.length === 0
      ? [{ op: 'add', path: '/metadata/finalizers', value: [finalizer] }]
      : [{ op: 'add', path: '/metadata/finalizers/-', value: finalizer }],
    context,
  );
}

export async function removeFinalizer(
  owner: Owner,
  finalizer: string,
  context: ReconcileContext,
): Promise<void> {
  const index = (owner.metadata.finalizers ?? []).indexOf(finalizer);
  if (index < 0) return;
  await patchOwner(owner, [{ op: 'remove', path: `/metadata/finalizers/${index}` }], context);
}

/**
 * Writes `status` when it differs from the stored one, and records an Event when the phase
 * changed (a Warning for Failed). Returns whether it wrote.
 */
export async function writeStatus(
  owner: Owner,
  status: { phase?: string; conditions?: { type: string; message: string }[] },
  context: ReconcileContext,
): Promise<boolean> {
  if (sameJSON(owner.status ?? {}, status)) return false;
  await context.writes.patchStatus(
    OWNER_TYPES[owner.kind],
    owner.metadata.namespace ?? '',
    owner.metadata.name ?? '',
    status,
  );
  const phase = status.phase ?? 'Unknown';
  if (phase !== owner.status?.phase) {
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    const kind = owner.kind === 'FrappeBench' ? 'Bench' : 'Site';
    const type = phase === 'Failed' ? 'Warning' : 'Normal';
    context.events.record(owner, type, `${kind}${phase}`, 'Reconcile', `${phase}: ${ready?.message ?? ''}`);
  }
  return true;
}
