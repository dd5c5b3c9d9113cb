// Shared checks of names: metadata.name (or generateName) against a pattern and a derived length
// budget, and host names as DNS-1123 subdomains.
import { GENERATED_SUFFIX_LENGTH } from '../../api/child-names.js';
import type { ObjectMeta } from '../../api/common.js';
import { deny, type Finding } from '../rule.js';

export function checkObjectName(
  metadata: ObjectMeta,
  maxLength: number,
  pattern: RegExp,
  what: string,
): Finding[] {
  if (metadata.name) {
    if (metadata.name.length > maxLength) {
      return [
        deny(
          'metadata.name',
          `is ${metadata.name.length} characters, more than ${maxLength}: derived names would pass 63`,
          'TooLong',
        ),
      ];
    }
    return pattern.test(metadata.name) ? [] : [deny('metadata.name', `"${metadata.name}" must be ${what}`)];
  }
  const prefix = metadata.generateName ?? '';
  const longest = maxLength - GENERATED_SUFFIX_LENGTH;
  if (prefix.length > longest) {
    return [
      deny(
        'metadata.generateName',
        `is ${prefix.length} characters, more than ${longest} (the API server adds ${GENERATED_SUFFIX_LENGTH})`,
        'TooLong',
      ),
    ];
  }
  // A generated name is the prefix plus lower-case alphanumerics: check the prefix with one.
  return pattern.test(`${prefix}x`) ? [] : [deny('metadata.generateName', `"${prefix}" must start ${what}`)];
}

export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Service names (and so every name a Service is derived from) must start with a letter. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A bench's domainConfig.suffix as sites must end with it: no leading dot (B-DOM-1 allows one). */
export const domainSuffix = (suffix: string | undefined) => suffix?.replace(/^\./, '');

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
