// One offline admission request, as the API server would run it: mutate, then validate the
// mutated object, against a cluster view built from context objects. Shared by `review` and
// `test` so a policy suite checks exactly what `review` prints.
import { GROUP_VERSION } from '../api/values.js';
import { ADMITTED_KINDS, isAdmittedKind, type AdmittedKind } from '../api/kinds.js';
import { staticClusterView } from '../api/static-cluster-view.js';
import { admit, admitMutation } from '../admission/admit.js';
import type { Decision, Operation } from '../api/admission-types.js';
import type { AdmissionContext } from '../admission/context.js';
import { UsageError } from './io.js';

export interface OfflineRequest {
  operation: Operation;
  /** CREATE/UPDATE: the object sent; DELETE: the object being deleted. */
  object: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
  namespace?: string;
  dryRun?: boolean;
  context: readonly unknown[];
  /** Where the object came from, for messages. */
  source: string;
  /** DELETE: false sends no oldObject, as some API servers do; the rules then read the cache. */
  oldObjectSent?: boolean;
}

export interface OfflineResult {
  kind: AdmittedKind;
  operation: Operation;
  namespace: string;
  name: string;
  /** The object as it would be stored (defaulted); on DELETE the object as it was. */
  defaulted: unknown;
  mutation: Decision;
  validation: Decision;
}

export function admittedKind(object: Record<string, unknown>, source: string): AdmittedKind {
  const { kind, apiVersion } = object;
  if (!isAdmittedKind(kind)) {
    throw new UsageError(
      `${source}: kind ${String(kind)} is not reviewed here (${ADMITTED_KINDS.join(' or ')})`,
    );
  }
  if (apiVersion !== GROUP_VERSION) {
    throw new UsageError(`${source}: apiVersion ${String(apiVersion)} is not served; use ${GROUP_VERSION}`);
  }
  return kind;
}

const metadataOf = (object: Record<string, unknown>) =>
  (object.metadata ?? {}) as { name?: string; namespace?: string };

export function evaluateOffline(
  request: OfflineRequest,
  base: Omit<AdmissionContext, 'view'>,
): OfflineResult {
  const kind = admittedKind(request.object, request.source);
  if (request.oldObject) admittedKind(request.oldObject, `${request.source} (old)`);
  const meta = metadataOf(request.object);
  const namespace = request.namespace ?? meta.namespace ?? 'default';
  const context = { ...base, view: staticClusterView(request.context) };
  const deleting = request.operation === 'DELETE';
  // The old object stands for what is stored: what the mutating webhook made of it on its own CREATE.
  const stored =
    request.oldObject &&
    admitMutation(
      kind,
      { operation: 'CREATE', namespace, object: request.oldObject, dryRun: false },
      context,
    );
  const { mutation, validation } = admit(
    kind,
    {
      operation: request.operation,
      namespace,
      name: meta.name,
      object: deleting ? undefined : request.object,
      oldObject: deleting
        ? request.oldObjectSent === false
          ? undefined
          : request.object
        : (stored?.object as Record<string, unknown> | undefined),
      dryRun: request.dryRun ?? false,
    },
    context,
  );
  return {
    kind,
    operation: request.operation,
    namespace,
    name: meta.name ?? '',
    defaulted: deleting ? request.object : (mutation.object ?? request.object),
    mutation,
    validation,
  };
}
