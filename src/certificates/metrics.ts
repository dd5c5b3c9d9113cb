// Metrics of self-managed certificates, set by the Lease holder (the replica that manages them).
import { Counter, Gauge, type Registry } from 'prom-client';

export interface CertificateMetrics {
  caExpiry: Gauge;
  renewals: Counter<'kind'>;
}

export function createCertificateMetrics(registry: Registry): CertificateMetrics {
  return {
    caExpiry: new Gauge({
      name: 'frappe_admission_ca_certificate_expiry_timestamp_seconds',
      help: 'notAfter of the self-managed CA in the certificate Secret, as a Unix timestamp (set on the Lease holder).',
      registers: [registry],
    }),
    renewals: new Counter({
      name: 'frappe_admission_certificate_renewals_total',
      help: 'Self-managed certificate writes by this replica: kind ca (new CA and serving certificate), serving, drop-previous-ca.',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
