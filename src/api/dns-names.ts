// Kubernetes name syntax, written once for the CRD's CEL rules, the admission rules and the
// operator config: DNS-1123 labels and subdomains (host names, namespaces, object names) and
// DNS-1035 labels (Service names).

export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Service names (and so every name a Service is derived from) must start with a letter. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A lower-case DNS-1123 subdomain as a pattern string (a CEL rule embeds it). */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** Whether value is a DNS-1123 label of at most 63 characters (a namespace name, say). */
export const isDnsLabel = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 63 && DNS_1123_LABEL.test(value);

/** Why a host name is not a lower-case DNS-1123 subdomain, or undefined when it is one. */
export function dnsSubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `is ${name.length} characters, more than a DNS name may have (253)`;
  const bad = name.split('.').find((label) => label.length > 63 || !DNS_1123_LABEL.test(label));
  if (bad === undefined) return undefined;
  return bad.length > 63
    ? `label "${bad.slice(0, 20)}…" is ${bad.length} characters, more than 63`
    : `"${name}" is not a lower-case DNS name (a-z, 0-9, - and . such as erp.example.com)`;
}
