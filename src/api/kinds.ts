// The one registry of the kinds this operator serves: their names, group/version, REST paths and
// webhook paths. CRDs, schema validators, webhook routes and configurations, informers, the CLI
// and the benchmarks all read them from here, so a kind is spelt in one place.
import { API_GROUP, API_VERSION, GROUP_VERSION } from './values.js';

export const ADMITTED_KINDS = ['FrappeBench', 'FrappeSite'] as const;

/** A kind the webhooks admit and the rules judge. */
export type AdmittedKind = (typeof ADMITTED_KINDS)[number];

/** The two webhooks of each kind: defaulting (mutate) and validation. */
export const WEBHOOK_KINDS = ['mutate', 'validate'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export interface KindNames {
  kind: AdmittedKind;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  group: string;
  version: string;
  /** `vyogo.tech/v1alpha1` */
  apiVersion: string;
  /** All objects of the kind, in every namespace: `/apis/vyogo.tech/v1alpha1/frappebenches`. */
  collectionPath: string;
  /** The webhooks' HTTP paths, as API.md §7 names them. */
  webhookPaths: Record<WebhookKind, string>;
}

function kindNames(kind: AdmittedKind, plural: string, shortName: string): KindNames {
  const singular = kind.toLowerCase();
  const pathOf = (webhook: WebhookKind) =>
    `/${webhook}-${API_GROUP.replaceAll('.', '-')}-${API_VERSION}-${singular}`;
  return {
    kind,
    listKind: `${kind}List`,
    plural,
    singular,
    shortNames: [shortName],
    group: API_GROUP,
    version: API_VERSION,
    apiVersion: GROUP_VERSION,
    collectionPath: `/apis/${GROUP_VERSION}/${plural}`,
    webhookPaths: { mutate: pathOf('mutate'), validate: pathOf('validate') },
  };
}

export const KIND_NAMES: Readonly<Record<AdmittedKind, KindNames>> = {
  FrappeBench: kindNames('FrappeBench', 'frappebenches', 'fb'),
  FrappeSite: kindNames('FrappeSite', 'frappesites', 'fs'),
};

export function isAdmittedKind(kind: unknown): kind is AdmittedKind {
  return (ADMITTED_KINDS as readonly unknown[]).includes(kind);
}

/** The objects of a kind in one namespace: `/apis/vyogo.tech/v1alpha1/namespaces/ns/frappesites`. */
export function namespacedCollectionPath(kind: AdmittedKind, namespace: string): string {
  return `/apis/${GROUP_VERSION}/namespaces/${namespace}/${KIND_NAMES[kind].plural}`;
}

/** Every webhook route: its path, which webhook and which kind. */
export const WEBHOOK_ROUTES: readonly { path: string; webhook: WebhookKind; kind: AdmittedKind }[] =
  WEBHOOK_KINDS.flatMap((webhook) =>
    ADMITTED_KINDS.map((kind) => ({ path: KIND_NAMES[kind].webhookPaths[webhook], webhook, kind })),
  );
