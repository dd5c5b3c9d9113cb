// A site's status from one snapshot (API.md §9). Pure.
import type { FrappeSite, FrappeSiteStatus } from '../../api/frappe-site.js';
import type { ChildState } from '../child-state.js';
import { nextConditions, summaryConditions, type ConditionInput } from '../conditions.js';
import { initJobCondition, type JobRetryDecision } from '../job-retry.js';

export interface SiteSnapshot {
  site: FrappeSite;
  /** Why the bench cannot serve the site yet, or undefined when it is initialized. */
  benchProblem: { reason: string; message: string } | undefined;
  /** Why the database is not ready, or undefined when every database object is Ready. */
  databaseProblem: { reason: string; message: string; failed?: boolean } | undefined;
  /** The init Job completed (now, or recorded before). */
  initialized: boolean;
  initJob: ChildState | undefined;
  initRetry: JobRetryDecision;
  endpoint: { host: string; port: number; database: string } | undefined;
  databaseSecret: string;
  siteURL: string;
  installedApps: string[];
  /** External provider: what the database was last made for (see databaseStatus.provisioned). */
  provisioned?: string;
  now: string;
}

export const INIT_CONDITION = 'InitJobComplete';

export function siteStatus(snapshot: SiteSnapshot): FrappeSiteStatus {
  const { site, benchProblem, databaseProblem, initialized } = snapshot;
  const init = initJobCondition(initialized, snapshot.initJob, snapshot.initRetry, {
    done: { reason: 'SiteCreated', message: 'bench new-site completed' },
    waiting: 'waiting for the bench and the database',
  });
  const details: ConditionInput[] = [
    benchProblem
      ? { type: 'BenchReady', status: 'False', ...benchProblem }
      : { type: 'BenchReady', status: 'True', reason: 'BenchReady', message: 'the bench is initialized' },
    databaseProblem
      ? {
          type: 'DatabaseReady',
          status: 'False',
          reason: databaseProblem.reason,
          message: databaseProblem.message,
        }
      : {
          type: 'DatabaseReady',
          status: 'True',
          reason: 'DatabaseReady',
          message: 'database, user and grant are ready',
        },
    init.condition,
  ];
  const stalled =
    init.stalled ??
    (databaseProblem?.failed
      ? { reason: databaseProblem.reason, message: databaseProblem.message }
      : undefined);
  const summary = summaryConditions(details, ['BenchReady', 'DatabaseReady', INIT_CONDITION], stalled);
  const ready = summary[0]?.status === 'True';
  const phase = ready
    ? 'Ready'
    : stalled
      ? 'Failed'
      : benchProblem
        ? 'Pending'
        : databaseProblem
          ? 'Provisioning'
          : 'Initializing';
  return {
    phase,
    observedGeneration: site.metadata.generation,
    conditions: nextConditions(
      site.status?.conditions,
      [...summary, ...details],
      site.metadata.generation,
      snapshot.now,
    ),
    siteURL: snapshot.siteURL,
    databaseStatus: {
      phase: databaseProblem ? (databaseProblem.failed ? 'Failed' : 'Pending') : 'Ready',
      ...(snapshot.endpoint
        ? { host: snapshot.endpoint.host, port: snapshot.endpoint.port, database: snapshot.endpoint.database }
        : {}),
      secretName: snapshot.databaseSecret,
      ...(databaseProblem ? { lastError: databaseProblem.message } : {}),
      ...(snapshot.provisioned ? { provisioned: snapshot.provisioned } : {}),
    },
    initJobRetry: initialized ? undefined : snapshot.initRetry.retry,
    ...(initialized ? { installedApps: snapshot.installedApps } : {}),
  };
}

/** Whether the status records that the init Job completed (so a Job deleted by its TTL is never re-run). */
export const recordedInitialized = (site: FrappeSite) =>
  site.status?.conditions?.some((c) => c.type === INIT_CONDITION && c.status === 'True') === true;
