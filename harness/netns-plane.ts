// A control plane as a cluster's webhooks see it, for tests that go through a Service (root, as CI
// runs): a network namespace of the test's own (`lo` up, a veth end with the given addresses and the
// default route), etcd and kube-apiserver inside it (advertising the first address, aggregator
// routing on), the Service's endpoints written as the EndpointSlice controller would (there is no
// kube-proxy or endpoint controller; loopback is rejected as an endpoint), and `serve` started like
// a pod of the chart's Deployment: its args, its Secret volume mirrored by harness/secret-volume.ts
// (kubelet's part), its ConfigMap volume written, the mount paths mapped to local directories.
// Traffic stays on the namespace's loopback and addresses.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  inNetns,
  runCommand,
  startControlPlane,
  type CommandResult,
  type ControlPlane,
} from './control-plane.js';
import { builtCli, projectRoot } from './paths.js';
import { podArgs, type MountedDirectory } from './pod-args.js';
import { startProcess, waitFor, type ManagedProcess } from './processes.js';

export interface NetnsPlane {
  netns: string;
  /** The namespace's addresses: the API server advertises the first; each serve listens on one. */
  addresses: string[];
  plane: ControlPlane;
  /** A scratch directory, removed by stop(). */
  dir: string;
  kubectl(args: string[], input?: string): Promise<CommandResult>;
  /** kubectl that throws with its stderr unless it succeeds; resolves to stdout. */
  must(args: string[], input?: string): Promise<string>;
  /** Parsed `kubectl get -o json`. */
  getJson<T>(args: string[]): Promise<T>;
  /** The Service's EndpointSlice, as the EndpointSlice controller writes it from its pods' readiness. */
  setEndpoints(
    service: { name: string; namespace: string; port: number },
    endpoints: { address: string; ready: boolean }[],
  ): Promise<void>;
  /**
   * Creates objects through the webhooks (`kubectl create --dry-run=server`, which calls both) one
   * after another until stopped; counts the requests and keeps every failure's stderr.
   */
  load(manifest: (n: number) => string): { stop(): Promise<{ requests: number; failures: string[] }> };
  /** Starts `serve` like a pod of `deployment` (see PodOptions); stopped by stop() if still running. */
  startPod(options: PodOptions): Promise<Pod>;
  stop(): Promise<void>;
}

export interface Deployment {
  metadata: { namespace?: string };
  spec: {
    template: {
      spec: {
        containers: { args: string[]; volumeMounts?: { name: string; mountPath: string }[] }[];
        volumes?: {
          name: string;
          secret?: { secretName: string; optional?: boolean };
          configMap?: { name: string };
        }[];
      };
    };
  };
}

export interface PodOptions {
  /** The pod's name (POD_NAME, the Lease identity) and its log file's. */
  name: string;
  address: string;
  deployment: Deployment;
  /** Flag values replaced in the Deployment's args, e.g. {'--drain-delay-seconds': '0'}. */
  flags?: Record<string, string>;
  extraArgs?: string[];
  /** The CLI to run (default: this tree's build); an older build for an upgrade. */
  cli?: string;
}

export interface Pod {
  process: ManagedProcess;
  /** serve's argv after the CLI path. */
  args: string[];
  /** Waits until GET /readyz answers 200 (kubelet's readiness probe, TLS unverified as kubelet's is). */
  ready(timeoutMs?: number): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Makes the namespace `<prefix>-<pid>` with `<subnet>.2`, `<subnet>.3`… and a control plane in it. */
export async function startNetnsPlane(options: {
  prefix: string;
  /** The first three octets of a /24 no other test file uses, e.g. '10.213.0'. */
  subnet: string;
  addressCount?: number;
}): Promise<NetnsPlane> {
  const netns = `${options.prefix}-${process.pid}`;
  const addresses = Array.from({ length: options.addressCount ?? 1 }, (_, i) => `${options.subnet}.${i + 2}`);
  const processes: ManagedProcess[] = [];
  let plane: ControlPlane | undefined;
  let dir: string | undefined;
  const loads = new Set<() => Promise<unknown>>();
  const stop = async () => {
    await Promise.all([...loads].map((stopLoad) => stopLoad()));
    await Promise.all(processes.map((p) => p.stop(5000)));
    await plane?.stop();
    try {
      ip('netns', 'del', netns);
    } catch {
      // not made
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    ip('netns', 'add', netns);
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    ip('-n', netns, 'link', 'add', 'fa0', 'type', 'veth', 'peer', 'name', 'fa1');
    for (const address of addresses) ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'fa0');
    ip('-n', netns, 'link', 'set', 'fa0', 'up');
    ip('-n', netns, 'link', 'set', 'fa1', 'up');
    ip('-n', netns, 'route', 'add', 'default', 'dev', 'fa0');
    plane = await startControlPlane({ netns: { name: netns, address: addresses[0]! } });
    dir = await mkdtemp(join(tmpdir(), 'frappe-admission-netns-'));
  } catch (error) {
    await stop();
    throw error;
  }
  const cp = plane;
  const scratch = dir;
  const kubectl = (args: string[], input?: string) => cp.kubectl(args, { input });
  const must = async (args: string[], input?: string) => {
    const result = await kubectl(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const getJson = async <T>(args: string[]) => JSON.parse(await must(['get', ...args, '-o', 'json'])) as T;

  const startPod = async (pod: PodOptions): Promise<Pod> => {
    const podDir = join(scratch, pod.name);
    await mkdir(podDir);
    const namespace = pod.deployment.metadata.namespace ?? 'default';
    const { spec } = pod.deployment.spec.template;
    const container = spec.containers[0]!;
    // Each volume mount becomes a local directory: Secret volumes mirrored, ConfigMap volumes written.
    const mounts: MountedDirectory[] = [];
    for (const mount of container.volumeMounts ?? []) {
      const volume = spec.volumes?.find((v) => v.name === mount.name);
      const local = join(podDir, mount.name);
      mounts.push([mount.mountPath, local]);
      if (volume?.configMap) {
        const configMap = await getJson<{ data?: Record<string, string> }>([
          'configmap',
          volume.configMap.name,
          '-n',
          namespace,
        ]);
        await mkdir(local);
        for (const [key, value] of Object.entries(configMap.data ?? {}))
          await writeFile(join(local, key), value);
      }
      if (volume?.secret) {
        const mirror = startProcess(
          `${pod.name}-secret-volume`,
          ...inNetns(netns, process.execPath, [
            join(projectRoot(), 'dist', 'harness', 'secret-volume.js'),
            cp.kubeconfig,
            namespace,
            volume.secret.secretName,
            local,
            '300',
          ]),
          scratch,
        );
        processes.push(mirror);
        // kubelet starts no container before a required Secret volume is there.
        if (!volume.secret.optional)
          await waitFor(
            async () => existsSync(join(local, '..data')),
            60_000,
            async () => `Secret ${volume.secret!.secretName} never mounted:\n${await mirror.tail()}`,
          );
      }
    }
    const args = podArgs(container.args, mounts, pod.flags);
    args.push(`--host=${pod.address}`, `--kubeconfig=${cp.kubeconfig}`, ...(pod.extraArgs ?? []));
    const serve = startProcess(
      pod.name,
      ...inNetns(netns, process.execPath, [pod.cli ?? builtCli(), 'serve', ...args]),
      scratch,
      { ...process.env, POD_NAME: pod.name, POD_NAMESPACE: namespace },
    );
    processes.push(serve);
    const port = args.find((a) => a.startsWith('--port='))?.slice('--port='.length) ?? '9443';
    return {
      process: serve,
      args,
      ready: (timeoutMs = 60_000) =>
        waitFor(
          async () =>
            (
              await runCommand(
                ...inNetns(netns, 'curl', [
                  '-sk',
                  '--max-time',
                  '2',
                  '-o',
                  '/dev/null',
                  '-w',
                  '%{http_code}',
                  `https://${pod.address}:${port}/readyz`,
                ]),
              )
            ).stdout === '200',
          timeoutMs,
          async () => `${pod.name} not ready:\n${await serve.tail(40)}`,
        ),
      stop: (graceMs) => serve.stop(graceMs),
    };
  };

  return {
    netns,
    addresses,
    plane: cp,
    dir: scratch,
    kubectl,
    must,
    getJson,
    setEndpoints: async (service, endpoints) => {
      await must(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            name: `${service.name}-1`,
            namespace: service.namespace,
            labels: { 'kubernetes.io/service-name': service.name },
          },
          addressType: 'IPv4',
          endpoints: endpoints.map((e) => ({
            addresses: [e.address],
            conditions: { ready: e.ready, serving: e.ready, terminating: !e.ready },
          })),
          ports: [{ name: 'https', port: service.port, protocol: 'TCP' }],
        }),
      );
    },
    load: (manifest) => {
      let stopped = false;
      let requests = 0;
      const failures: string[] = [];
      const loop = (async () => {
        while (!stopped) {
          const r = await kubectl(
            ['create', '--dry-run=server', '-o', 'name', '-f', '-'],
            manifest(requests),
          );
          requests++;
          if (r.code !== 0) failures.push(r.stderr);
        }
      })();
      const stopLoad = async () => {
        stopped = true;
        loads.delete(stopLoad);
        await loop;
        return { requests, failures };
      };
      loads.add(stopLoad);
      return { stop: stopLoad };
    },
    startPod,
    stop,
  };
}
