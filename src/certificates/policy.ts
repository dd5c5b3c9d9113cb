// How long self-managed certificates live and when they are renewed, and the flag syntax of those
// durations. Apart from pki.ts so that parsing serve's flags does not load node-forge.

export interface CertificatePolicy {
  caValidityMs: number;
  servingValidityMs: number;
  /** Renew when this fraction of a certificate's life has passed (default 2/3). */
  renewAtFraction?: number;
  /** How long the replaced CA stays in the caBundle after a CA renewal. */
  overlapMs: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_POLICY: CertificatePolicy = {
  caValidityMs: 3650 * DAY_MS,
  servingValidityMs: 365 * DAY_MS,
  renewAtFraction: 2 / 3,
  overlapMs: 60 * 60 * 1000,
};

/** Go-style durations as flags take them: `8760h`, `90m`, `30s`, `1h30m`. */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!text || !match) throw new Error(`not a duration (e.g. 8760h, 10m, 30s): ${text}`);
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}
