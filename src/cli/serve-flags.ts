// Every flag of `frappe-admission serve`, once: parseArgs reads the list, and so do `serve --help`
// and the generated flag reference in docs/configuration.md.

export type FlagGroup = 'serving' | 'cluster' | 'certificates';

export const FLAG_GROUPS: Record<FlagGroup, string> = {
  serving: 'Serving',
  cluster: 'Cluster and controller',
  certificates: 'Self-managed certificates',
};

export interface ServeFlag {
  type: 'string' | 'boolean';
  default?: string | boolean;
  short?: string;
  /** The value's placeholder (string flags). */
  arg?: string;
  /** The default as the reference shows it, when it is not a fixed value. */
  defaultText?: string;
  group: FlagGroup;
  meaning: string;
}

export const SERVE_FLAGS = {
  'tls-cert-file': {
    type: 'string',
    arg: 'F',
    group: 'serving',
    meaning: 'serving certificate (PEM), required; re-read when it changes',
  },
  'tls-private-key-file': {
    type: 'string',
    arg: 'F',
    group: 'serving',
    meaning: 'its key (PEM), required; re-read with the certificate, used only when the two match',
  },
  'client-ca-file': {
    type: 'string',
    arg: 'F',
    group: 'serving',
    meaning:
      'CA bundle (PEM): every connection must present a client certificate signed by one of these CAs, or the TLS handshake fails; re-read when it changes. Unset: none asked',
  },
  port: { type: 'string', arg: 'N', default: '9443', group: 'serving', meaning: 'port (0 picks a free one)' },
  host: { type: 'string', arg: 'A', default: '0.0.0.0', group: 'serving', meaning: 'address to listen on' },
  config: {
    type: 'string',
    arg: 'FILE',
    group: 'serving',
    meaning:
      'operator configuration file (YAML or JSON, the keys of docs/configuration.md); unset: every default',
  },
  'drain-delay-seconds': {
    type: 'string',
    arg: 'N',
    default: '5',
    group: 'serving',
    meaning:
      'on SIGTERM: readiness fails at once and responses say `Connection: close`; after N seconds the listener closes and in-flight requests finish',
  },
  help: { type: 'boolean', short: 'h', group: 'serving', meaning: 'print this help and exit' },
  kubeconfig: {
    type: 'string',
    arg: 'FILE',
    defaultText: '`$KUBECONFIG`',
    group: 'cluster',
    meaning:
      'cluster whose objects the cross-object rules read (informers) and the controller writes; with neither the flag nor `$KUBECONFIG`: the in-cluster service account, else `~/.kube/config`',
  },
  offline: {
    type: 'boolean',
    default: false,
    group: 'cluster',
    meaning: 'no cluster: an empty cluster view, ready at once, no controller (tests, benchmarks)',
  },
  'no-controller': {
    type: 'boolean',
    default: false,
    group: 'cluster',
    meaning: 'serve the webhooks only',
  },
  'leader-election-namespace': {
    type: 'string',
    arg: 'NS',
    defaultText: '`$POD_NAMESPACE`, else `default`',
    group: 'cluster',
    meaning: 'namespace of the Lease',
  },
  'leader-election-name': {
    type: 'string',
    arg: 'NAME',
    default: 'frappe-admission',
    group: 'cluster',
    meaning:
      'the Lease: its holder runs the controller and issues self-managed certificates; a replica that loses it exits',
  },
  'controller-concurrency': {
    type: 'string',
    arg: 'N',
    default: '10',
    group: 'cluster',
    meaning: 'objects each controller (benches, sites) reconciles at once',
  },
  'self-managed-certificates': {
    type: 'boolean',
    default: false,
    group: 'certificates',
    meaning:
      'the Lease holder issues a CA and serving certificate into the Secret and patches `caBundle`; every replica waits for and serves the mounted files; needs a cluster',
  },
  'certificate-secret': {
    type: 'string',
    arg: 'NAME',
    group: 'certificates',
    meaning: 'the Secret (`tls.crt`, `tls.key`, `ca.crt` = the caBundle, `ca.key`), required',
  },
  'certificate-namespace': {
    type: 'string',
    arg: 'NS',
    defaultText: '`$POD_NAMESPACE`, else `default`',
    group: 'certificates',
    meaning: 'namespace of the Secret and the Service',
  },
  'service-name': {
    type: 'string',
    arg: 'SVC',
    group: 'certificates',
    meaning: 'the webhook Service: SANs `SVC`, `SVC.NS`, `SVC.NS.svc`, `SVC.NS.svc.cluster.local`, required',
  },
  'webhook-configurations': {
    type: 'string',
    arg: 'MUTATING,VALIDATING',
    group: 'certificates',
    meaning: 'the configurations whose every webhook gets `caBundle` (one name: both kinds), required',
  },
  'ca-validity': {
    type: 'string',
    arg: 'D',
    default: '87600h',
    group: 'certificates',
    meaning: 'CA lifetime (Go duration: h, m, s)',
  },
  'certificate-validity': {
    type: 'string',
    arg: 'D',
    default: '8760h',
    group: 'certificates',
    meaning: "serving certificate lifetime (never beyond the CA's)",
  },
  'ca-overlap': {
    type: 'string',
    arg: 'D',
    default: '1h',
    group: 'certificates',
    meaning: 'how long a replaced CA stays in `caBundle`',
  },
  'certificate-check-interval': {
    type: 'string',
    arg: 'D',
    default: '5m',
    group: 'certificates',
    meaning: 'how often the leader checks for a due or requested renewal and a drifted `caBundle`',
  },
  'certificate-wait-timeout': {
    type: 'string',
    arg: 'D',
    default: '5m',
    group: 'certificates',
    meaning: 'at start, how long to wait for the files (not listening, so not ready), then exit 1',
  },
} as const satisfies Record<string, ServeFlag>;

const flags = () => Object.entries(SERVE_FLAGS) as [string, ServeFlag][];

/** `--name ARG` as help and the reference write it. */
export const flagUsage = (name: string, flag: ServeFlag) => `--${name}${flag.arg ? ` ${flag.arg}` : ''}`;

/** The default as the reference shows it: a value, a description, "off" for a flag, or "—". */
export function flagDefault(flag: ServeFlag): string {
  if (flag.defaultText) return flag.defaultText;
  if (typeof flag.default === 'string') return `\`${flag.default}\``;
  return flag.type === 'boolean' ? 'off' : '—';
}

/** The flags of one group, in definition order. */
export const flagsOf = (group: FlagGroup) => flags().filter(([, flag]) => flag.group === group);

export function serveHelp(): string {
  const sections = (Object.keys(FLAG_GROUPS) as FlagGroup[]).map((group) => {
    const lines = flagsOf(group).map(([name, flag]) => {
      const usage = flagUsage(name, flag);
      const fallback = flagDefault(flag);
      const meaning = `${flag.meaning}${fallback === '—' || fallback === 'off' ? '' : ` (default ${fallback})`}`;
      const text = meaning.replaceAll('`', '');
      return usage.length < 30 ? `  ${usage.padEnd(30)}${text}` : `  ${usage}\n  ${''.padEnd(30)}${text}`;
    });
    return `${FLAG_GROUPS[group]}:\n${lines.join('\n')}`;
  });
  return `usage: frappe-admission serve --tls-cert-file F --tls-private-key-file F [flags]

${sections.join('\n\n')}
`;
}
