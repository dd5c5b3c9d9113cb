// One reconcile of a FrappeSite: defaults it lacks, its finalizer, the generated Secrets (created
// once, never regenerated), the database objects, the init Job once the bench and the database
// are ready (its success recorded in status), the Ingress, pruning, and the status. On deletion
// with deletionPolicy Delete: the drop Job, then the database objects, then the finalizer.
import type { FrappeBench } from '../../api/frappe-bench.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { SITE_CLEANUP_FINALIZER } from '../../api/values.js';
import type { Child } from '../../builders/child.js';
import { desiredSiteChildren, type SiteChildren } from '../../builders/site/index.js';
import type { SecretSource } from '../../builders/site/secrets.js';
import { resourceTypeOf, type ChildKind } from '../../kube/resources.js';
import { actOnJobRetry, applyChildren, pruneChildren } from '../children.js';
import { conditionTime, nextConditions, summaryConditions, type ConditionInput } from '../conditions.js';
import type { ReconcileContext, ReconcileOutcome } from '../context.js';
import { addFinalizer, removeFinalizer, writeMissingDefaults, writeStatus } from '../owner.js';
import { recordedInitialized, siteStatus } from './site-status.js';
import { readSecret, secretKey } from '../secret-values.js';
import { dropExternal, provisionExternal, type DatabaseOutcome } from './external-database.js';
import { decideJobRetry, jobRetryPolicy, type JobRetryDecision } from '../job-retry.js';

const benchKeyOf = (site: FrappeSite) =>
  `${site.spec.benchRef?.namespace || site.metadata.namespace}/${site.spec.benchRef?.name}`;

export async function reconcileSite(key: string, context: ReconcileContext): Promise<ReconcileOutcome> {
  const site = context.sites.get(key);
  if (!site) return {};
  const bench = context.benches.get(benchKeyOf(site));
  if (site.metadata.deletionTimestamp) return finalize(site, bench, context);
  if (await writeMissingDefaults(site, context)) return {};
  const deleteData = site.spec.deletionPolicy === 'Delete';
  const hasFinalizer = site.metadata.finalizers?.includes(SITE_CLEANUP_FINALIZER) === true;
  // Each changes the object: the watch brings it back for the rest of the work.
  if (deleteData && !hasFinalizer)
    return addFinalizer(site, SITE_CLEANUP_FINALIZER, context).then(() => ({}));
  if (!deleteData && hasFinalizer)
    return removeFinalizer(site, SITE_CLEANUP_FINALIZER, context).then(() => ({}));

  const namespace = site.metadata.namespace ?? '';
  const now = context.now();
  if (!bench) {
    await writeStatus(
      site,
      pendingStatus(
        site,
        'BenchNotFound',
        `FrappeBench ${benchKeyOf(site)} does not exist`,
        conditionTime(now),
      ),
      context,
    );
    return {};
  }
  const built = desiredSiteChildren(site, bench, {
    jobTTLSeconds: context.config.jobTTLSeconds,
    routeApiInstalled: context.children.available('Route'),
  });
  const secrets = await ensureSecrets(built, namespace, context);

  const database = await provisionDatabase(site, bench, built, context);
  const databaseProblem = database.problem;
  const benchInitialized = bench.status?.initializedConfigHash !== undefined;
  const benchProblem = benchInitialized
    ? undefined
    : {
        reason: 'BenchInitializing',
        message: `waiting for FrappeBench ${bench.metadata.name} to be initialized`,
      };
  const initJob = context.children.get('Job', namespace, built.initJob.metadata.name);
  const initialized = recordedInitialized(site) || initJob?.state.ready === true;
  // A failed init Job runs again after a growing delay; a spec change starts the count over.
  const initRetry = decideJobRetry(
    site.status?.initJobRetry,
    `${built.initJob.metadata.name}@${site.metadata.generation ?? 0}`,
    !initialized && initJob ? { uid: initJob.metadata.uid, state: initJob.state } : undefined,
    now,
    context.random,
    jobRetryPolicy(context.config),
  );
  const wanted: Child[] = [...secrets, ...built.database];
  if (!initialized && !databaseProblem && !benchProblem) {
    const passwordCopies = await initPasswords(site, built, initJob !== undefined, context);
    if (passwordCopies) {
      if (initRetry.action === 'none') await applyChildren([built.initJob], context);
      wanted.push(...passwordCopies, built.initJob);
    }
  } else if (initJob) wanted.push(built.initJob);
  if (
    built.ingress &&
    (!resourceTypeOf(built.ingress.kind)?.crd || context.children.available(built.ingress.kind as ChildKind))
  ) {
    await applyChildren([built.ingress], context);
    wanted.push(built.ingress);
  }

  const status = siteStatus({
    site,
    benchProblem,
    databaseProblem,
    initialized,
    initJob: initJob?.state,
    initRetry,
    endpoint: database.endpoint ?? built.endpoint,
    databaseSecret: built.databasePasswordSecret('').metadata.name,
    siteURL: built.siteURL,
    installedApps: [...new Set(['frappe', ...(site.spec.apps ?? [])])],
    provisioned: database.provisioned,
    now: conditionTime(now),
  });
  await writeStatus(site, status, context);
  // After the status has recorded the failure (a crash here cannot lose the count).
  await actOnJobRetry(
    site,
    { namespace, name: built.initJob.metadata.name, uid: initJob?.metadata.uid, type: 'site-init' },
    site.status?.initJobRetry,
    initRetry,
    context,
  );
  // After the status records the init Job's success: the copies of the passwords go with it.
  await pruneChildren(site.metadata.uid ?? '', wanted, context);
  const waits = [database.requeueAfterMs, initRetry.action === 'wait' ? initRetry.waitMs : undefined].filter(
    (ms): ms is number => ms !== undefined,
  );
  return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : {};
}

/** While a Delete site is being cleaned up: phase Terminating, and Stalled when the drop Job gave up. */
function terminatingStatus(site: FrappeSite, retry: JobRetryDecision, now: string) {
  const stalled =
    retry.action === 'give-up'
      ? {
          reason: 'DropJobFailed',
          message: `the drop Job failed ${retry.retry.failures} times: ${retry.retry.lastError ?? 'see its logs'}`,
        }
      : undefined;
  const details = [
    {
      type: 'CleanedUp',
      status: 'False' as const,
      reason: retry.retry ? 'DropJobRetrying' : 'Terminating',
      message: retry.retry
        ? `the drop Job failed ${retry.retry.failures} times${retry.retry.retryAt ? `; next run at ${retry.retry.retryAt}` : ''}`
        : 'removing the site files, then the database',
    },
  ];
  return {
    ...site.status,
    phase: 'Terminating',
    conditions: nextConditions(
      site.status?.conditions,
      [
        ...summaryConditions(details, ['CleanedUp'], stalled),
        ...details,
        // The details of the living site stay: InitJobComplete says whether there are files to drop.
        ...((site.status?.conditions ?? []).filter(
          (c) => !['Ready', 'Reconciling', 'Stalled', 'CleanedUp'].includes(c.type),
        ) as ConditionInput[]),
      ],
      site.metadata.generation,
      now,
    ),
    dropJobRetry: retry.retry,
  };
}

function pendingStatus(site: FrappeSite, reason: string, message: string, now: string) {
  return siteStatus({
    site,
    benchProblem: { reason, message },
    databaseProblem: { reason: 'BenchNotReady', message: 'waiting for the bench' },
    initialized: recordedInitialized(site),
    initJob: undefined,
    initRetry: { action: 'none', retry: site.status?.initJobRetry },
    endpoint: undefined,
    databaseSecret: '',
    siteURL: '',
    installedApps: [],
    now,
  });
}

/** The generated-password Secrets: created once when missing, never regenerated or changed. */
async function ensureSecrets(
  built: SiteChildren,
  namespace: string,
  context: ReconcileContext,
): Promise<Child[]> {
  // Each Secret of generated passwords, by the function that makes it from a password.
  const makers = [built.databasePasswordSecret, built.dedicatedRootSecret, built.adminSecret];
  const secrets: Child[] = [];
  for (const make of makers) {
    const shape = make('');
    if (!shape) continue;
    secrets.push(shape);
    if (context.children.get('Secret', namespace, shape.metadata.name)) continue;
    await context.writes.createIfAbsent(make(context.password())!);
  }
  return secrets;
}

async function provisionDatabase(
  site: FrappeSite,
  bench: FrappeBench,
  built: SiteChildren,
  context: ReconcileContext,
): Promise<DatabaseOutcome> {
  const provider = site.spec.dbConfig?.provider;
  if (provider === 'external')
    return provisionExternal(site, bench, built.databasePasswordSecret('').metadata.name, context);
  if (provider !== 'mariadb')
    return {
      problem: {
        reason: 'UnsupportedProvider',
        message: `database provider ${provider ?? '(none)'} is not supported yet`,
        failed: true,
      },
    };
  const missing = built.database.find((child) => !context.children.available(child.kind as ChildKind));
  if (missing)
    return {
      problem: {
        reason: 'MariaDBOperatorMissing',
        message: `the ${missing.kind} kind (${missing.apiVersion}) is not installed: install mariadb-operator`,
        failed: true,
      },
    };
  await applyChildren(built.database, context);
  const namespace = site.metadata.namespace ?? '';
  const stateOf = (child: Child) =>
    context.children.get(child.kind as ChildKind, namespace, child.metadata.name)?.state;
  const waiting = built.database.find((child) => !stateOf(child)?.ready);
  if (!waiting) return {};
  return {
    problem: {
      reason: 'DatabaseProvisioning',
      message: `${waiting.kind} ${waiting.metadata.name}: ${stateOf(waiting)?.message ?? 'not created yet'}`,
    },
  };
}

/** One key of a Secret, read when needed. */
const secretValue = async ({ namespace, name, key }: SecretSource, context: ReconcileContext) =>
  secretKey(await readSecret(namespace, name, context), key);

/**
 * Makes sure the passwords the init Job reads exist: the `<s>-init` copies (returned, to keep
 * until the site exists) when the admin Secret lives in a shared namespace, else nothing to write
 * (the Job reads the site's own Secrets). Undefined, with a Warning event, while one is missing.
 */
async function initPasswords(
  site: FrappeSite,
  built: SiteChildren,
  jobExists: boolean,
  context: ReconcileContext,
): Promise<Child[] | undefined> {
  const { sources } = built.initPasswords;
  const missing = () => {
    const { name, key } = sources.adminPassword;
    context.events.record(
      site,
      'Warning',
      'SecretMissing',
      'CreateInitJob',
      `the admin password Secret ${name} (key ${key}) is missing`,
    );
    return undefined;
  };
  if (!built.initSecret) {
    // The generated `<s>-admin` exists (ensureSecrets); a Secret the user named is checked once,
    // before the Job is created (a Job whose Secret is missing would wait without a word).
    if (jobExists || built.adminSecret('')) return [];
    return (await secretValue(sources.adminPassword, context)) === undefined ? missing() : [];
  }
  const shape = built.initSecret({ dbPassword: '', adminPassword: '' });
  if (context.children.get('Secret', sources.dbPassword.namespace, shape.metadata.name)) return [shape];
  const dbPassword = await secretValue(sources.dbPassword, context);
  const adminPassword = await secretValue(sources.adminPassword, context);
  if (dbPassword === undefined || adminPassword === undefined) return missing();
  await context.writes.createIfAbsent(built.initSecret({ dbPassword, adminPassword }));
  return [shape];
}

/** Deletion: with deletionPolicy Delete, the drop Job, then the database objects, then the finalizer. */
async function finalize(
  site: FrappeSite,
  bench: FrappeBench | undefined,
  context: ReconcileContext,
): Promise<ReconcileOutcome> {
  if (!site.metadata.finalizers?.includes(SITE_CLEANUP_FINALIZER)) return {};
  const namespace = site.metadata.namespace ?? '';
  if (site.spec.deletionPolicy === 'Delete' && bench) {
    const built = desiredSiteChildren(site, bench, {
      jobTTLSeconds: context.config.jobTTLSeconds,
      routeApiInstalled: false,
    });
    const dropJob = context.children.get('Job', namespace, built.dropJob.metadata.name);
    if (recordedInitialized(site) && !dropJob?.state.ready) {
      // A failed drop Job runs again with backoff, like the init Job; at the limit the site stays
      // Terminating and Stalled until a person looks (its data is not dropped half-way).
      const retry = decideJobRetry(
        site.status?.dropJobRetry,
        built.dropJob.metadata.name,
        dropJob ? { uid: dropJob.metadata.uid, state: dropJob.state } : undefined,
        context.now(),
        context.random,
        jobRetryPolicy(context.config),
      );
      await writeStatus(site, terminatingStatus(site, retry, conditionTime(context.now())), context);
      await actOnJobRetry(
        site,
        { namespace, name: built.dropJob.metadata.name, uid: dropJob?.metadata.uid, type: 'site-drop' },
        site.status?.dropJobRetry,
        retry,
        context,
      );
      if (retry.action === 'none' && !dropJob) await applyChildren([built.dropJob], context);
      return retry.action === 'wait' ? { requeueAfterMs: retry.waitMs } : {};
    }
    // The database objects carry cleanupPolicy Delete: mariadb-operator drops what they made, and
    // removes its own finalizers; the site's finalizer goes once they are gone.
    const remaining = built.database.flatMap((child) => {
      const cached = context.children.get(child.kind as ChildKind, namespace, child.metadata.name);
      return cached ? [cached] : [];
    });
    for (const cached of remaining) {
      const type = resourceTypeOf(cached.kind);
      if (type && !cached.metadata.deletionTimestamp)
        await context.writes.remove(type, namespace, cached.metadata.name);
    }
    if (remaining.length > 0) return {};
    if (site.spec.dbConfig?.provider === 'external') {
      const dropped = await dropExternal(site, bench, context);
      if (!dropped.done) return { requeueAfterMs: dropped.requeueAfterMs };
    }
  }
  await removeFinalizer(site, SITE_CLEANUP_FINALIZER, context);
  return {};
}
