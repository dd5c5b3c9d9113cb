// `npm run dev`: a local control plane (etcd + kube-apiserver + kube-controller-manager built
// from Go modules; or the cluster in $KUBECONFIG when it is set and reachable), the CRDs, the
// webhook server registered, the examples applied, and a report of what happened. Runs until
// Ctrl-C, which stops everything it started.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KIND_NAMES } from '../src/api/kinds.js';
import {
  installCrds,
  kubernetesBinaries,
  runCommand,
  startControlPlane,
  type ControlPlane,
} from '../harness/control-plane.js';
import { projectRoot } from '../harness/paths.js';
import { createCA } from '../harness/pki.js';
import { startWebhookProcess } from '../harness/webhook-process.js';

const say = (text: string) => process.stdout.write(`${text}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

async function existingCluster(binDir: string): Promise<ControlPlane | undefined> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) return undefined;
  const kubectl = (args: string[], o: { input?: string } = {}) =>
    runCommand(join(binDir, 'kubectl'), [`--kubeconfig=${kubeconfig}`, '--request-timeout=5s', ...args], {
      input: o.input,
    });
  if ((await kubectl(['version'])).code !== 0) {
    say(`KUBECONFIG=${kubeconfig} is not reachable: starting a local control plane instead`);
    return undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'frappe-admission-dev-'));
  const ca = await createCA(dir, 'frappe-admission-dev-webhook-ca');
  say(
    `using the cluster in KUBECONFIG=${kubeconfig} (its API server must reach https://127.0.0.1 of this machine)`,
  );
  return { dir, binDir, server: '', kubeconfig, ca, kubectl, stop: async () => undefined };
}

say(
  'frappe-admission dev: building the Kubernetes binaries if they are missing (kube-apiserver, ' +
    'kube-controller-manager, kubectl, etcd, helm). The first build takes about 7–12 minutes; ' +
    'later runs start in seconds.',
);
// build-k8s.sh names each binary as it starts it; between those lines, say that it still works.
const building = setInterval(() => say(`  … still building (${elapsed()})`), 30_000);
const binDir = await kubernetesBinaries().finally(() => clearInterval(building));
say(`Kubernetes binaries ready (${elapsed()}): ${binDir}`);
const plane = (await existingCluster(binDir)) ?? (await startControlPlane({ withControllerManager: true }));
const root = projectRoot();
let webhook: Awaited<ReturnType<typeof startWebhookProcess>> | undefined;
let stopping: Promise<void> | undefined;
/** Stops everything once, however many signals arrive. */
const stop = (code: number) =>
  (stopping ??= (async () => {
    say('\nstopping…');
    await webhook?.stop();
    await plane.stop();
    process.exit(code);
  })());
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

/** What the controller made of the examples, and the status conditions it wrote. */
async function showChildren(cp: ControlPlane): Promise<void> {
  const selector = 'app.kubernetes.io/managed-by=frappe-admission';
  const kinds = 'pvc,configmap,secret,service,statefulset,deployment,job,ingress';
  // The controller works in a few seconds; wait until the site's status says it got that far.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const phase = await cp.kubectl(['get', 'fs', 'acme', '-n', 'erp', '-o', 'jsonpath={.status.phase}']);
    const init = await cp.kubectl(['get', 'job', '-n', 'erp', '-l', selector, '-o', 'name']);
    if (phase.stdout !== '' && init.stdout.includes('erpnext-init-')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const children = await cp.kubectl(['get', kinds, '-n', 'erp', '-l', selector]);
  say(
    `\n$ kubectl get ${kinds} -n erp -l ${selector}   # made by the controller\n${children.stdout.trimEnd()}`,
  );
  const owners = await cp.kubectl(['get', 'fb,fs', '-n', 'erp']);
  say(`\n$ kubectl get fb,fs -n erp\n${owners.stdout.trimEnd()}`);
  for (const [kind, name] of [
    ['fb', 'erpnext'],
    ['fs', 'acme'],
  ] as const) {
    const conditions = await cp.kubectl([
      'get',
      kind,
      name,
      '-n',
      'erp',
      '-o',
      'jsonpath={range .status.conditions[*]}{.type}{"\\t"}{.status}{"\\t"}{.reason}{"\\t"}{.message}{"\\n"}{end}',
    ]);
    say(`\n${kind} ${name} conditions (type, status, reason, message):\n${conditions.stdout.trimEnd()}`);
  }
  say(
    '\nThis local control plane has no kubelet, so no pod ever runs: the bench init Job never completes, ' +
      'so its Deployments (created once the configuration is written) never appear and the bench stays ' +
      'Provisioning (ComponentsReady WaitingForInit); without mariadb-operator the site says so ' +
      '(DatabaseReady False). In a cluster the same objects run, and Ready turns True.',
  );
}

try {
  say(`control plane ready (${elapsed()}): ${plane.server || 'existing cluster'}`);
  await installCrds(plane);
  const crds = Object.values(KIND_NAMES).map((k) => `${k.plural}.${k.group} (${k.shortNames.join(', ')})`);
  say(`CRDs installed (${elapsed()}): ${crds.join(', ')}`);
  webhook = await startWebhookProcess(plane);
  say(
    `webhooks serving at ${webhook.url} and registered, the controller running in the same process ` +
      `(${elapsed()}); server log: ${webhook.process.logFile}`,
  );

  await plane.kubectl(['create', 'namespace', 'erp']);
  for (const file of ['bench.yaml', 'site.yaml']) {
    const applied = await plane.kubectl(['apply', '-f', join(root, 'examples', file)]);
    say(`\n$ kubectl apply -f examples/${file}\n${applied.stdout}${applied.stderr}`.trimEnd());
  }
  for (const [kind, name, file] of [
    [KIND_NAMES.FrappeBench.singular, 'erpnext', 'bench.yaml'],
    [KIND_NAMES.FrappeSite.singular, 'acme', 'site.yaml'],
  ] as const) {
    const stored = parse((await plane.kubectl(['get', kind, name, '-n', 'erp', '-o', 'yaml'])).stdout) as {
      spec: Record<string, unknown>;
    };
    const written = (
      parse(await readFile(join(root, 'examples', file), 'utf8')) as { spec: Record<string, unknown> }
    ).spec;
    const added = Object.keys(stored.spec).filter((field) => !(field in written));
    say(`\n${kind} ${name}: the webhook wrote ${added.length} top-level defaults: ${added.join(', ')}`);
    say(`  e.g. spec.dbConfig = ${JSON.stringify(stored.spec.dbConfig)}`);
  }
  await showChildren(plane);
  const denied = await plane.kubectl(['apply', '-f', join(root, 'examples', 'invalid-site.yaml')]);
  say(
    `\n$ kubectl apply -f examples/invalid-site.yaml   # intentionally invalid (exit code ${denied.code})\n${denied.stderr.replaceAll('] ; ', ']\n    ').replaceAll(']; ', '];\n    ')}`,
  );

  say(
    `\nready in ${elapsed()}. Point kubectl at it:\n\n  export KUBECONFIG=${plane.kubeconfig}\n  ${join(binDir, 'kubectl')} get fb,fs -A\n\nCtrl-C stops everything.`,
  );
  await new Promise(() => undefined);
} catch (error) {
  say(`dev failed: ${(error as Error).message}`);
  await stop(1);
}
