// Kubernetes resource.Quantity parsing, enough to compare quantities as numbers (B-RES-1,
// B-STO-1, default limits raised to a user's request). Not a full arbitrary-precision type.
const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|)|[eE]([+-]?\d+))$/;

/** The numeric value of a quantity (`500m` → 0.5, `1Gi` → 1073741824), or undefined when it does not parse or overflows. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, number, suffix, exponent] = match;
  const multiplier = exponent !== undefined ? 10 ** Number(exponent) : SUFFIXES[suffix ?? ''];
  if (multiplier === undefined) return undefined;
  const result = Number(number) * multiplier;
  // `1e400` matches the grammar but is no size at all: Infinity would compare as larger than anything.
  return Number.isFinite(result) ? result : undefined;
}
