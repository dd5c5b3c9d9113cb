// serve's batched log destination: lines come out whole, in order, in few writes, and none is
// left behind by a flush (logger.flush() on shutdown) or by the delay.
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchedLines } from '../../../src/webhooks/log-lines.js';

afterEach(() => vi.useRealTimers());

function sink() {
  const writes: string[] = [];
  return { writes, write: (chunk: string) => void writes.push(chunk) };
}

describe('BatchedLines', () => {
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('writes once per maxPendingChars, in order, nothing split, never inside write()', async () => {
    const out = sink();
    const lines = new BatchedLines(out, { maxPendingChars: 100, maxDelayMs: 60_000 });
    const written = Array.from({ length: 30 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(20)}"}\n`);
    for (const [i, line] of written.entries()) {
      lines.write(line);
      // A full batch is written on the next turn of the event loop, after the response it delays.
      expect(out.writes).toHaveLength(Math.floor(i / 3));
      if (i % 3 === 2) await nextTurn();
    }
    // 34-character lines: the third of each batch reaches 100 characters and writes the batch.
    expect(out.writes).toHaveLength(10);
    expect(out.writes.every((chunk) => chunk.split('\n').length === 4)).toBe(true);
    lines.write(written[0] as string);
    lines.flush();
    expect(out.writes.join('')).toBe(written.join('') + written[0]);
    expect(out.writes.every((chunk) => chunk.endsWith('\n'))).toBe(true);
  });

  it('writes pending lines after maxDelayMs, once, and not again while nothing is pending', () => {
    vi.useFakeTimers();
    const out = sink();
    const lines = new BatchedLines(out, { maxPendingChars: 4096, maxDelayMs: 250 });
    lines.write('a\n');
    lines.write('b\n');
    vi.advanceTimersByTime(249);
    expect(out.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out.writes).toEqual(['a\nb\n']);
    vi.advanceTimersByTime(10_000);
    expect(out.writes).toEqual(['a\nb\n']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is a pino destination: logger.flush() writes what is pending and calls back', async () => {
    const out = sink();
    const logger = pino({ base: null, timestamp: false }, new BatchedLines(out, { maxDelayMs: 60_000 }));
    logger.info({ uid: 'u1' }, 'admission');
    expect(out.writes).toEqual([]);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    expect(out.writes.map((chunk) => JSON.parse(chunk) as unknown)).toEqual([
      { level: 30, uid: 'u1', msg: 'admission' },
    ]);
  });
});
