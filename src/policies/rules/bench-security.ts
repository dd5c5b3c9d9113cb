// B-SEC-1: the security contexts a bench asks for stay within Pod Security "restricted". The
// controller creates the pods with the operator's rights, so a namespace whose own policy would
// refuse a privileged pod must not get one through a FrappeBench. Fields follow core/v1
// PodSecurityContext and SecurityContext; the checks are those of the restricted profile
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
import type { FrappeBench } from '../../api/frappe-bench.js';
import { isObject, valueAt } from '../../api/json.js';
import { CREATE_UPDATE, deny, rule, type Finding } from '../rule.js';

/** The only capability "restricted" lets a container add. */
const ADDABLE_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/** What a container's or a pod's security context may not say: [path, broken when, why]. */
const FORBIDDEN: readonly [readonly string[], (value: unknown) => boolean, string][] = [
  [['privileged'], (v) => v === true, 'privileged containers are not allowed'],
  [['allowPrivilegeEscalation'], (v) => v === true, 'privilege escalation is not allowed'],
  [['runAsUser'], (v) => v === 0, 'running as root (UID 0) is not allowed'],
  [['runAsNonRoot'], (v) => v === false, 'must not be false: pods run as non-root'],
  [['procMount'], (v) => v !== undefined && v !== 'Default', 'only the Default proc mount is allowed'],
  [['seccompProfile', 'type'], (v) => v === 'Unconfined', 'Unconfined seccomp is not allowed'],
  [['windowsOptions', 'hostProcess'], (v) => v === true, 'host processes are not allowed'],
  [['seLinuxOptions', 'user'], (v) => v !== undefined, 'setting the SELinux user is not allowed'],
  [['seLinuxOptions', 'role'], (v) => v !== undefined, 'setting the SELinux role is not allowed'],
  [['sysctls'], (v) => Array.isArray(v) && v.length > 0, 'sysctls are not allowed'],
];

export function checkSecurityContext(path: string, context: unknown): Finding[] {
  if (!isObject(context)) return [];
  const findings = FORBIDDEN.filter(([field, broken]) => broken(valueAt(context, field))).map(
    ([field, , why]) => deny(`${path}.${field.join('.')}`, why, 'Forbidden'),
  );
  const added = valueAt(context, ['capabilities', 'add']);
  const extra = Array.isArray(added) ? added.filter((c) => !ADDABLE_CAPABILITIES.has(String(c))) : [];
  if (extra.length > 0)
    findings.push(
      deny(
        `${path}.capabilities.add`,
        `${extra.map(String).join(', ')} may not be added (only NET_BIND_SERVICE)`,
        'Forbidden',
      ),
    );
  return findings;
}

export const benchSecurityRules = [
  rule<FrappeBench>({
    id: 'B-SEC-1',
    kind: 'FrappeBench',
    operations: CREATE_UPDATE,
    summary:
      'security.podSecurityContext and security.securityContext stay within Pod Security "restricted" (no ' +
      'privileged, no privilege escalation, no added capabilities but NET_BIND_SERVICE, no UID 0, no ' +
      'Unconfined seccomp) unless the operator config sets allowPrivilegedSecurityContexts.',
    check: ({ object: { spec }, config }) =>
      config.allowPrivilegedSecurityContexts
        ? []
        : [
            ...checkSecurityContext('spec.security.podSecurityContext', spec.security?.podSecurityContext),
            ...checkSecurityContext('spec.security.securityContext', spec.security?.securityContext),
          ],
  }),
];
