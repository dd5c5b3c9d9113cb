// The generated validators are compiled from each kind's schema with its larger subschemas moved
// into shared definitions (scripts/validator-code.ts sharedDefinitions): they must judge every
// object exactly as the schema written inline does, error for error.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../benchmarks/admission/reviews.js';
import { sharedDefinitions, stringBranchFirst, VALIDATOR_OPTIONS } from '../../../scripts/validator-code.js';
import { KINDS, rootSchema } from '../../../src/api/crds.js';
import { isObject, type JsonObject } from '../../../src/api/json.js';
import { closeSchema } from '../../../src/api/openapi.js';
import * as GENERATED from '../../../src/api/schema-validators.generated.js';

type Json = unknown;

/** The object with one change at each place: each value of the wrong type, each field removed, an unknown field in each object. */
function variants(value: Json): Json[] {
  const wrong = (v: Json): Json =>
    typeof v === 'string'
      ? 12345
      : Array.isArray(v)
        ? { not: 'a list' }
        : isObject(v)
          ? 'not an object'
          : 'x';
  const out: Json[] = [wrong(value)];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      for (const changed of variants(item)) out.push(value.map((v, j) => (j === i ? changed : v)));
    });
  } else if (isObject(value)) {
    out.push({ ...value, zzUnknownField: 1 });
    for (const [key, item] of Object.entries(value)) {
      const { [key]: _removed, ...without } = value;
      out.push(without);
      for (const changed of variants(item)) out.push({ ...value, [key]: changed });
    }
  }
  return out;
}

/** An error as users see it: where, which keyword, with what, saying what (not where in the schema). */
const seen = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => JSON.stringify([e.instancePath, e.keyword, e.params, e.message, e.data])).sort();

describe('the shared definitions of the generated validators', () => {
  it('judge every variant of the benchmark objects as the inline schema does', () => {
    const ajv = new Ajv(VALIDATOR_OPTIONS);
    const generated = GENERATED as unknown as Record<string, ValidateFunction>;
    let compared = 0;
    let invalid = 0;
    for (const scenario of scenarios()) {
      const { object } = JSON.parse(scenario.body).request as { object: JsonObject };
      const info = KINDS.find((k) => k.kind === object.kind);
      if (!info) throw new Error(`unknown kind ${String(object.kind)}`);
      const inline = ajv.compile(stringBranchFirst(closeSchema(rootSchema(info))) as JsonObject);
      const shared = generated[info.kind] as ValidateFunction;
      for (const variant of [object, ...variants(object)]) {
        const verdict = inline(variant);
        expect(shared(variant)).toBe(verdict);
        expect(seen(shared.errors)).toEqual(seen(inline.errors));
        compared++;
        if (!verdict) invalid++;
      }
    }
    // Some 2,000 objects, hundreds invalid in one place each (removing an optional field or
    // changing free-form metadata leaves an object valid).
    expect(compared).toBeGreaterThan(1500);
    expect(invalid).toBeGreaterThan(250);
  });

  it('move a large subschema into $defs once per shape, without descriptions, and keep small ones inline', () => {
    const large = (description: string) => ({
      type: 'object',
      description,
      properties: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`field${i}`, { type: 'string', maxLength: 253 }]),
      ),
    });
    const small = { type: 'object', description: 'kept', properties: { name: { type: 'string' } } };
    const out = sharedDefinitions({
      type: 'object',
      properties: { first: large('one'), second: large('two'), small },
    });
    const props = out.properties as JsonObject;
    expect(props.first).toEqual({ $ref: '#/$defs/s0' });
    expect(props.second).toEqual({ $ref: '#/$defs/s0' });
    expect(props.small).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
    const { description: _d, ...withoutDescription } = large('one');
    expect(out.$defs).toEqual({ s0: withoutDescription });
  });
});
