// What a cluster test uses: the real kubectl against the run's control plane, a fresh namespace
// per test, and polling against a deadline instead of sleeps.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { inject } from 'vitest';
import { runCommand, type CommandResult } from '../../harness/control-plane.js';

export const cluster = () => inject('cluster');

export function kubectl(args: string[], input?: string): Promise<CommandResult> {
  const { binDir, kubeconfig } = cluster();
  return runCommand(join(binDir, 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { input });
}

let counter = 0;
/** Creates a namespace unique to this test (names derive from the prefix and the process). */
export async function freshNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${++counter}`.slice(0, 63);
  const result = await kubectl(['create', 'namespace', name]);
  if (result.code !== 0) throw new Error(result.stderr);
  return name;
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 1.5, 500);
  }
}

export async function webhookMetrics(): Promise<string> {
  const { webhookUrl, caFile, webhookClient } = cluster();
  const [ca, cert, key] = await Promise.all([
    readFile(caFile),
    readFile(webhookClient.cert),
    readFile(webhookClient.key),
  ]);
  return new Promise((resolve, reject) => {
    const req = request(`${webhookUrl}/metrics`, { ca, cert, key }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}
