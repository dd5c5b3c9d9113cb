// Shared checks of names: metadata.name (or generateName) against a pattern and a derived length
// budget, and the domain suffix a bench gives its sites. Name syntax lives in src/api/dns-names.ts.
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

/** A bench's domainConfig.suffix as sites must end with it: no leading dot (B-DOM-1 allows one). */
export const domainSuffix = (suffix: string | undefined) => suffix?.replace(/^\./, '');
