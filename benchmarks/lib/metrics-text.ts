// Reading a server's /metrics text (Prometheus exposition format) in the benchmarks: sums of a
// metric's samples, and the webhook's own account of its deciding time, the sum and count of its
// decision-duration histogram (frappe_admission_request_duration_seconds, API.md §10). Two reads
// around a run give the time spent deciding per request, in process, beside the CPU the whole
// server spent: what the rules engine costs and what the HTTP server around it does.

/**
 * Sum of a metric's samples, under '*' and, with `byLabel`, per value of that label; only lines
 * that contain `where` (e.g. `kind="FrappeSite",operation="CREATE"`) when it is given.
 */
export function metricSum(text: string, name: string, byLabel?: string, where = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.includes(where)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const label = byLabel ? (new RegExp(`${byLabel}="([^"]*)"`).exec(line)?.[1] ?? '') : '';
    out.set(label, (out.get(label) ?? 0) + value);
    out.set('*', (out.get('*') ?? 0) + (label === '*' ? 0 : value));
  }
  return out;
}

export interface DecisionTotals {
  seconds: number;
  count: number;
}

const DURATION = 'frappe_admission_request_duration_seconds';

/** The decision-duration histogram's sum and count over every series whose labels contain `where`. */
export function decisionTotals(metrics: string, where = ''): DecisionTotals {
  return {
    seconds: metricSum(metrics, `${DURATION}_sum`, undefined, where).get('*') ?? 0,
    count: metricSum(metrics, `${DURATION}_count`, undefined, where).get('*') ?? 0,
  };
}

/**
 * Microseconds of deciding per request between two reads; NaN when no decision was made. The
 * histogram times the synchronous decision with a monotonic clock: wall time, which on a server
 * pinned to its own core is its CPU time plus whatever preempted it (GC helper threads).
 */
export function decisionMicrosPerRequest(before: DecisionTotals, after: DecisionTotals): number {
  const count = after.count - before.count;
  return count > 0 ? ((after.seconds - before.seconds) * 1e6) / count : Number.NaN;
}
