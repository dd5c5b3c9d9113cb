// Job `<s>-drop`, run on deletion with deletionPolicy Delete: it removes the site's files only.
// The database is dropped by mariadb-operator (cleanupPolicy Delete), never from a pod in the
// tenant's namespace with root credentials; scripts/drop-site.sh says why.
import type { Child } from '../child.js';
import type { SiteContext } from './context.js';
import { siteJob } from './job.js';
import { scriptText } from './scripts.js';

export const DROP_DEADLINE_SECONDS = 600;
export const DROP_BACKOFF_LIMIT = 3;

export function dropJob(context: SiteContext, jobTTLSeconds: number): Child {
  return siteJob(context, {
    name: context.names.dropJob,
    component: 'drop',
    script: scriptText('drop-site.sh'),
    env: [{ name: 'SITE_NAME', value: context.site.spec.siteName }],
    backoffLimit: DROP_BACKOFF_LIMIT,
    activeDeadlineSeconds: DROP_DEADLINE_SECONDS,
    ttlSecondsAfterFinished: jobTTLSeconds,
  });
}
