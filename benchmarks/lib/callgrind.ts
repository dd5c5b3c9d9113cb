// Reading callgrind's output: the event totals of a run, and what they mean per request.

/** callgrind's event totals of one run: Ir, and with the simulations I1mr, D1mr, ILmr, …, Bcm, Bim. */
export type CallgrindEvents = Record<string, number>;

/** The `events:` and `totals:` lines of a callgrind output file, as one record. */
export function callgrindTotals(text: string): CallgrindEvents {
  const names = /^events: (.+)$/m.exec(text)?.[1]?.trim().split(/\s+/);
  const totals = /^totals: (.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (!names || !totals) throw new Error('no events: or totals: line');
  if (names.length !== totals.length || totals.some((n) => !Number.isFinite(n))) {
    throw new Error(`events (${names.join(' ')}) and totals (${totals.join(' ')}) do not match`);
  }
  return Object.fromEntries(names.map((name, i) => [name, totals[i] as number]));
}

export interface CostFigures {
  instructions: number;
  /** Mispredicted conditional and indirect branches (callgrind's branch simulation). */
  branchMisses: number;
  /** Instruction fetch, data read and data write misses of the first-level caches. */
  l1Misses: number;
  /** The same at the last level: what goes to memory. */
  llMisses: number;
  /** callgrind_annotate's cycle estimate: Ir + 10 × branch misses + 10 × L1 misses + 100 × LL misses. */
  estimatedCycles: number;
}

const sum = (events: CallgrindEvents, names: string[]) =>
  names.reduce((total, name) => total + (events[name] ?? 0), 0);

/** The events of a counted window / its requests, for each figure: the cost of one request. */
export function perRequest(window: CallgrindEvents, requests: number): CostFigures {
  const delta = (names: string[]) => sum(window, names) / requests;
  const instructions = delta(['Ir']);
  const branchMisses = delta(['Bcm', 'Bim']);
  const l1Misses = delta(['I1mr', 'D1mr', 'D1mw']);
  const llMisses = delta(['ILmr', 'DLmr', 'DLmw']);
  return {
    instructions,
    branchMisses,
    l1Misses,
    llMisses,
    estimatedCycles: instructions + 10 * branchMisses + 10 * l1Misses + 100 * llMisses,
  };
}
