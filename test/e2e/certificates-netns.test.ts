// Self-managed certificates end to end through a Service, as in a cluster: a real `helm install` of
// the chart (self-managed mode, webhooks only) into a control plane inside a network namespace this
// test makes (harness/netns-plane.ts: etcd, kube-apiserver advertising 10.213.0.2, an EndpointSlice
// naming that address), and `serve` started with the installed Deployment's args on 10.213.0.2, its
// Secret volume mirrored as kubelet would. The API server resolves the Service to the endpoint and
// verifies the certificate the process issued for `<svc>.<ns>.svc` against the caBundle the process
// patched in. Then a CA renewal is forced while a loop creates sites through the webhooks: no
// request may fail. Traffic goes only to loopback and 10.213.0.0/24 inside the namespace.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetnsPlane, type Deployment, type NetnsPlane, type Pod } from '../../harness/netns-plane.js';
import { projectRoot } from '../../harness/paths.js';
import { waitFor } from '../../harness/processes.js';
import { chartDir } from '../../scripts/chart.js';
import { caBundles, installChart, siteJson } from './chart-install.js';

const RELEASE = 'fa';
const NS = 'fa-system';
const FULLNAME = 'fa-frappe-admission';
const SECRET = `${FULLNAME}-tls`;

let np: NetnsPlane;
let serve: Pod;

const secretData = async () => {
  const result = await np.kubectl(['get', 'secret', SECRET, '-n', NS, '-o', 'json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as { data: Record<string, string> }).data : undefined;
};
/** Polls until `probe` gives a value; fails with serve's log. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  let value: T | undefined;
  await waitFor(
    async () => (value = await probe()) !== undefined,
    timeoutMs,
    async () => `condition not met within ${timeoutMs} ms\n${await serve.process.tail(40)}`,
  );
  return value!;
}
const pemCount = (b64: string) =>
  (
    Buffer.from(b64, 'base64')
      .toString()
      .match(/BEGIN CERTIFICATE/g) ?? []
  ).length;

beforeAll(async () => {
  np = await startNetnsPlane({ prefix: 'fa-certs', subnet: '10.213.0' });
  const address = np.addresses[0]!;
  await installChart(np, { name: RELEASE, namespace: NS, chart: chartDir() }, [
    'certificates.mode=self-managed',
  ]);
  await np.must(['create', 'namespace', 'erp']);
  await np.setEndpoints({ name: FULLNAME, namespace: NS, port: 9443 }, [{ address, ready: true }]);
  serve = await np.startPod({
    name: 'fa-0',
    address,
    deployment: await np.getJson<Deployment>(['deployment', FULLNAME, '-n', NS]),
    // No drain wait at the end; a short overlap, to see the old CA go.
    flags: { '--drain-delay-seconds': '0', '--ca-overlap': '8s' },
    extraArgs: ['--certificate-check-interval=1s'],
  });
  expect(serve.args).toContain('--self-managed-certificates');
  expect(serve.args).toContain('--no-controller');
}, 300_000);

afterAll(async () => {
  await np?.stop();
});

describe('self-managed certificates through a Service (helm install, network namespace, EndpointSlice; kubelet played by the test)', () => {
  it('the process issues, patches caBundle, and kubectl apply goes through both webhooks over the Service', async () => {
    const data = await eventually(secretData);
    await eventually(async () =>
      (await caBundles(np, FULLNAME)).every((b) => b === data['ca.crt']) ? true : undefined,
    );
    await serve.ready();
    const bench = await readFile(join(projectRoot(), 'examples', 'bench.yaml'), 'utf8');
    await np.must(['apply', '-f', '-'], bench);
    const applied = await eventually(async () => {
      const r = await np.kubectl(['apply', '-f', '-', '-o', 'json'], siteJson('acme'));
      return r.code === 0 ? (JSON.parse(r.stdout) as { spec: Record<string, unknown> }) : undefined;
    });
    // Written by the mutating webhook (the request went through it over TLS to <svc>.<ns>.svc).
    expect(applied.spec.domain ?? applied.spec.database).toBeDefined();
    const invalid = await np.kubectl(['apply', '-f', join(projectRoot(), 'examples', 'invalid-site.yaml')]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('denied the request');
  });

  it('a forced CA renewal while sites are created fails no request; the old CA leaves after the overlap', async () => {
    const before = (await secretData())!;
    const load = np.load((n) => siteJson(`load-${n}`));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await np.must(['annotate', 'secret', SECRET, '-n', NS, 'frappe-admission.vyogo.tech/renew=ca']);
    const renewed = await eventually(async () => {
      const d = await secretData();
      return d && d['ca.crt'] !== before['ca.crt'] ? d : undefined;
    });
    expect(pemCount(renewed['ca.crt']!)).toBe(2);
    await eventually(async () =>
      (await serve.process.tail(300)).includes('serving certificate reloaded') ? true : undefined,
    );
    const dropped = await eventually(async () => {
      const d = await secretData();
      return d && pemCount(d['ca.crt']!) === 1 ? d : undefined;
    });
    await eventually(async () =>
      (await caBundles(np, FULLNAME)).every((b) => b === dropped['ca.crt']) ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { requests, failures } = await load.stop();
    console.log(`forced CA renewal: ${requests} requests through the webhooks, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(10);
  });
});
