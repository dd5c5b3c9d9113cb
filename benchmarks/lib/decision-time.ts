// The webhook's own account of its deciding time: the sum and count of its decision-duration
// histogram (frappe_admission_request_duration_seconds, API.md §10) read from /metrics. Two reads
// around a run give the time spent deciding per request, in process, beside the CPU the whole
// server spent: what the rules engine costs and what the HTTP server around it does.

export interface DecisionTotals {
  seconds: number;
  count: number;
}

/** Totals over every series whose labels contain `labels` (e.g. `kind="FrappeSite",operation="CREATE"`). */
export function decisionTotals(metrics: string, labels = ''): DecisionTotals {
  let seconds = 0;
  let count = 0;
  for (const line of metrics.split('\n')) {
    if (!line.includes(labels)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('frappe_admission_request_duration_seconds_sum')) seconds += value;
    if (line.startsWith('frappe_admission_request_duration_seconds_count')) count += value;
  }
  return { seconds, count };
}

/** Microseconds of deciding per request between two reads; NaN when no decision was made. */
export function decisionMicrosPerRequest(before: DecisionTotals, after: DecisionTotals): number {
  const count = after.count - before.count;
  return count > 0 ? ((after.seconds - before.seconds) * 1e6) / count : Number.NaN;
}
