// One POST to a benchmark's server on 127.0.0.1 over a kept-alive agent. Never rejects: a
// transport error comes back as status 0, so a load loop counts it instead of stopping.
import { Agent, request } from 'node:https';

export interface Post {
  path: string;
  contentType: string;
  body: string | Buffer;
}

export function post(agent: Agent, port: number, what: Post): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: what.path,
        method: 'POST',
        agent,
        headers: { 'content-type': what.contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', () => resolve({ status: 0, body: 'response error' }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, body: String(error) }));
    req.end(what.body);
  });
}

/**
 * Sends `count` POSTs, `concurrency` at a time over kept-alive connections to a server with any
 * certificate, and calls `answered` with each answer (as post gives it).
 */
export async function postMany(
  port: number,
  what: Post,
  count: number,
  concurrency: number,
  answered: (answer: { status: number; body: string }) => void,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      answered(await post(agent, port, what));
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
}
