import { describe, expect, it } from 'vitest';
import {
  benchLabelBoundNames,
  LABEL_LIMIT,
  MAX_BENCH_NAME_LENGTH,
  MAX_SITE_NAME_LENGTH,
  siteLabelBoundNames,
} from '../../../src/api/child-names.js';

describe('name budgets derived from the child catalogue', () => {
  it('bench: keda-hpa-<b>-worker-default (b + 24) is the longest derived name', () => {
    expect(MAX_BENCH_NAME_LENGTH).toBe(63 - 'keda-hpa--worker-default'.length);
    const longest = 'b'.repeat(MAX_BENCH_NAME_LENGTH);
    expect(Math.max(...benchLabelBoundNames(longest).map((n) => n.length))).toBe(LABEL_LIMIT);
    expect(benchLabelBoundNames(longest)).toContain(`keda-hpa-${longest}-worker-default`);
  });

  it('site: the dedicated MariaDB StatefulSet revision label (s + 19) is the longest', () => {
    expect(MAX_SITE_NAME_LENGTH).toBe(63 - '-mariadb-'.length - 10);
    const longest = 's'.repeat(MAX_SITE_NAME_LENGTH);
    expect(Math.max(...siteLabelBoundNames(longest).map((n) => n.length))).toBe(LABEL_LIMIT);
  });
});
