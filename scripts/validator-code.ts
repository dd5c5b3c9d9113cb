// The webhooks' schema validators as code, generated ahead of time (npm run docs writes it to
// src/api/schema-validators.generated.ts; a test fails when it is stale): ajv's standalone output
// for the closed schema of each kind and for the AdmissionReview envelope. Compiling them in every
// process at start cost 8–12 MiB of RSS that stayed (ajv's code generation and its garbage), for
// the same functions.
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { ADMISSION_REVIEW_ENVELOPE, ENVELOPE_SCHEMA } from '../src/api/admission-review-schema.js';
import { KINDS, rootSchema } from '../src/api/crds.js';
import { closeSchema } from '../src/api/openapi.js';
import { isObject, type JsonObject } from '../src/api/json.js';

/**
 * The options every validator is generated with: errors carry the offending value (`verbose`), and
 * every `$ref` stays a function of its own (`inlineRefs: false`, see sharedDefinitions).
 */
export const VALIDATOR_OPTIONS = {
  allErrors: true,
  strict: false,
  validateFormats: false,
  verbose: true,
  inlineRefs: false,
};

/**
 * The schema with every int-or-string union trying its string branch first. ajv stops at the first
 * branch that passes, but with allErrors a failed branch first builds its error object (paths,
 * message, params) and throws it away: quantities are mostly strings, so the integer-first order of
 * the CRD made a valid bench cost 27 such objects, 10 KB of garbage per validation.
 */
export function stringBranchFirst(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stringBranchFirst);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) out[key] = stringBranchFirst(value);
  const branches = out.anyOf;
  if (schema['x-kubernetes-int-or-string'] === true && Array.isArray(branches)) {
    const isString = (branch: unknown) => isObject(branch) && branch.type === 'string';
    out.anyOf = [...branches.filter(isString), ...branches.filter((b) => !isString(b))];
  }
  return out;
}

/** The inline size (JSON characters, with its hoisted parts as references) from which a subschema becomes a function. */
const FUNCTION_SCHEMA_CHARS = 1024;

/**
 * The schema with its larger subschemas moved into `$defs` and referenced: bottom up, every
 * subschema whose own JSON (its hoisted parts counted as references) reaches FUNCTION_SCHEMA_CHARS,
 * once per distinct shape (descriptions dropped: they never change what is valid). ajv generates a
 * function per definition (`inlineRefs: false`), so no function grows past what V8's optimizing
 * compiler takes: inlined, the bench's validator was one function of 290 KB of source, over
 * TurboFan's bytecode limit. Small subschemas stay inline: each call of a definition allocates its
 * arguments (the instance path among them) on every validation.
 */
export function sharedDefinitions(root: JsonObject): JsonObject {
  const definitions: JsonObject = {};
  const nameOf = new Map<string, string>();
  const visit = (schema: unknown, isRoot: boolean): unknown => {
    if (Array.isArray(schema)) return schema.map((item) => visit(item, false));
    if (!isObject(schema)) return schema;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'description') continue;
      // Under `properties` the keys are field names, not keywords: each value is a schema.
      out[key] =
        key === 'properties' && isObject(value)
          ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, visit(sub, false)]))
          : visit(value, false);
    }
    const shape = JSON.stringify(out);
    if (isRoot || shape.length < FUNCTION_SCHEMA_CHARS) return out;
    let name = nameOf.get(shape);
    if (name === undefined) {
      name = `s${nameOf.size}`;
      nameOf.set(shape, name);
      definitions[name] = out;
    }
    return { $ref: `#/$defs/${name}` };
  };
  return { ...(visit(root, true) as JsonObject), $defs: definitions };
}

/** The schema a kind's generated validator is compiled from. */
export function validatorSchema(info: (typeof KINDS)[number]): JsonObject {
  return sharedDefinitions(stringBranchFirst(closeSchema(rootSchema(info))) as JsonObject);
}

/** The module's source: one exported validator per kind, named after it, and the review envelope's. */
export function renderValidatorModule(): string {
  const ajv = new Ajv({ ...VALIDATOR_OPTIONS, code: { source: true, esm: true } });
  for (const info of KINDS) ajv.addSchema(validatorSchema(info), info.kind);
  ajv.addSchema(ENVELOPE_SCHEMA, ADMISSION_REVIEW_ENVELOPE);
  const names = [...KINDS.map((info) => info.kind), ADMISSION_REVIEW_ENVELOPE];
  let code = standaloneCode.default(ajv, Object.fromEntries(names.map((name) => [name, name])));
  // ajv's ESM output still calls require() for its runtime helpers: make them imports.
  const helpers = [
    ...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1] as string)),
  ];
  helpers.forEach((helper, i) => (code = code.replaceAll(`require("${helper}")`, `helper${i}`)));
  return [
    '// Generated by `npm run docs` (scripts/validator-code.ts) from the CRD schemas: do not edit.',
    '// @ts-nocheck',
    '/* eslint-disable */',
    // A CommonJS module with `exports.default`: Node's import gives module.exports, vitest's the function.
    ...helpers.flatMap((helper, i) => [
      `import helper${i}Import from '${helper}.js';`,
      `const helper${i} = { default: typeof helper${i}Import === 'function' ? helper${i}Import : helper${i}Import.default };`,
    ]),
    code,
    '',
  ].join('\n');
}
