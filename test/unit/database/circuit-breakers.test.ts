import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Registry } from 'prom-client';
import {
  CircuitBreakers,
  CircuitOpenError,
  type BreakerTransition,
} from '../../../src/database/circuit-breakers.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const denied = () =>
  Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000' });
const T0 = new Date('2026-01-01T00:00:00Z');

/** An attempt that counts its calls and fails with `error` (or succeeds when undefined). */
function attempts() {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    run: (error?: () => Error) => async () => {
      calls++;
      if (error) throw error();
      return 'ok';
    },
  };
}

async function failTimes(breakers: CircuitBreakers, target: string, n: number, error = refused) {
  for (let i = 0; i < n; i++)
    await breakers.execute(target, async () => Promise.reject(error())).catch(() => {});
}

describe('CircuitBreakers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  test('opens after 5 consecutive connection errors; while open a call makes no attempt and says when to retry', async () => {
    const breakers = new CircuitBreakers();
    const counter = attempts();
    for (let i = 0; i < 4; i++) {
      await expect(breakers.execute('db:3306', counter.run(refused))).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
      expect(breakers.status('db:3306').state).toBe('closed');
    }
    await expect(breakers.execute('db:3306', counter.run(refused))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(counter.calls).toBe(5);
    const retryAt = new Date(T0.getTime() + 30_000);
    expect(breakers.status('db:3306')).toEqual({ target: 'db:3306', state: 'open', retryAt });

    vi.setSystemTime(T0.getTime() + 29_999);
    const error = await breakers.execute('db:3306', counter.run()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ target: 'db:3306', retryAt });
    expect((error as Error).message).toContain('retrying at 2026-01-01T00:00:30.000Z');
    expect(counter.calls).toBe(5);
  });

  test('after the open interval one attempt goes through: success closes, failure reopens for another interval', async () => {
    const breakers = new CircuitBreakers();
    await failTimes(breakers, 'a:1', 5);
    vi.setSystemTime(T0.getTime() + 30_000);
    await expect(breakers.execute('a:1', async () => Promise.reject(refused()))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(breakers.status('a:1')).toEqual({
      target: 'a:1',
      state: 'open',
      retryAt: new Date(T0.getTime() + 60_000),
    });

    vi.setSystemTime(T0.getTime() + 60_000);
    await expect(breakers.execute('a:1', async () => 'up')).resolves.toBe('up');
    expect(breakers.status('a:1').state).toBe('closed');
  });

  test('while the half-open attempt is in flight, other calls are refused without an attempt', async () => {
    const breakers = new CircuitBreakers({ probeRetryMs: 5_000 });
    await failTimes(breakers, 'a:1', 5);
    vi.setSystemTime(T0.getTime() + 30_000);
    let release!: () => void;
    const probe = breakers.execute(
      'a:1',
      () => new Promise<string>((resolve) => (release = () => resolve('up'))),
    );
    expect(breakers.status('a:1').state).toBe('half-open');
    const counter = attempts();
    const refusedCall = await breakers.execute('a:1', counter.run()).catch((e: unknown) => e);
    expect(refusedCall).toBeInstanceOf(CircuitOpenError);
    expect((refusedCall as CircuitOpenError).retryAt).toEqual(new Date(T0.getTime() + 35_000));
    expect(counter.calls).toBe(0);
    release();
    await expect(probe).resolves.toBe('up');
    expect(breakers.status('a:1').state).toBe('closed');
  });

  test('errors that are the request’s fault never open it, and end a run of connection errors', async () => {
    const breakers = new CircuitBreakers();
    await failTimes(breakers, 'a:1', 20, denied);
    expect(breakers.status('a:1').state).toBe('closed');
    await failTimes(breakers, 'a:1', 4);
    await failTimes(breakers, 'a:1', 1, denied);
    await failTimes(breakers, 'a:1', 4);
    expect(breakers.status('a:1').state).toBe('closed');
    await failTimes(breakers, 'a:1', 1);
    expect(breakers.status('a:1').state).toBe('open');
  });

  test('the request’s fault is rethrown as is, and a success ends a run of connection errors', async () => {
    const breakers = new CircuitBreakers();
    const error = denied();
    await expect(breakers.execute('a:1', async () => Promise.reject(error))).rejects.toBe(error);
    await failTimes(breakers, 'a:1', 4);
    await breakers.execute('a:1', async () => 'ok');
    await failTimes(breakers, 'a:1', 4);
    expect(breakers.status('a:1').state).toBe('closed');
  });

  test('one breaker per target, shared by every caller of that target', async () => {
    const breakers = new CircuitBreakers();
    await failTimes(breakers, 'a:1', 5);
    expect(breakers.status('a:1').state).toBe('open');
    expect(breakers.status('b:1').state).toBe('closed');
    await expect(breakers.execute('b:1', async () => 'ok')).resolves.toBe('ok');
    expect(breakers.list().map((s) => [s.target, s.state])).toEqual([
      ['a:1', 'open'],
      ['b:1', 'closed'],
    ]);
  });

  test('transitions are reported once each, with the retry time and cause on opening, and in the metrics', async () => {
    const registry = new Registry();
    const breakers = new CircuitBreakers({ registry, openMs: 2_000 });
    const seen: BreakerTransition[] = [];
    breakers.onTransition((t) => seen.push(t));
    breakers.onTransition(() => {
      throw new Error('a failing listener does not break the call');
    });
    await failTimes(breakers, 'a:1', 8);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      target: 'a:1',
      from: 'closed',
      to: 'open',
      retryAt: new Date(T0.getTime() + 2_000),
    });
    expect(seen[0]!.cause).toMatchObject({ code: 'ECONNREFUSED' });
    const metrics = await registry.metrics();
    expect(metrics).toContain('frappe_operator_circuit_breaker_state{target="a:1"} 2');
    expect(metrics).toContain('frappe_operator_circuit_breaker_transitions_total{target="a:1",to="open"} 1');

    vi.setSystemTime(T0.getTime() + 2_000);
    await breakers.execute('a:1', async () => 'ok');
    expect(seen.map((t) => `${t.from}->${t.to}`)).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->closed',
    ]);
    const after = await registry.metrics();
    expect(after).toContain('frappe_operator_circuit_breaker_state{target="a:1"} 0');
    expect(after).toContain(
      'frappe_operator_circuit_breaker_transitions_total{target="a:1",to="half-open"} 1',
    );
    expect(after).toContain('frappe_operator_circuit_breaker_transitions_total{target="a:1",to="closed"} 1');
  });

  test('threshold and interval are options; instances share nothing', async () => {
    const one = new CircuitBreakers({ threshold: 2, openMs: 1_000 });
    const two = new CircuitBreakers({ threshold: 2, openMs: 1_000 });
    await failTimes(one, 'a:1', 2);
    expect(one.status('a:1')).toMatchObject({ state: 'open', retryAt: new Date(T0.getTime() + 1_000) });
    expect(two.status('a:1').state).toBe('closed');
  });
});
