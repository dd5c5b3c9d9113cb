// Kubernetes resource.Quantity parsing, enough to compare quantities as numbers (B-RES-1,
// B-STO-1, default limits raised to a user's request). Not a full arbitrary-precision type.
/** The decimal suffixes' multipliers by character code (n u m k M G T P E). */
const DECIMAL_SUFFIXES = new Map<number, number>([
  [110, 1e-9], // n
  [117, 1e-6], // u
  [109, 1e-3], // m
  [107, 1e3], // k
  [77, 1e6], // M
  [71, 1e9], // G
  [84, 1e12], // T
  [80, 1e15], // P
  [69, 1e18], // E
]);
/** The binary suffixes' multipliers by the code of their first character (Ki Mi Gi Ti Pi Ei). */
const BINARY_SUFFIXES = new Map<number, number>([
  [75, 2 ** 10], // K
  [77, 2 ** 20], // M
  [71, 2 ** 30], // G
  [84, 2 ** 40], // T
  [80, 2 ** 50], // P
  [69, 2 ** 60], // E
]);
/** Digits a double holds exactly (2^53 has 16): up to here the scanner sums them itself. */
const EXACT_DIGITS = 15;

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
 * Scanned by hand and without building strings for the common forms (an integer and a suffix): this
 * runs for every quantity of every bench decision.
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
  const result = numberBefore(text, start, integerEnd, end) * multiplier;
  // `1e400` matches the grammar but is no size at all: Infinity would compare as larger than anything.
  return Number.isFinite(result) ? result : undefined;
}

/** The signed number text[0, end); its integer digits are text[digits, integerEnd). */
function numberBefore(text: string, digits: number, integerEnd: number, end: number): number {
  if (end !== integerEnd || integerEnd - digits > EXACT_DIGITS) {
    return end === text.length ? Number(text) : Number(text.slice(0, end)); // a fraction, or long
  }
  let sum = 0;
  for (let i = digits; i < end; i++) sum = sum * 10 + (text.charCodeAt(i) - 48);
  return text.charCodeAt(0) === 45 ? -sum : sum;
}

/** The multiplier the suffix starting at `from` stands for: an SI suffix or a decimal exponent. */
function multiplierOf(text: string, from: number): number | undefined {
  const left = text.length - from;
  if (left === 0) return 1;
  const first = text.charCodeAt(from);
  if (left === 1 && DECIMAL_SUFFIXES.has(first)) return DECIMAL_SUFFIXES.get(first);
  if (left === 2 && text.charCodeAt(from + 1) === 105 && BINARY_SUFFIXES.has(first)) {
    return BINARY_SUFFIXES.get(first); // Ki Mi Gi Ti Pi Ei
  }
  if (first !== 101 && first !== 69) return undefined; // e or E
  const sign = text.charCodeAt(from + 1);
  const digits = sign === 43 || sign === 45 ? from + 2 : from + 1;
  const end = skipDigits(text, digits);
  return end > digits && end === text.length ? 10 ** Number(text.slice(from + 1)) : undefined;
}
