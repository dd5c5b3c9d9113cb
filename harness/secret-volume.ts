// Plays kubelet's Secret volume for tests (there is no kubelet here): mirrors a Secret's keys into
// a directory the way kubelet's atomic writer does — the files live in a timestamped directory,
// `..data` is a symlink to it, each key a symlink `key → ..data/key`, and an update writes a new
// directory and renames a fresh `..data_tmp` symlink over `..data` (one atomic swap). Polls the
// Secret every `intervalMs` (kubelet syncs about once a minute; tests want it sooner). Also a CLI,
// for a Secret of an API server only reachable inside a network namespace:
//   node dist/harness/secret-volume.js KUBECONFIG NAMESPACE NAME DIR [INTERVAL_MS]
import { mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isNotFound, kubeHttp, loadKubeConfig } from '../src/kube/kube-http.js';

export interface SecretVolume {
  stop(): Promise<void>;
  /** How many times the files were swapped. */
  updates(): number;
}

export async function writeAtomically(dir: string, files: Record<string, Buffer>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[-:.]/g, '_')}.${process.hrtime.bigint()}`;
  await mkdir(join(dir, stamp));
  for (const [key, bytes] of Object.entries(files))
    await writeFile(join(dir, stamp, key), bytes, { mode: 0o644 });
  const old = await readlink(join(dir, '..data')).catch(() => undefined);
  await rm(join(dir, '..data_tmp'), { force: true });
  await symlink(stamp, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const key of Object.keys(files))
    await symlink(join('..data', key), join(dir, key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  if (old) await rm(join(dir, old), { recursive: true, force: true });
}

export function mirrorSecret(options: {
  kubeconfig: string;
  namespace: string;
  name: string;
  dir: string;
  intervalMs?: number;
}): SecretVolume {
  const http = kubeHttp(loadKubeConfig(options.kubeconfig), 'secret-volume-test');
  const path = `/api/v1/namespaces/${options.namespace}/secrets/${options.name}`;
  let last = '';
  let updates = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const secret = (await http.getJSON(path)) as { data?: Record<string, string> };
        const data = secret.data ?? {};
        const key = JSON.stringify(data);
        if (key !== last) {
          await writeAtomically(
            options.dir,
            Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
          );
          last = key;
          updates++;
        }
      } catch (error) {
        if (!isNotFound(error)) process.stderr.write(`secret-volume: ${(error as Error).message}\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
    }
  })();
  return {
    updates: () => updates,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [kubeconfig, namespace, name, dir, interval] = process.argv.slice(2);
  const volume = mirrorSecret({
    kubeconfig: kubeconfig!,
    namespace: namespace!,
    name: name!,
    dir: dir!,
    intervalMs: Number(interval ?? 200),
  });
  process.once('SIGTERM', () => void volume.stop().then(() => process.exit(0)));
}
