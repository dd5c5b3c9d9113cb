// The shipped policy suites pass and cover every rule: each id fires in some case, and for each
// rule some allowed case of its kind and operations runs it without it firing.
import { describe, expect, it } from 'vitest';
import { staticClusterView } from '../../../src/api/static-cluster-view.js';
import { runSuites } from '../../../src/cli/suites.js';
import { operatorConfig } from '../../../src/defaults/config.js';
import { admissionContext } from '../../../src/policies/admit.js';
import { RULES } from '../../../src/policies/registry.js';

describe('policy suites (test/policies)', async () => {
  const { config, schemas } = admissionContext(staticClusterView([]), operatorConfig());
  const outcomes = await runSuites('test/policies', { config, schemas });
  const fired = (o: (typeof outcomes)[number]) => [
    ...(o.result?.validation.violations.map((v) => v.rule) ?? []),
    ...(o.result?.validation.warnings.map((w) => w.rule) ?? []),
  ];

  it('all pass', () => {
    expect(outcomes.length).toBeGreaterThan(50);
    expect(
      outcomes.filter((o) => o.failures.length > 0).map((o) => `${o.name}: ${o.failures.join('; ')}`),
    ).toEqual([]);
  });

  it.each(RULES.map((r) => [r.id, r]))('%s fires in a case and stays quiet in an allowed one', (id, rule) => {
    expect(
      outcomes.some((o) => fired(o).includes(id)),
      `${id} never fires`,
    ).toBe(true);
    const quiet = outcomes.some((o) => {
      const r = o.result;
      if (!r || !r.validation.allowed || r.kind !== rule.kind || !rule.operations.includes(r.operation))
        return false;
      return !fired(o).includes(id);
    });
    expect(quiet, `${id} has no allowing case`).toBe(true);
  });
});
