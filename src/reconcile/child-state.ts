// What the controller keeps of each child it watches: identity, owner, the hash it applied, and
// its state reduced to ready / failed and a message. Whole children (pod templates, scripts,
// Secret data) are never kept: 10,000 sites bring some 70,000 children, and Secret data must not
// sit in memory at all. Pure: object in, summary out.
import { APPLIED_HASH_ANNOTATION, LABELS } from '../builders/child.js';

export interface ChildState {
  /** Serving / done / Bound / Ready, as the kind defines it. */
  ready: boolean;
  /** Given up (a Job past its backoffLimit, a condition Failed=True). */
  failed: boolean;
  /** Why not ready or failed, for status messages. */
  message?: string;
}

export interface ChildSummary {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion?: string;
    /** `g<generation>` where the kind has one, else `r<resourceVersion>` (see AppliedRecord). */
    version: string;
    deletionTimestamp?: string;
    /** app.kubernetes.io/instance: the owner's name. */
    instance?: string;
    /** The controller owner reference's uid, when there is one. */
    ownerUid?: string;
    ownerKind?: string;
    appliedHash?: string;
  };
  state: ChildState;
}

interface AnyObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; kind?: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

interface StatusCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const conditionsOf = (object: AnyObject) =>
  (Array.isArray(object.status?.conditions) ? object.status.conditions : []) as StatusCondition[];
const condition = (object: AnyObject, type: string) => conditionsOf(object).find((c) => c.type === type);

/** A status the controller of the kind has caught up with (observedGeneration ≥ generation). */
function observed(object: AnyObject): boolean {
  const generation = object.metadata?.generation;
  return generation === undefined || num(object.status?.observedGeneration) >= generation;
}

function workloadState(object: AnyObject, readyField: 'availableReplicas' | 'readyReplicas'): ChildState {
  const wanted = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
  const ready = num(object.status?.[readyField]);
  const updated = num(object.status?.updatedReplicas);
  if (!observed(object)) return { ready: false, failed: false, message: 'rollout not observed yet' };
  const progressing = condition(object, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
    return { ready: false, failed: true, message: progressing.message ?? 'progress deadline exceeded' };
  if (ready >= wanted && updated >= wanted) return { ready: true, failed: false };
  return { ready: false, failed: false, message: `${ready}/${wanted} replicas ready` };
}

function jobState(object: AnyObject): ChildState {
  if (num(object.status?.succeeded) > 0 || condition(object, 'Complete')?.status === 'True')
    return { ready: true, failed: false };
  const failed = condition(object, 'Failed');
  if (failed?.status === 'True')
    return { ready: false, failed: true, message: failed.message ?? failed.reason ?? 'the Job failed' };
  return { ready: false, failed: false, message: 'running' };
}

function readyConditionState(kind: string, object: AnyObject): ChildState {
  const ready = condition(object, 'Ready');
  if (ready?.status === 'True') return { ready: true, failed: false };
  return {
    ready: false,
    failed: false,
    message: ready?.message ?? ready?.reason ?? `${kind} not ready yet`,
  };
}

/** The state of a child of any kind the controller makes. */
export function childState(kind: string, object: AnyObject): ChildState {
  switch (kind) {
    case 'Deployment':
      return workloadState(object, 'availableReplicas');
    case 'StatefulSet':
      return workloadState(object, 'readyReplicas');
    case 'Job':
      return jobState(object);
    case 'PersistentVolumeClaim': {
      const phase = object.status?.phase;
      if (phase === 'Bound') return { ready: true, failed: false };
      if (phase === 'Lost') return { ready: false, failed: true, message: 'the volume was lost' };
      return { ready: false, failed: false, message: 'waiting for the volume to be bound' };
    }
    case 'MariaDB':
    case 'Database':
    case 'User':
    case 'Grant':
    case 'ScaledObject':
      return readyConditionState(kind, object);
    default:
      // ConfigMaps, Secrets, Services, Ingresses, Routes: ready once they exist.
      return { ready: true, failed: false };
  }
}

/** What AppliedRecord compares: the generation where the kind has one, else the resourceVersion. */
export const childVersion = (metadata: { generation?: number; resourceVersion?: string }) =>
  metadata.generation !== undefined ? `g${metadata.generation}` : `r${metadata.resourceVersion ?? ''}`;

/** The summary of a child of type `type` (list items carry no kind of their own). */
export function summarizeChild(type: { apiVersion: string; kind: string }, object: AnyObject): ChildSummary {
  const metadata = object.metadata ?? {};
  const owner = metadata.ownerReferences?.find((reference) => reference.controller);
  return {
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: {
      name: metadata.name ?? '',
      namespace: metadata.namespace ?? '',
      uid: metadata.uid ?? '',
      resourceVersion: metadata.resourceVersion,
      version: childVersion(metadata),
      deletionTimestamp: metadata.deletionTimestamp,
      instance: metadata.labels?.[LABELS.instance],
      ownerUid: owner?.uid,
      ownerKind: owner?.kind,
      appliedHash: metadata.annotations?.[APPLIED_HASH_ANNOTATION],
    },
    state: childState(type.kind, object),
  };
}
