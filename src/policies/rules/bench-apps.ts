// Apps of a bench: B-APP-1 … B-APP-4 and the deprecated-field warnings B-DEP-1.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { CREATE_UPDATE, deny, rule, warn, type Finding } from '../rule.js';

const APP_NAME = /^[a-z][a-z0-9_]*$/;

function appsJSONCount(appsJSON: string | undefined): number | undefined {
  if (appsJSON === undefined || appsJSON.trim() === '') return 0;
  try {
    const parsed: unknown = JSON.parse(appsJSON);
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
}

export const benchAppRules = [
  rule<FrappeBench>({
    id: 'B-APP-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: 'At least one app, in `apps` or in the deprecated `appsJSON` (which must be a JSON list).',
    check: ({ object: { spec } }) => {
      const fromJSON = appsJSONCount(spec.appsJSON);
      if (fromJSON === undefined)
        return [deny('spec.appsJSON', 'must be a JSON list of apps; better, use spec.apps')];
      if ((spec.apps?.length ?? 0) + fromJSON > 0) return [];
      return [deny('spec.apps', 'list at least one app, e.g. {name: erpnext, source: image}', 'Required')];
    },
  }),
  rule<FrappeBench>({
    id: 'B-APP-2',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: 'App names match `^[a-z][a-z0-9_]*$` (Python package names) and are unique.',
    check: ({ object: { spec } }) => {
      const findings: Finding[] = [];
      const seen = new Set<string>();
      (spec.apps ?? []).forEach((app, i) => {
        if (!APP_NAME.test(app.name)) {
          findings.push(
            deny(
              `spec.apps[${i}].name`,
              `"${app.name}" is not an app name: use lower-case letters, digits and _`,
            ),
          );
        } else if (seen.has(app.name)) {
          findings.push(deny(`spec.apps[${i}].name`, `app "${app.name}" is listed twice`, 'Duplicate'));
        }
        seen.add(app.name);
      });
      return findings;
    },
  }),
  rule<FrappeBench>({
    id: 'B-APP-3',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: '`source: git` needs `gitUrl`; `source: fpm` needs `org` and `version`; `gitUrl` only with git.',
    check: ({ object: { spec } }) =>
      (spec.apps ?? []).flatMap((app, i): Finding[] => {
        const path = `spec.apps[${i}]`;
        if (app.source === 'git' && !app.gitUrl)
          return [deny(`${path}.gitUrl`, 'source git needs gitUrl', 'Required')];
        if (app.source !== 'git' && app.gitUrl) {
          return [
            deny(`${path}.gitUrl`, `gitUrl is only allowed with source git, not ${app.source}`, 'Forbidden'),
          ];
        }
        if (app.source !== 'fpm') return [];
        return (['org', 'version'] as const)
          .filter((field) => !app[field])
          .map((field) => deny(`${path}.${field}`, `source fpm needs ${field}`, 'Required'));
      }),
  }),
  rule<FrappeBench>({
    id: 'B-APP-4',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: 'Warning: git and fpm apps are not fetched; every app must already be in the image.',
    check: ({ object: { spec } }) =>
      (spec.apps ?? []).flatMap((app, i) =>
        app.source === 'git' || app.source === 'fpm'
          ? [
              warn(
                `spec.apps[${i}]`,
                `${app.source} app "${app.name}" is not fetched; it must be in the image`,
              ),
            ]
          : [],
      ),
  }),
  rule<FrappeBench>({
    id: 'B-DEP-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary: 'Warning per deprecated field used, naming its replacement.',
    check: ({ object: { spec } }) => {
      const findings: Finding[] = [];
      if (spec.appsJSON !== undefined) findings.push(warn('spec.appsJSON', 'deprecated: use spec.apps'));
      for (const [field, worker] of [
        ['workerDefault', 'default'],
        ['workerLong', 'long'],
        ['workerShort', 'short'],
      ] as const) {
        if (spec.componentReplicas?.[field] !== undefined) {
          findings.push(
            warn(
              `spec.componentReplicas.${field}`,
              `deprecated: use spec.workerAutoscaling.${worker}.staticReplicas`,
            ),
          );
        }
      }
      return findings;
    },
  }),
];
