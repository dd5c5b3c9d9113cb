// Changes to and deletion of a site: S-IMM-1 … S-IMM-3, S-DEL-1, S-DEL-2.
import { IMMUTABLE_DATABASE_FIELDS, DELETION_PROTECTION_ANNOTATION } from '../../api/values.js';
import type { FrappeSite } from '../../api/frappe-site.js';
import { sameJSON } from '../../api/json.js';
import { protectsFromDeletion } from '../../api/site-summary.js';
import { deny, rule, warn, type Finding } from '../rule.js';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function forbidChange(path: string, before: unknown, after: unknown, why: string): Finding[] {
  return before === undefined || sameJSON(before, after)
    ? []
    : [deny(path, `is immutable (was ${show(before)}): ${why}`, 'Forbidden')];
}

const normalRef = (ref: FrappeSite['spec']['benchRef'] | undefined) =>
  ref && { name: ref.name, namespace: ref.namespace || undefined };

export const siteLifecycleRules = [
  rule<FrappeSite>({
    id: 'S-IMM-1',
    kind: 'FrappeSite',
    operations: ['UPDATE'],
    cel: true,
    summary: 'siteName, domain and benchRef are immutable.',
    check: ({ object: { spec }, oldObject }) => [
      ...forbidChange('spec.siteName', oldObject?.spec.siteName, spec.siteName, 'create a new site instead'),
      ...forbidChange('spec.domain', oldObject?.spec.domain, spec.domain, 'create a new site instead'),
      ...forbidChange(
        'spec.benchRef',
        normalRef(oldObject?.spec.benchRef),
        normalRef(spec.benchRef),
        'sites do not move',
      ),
    ],
  }),
  rule<FrappeSite>({
    id: 'S-IMM-2',
    kind: 'FrappeSite',
    operations: ['UPDATE'],
    cel: true,
    summary:
      'dbConfig provider, mode, mariadbRef, postgresRef, databaseName and databaseUser are immutable once set.',
    check: ({ object: { spec }, oldObject }) =>
      IMMUTABLE_DATABASE_FIELDS.flatMap((field) =>
        forbidChange(
          `spec.dbConfig.${field}`,
          oldObject?.spec.dbConfig?.[field],
          spec.dbConfig?.[field],
          'the database is not moved; migrate with a backup and a new site',
        ),
      ),
  }),
  rule<FrappeSite>({
    id: 'S-IMM-3',
    kind: 'FrappeSite',
    operations: ['UPDATE'],
    summary: 'apps are immutable after creation (installing apps later is not supported yet).',
    check: ({ object: { spec }, oldObject }) =>
      forbidChange(
        'spec.apps',
        oldObject?.spec.apps ?? [],
        spec.apps ?? [],
        'installing apps later is not supported yet',
      ),
  }),
  rule<FrappeSite>({
    id: 'S-DEL-1',
    kind: 'FrappeSite',
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    summary:
      `Deletion is denied while the annotation ${DELETION_PROTECTION_ANNOTATION} is "true" in any letter case; ` +
      'any other value gets a warning on create and update: it does not protect.',
    check: ({ object: { metadata }, operation }) => {
      const value = metadata.annotations?.[DELETION_PROTECTION_ANNOTATION];
      if (value === undefined) return [];
      const field = `metadata.annotations[${DELETION_PROTECTION_ANNOTATION}]`;
      if (operation !== 'DELETE')
        return protectsFromDeletion(value)
          ? []
          : [warn(field, `"${value}" does not protect; only "true" does`)];
      return protectsFromDeletion(value)
        ? [deny(field, 'deletion protection is on; remove the annotation to delete the site', 'Forbidden')]
        : [];
    },
  }),
  rule<FrappeSite>({
    id: 'S-DEL-2',
    kind: 'FrappeSite',
    operations: ['DELETE'],
    summary: 'Warning when deletionPolicy is Delete: the database and the site files are dropped.',
    check: ({ object: { spec } }) =>
      spec?.deletionPolicy === 'Delete'
        ? [warn('spec.deletionPolicy', 'Delete: the database and the site files will be dropped')]
        : [],
  }),
];
