// One reconcile of a FrappeBench: read it from the cache, write the defaults it lacks, apply the
// children its spec wants (builders), run the init Job once per configuration, prune what is no
// longer wanted, and write the status when it changed. Level-triggered: it reads only the
// present state, so running it twice, or after a crash, does the same thing.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { desiredBenchChildren } from '../../builders/bench/index.js';
import { resourceTypeOf, type ChildKind } from '../../kube/resources.js';
import { actOnJobRetry, applyChildren, pruneChildren } from '../children.js';
import { conditionTime } from '../conditions.js';
import type { ReconcileContext, ReconcileOutcome } from '../context.js';
import { decideJobRetry, jobRetryPolicy } from '../job-retry.js';
import { writeMissingDefaults, writeStatus } from '../owner.js';
import { benchStatus } from './bench-status.js';

export async function reconcileBench(key: string, context: ReconcileContext): Promise<ReconcileOutcome> {
  const bench = context.benches.get(key);
  // Gone: its children go with it (owner references); the sites volume stays, as it should.
  if (!bench || bench.metadata.deletionTimestamp) return {};
  if (await writeMissingDefaults(bench, context)) return {};

  const kedaInstalled = context.children.available('ScaledObject');
  const built = desiredBenchChildren(bench, {
    jobTTLSeconds: context.config.jobTTLSeconds,
    redisImage: context.config.redisImage,
    kedaInstalled,
  });
  // Kinds whose CRD is missing cannot be written; the status says what runs instead.
  const writable = built.children.filter(
    (child) => !resourceTypeOf(child.kind)?.crd || context.children.available(child.kind as ChildKind),
  );
  // Frappe's processes read common_site_config.json at start: until an init Job has written it once
  // (recorded in status), their Deployments (and the ScaledObjects that scale them) wait, so pods
  // never start on an empty volume and the first apply already carries the config hash.
  const componentsDeferred = bench.status?.initializedConfigHash === undefined;
  await applyChildren(
    componentsDeferred ? writable.filter((child) => !STARTED_AFTER_INIT.has(child.kind)) : writable,
    context,
  );

  const namespace = bench.metadata.namespace ?? '';
  const initJob = context.children.get('Job', namespace, built.initJob.metadata.name);
  const initialized =
    bench.status?.initializedConfigHash === built.configHash || initJob?.state.ready === true;
  // A failed init Job runs again after a growing delay, up to the configured limit.
  const now = context.now();
  const initRetry = decideJobRetry(
    bench.status?.initJobRetry,
    built.initJob.metadata.name,
    !initialized && initJob ? { uid: initJob.metadata.uid, state: initJob.state } : undefined,
    now,
    context.random,
    jobRetryPolicy(context.config),
  );
  if (!initialized && initRetry.action === 'none') await applyChildren([built.initJob], context);

  const stateOf = (kind: string, name: string) =>
    context.children.get(kind as ChildKind, namespace, name)?.state;
  const status = benchStatus({
    bench,
    children: writable.map((child) => ({ child, state: stateOf(child.kind, child.metadata.name) })),
    configHash: built.configHash,
    initialized,
    initJob: initJob?.state,
    initRetry,
    workerScaling: built.workerScaling,
    staticForLackOfKeda: kedaInstalled ? [] : autoscalingAsked(bench),
    componentsDeferred,
    now: conditionTime(now),
  });
  await writeStatus(bench, status, context);
  await actOnJobRetry(
    bench,
    { namespace, name: built.initJob.metadata.name, uid: initJob?.metadata.uid, type: 'bench-init' },
    bench.status?.initJobRetry,
    initRetry,
    context,
  );
  // After the status, which records the init Job's success: Jobs of older configurations and
  // children the spec no longer wants go. The current init Job stays until its TTL.
  await pruneChildren(bench.metadata.uid ?? '', [...writable, built.initJob], context);
  return initRetry.action === 'wait' ? { requeueAfterMs: initRetry.waitMs } : {};
}

/** Kinds applied only once the bench has been initialized (see componentsDeferred). */
const STARTED_AFTER_INIT = new Set(['Deployment', 'ScaledObject']);

function autoscalingAsked(bench: FrappeBench): string[] {
  const scaling = bench.spec.workerAutoscaling ?? {};
  return (['short', 'long', 'default'] as const)
    .filter((type) => scaling[type]?.enabled === true)
    .map((type) => `worker-${type}`);
}
