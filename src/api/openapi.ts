// Turns the TypeBox definitions into Kubernetes structural OpenAPI v3 schemas: records become
// additionalProperties, literal unions become enums, preserve-unknown-fields nodes stay open.
// The CRDs and the ajv validators are both built from this one output.

import { isObject } from './json.js';

type Schema = Record<string, unknown>;

const isSchema = isObject;

/** A plain JSON copy of a TypeBox schema (TypeBox marks nodes with symbol keys). */
function plain(schema: unknown): Schema {
  return JSON.parse(JSON.stringify(schema)) as Schema;
}

function literalUnion(node: Schema): Schema | undefined {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || !branches.every((b) => isSchema(b) && 'const' in b)) return undefined;
  const { anyOf: _anyOf, ...rest } = node;
  const types = new Set(branches.map((b) => (b as Schema).type));
  return { type: [...types][0], ...rest, enum: branches.map((b) => (b as Schema).const) };
}

function convert(node: Schema): Schema {
  const union = literalUnion(node);
  if (union) return union;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'const') out.enum = [value];
    else if (key === 'patternProperties' && isSchema(value)) {
      const [only] = Object.values(value);
      if (!node['x-kubernetes-preserve-unknown-fields'] && isSchema(only))
        out.additionalProperties = convert(only);
    } else if (key === 'properties' && isSchema(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v as Schema)]));
    } else if ((key === 'items' || key === 'additionalProperties') && isSchema(value)) {
      out[key] = convert(value);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((v) => convert(v as Schema));
    } else {
      out[key] = value;
    }
  }
  if (out.type === 'object' && out.additionalProperties === false) delete out.additionalProperties;
  return out;
}

/** The structural schema Kubernetes accepts for a TypeBox definition. */
export function toStructuralSchema(typebox: unknown): Schema {
  return convert(plain(typebox));
}

/**
 * The same schema closed for offline validation: unknown fields are errors (as with kubectl's
 * --validate=strict), except below x-kubernetes-preserve-unknown-fields.
 */
export function closeSchema(structural: Schema): Schema {
  const out: Schema = { ...structural };
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, v]) => [k, closeSchema(v as Schema)]),
    );
    if (!out['x-kubernetes-preserve-unknown-fields'] && out.additionalProperties === undefined) {
      out.additionalProperties = false;
    }
  }
  if (isSchema(out.items)) out.items = closeSchema(out.items);
  if (isSchema(out.additionalProperties)) out.additionalProperties = closeSchema(out.additionalProperties);
  return out;
}
