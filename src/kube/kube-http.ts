// Raw JSON requests to the API server, with the credentials of the pod's service account or a
// kubeconfig (kube-credentials.ts: client-node only for exec plugins and auth providers, lazily).
// Lists and watches stay plain JSON: no model classes, no Date objects, exactly what the webhook
// and the rules see.
import type { IncomingMessage } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import { createInterface } from 'node:readline';
import { loadCredentials, type KubeCredentials } from './kube-credentials.js';

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface KubeHttp {
  getJSON(path: string): Promise<unknown>;
  /**
   * Sends a JSON body (POST, PUT, PATCH, DELETE…); resolves with the parsed answer, throws
   * KubeApiError on ≥ 300. `contentType` names the patch flavour, e.g. `application/apply-patch+yaml`
   * for server-side apply (a JSON body is valid YAML) or `application/merge-patch+json`.
   */
  sendJSON(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown>;
  /** Streams a watch: one parsed JSON object per line until the server ends it or signal aborts. */
  watch(
    path: string,
    onEvent: (event: unknown) => void,
    options: { signal: AbortSignal; idleTimeoutMs: number },
  ): Promise<void>;
}

/** Where the API server is and how to authenticate: kube-credentials.ts's loadCredentials. */
export { loadCredentials as loadKubeConfig };

/** How this operator's requests show in the API server's audit log (the default user agent). */
export const USER_AGENT = 'frappe-admission';

/** A request (not a watch) that has not answered in this long is abandoned with an error. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** An API error's status code, or undefined for a network failure. */
export const statusOf = (error: unknown): number | undefined =>
  error instanceof KubeApiError ? error.statusCode : undefined;
export const isNotFound = (error: unknown) => statusOf(error) === 404;
export const isConflict = (error: unknown) => statusOf(error) === 409;

export function kubeHttp(credentials: KubeCredentials, userAgent = USER_AGENT): KubeHttp {
  const base = credentials.server;
  const prefix = base.pathname.replace(/\/$/, '');
  // Keep connections alive between requests (watches hold their own); the TLS options are the
  // agent's, so its pool keys on them once instead of per request.
  const agent = new Agent({ keepAlive: true, maxSockets: 32, ...credentials.tls });

  /**
   * One request. `signal` ends a watch; a request that must answer in time gets a timer instead,
   * cleared when its response is done: an AbortSignal that fires after the response has ended
   * could destroy the keep-alive socket another request is using by then.
   */
  async function send(
    path: string,
    signal: AbortSignal | undefined,
    method: string,
    body?: string,
    contentType = 'application/json',
  ) {
    const options: RequestOptions = {
      host: base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: base.port || 443,
      path: `${prefix}${path}`,
      method,
      headers: {
        accept: 'application/json',
        'user-agent': userAgent,
        // An explicit length: Node sends a DELETE's body neither chunked nor with a length, so the
        // API server would read it as the start of the next request on the keep-alive connection
        // (answering that one with a plain-text 400) and ignore the DeleteOptions (preconditions!).
        ...(body === undefined
          ? {}
          : { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }),
        ...credentials.headers(),
      },
      signal,
      agent,
    };
    if (credentials.applyToRequest) await credentials.applyToRequest(options as Record<string, unknown>);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(options, (response) => {
        if (timer) response.once('close', () => clearTimeout(timer));
        resolve(response);
      });
      const timer =
        signal === undefined
          ? setTimeout(
              () => req.destroy(new Error(`no answer from the API server within ${REQUEST_TIMEOUT_MS} ms`)),
              REQUEST_TIMEOUT_MS,
            )
          : undefined;
      timer?.unref();
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }

  /** A 401 may be a rotated token: re-read it and try once more. */
  async function open(
    path: string,
    signal?: AbortSignal,
    method = 'GET',
    body?: string,
    contentType?: string,
  ) {
    const response = await send(path, signal, method, body, contentType);
    if (response.statusCode !== 401 || !credentials.unauthorized()) return response;
    response.resume();
    return send(path, signal, method, body, contentType);
  }

  async function readJSON(response: IncomingMessage): Promise<unknown> {
    let text = '';
    response.setEncoding('utf8');
    for await (const chunk of response) text += chunk;
    return JSON.parse(text) as unknown;
  }

  async function failure(response: IncomingMessage): Promise<KubeApiError> {
    let body = '';
    for await (const chunk of response) body += chunk;
    let message = body.slice(0, 500);
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      // not a Status object: keep the text
    }
    return new KubeApiError(response.statusCode ?? 0, message);
  }

  return {
    async getJSON(path) {
      const response = await open(path);
      if (response.statusCode !== 200) throw await failure(response);
      return readJSON(response);
    },
    async sendJSON(method, path, body, contentType) {
      const response = await open(
        path,
        undefined,
        method,
        body === undefined ? undefined : JSON.stringify(body),
        contentType,
      );
      if ((response.statusCode ?? 0) >= 300) throw await failure(response);
      return readJSON(response);
    },
    async watch(path, onEvent, { signal, idleTimeoutMs }) {
      const response = await open(path, signal);
      if (response.statusCode !== 200) throw await failure(response);
      // A silent connection (no event, no bookmark) for this long is dead: end it and re-watch.
      response.socket.setTimeout(idleTimeoutMs, () => response.destroy(new Error('watch idle timeout')));
      const lines = createInterface({ input: response, crlfDelay: Infinity });
      try {
        for await (const line of lines) if (line.trim() !== '') onEvent(JSON.parse(line));
      } finally {
        // The socket is gone (null) when the server ended the watch: nothing to reset then.
        response.socket?.setTimeout(0);
        response.destroy();
      }
    },
  };
}
