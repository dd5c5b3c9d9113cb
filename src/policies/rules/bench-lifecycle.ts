// Naming and deletion of a bench: B-NAME-1, B-DEL-1.
import { MAX_BENCH_NAME_LENGTH } from '../../api/child-names.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import { deny, rule } from '../rule.js';
import { checkObjectName } from './names.js';

/** How many dependent sites a B-DEL-1 message names. */
const NAMED_SITES = 10;

export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const benchLifecycleRules = [
  rule<FrappeBench>({
    id: 'B-NAME-1',
    kind: 'FrappeBench',
    operations: ['CREATE'],
    summary:
      `metadata.name is a DNS-1035 label of at most ${MAX_BENCH_NAME_LENGTH} characters, so every derived name ` +
      `(children, KEDA's keda-hpa-<scaledobject>, StatefulSet revision labels) stays within 63.`,
    check: ({ object: { metadata } }) =>
      checkObjectName(
        metadata,
        MAX_BENCH_NAME_LENGTH,
        DNS_1035_LABEL,
        'a DNS-1035 label (a-z, 0-9, -; starts with a letter)',
      ),
  }),
  rule<FrappeBench>({
    id: 'B-DEL-1',
    kind: 'FrappeBench',
    operations: ['DELETE'],
    summary: `A bench cannot be deleted while FrappeSites reference it (the message names up to ${NAMED_SITES}).`,
    check: ({ object: { metadata }, namespace, view }) => {
      const sites = view.sitesOfBench(metadata.namespace || namespace, metadata.name ?? '');
      if (sites.length === 0) return [];
      const names = sites.slice(0, NAMED_SITES).map((s) => s.metadata.name);
      const more = sites.length > NAMED_SITES ? ` and ${sites.length - NAMED_SITES} more` : '';
      return [
        deny(
          'metadata.name',
          `bench still hosts ${sites.length} FrappeSite(s): ${names.join(', ')}${more}; delete them first`,
          'Forbidden',
        ),
      ];
    },
  }),
];
