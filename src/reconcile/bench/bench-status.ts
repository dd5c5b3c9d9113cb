// A bench's status from one snapshot of its children (API.md §9). Pure: the children's states and
// the time come in, the status goes out; the reconcile writes it only when it changed.
import type { FrappeBench, FrappeBenchStatus } from '../../api/frappe-bench.js';
import type { Child } from '../../builders/child.js';
import type { ChildState } from '../child-state.js';
import { detail, nextConditions, summaryConditions, type ConditionInput } from '../conditions.js';
import { initJobCondition, type JobRetryDecision } from '../job-retry.js';

export interface BenchSnapshot {
  bench: FrappeBench;
  /** Each desired child (init Job excepted) with its cached state, undefined when not created yet. */
  children: readonly { child: Child; state: ChildState | undefined }[];
  configHash: string;
  /** Whether the init Job completed for configHash (now, or recorded in status before). */
  initialized: boolean;
  /** The init Job's state, when it exists. */
  initJob: ChildState | undefined;
  initRetry: JobRetryDecision;
  workerScaling: NonNullable<FrappeBenchStatus['workerScaling']>;
  /** Workers that asked for autoscaling but run static because KEDA is not installed. */
  staticForLackOfKeda: string[];
  /** Deployments and ScaledObjects wait for the first init Job to write the configuration. */
  componentsDeferred: boolean;
  now: string;
}

const describe = (child: Child) => `${child.kind} ${child.metadata.name}`;

function partCondition(
  type: string,
  parts: BenchSnapshot['children'],
  reasons: { ok: string; not: string },
  none: string,
): ConditionInput {
  if (parts.length === 0) return detail(type, true, reasons, none);
  const waiting = parts.filter(({ state }) => !state?.ready);
  const first = waiting[0];
  return detail(
    type,
    waiting.length === 0,
    reasons,
    first
      ? `${describe(first.child)}: ${first.state?.message ?? 'not created yet'}${waiting.length > 1 ? ` (and ${waiting.length - 1} more)` : ''}`
      : `${parts.length} ready`,
  );
}

export function benchStatus(snapshot: BenchSnapshot): FrappeBenchStatus {
  const { bench, children } = snapshot;
  const of = (...kinds: string[]) => children.filter(({ child }) => kinds.includes(child.kind));
  const storage = of('PersistentVolumeClaim');
  const redis = of('StatefulSet'); // a bench's only StatefulSets are its Redis
  const workloads = of('Deployment');
  const scaledObjects = of('ScaledObject');
  const { initialized } = snapshot;

  const init = initJobCondition(initialized, snapshot.initJob, snapshot.initRetry, {
    done: { reason: 'Initialized', message: `configuration ${snapshot.configHash} written` },
    waiting: `writing configuration ${snapshot.configHash}`,
  });
  const details: ConditionInput[] = [
    partCondition('StorageReady', storage, { ok: 'Bound', not: 'VolumePending' }, 'no volume'),
    partCondition(
      'RedisReady',
      redis,
      { ok: 'RedisReady', not: 'RedisNotReady' },
      'an external Redis is used',
    ),
    init.condition,
    snapshot.componentsDeferred
      ? {
          type: 'ComponentsReady',
          status: 'False',
          reason: 'WaitingForInit',
          message: 'components start once the init Job has written the configuration',
        }
      : partCondition(
          'ComponentsReady',
          workloads,
          { ok: 'ComponentsReady', not: 'ComponentsNotReady' },
          'no components',
        ),
    snapshot.staticForLackOfKeda.length > 0
      ? {
          type: 'Autoscaling',
          status: 'False',
          reason: 'KedaNotInstalled',
          message: `KEDA is not installed: ${snapshot.staticForLackOfKeda.join(', ')} run staticReplicas`,
        }
      : partCondition(
          'Autoscaling',
          scaledObjects,
          { ok: 'ScaledObjectsReady', not: 'ScaledObjectsNotReady' },
          'no worker is autoscaled',
        ),
  ];
  const failed = children
    .map(({ child, state }) => ({ what: describe(child), state }))
    .find(({ state }) => state?.failed);
  const stalled =
    init.stalled ??
    (failed
      ? { reason: 'ChildFailed', message: `${failed.what}: ${failed.state?.message ?? 'failed'}` }
      : undefined);
  const summary = summaryConditions(
    details,
    ['StorageReady', 'RedisReady', 'InitJobComplete', 'ComponentsReady'],
    stalled,
  );
  const ready = summary[0]?.status === 'True';
  return {
    ...bench.status,
    phase: ready ? 'Ready' : stalled ? 'Failed' : 'Provisioning',
    observedGeneration: bench.metadata.generation,
    conditions: nextConditions(
      bench.status?.conditions,
      [...summary, ...details],
      bench.metadata.generation,
      snapshot.now,
    ),
    workerScaling: snapshot.workerScaling,
    // Recorded so that the Job's deletion by its TTL never runs it again.
    ...(initialized ? { initializedConfigHash: snapshot.configHash } : {}),
    initJobRetry: initialized ? undefined : snapshot.initRetry.retry,
  };
}
