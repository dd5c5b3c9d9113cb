// Minimal CRDs of the operators frappe-admission works with (KEDA, mariadb-operator), so tests
// and benchmarks can create their objects and play those operators by writing status. The schemas
// accept any spec: what our objects must look like is asserted by the tests, not by these stand-ins.
import type { CommandResult } from './control-plane.js';

/** Runs kubectl against the cluster: args, and what to write on its stdin. */
export type Kubectl = (args: string[], input?: string) => Promise<CommandResult>;

export interface ForeignKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

export const KEDA_KINDS: ForeignKind[] = [
  { group: 'keda.sh', version: 'v1alpha1', kind: 'ScaledObject', plural: 'scaledobjects' },
  { group: 'keda.sh', version: 'v1alpha1', kind: 'TriggerAuthentication', plural: 'triggerauthentications' },
];

export const MARIADB_KINDS: ForeignKind[] = ['MariaDB', 'Database', 'User', 'Grant'].map((kind) => ({
  group: 'k8s.mariadb.com',
  version: 'v1alpha1',
  kind,
  plural: `${kind.toLowerCase()}s`,
}));

function crd({ group, version, kind, plural }: ForeignKind): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

const list = (kinds: ForeignKind[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: kinds.map(crd) });

export async function installForeignCrds(kubectl: Kubectl, kinds: ForeignKind[]): Promise<void> {
  const applied = await kubectl(['apply', '-f', '-'], list(kinds));
  if (applied.code !== 0) throw new Error(applied.stderr);
  const names = kinds.map((k) => `crd/${k.plural}.${k.group}`);
  const waited = await kubectl(['wait', '--for=condition=Established', '--timeout=30s', ...names]);
  if (waited.code !== 0) throw new Error(waited.stderr);
}

export async function removeForeignCrds(kubectl: Kubectl, kinds: ForeignKind[]): Promise<void> {
  await kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], list(kinds));
}
