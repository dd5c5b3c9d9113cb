// The operator config's keys are described once (CONFIG_KEYS); the chart's values.schema.json is
// checked against what the operator itself accepts.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEY_NAMES, CONFIG_KEYS, operatorConfigFrom } from '../../../src/defaults/config-document.js';
import { operatorConfig } from '../../../src/defaults/config.js';
import { VALUES_SCHEMA } from '../../../scripts/generate.js';

interface Schema {
  type?: string;
  properties: Record<string, Schema>;
}
const chartConfig = () =>
  (JSON.parse(readFileSync(VALUES_SCHEMA, 'utf8')) as Schema).properties.config as Schema;

const accepts = (document: unknown) => {
  try {
    operatorConfigFrom(document);
    return true;
  } catch {
    return false;
  }
};

describe('the operator config keys', () => {
  it('describe every setting of OperatorConfig but the profile’s resources', () => {
    const { resources: _resources, ...settings } = operatorConfig('production', {
      storageClassName: 'x',
      ingressClassName: 'x',
      tlsIssuer: 'x',
    });
    expect([...CONFIG_KEY_NAMES].sort()).toEqual(Object.keys(settings).sort());
  });

  it("are the keys of the chart's values.schema.json config, with the same types", () => {
    const chart = chartConfig().properties;
    expect(
      Object.keys(chart).filter((key) => !CONFIG_KEY_NAMES.includes(key as never)),
      'in values.schema.json, unknown to the operator',
    ).toEqual([]);
    expect(
      CONFIG_KEY_NAMES.filter((key) => !(key in chart)),
      'known to the operator, missing from values.schema.json',
    ).toEqual([]);
    for (const key of CONFIG_KEY_NAMES)
      expect(chart[key]?.type, `type of ${key}`).toBe(CONFIG_KEYS[key].type.schema.type);
  });

  // Values of every JSON type, each tried on every key: Helm's schema check and the operator's
  // loader must agree (a value one accepts and the other rejects breaks an install or a start).
  // Not sampled: what JSON Schema cannot say (a size of 0, jobRetryMaxSeconds below the base), which
  // only the loader rejects, when `serve` starts.
  const SAMPLES: unknown[] = [
    42,
    0,
    -1,
    1.5,
    'small',
    'nginx',
    'Not A Name',
    '',
    '20Gi',
    true,
    [],
    ['databases'],
    [''],
    ['Bad NS'],
    { name: 'db' },
    { name: 'db', namespace: 'data' },
    { namespace: 'data' },
    {},
    null,
  ];

  it("accepts in values.schema.json exactly the values the operator's loader accepts", () => {
    const validate = new Ajv({ strict: false }).compile(chartConfig());
    const disagreements: string[] = [];
    for (const key of CONFIG_KEY_NAMES)
      for (const value of SAMPLES) {
        const document = { [key]: value };
        if (validate(document) !== accepts(document))
          disagreements.push(`${key}: ${JSON.stringify(value)} (schema ${validate(document)})`);
      }
    expect(disagreements).toEqual([]);
  });
});
