// The sites volume: B-STO-1 … B-STO-5.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { parseQuantity } from '../../api/quantity.js';
import { CREATE_UPDATE, deny, rule, warn, type Finding } from '../rule.js';

export const benchStorageRules = [
  rule<FrappeBench>({
    id: 'B-STO-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    cel: true,
    summary: 'storageSize is a quantity greater than 0; on update it never decreases (volumes only grow).',
    check: ({ object: { spec }, oldObject }) => {
      if (spec.storageSize === undefined) return [];
      const size = parseQuantity(spec.storageSize);
      if (size === undefined || size <= 0) {
        return [
          deny('spec.storageSize', `must be a size greater than 0 such as 10Gi, got ${spec.storageSize}`),
        ];
      }
      const before = oldObject?.spec.storageSize;
      const previous = parseQuantity(before);
      if (previous !== undefined && size < previous) {
        return [
          deny(
            'spec.storageSize',
            `cannot shrink from ${before} to ${spec.storageSize}; volumes only grow`,
            'Forbidden',
          ),
        ];
      }
      return [];
    },
  }),
  rule<FrappeBench>({
    id: 'B-STO-2',
    kind: 'FrappeBench',
    operations: ['UPDATE'],
    cel: true,
    summary: 'storageClassName and storageAccessMode are immutable once set.',
    check: ({ object: { spec }, oldObject }) =>
      (['storageClassName', 'storageAccessMode'] as const).flatMap((field): Finding[] => {
        const before = oldObject?.spec[field];
        if (before === undefined || spec[field] === before) return [];
        return [
          deny(
            `spec.${field}`,
            `is immutable once set (was ${before}); create a new bench instead`,
            'Forbidden',
          ),
        ];
      }),
  }),
  rule<FrappeBench>({
    id: 'B-STO-3',
    kind: 'FrappeBench',
    operations: ['CREATE'],
    summary: 'storageClassName names an existing StorageClass (a warning when classes cannot be looked up).',
    check: ({ object: { spec }, view }) => {
      const name = spec.storageClassName;
      if (!name) return [];
      if (!view.storageClassesKnown()) {
        return [warn('spec.storageClassName', `StorageClass ${name} could not be looked up`)];
      }
      return view.storageClass(name)
        ? []
        : [deny('spec.storageClassName', `StorageClass ${name} does not exist`, 'NotSupported')];
    },
  }),
  rule<FrappeBench>({
    id: 'B-STO-4',
    kind: 'FrappeBench',
    operations: ['CREATE'],
    summary: 'Warning: with ReadWriteOnce all bench pods share the sites volume and so must run on one node.',
    check: ({ object: { spec } }) =>
      spec.storageAccessMode === 'ReadWriteOnce'
        ? [warn('spec.storageAccessMode', 'ReadWriteOnce: all bench pods must run on one node')]
        : [],
  }),
  rule<FrappeBench>({
    id: 'B-STO-5',
    kind: 'FrappeBench',
    operations: ['CREATE'],
    summary: 'Warning: no storageClassName and no default StorageClass; the sites volume stays Pending.',
    check: ({ object: { spec } }) =>
      spec.storageClassName
        ? []
        : [warn('spec.storageClassName', 'no class and no cluster default: the volume stays Pending')],
  }),
];
