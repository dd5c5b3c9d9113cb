/**
 * A Kubernetes MicroTime: six fractional digits. kube-apiserver 1.34 answers 400 to the three
 * digits of toISOString() in Lease and Event times, e.g. 2026-12-02T04:30:00.123Z must be
 * 2026-12-02T04:30:00.123000Z.
 */
export function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}
