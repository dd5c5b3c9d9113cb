// The generated schema validators run on every validating review. ajv stops at the first branch of
// an anyOf that passes, but with allErrors a failed branch first builds its error object and throws
// it away: an int-or-string quantity tried as an integer first cost a valid bench some 10 KB of
// garbage per validation. Measured in a fresh process of the build `npm test` makes, from the
// young generation's use around a batch of validations (no GC in between: 64 MiB semi-spaces).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../harness/paths.js';
import { stringBranchFirst } from '../../../scripts/validator-code.js';

/** Bytes a valid defaulted FrappeBench and FrappeSite cost the generated validators per validation. */
function garbagePerValidation(): Record<string, number> {
  const dist = join(projectRoot(), 'dist');
  const script = `
    const v8 = require('node:v8');
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;
    Promise.all([
      import(${JSON.stringify(join(dist, 'src/api/validation.js'))}),
      import(${JSON.stringify(join(dist, 'benchmarks/admission/reviews.js'))}),
    ]).then(([{ schemaErrors }, { scenarios }]) => {
      const perKind = {};
      for (const scenario of scenarios()) {
        const { object } = JSON.parse(scenario.body).request;
        const validate = () => schemaErrors(object.kind, object);
        for (let i = 0; i < 3000; i++) validate();
        const samples = [];
        for (let round = 0; round < 7; round++) {
          globalThis.gc({ type: 'minor' });
          const before = newSpace();
          for (let i = 0; i < 100; i++) validate();
          samples.push((newSpace() - before) / 100);
        }
        samples.sort((a, b) => a - b);
        perKind[object.kind] = Math.max(perKind[object.kind] ?? 0, samples[3]);
      }
      console.log(JSON.stringify(perKind));
    });`;
  const flags = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];
  return JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' })) as Record<
    string,
    number
  >;
}

describe('the generated validators', () => {
  it('try the string branch of an int-or-string first, and leave other unions alone', () => {
    const quantity = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    const other = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
    expect(stringBranchFirst({ properties: { cpu: quantity, other } })).toEqual({
      properties: {
        cpu: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'string' }, { type: 'integer' }] },
        other,
      },
    });
  });

  it('validate a valid bench and site without building error objects to throw away', () => {
    const garbage = garbagePerValidation();
    expect(Object.keys(garbage).sort()).toEqual(['FrappeBench', 'FrappeSite']);
    // A result array or two and the arguments of each call into a shared definition (some 80 bytes
    // each, scripts/validator-code.ts sharedDefinitions): 157-737 bytes here. One discarded ajv error
    // object with its paths is some 400 bytes; the integer-first order cost 27 of them.
    for (const bytes of Object.values(garbage)) expect(bytes).toBeLessThan(1024);
  });
});
