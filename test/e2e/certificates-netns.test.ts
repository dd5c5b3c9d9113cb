// Self-managed certificates end to end through a Service, as in a cluster: in a network namespace
// this test makes (root; `ip netns`), etcd, kube-apiserver (advertising 10.213.0.2, aggregator
// routing on) and `serve` with the chart's own self-managed flags listening on 10.213.0.2; the
// chart's Service and webhook configurations (helm template) and an EndpointSlice naming that
// address. The API server resolves the Service to the endpoint and verifies the certificate the
// process issued for `<svc>.<ns>.svc` against the caBundle the process patched in. kubelet's
// Secret volume is played by harness/secret-volume.ts (also in the namespace). Then a CA renewal
// is forced while a loop creates sites through the webhooks: no request may fail.
// Traffic goes only to loopback and 10.213.0.0/24 inside the namespace.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds, inNetns, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { builtCli, projectRoot } from '../../harness/paths.js';
import { startProcess, type ManagedProcess } from '../../harness/processes.js';
import { helmTemplate } from '../../scripts/chart.js';
import { parseObjects, serveArgs } from '../install/render.js';

const NETNS = `fa-certs-${process.pid}`;
const ADDRESS = '10.213.0.2';
const RELEASE = 'fa';
const NS = 'fa-system';
const FULLNAME = 'fa-frappe-admission';
const SECRET = `${FULLNAME}-tls`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

let plane: ControlPlane | undefined;
let dir: string;
const processes: ManagedProcess[] = [];
let serve: ManagedProcess;

const kubectl = async (args: string[], input?: string) => {
  const result = await plane!.kubectl(args, { input });
  return result;
};
async function must(args: string[], input?: string): Promise<string> {
  const result = await kubectl(args, input);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms\n${await serve?.tail(40)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const secretData = async () => {
  const result = await kubectl(['get', 'secret', SECRET, '-n', NS, '-o', 'json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as { data: Record<string, string> }).data : undefined;
};
const caBundles = async () =>
  Promise.all(
    ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'].map(async (kind) =>
      (
        JSON.parse(await must(['get', kind, FULLNAME, '-o', 'json'])) as {
          webhooks: { clientConfig: { caBundle?: string } }[];
        }
      ).webhooks.map((w) => w.clientConfig.caBundle ?? ''),
    ),
  ).then((lists) => lists.flat());
const pemCount = (b64: string) =>
  (
    Buffer.from(b64, 'base64')
      .toString()
      .match(/BEGIN CERTIFICATE/g) ?? []
  ).length;

const site = (name: string) =>
  JSON.stringify({
    apiVersion: 'vyogo.tech/v1alpha1',
    kind: 'FrappeSite',
    metadata: { name, namespace: 'erp' },
    spec: { benchRef: { name: 'erpnext' }, siteName: `${name}.acme.example` },
  });

beforeAll(async () => {
  // The namespace: lo up, a veth pair inside it, 10.213.0.2/24 on one end and the default route.
  ip('netns', 'add', NETNS);
  ip('-n', NETNS, 'link', 'set', 'lo', 'up');
  ip('-n', NETNS, 'link', 'add', 'fa0', 'type', 'veth', 'peer', 'name', 'fa1');
  ip('-n', NETNS, 'addr', 'add', `${ADDRESS}/24`, 'dev', 'fa0');
  ip('-n', NETNS, 'link', 'set', 'fa0', 'up');
  ip('-n', NETNS, 'link', 'set', 'fa1', 'up');
  ip('-n', NETNS, 'route', 'add', 'default', 'dev', 'fa0');
  plane = await startControlPlane({ netns: { name: NETNS, address: ADDRESS } });
  dir = await mkdtemp(join(tmpdir(), 'frappe-admission-netns-'));
  await installCrds(plane);

  // The chart in self-managed mode, webhooks only: its Service, webhook configurations and serve's flags.
  const objects = parseObjects(
    await helmTemplate({
      release: RELEASE,
      namespace: NS,
      set: ['certificates.mode=self-managed', 'controller.enabled=false'],
    }),
  );
  const pick = (kind: string) => objects.filter((o) => o.kind === kind);
  await must(['create', 'namespace', NS]);
  await must(['create', 'namespace', 'erp']);
  const wanted = [
    ...pick('Service'),
    ...pick('MutatingWebhookConfiguration'),
    ...pick('ValidatingWebhookConfiguration'),
  ];
  await must(['apply', '-f', '-'], wanted.map((o) => JSON.stringify(o)).join('\n'));
  // No kube-proxy or endpoint controller: the Service's endpoint, as the EndpointSlice controller would write it.
  await must(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${FULLNAME}-1`, namespace: NS, labels: { 'kubernetes.io/service-name': FULLNAME } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [ADDRESS], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 9443, protocol: 'TCP' }],
    }),
  );
  const args = await serveArgs(objects, dir, {
    '--drain-delay-seconds': '0',
    '--ca-overlap': '8s', // short, to see the old CA go
  });
  expect(args).toContain('--self-managed-certificates');
  expect(args).toContain('--no-controller');
  // kubelet's Secret volume, played in the namespace (the API server is only reachable there).
  processes.push(
    startProcess(
      'secret-volume',
      ...inNetns(NETNS, process.execPath, [
        join(projectRoot(), 'dist', 'harness', 'secret-volume.js'),
        plane.kubeconfig,
        NS,
        SECRET,
        join(dir, 'tls'),
        '300',
      ]),
      dir,
    ),
  );
  serve = startProcess(
    'serve',
    ...inNetns(NETNS, process.execPath, [
      builtCli(),
      'serve',
      ...args,
      `--host=${ADDRESS}`,
      `--kubeconfig=${plane.kubeconfig}`,
      '--certificate-check-interval=1s',
    ]),
    dir,
    { ...process.env, POD_NAME: 'fa-0', POD_NAMESPACE: NS },
  );
  processes.push(serve);
}, 300_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop(5000)));
  await plane?.stop();
  try {
    ip('netns', 'del', NETNS);
  } catch {
    // not made
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('self-managed certificates through a Service (network namespace, EndpointSlice; kubelet played by the test)', () => {
  it('the process issues, patches caBundle, and kubectl apply goes through both webhooks over the Service', async () => {
    const data = await eventually(secretData);
    await eventually(async () => ((await caBundles()).every((b) => b === data['ca.crt']) ? true : undefined));
    await eventually(async () =>
      (await serve.tail(200)).includes('serving admission webhooks') ? true : undefined,
    );
    const bench = await readFile(join(projectRoot(), 'examples', 'bench.yaml'), 'utf8');
    await must(['apply', '-f', '-'], bench);
    const applied = await eventually(async () => {
      const r = await kubectl(['apply', '-f', '-', '-o', 'json'], site('acme'));
      return r.code === 0 ? (JSON.parse(r.stdout) as { spec: Record<string, unknown> }) : undefined;
    });
    // Written by the mutating webhook (the request went through it over TLS to <svc>.<ns>.svc).
    expect(applied.spec.domain ?? applied.spec.database).toBeDefined();
    const invalid = await kubectl(['apply', '-f', join(projectRoot(), 'examples', 'invalid-site.yaml')]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('denied the request');
  });

  it('a forced CA renewal while sites are created fails no request; the old CA leaves after the overlap', async () => {
    const before = (await secretData())!;
    let requests = 0;
    const failures: string[] = [];
    let stop = false;
    let n = 0;
    const loop = (async () => {
      while (!stop) {
        const r = await kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], site(`load-${n++}`));
        requests++;
        if (r.code !== 0) failures.push(r.stderr);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await must(['annotate', 'secret', SECRET, '-n', NS, 'frappe-admission.vyogo.tech/renew=ca']);
    const renewed = await eventually(async () => {
      const d = await secretData();
      return d && d['ca.crt'] !== before['ca.crt'] ? d : undefined;
    });
    expect(pemCount(renewed['ca.crt']!)).toBe(2);
    await eventually(async () =>
      (await serve.tail(300)).includes('serving certificate reloaded') ? true : undefined,
    );
    const dropped = await eventually(async () => {
      const d = await secretData();
      return d && pemCount(d['ca.crt']!) === 1 ? d : undefined;
    });
    await eventually(async () =>
      (await caBundles()).every((b) => b === dropped['ca.crt']) ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stop = true;
    await loop;
    console.log(`forced CA renewal: ${requests} requests through the webhooks, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(10);
  });
});
