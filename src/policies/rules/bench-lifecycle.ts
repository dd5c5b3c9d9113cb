// Naming and deletion of a bench: B-NAME-1, B-DEL-1.
import { MAX_BENCH_NAME_LENGTH } from '../../api/child-names.js';
import type { FrappeBench } from '../../api/frappe-bench.js';
import { deny, rule } from '../rule.js';
import { DNS_1035_LABEL } from '../../api/dns-names.js';
import { checkObjectName } from './names.js';
import { namespaceOf } from '../../api/namespaces.js';

/** How many dependent sites a B-DEL-1 message names. */
const NAMED_SITES = 10;

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
    check: ({ object, namespace, view }) => {
      const { metadata } = object;
      const own = namespaceOf(object, namespace);
      const sites = view.sitesOfBench(own, metadata.name ?? '');
      if (sites.length === 0) return [];
      // Only sites of the bench's own namespace are named (a denial never names another tenant's).
      const names = sites
        .filter((site) => site.namespace === own)
        .slice(0, NAMED_SITES)
        .map((site) => site.name);
      const more = sites.length > names.length ? ` and ${sites.length - names.length} more` : '';
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
