import { describe, expect, it } from 'vitest';
import { callgrindTotals, perRequest } from '../../benchmarks/lib/callgrind.js';

const run = (totals: string, events = 'Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw') =>
  `# callgrind format\nversion: 1\ncreator: callgrind-3.24.0\npid: 42\ncmd: node serve\npart: 1\n\npositions: line\nevents: ${events}\nsummary: ${totals}\n\nfl=(1) node\nfn=(1) main\n0 1 2 3\n\ntotals: ${totals}\n`;

describe('callgrind output', () => {
  it('reads the totals of every event by name', () => {
    expect(callgrindTotals(run('1000 400 200 5 30 10 1 4 2'))).toEqual({
      Ir: 1000,
      Dr: 400,
      Dw: 200,
      I1mr: 5,
      D1mr: 30,
      D1mw: 10,
      ILmr: 1,
      DLmr: 4,
      DLmw: 2,
    });
    expect(callgrindTotals(run('123456', 'Ir'))).toEqual({ Ir: 123456 });
  });

  it('counts mispredicted branches into the estimate when branches were simulated', () => {
    const events = 'Ir Bc Bcm Bi Bim';
    const window = callgrindTotals(run('1000 100 20 50 10', events));
    // One request: Ir 1000, branch misses 20 + 10 = 30.
    expect(perRequest(window, 1)).toMatchObject({ branchMisses: 30, estimatedCycles: 1000 + 300 });
  });

  it('refuses a file without totals or with totals that do not match the events', () => {
    expect(() => callgrindTotals('events: Ir\n')).toThrow(/no events: or totals: line/);
    expect(() => callgrindTotals(run('1 2', 'Ir'))).toThrow(/do not match/);
  });

  it('gives the cost of one request of a counted window, with the cycle estimate', () => {
    const window = callgrindTotals(run('2000 0 0 10 40 20 2 4 2'));
    // Over 2 requests: Ir 1000, L1 misses (10 + 40 + 20) / 2 = 35, LL misses (2 + 4 + 2) / 2 = 4.
    expect(perRequest(window, 2)).toEqual({
      instructions: 1000,
      branchMisses: 0,
      l1Misses: 35,
      llMisses: 4,
      estimatedCycles: 1000 + 350 + 400,
    });
    // Without the simulation only instructions count.
    expect(perRequest({ Ir: 20 }, 4)).toEqual({
      instructions: 5,
      branchMisses: 0,
      l1Misses: 0,
      llMisses: 0,
      estimatedCycles: 5,
    });
  });
});
