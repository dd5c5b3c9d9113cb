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

const isDigit = (code: number) => code >= 48 && code <= 57; // 0-9

/** Index after the digits starting at `from`. */
function skipDigits(text: string, from: number): number {
  let i = from;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The numeric value of a quantity (`500m` → 0.5, `1Gi` → 1073741824), or undefined when it does not
 * parse or overflows. The grammar is resource.Quantity's: a signed decimal number (`1`, `1.5`, `1.`,
 * `.5`), then a binary suffix (Ki…Ei), a decimal one (n u m k M G T P E) or an exponent (`e3`, `E-2`).
 * Scanned by hand: this runs for every quantity of every bench decision, and a regular expression
 * costs several times as much.
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const sign = text.charCodeAt(0);
  const start = sign === 43 || sign === 45 ? 1 : 0; // + or -
  const integerEnd = skipDigits(text, start);
  let end = integerEnd;
  if (text.charCodeAt(end) === 46) end = skipDigits(text, end + 1); // .
  // At least one digit, before or after the point.
  if (integerEnd === start && end <= integerEnd + 1) return undefined;
  const multiplier = multiplierOf(text, end);
  if (multiplier === undefined) return undefined;
  const result = Number(text.slice(0, end)) * multiplier;
  // `1e400` matches the grammar but is no size at all: Infinity would compare as larger than anything.
  return Number.isFinite(result) ? result : undefined;
}

/** The multiplier the suffix starting at `from` stands for: an SI suffix or a decimal exponent. */
function multiplierOf(text: string, from: number): number | undefined {
  const suffix = text.slice(from);
  if (Object.hasOwn(SUFFIXES, suffix)) return SUFFIXES[suffix];
  const e = text.charCodeAt(from);
  if (e !== 101 && e !== 69) return undefined; // e or E
  const sign = text.charCodeAt(from + 1);
  const digits = sign === 43 || sign === 45 ? from + 2 : from + 1;
  const end = skipDigits(text, digits);
  return end > digits && end === text.length ? 10 ** Number(text.slice(from + 1)) : undefined;
}
