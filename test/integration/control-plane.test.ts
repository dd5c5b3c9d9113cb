// The control-plane harness itself: binaries built from Go modules report v1.34.3, and stop()
// leaves no process behind.
import { describe, expect, it } from 'vitest';
import { startControlPlane } from '../../harness/control-plane.js';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local control plane', () => {
  it('starts etcd and kube-apiserver v1.34.3, answers kubectl, and stops without strays', async () => {
    const plane = await startControlPlane({ withControllerManager: true });
    let pids: (number | undefined)[];
    try {
      const version = await plane.kubectl(['version', '-o', 'json']);
      expect(version.code).toBe(0);
      const parsed = JSON.parse(version.stdout) as {
        clientVersion: { gitVersion: string };
        serverVersion: { gitVersion: string };
      };
      expect(parsed.serverVersion.gitVersion).toBe('v1.34.3');
      expect(parsed.clientVersion.gitVersion).toBe('v1.34.3');
      const namespaces = await plane.kubectl(['get', 'namespaces', '-o', 'name']);
      expect(namespaces.stdout).toContain('namespace/kube-system');
      // kube-controller-manager's garbage collector removes children of a deleted owner.
      await plane.kubectl(['create', 'configmap', 'owner', '-n', 'default']);
      const uid = (
        await plane.kubectl(['get', 'configmap', 'owner', '-n', 'default', '-o', 'jsonpath={.metadata.uid}'])
      ).stdout;
      const child = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"child","namespace":"default","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"${uid}"}]}}`;
      expect((await plane.kubectl(['apply', '-f', '-'], { input: child })).code).toBe(0);
      expect((await plane.kubectl(['delete', 'configmap', 'owner', '-n', 'default'])).code).toBe(0);
      const deadline = Date.now() + 30_000;
      while ((await plane.kubectl(['get', 'configmap', 'child', '-n', 'default'])).code === 0) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      pids = (await import('node:child_process'))
        .execFileSync('pgrep', ['-f', plane.dir])
        .toString()
        .trim()
        .split('\n')
        .map(Number);
      expect(pids.length).toBe(3); // etcd, kube-apiserver, kube-controller-manager
    } finally {
      await plane.stop();
    }
    expect(pids.filter(alive)).toEqual([]);
  });
});
