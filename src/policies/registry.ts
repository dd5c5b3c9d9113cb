// Every rule, in the order docs/rules.md lists them and violations are reported.
import { ADMITTED_KINDS, type AdmittedKind } from '../api/kinds.js';
import type { Rule } from './rule.js';
import { benchAppRules } from './rules/bench-apps.js';
import { benchAutoscalingRules } from './rules/bench-autoscaling.js';
import { benchLifecycleRules } from './rules/bench-lifecycle.js';
import { benchSpecRules } from './rules/bench-spec.js';
import { benchSecurityRules } from './rules/bench-security.js';
import { benchRedisRules } from './rules/bench-redis.js';
import { benchStorageRules } from './rules/bench-storage.js';
import { compatRules } from './rules/compat.js';
import { databaseRules } from './rules/database.js';
import { siteLifecycleRules } from './rules/site-lifecycle.js';
import { siteNameRules } from './rules/site-names.js';
import { siteIngressRules } from './rules/site-ingress.js';
import { siteRefRules } from './rules/site-refs.js';
import { siteRouteRules } from './rules/site-route.js';

export const RULES: readonly Rule<never>[] = [
  ...benchSpecRules,
  ...benchAppRules,
  ...benchLifecycleRules,
  ...benchAutoscalingRules,
  ...benchStorageRules,
  ...benchSecurityRules,
  ...siteNameRules,
  ...siteRefRules,
  ...siteIngressRules,
  ...databaseRules,
  ...siteLifecycleRules,
  ...benchRedisRules,
  ...siteRouteRules,
  ...compatRules,
] as readonly Rule<never>[];

const ID_ORDER = (id: string) => id.replace(/\d+$/, (n) => n.padStart(3, '0'));

const BY_KIND = new Map<AdmittedKind, readonly Rule<never>[]>(
  ADMITTED_KINDS.map((kind) => [
    kind,
    RULES.filter((r) => r.kind === kind).sort((a, b) => ID_ORDER(a.id).localeCompare(ID_ORDER(b.id))),
  ]),
);

/** Rules of a kind, ordered by id (B-APP-1 … B-VER-1), as documented and reported. */
export function rulesOf(kind: AdmittedKind): readonly Rule<never>[] {
  return BY_KIND.get(kind) ?? [];
}
