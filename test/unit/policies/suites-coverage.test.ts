// The shipped policy suites pass and cover every rule both ways. A rule's own cases are those
// whose name mentions its id ("B-STO-1 storage may grow" is written to show where B-STO-1 stops);
// among them there must be one where the rule fires and one allowed case, of the rule's kind and
// operations, where it stays silent (neither denies nor warns). An allowed case that never comes
// near the rule (the minimal bench, for B-AS-3) does not count as its silent case: it would pass
// for a rule that fires at its own boundary, such as a request equal to its limit for B-RES-1.
import { describe, expect, it } from 'vitest';
import { runSuites, type CaseOutcome } from '../../../src/cli/suites.js';
import { operatorConfig } from '../../../src/defaults/config.js';
import { RULES } from '../../../src/policies/registry.js';

/** Rule ids that denied or warned in a case. */
const fired = ({ result }: CaseOutcome) => [
  ...(result?.validation.violations.map((v) => v.rule) ?? []),
  ...[...(result?.mutation.warnings ?? []), ...(result?.validation.warnings ?? [])].map((w) => w.rule),
];

/** Whether a case name mentions the id as a whole (B-APP-1 is not B-APP-10 nor XB-APP-1). */
const namesRule = (caseName: string, id: string) => new RegExp(`(?<![A-Z0-9-])${id}(?![0-9])`).test(caseName);

describe('policy suites (test/policies)', async () => {
  const config = operatorConfig();
  const outcomes = await runSuites('test/policies', { config });

  it('all pass', () => {
    expect(outcomes.length).toBeGreaterThan(50);
    expect(
      outcomes.filter((o) => o.failures.length > 0).map((o) => `${o.name}: ${o.failures.join('; ')}`),
    ).toEqual([]);
  });

  it('a case name mentions a rule id as a whole', () => {
    expect(namesRule('S-DEL-1/S-DEL-2 an unprotected site', 'S-DEL-2')).toBe(true);
    expect(namesRule('B-APP-10 something', 'B-APP-1')).toBe(false);
    expect(namesRule('XB-APP-1 something', 'B-APP-1')).toBe(false);
  });

  it.each(RULES.map((r) => [r.id, r]))(
    '%s has a case of its own where it fires and an allowed one where it is silent',
    (id, rule) => {
      const own = outcomes.filter((o) => namesRule(o.name, id));
      expect(
        own.filter((o) => fired(o).includes(id)).map((o) => o.name),
        `no case named for ${id} where it fires`,
      ).not.toEqual([]);
      const silent = own.filter(({ result }) => {
        if (!result?.validation.allowed || result.kind !== rule.kind) return false;
        return rule.operations.includes(result.operation);
      });
      expect(
        silent.filter((o) => !fired(o).includes(id)).map((o) => o.name),
        `no allowed case named for ${id} where it is silent`,
      ).not.toEqual([]);
    },
  );
});
