// A real local control plane for tests and `npm run dev`: etcd and kube-apiserver (optionally
// kube-controller-manager for garbage collection and namespace deletion) built from their Go
// modules (scripts/build-k8s.sh), on loopback, with generated certificates and a kubeconfig.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCA, createServiceAccountKey, issueCertificate, type CertificateFiles } from './pki.js';
import { projectRoot } from './paths.js';
import { startProcess, waitFor, type ManagedProcess } from './processes.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ControlPlane {
  dir: string;
  binDir: string;
  server: string;
  kubeconfig: string;
  ca: CertificateFiles;
  /**
   * The client certificate this API server presents to admission webhooks (its admission config's
   * kubeconfig), when it presents one: webhooks then require it (`serve --client-ca-file`).
   */
  webhookClient?: CertificateFiles;
  /**
   * The API server's audit log: one JSON line per write request (create, update, patch, delete),
   * with its user agent, so a test counts what a client wrote as the server saw it, and one per
   * request of any ServiceAccount, reads included (absent for a cluster this harness did not start).
   */
  auditLog?: string;
  /** Stops kube-apiserver and starts it again (same port, same etcd): every watch breaks. */
  restartApiServer?(): Promise<void>;
  /** Runs the real kubectl against this control plane. */
  kubectl(args: string[], options?: { input?: string }): Promise<CommandResult>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Directory of the binaries; default: what scripts/build-k8s.sh builds (it builds them if missing). */
  binDir?: string;
  withControllerManager?: boolean;
  /** Keep the data directory after stop (for debugging). */
  keepDir?: boolean;
  /**
   * Run etcd and kube-apiserver (and kubectl) under `ip netns exec <name>` in a network namespace
   * the caller made, the API server advertising `address` (an address of that namespace) with
   * aggregator routing, so webhooks by Service reach the endpoint an EndpointSlice names. The
   * readiness probe then goes through kubectl in the namespace too.
   */
  netns?: { name: string; address: string };
}

/** The command and arguments that run `command` in the network namespace, if any. */
export function inNetns(netns: string | undefined, command: string, args: string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, args];
}

/** A free TCP port on loopback (closed again before use; the window for a race is tiny). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds (when missing) and locates the Kubernetes binaries: the script prints their directory last
 * on stdout, and its progress (`build-k8s: building kubectl (95s elapsed)`) on stderr, which goes
 * straight to ours so a first build of several minutes is never silent.
 */
export async function kubernetesBinaries(): Promise<string> {
  if (process.env.FRAPPE_ADMISSION_K8S_BIN) return process.env.FRAPPE_ADMISSION_K8S_BIN;
  const script = join(projectRoot(), 'scripts', 'build-k8s.sh');
  const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`scripts/build-k8s.sh failed (exit code ${code}); its output is above`);
  return stdout.trim().split('\n').pop() as string;
}

export function runCommand(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { env: options.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    // A command that exits before reading its input (a failed `ip netns exec`, kubectl get) reports by its exit code.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

function kubeconfigYaml(server: string, ca: string, cert: string, key: string): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(ca)}
users:
- name: admin
  user:
    client-certificate-data: ${b64(cert)}
    client-key-data: ${b64(key)}
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
`;
}

function readyz(server: string, ca: Buffer, admin: { cert: Buffer; key: Buffer }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${server}/readyz`,
      { ca, cert: admin.cert, key: admin.key, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binDir = options.binDir ?? (await kubernetesBinaries());
  const dir = await mkdtemp(join(tmpdir(), 'frappe-admission-cp-'));
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    // All at once: a graceful kube-apiserver shutdown waits on its watches; nothing here needs it.
    await Promise.all(processes.map((p) => p.stop(3000)));
    if (!options.keepDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const ca = await createCA(dir, 'frappe-admission-local-ca');
    const [serving, admin, webhookClient, serviceAccount] = await Promise.all([
      issueCertificate(dir, ca, {
        name: 'apiserver',
        commonName: 'kube-apiserver',
        usage: 'serverAuth',
        ipAddresses: ['127.0.0.1'],
        dnsNames: ['localhost'],
      }),
      issueCertificate(dir, ca, {
        name: 'admin',
        commonName: 'admin',
        organization: 'system:masters',
        usage: 'clientAuth',
      }),
      issueCertificate(dir, ca, {
        name: 'apiserver-webhook-client',
        commonName: 'kube-apiserver-webhook-client',
        usage: 'clientAuth',
      }),
      createServiceAccountKey(dir),
    ]);
    const admissionConfig = await writeAdmissionConfig(dir, webhookClient);
    const [etcdClient, etcdPeer, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    processes.push(
      startProcess(
        'etcd',
        ...inNetns(options.netns?.name, join(binDir, 'etcd'), [
          '--name=local',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=local=${peerUrl}`,
          '--unsafe-no-fsync',
          '--log-level=warn',
        ]),
        dir,
      ),
    );
    const server = `https://127.0.0.1:${apiPort}`;
    const auditPolicy = join(dir, 'audit-policy.yaml');
    const auditLog = join(dir, 'audit.log');
    await writeFile(
      auditPolicy,
      [
        'apiVersion: audit.k8s.io/v1',
        'kind: Policy',
        'omitStages: [RequestReceived]',
        'rules:',
        // Every request of a ServiceAccount, reads included: a test that runs a process as one
        // (harness/service-account.ts) sees each of its requests and any 403, a list's or a watch's too.
        '  - level: Metadata',
        '    userGroups: [system:serviceaccounts]',
        '  - level: Metadata',
        '    verbs: [create, update, patch, delete, deletecollection]',
        '  - level: None',
        '',
      ].join('\n'),
    );
    const caPem = await readFile(ca.cert);
    const adminPair = { cert: await readFile(admin.cert), key: await readFile(admin.key) };
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      kubeconfigYaml(server, caPem.toString(), adminPair.cert.toString(), adminPair.key.toString()),
      { mode: 0o600 },
    );
    const kubectl = (args: string[], o: { input?: string } = {}) =>
      runCommand(
        ...inNetns(options.netns?.name, join(binDir, 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args]),
        {
          input: o.input,
        },
      );
    const ready = options.netns
      ? async () => (await kubectl(['get', '--raw=/readyz', '--request-timeout=2s'])).code === 0
      : () => readyz(server, caPem, adminPair);
    /** Starts kube-apiserver (again, for a restart: same port, same etcd) and waits until it is ready. */
    const launchApiServer = async () => {
      const apiserver = startProcess(
        'kube-apiserver',
        ...inNetns(options.netns?.name, join(binDir, 'kube-apiserver'), [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          `--advertise-address=${options.netns?.address ?? '127.0.0.1'}`,
          ...(options.netns ? ['--enable-aggregator-routing=true'] : []),
          `--secure-port=${apiPort}`,
          `--tls-cert-file=${serving.cert}`,
          `--tls-private-key-file=${serving.key}`,
          `--client-ca-file=${ca.cert}`,
          `--service-account-key-file=${serviceAccount.pub}`,
          `--service-account-signing-key-file=${serviceAccount.key}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          '--service-cluster-ip-range=10.0.0.0/24',
          '--authorization-mode=RBAC',
          '--disable-admission-plugins=ServiceAccount',
          `--admission-control-config-file=${admissionConfig}`,
          `--audit-policy-file=${auditPolicy}`,
          `--audit-log-path=${auditLog}`,
          '--audit-log-maxsize=0',
          '--profiling=false',
          '--v=1',
        ]),
        dir,
      );
      processes.push(apiserver);
      await waitFor(
        ready,
        60_000,
        async () => `kube-apiserver not ready after 60 s:\n${await apiserver.tail()}`,
      );
      return apiserver;
    };
    let apiserver = await launchApiServer();
    const restartApiServer = async () => {
      processes.splice(processes.indexOf(apiserver), 1);
      await apiserver.stop(3000);
      apiserver = await launchApiServer();
    };

    if (options.withControllerManager) {
      processes.push(
        startProcess(
          'kube-controller-manager',
          ...inNetns(options.netns?.name, join(binDir, 'kube-controller-manager'), [
            `--kubeconfig=${kubeconfig}`,
            `--authentication-kubeconfig=${kubeconfig}`,
            `--authorization-kubeconfig=${kubeconfig}`,
            '--controllers=garbagecollector,namespace',
            '--secure-port=0',
            '--leader-elect=false',
            `--service-account-private-key-file=${serviceAccount.key}`,
            `--root-ca-file=${ca.cert}`,
          ]),
          dir,
        ),
      );
    }
    return { dir, binDir, server, kubeconfig, ca, webhookClient, auditLog, kubectl, restartApiServer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The API server's admission configuration: both webhook plugins present `client` to every webhook
 * (the kubeconfig user `*` is the default match), as a cluster does whose webhooks require mTLS.
 */
async function writeAdmissionConfig(dir: string, client: CertificateFiles): Promise<string> {
  const kubeconfig = join(dir, 'webhook-client.kubeconfig');
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      users: [{ name: '*', user: { 'client-certificate': client.cert, 'client-key': client.key } }],
    }),
  );
  const plugin = (name: string) => ({
    name,
    configuration: {
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'WebhookAdmissionConfiguration',
      kubeConfigFile: kubeconfig,
    },
  });
  const file = join(dir, 'admission.json');
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AdmissionConfiguration',
      plugins: [plugin('ValidatingAdmissionWebhook'), plugin('MutatingAdmissionWebhook')],
    }),
  );
  return file;
}

/**
 * Applies the CRDs in dir and waits until the API server serves them. `forceConflicts` for an
 * upgrade of CRDs another manager wrote (Helm's install: `.spec.versions` is an atomic list).
 */
export async function installCrds(
  plane: ControlPlane,
  dir = join(projectRoot(), 'crds'),
  options: { forceConflicts?: boolean } = {},
): Promise<void> {
  const applied = await plane.kubectl([
    'apply',
    '--server-side',
    ...(options.forceConflicts ? ['--force-conflicts'] : []),
    '-f',
    dir,
  ]);
  if (applied.code !== 0) throw new Error(`installing CRDs failed: ${applied.stderr}`);
  const waited = await plane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', dir]);
  if (waited.code !== 0) throw new Error(`CRDs not established: ${waited.stderr}`);
}
