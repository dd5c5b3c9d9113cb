// Hosts a tenant may not make the operator connect to. The controller opens SQL and Redis
// connections to the host a spec (or its Secret) names, from the operator's pod and network
// position: loopback would reach the operator itself, link-local the cloud metadata service
// (credentials), `kubernetes.default` the API server. Pure; admission and controller share it.

const BLOCKED_NAMES = new Set([
  'localhost',
  'metadata',
  'metadata.google.internal',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
]);

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/;

/**
 * Why the operator must not connect to this host, or undefined when it may. `allowed` lists hosts
 * the platform vouches for (operator config allowedDatabaseHosts, e.g. a database proxy sidecar on
 * 127.0.0.1 in the operator's pod).
 */
export function blockedHostProblem(host: string, allowed: readonly string[] = []): string | undefined {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
  if (allowed.includes(name)) return undefined;
  if (BLOCKED_NAMES.has(name) || name.endsWith('.localhost'))
    return `${host} is the operator's own host, the API server or a metadata service`;
  const v4 = IPV4.exec(name);
  if (v4) {
    const [first, second] = [Number(v4[1]), Number(v4[2])];
    if (first === 127 || first === 0) return `${host} is a loopback or unspecified address`;
    if (first === 169 && second === 254)
      return `${host} is link-local (the cloud metadata service lives there)`;
    return undefined;
  }
  if (name === '::' || name === '::1' || name.startsWith('::ffff:127.'))
    return `${host} is a loopback or unspecified address`;
  if (/^fe[89ab][0-9a-f]:/.test(name)) return `${host} is link-local`;
  return undefined;
}
