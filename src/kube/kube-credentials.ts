// Where the API server is and how to authenticate to it, without @kubernetes/client-node on the
// common paths: importing client-node costs about 85 MiB of RSS (its config module alone), more
// than the whole webhook server. In a pod the credentials are a service-account token file and a
// CA file; a kubeconfig is read for its usual subset (server, CA, client certificate, token, token
// file, basic auth). Only a kubeconfig user with an exec plugin or an auth provider loads
// client-node, lazily, and lets it authenticate each request.
//
// Projected service-account tokens rotate (the kubelet rewrites the file well before expiry), so a
// token file is re-read when the last read is older than `tokenMaxAgeMs` and after a 401.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_MAX_AGE_MS = 60_000;

/** TLS options for the https.Agent, fixed for the life of the credentials. */
export interface KubeTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface KubeCredentials {
  /** The API server's base URL (https). */
  server: URL;
  tls: KubeTls;
  /** Headers (authorization) for the next request; a token file is re-read when due. */
  headers(): Record<string, string>;
  /**
   * The API server answered 401: forget a token read from a file, so the next request re-reads it.
   * True when that may help (worth one retry).
   */
  unauthorized(): boolean;
  /**
   * Only for the client-node fallback (exec plugins, auth providers): applies TLS and auth to the
   * request options itself, each request. Undefined on the common paths.
   */
  applyToRequest?(options: Record<string, unknown>): Promise<void>;
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

function readFile(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CredentialsError(`cannot read ${what} ${path}: ${reason}`, { cause: error });
  }
}

/** A token read from a file, re-read when older than maxAgeMs or after invalidate(). */
export function tokenFileReader(
  path: string,
  options: { maxAgeMs?: number; now?: () => number } = {},
): { token(): string; invalidate(): void } {
  const maxAgeMs = options.maxAgeMs ?? TOKEN_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  let token: string | undefined;
  let readAt = 0;
  const read = () => {
    const text = readFile('token file', path).toString('utf8').trim();
    if (text === '') throw new CredentialsError(`token file ${path} is empty`);
    token = text;
    readAt = now();
    return text;
  };
  return {
    token: () => {
      if (token === undefined || now() - readAt >= maxAgeMs) {
        try {
          return read();
        } catch (error) {
          // A rotation caught mid-write or a transient read error: the last token may still be valid.
          if (token !== undefined) return token;
          throw error;
        }
      }
      return token;
    },
    invalidate: () => {
      readAt = Number.NEGATIVE_INFINITY;
    },
  };
}

function bearer(reader: { token(): string; invalidate(): void }) {
  return {
    headers: () => ({ authorization: `Bearer ${reader.token()}` }),
    unauthorized: () => {
      reader.invalidate();
      return true;
    },
  };
}

export interface InClusterOptions {
  env?: NodeJS.ProcessEnv;
  /** The service-account directory (token, ca.crt). */
  dir?: string;
  tokenMaxAgeMs?: number;
  now?: () => number;
}

/** The pod's service account: KUBERNETES_SERVICE_HOST/PORT, token and ca.crt. */
export function inClusterCredentials(options: InClusterOptions = {}): KubeCredentials {
  const env = options.env ?? process.env;
  const dir = options.dir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port)
    throw new CredentialsError(
      'not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset',
    );
  const ca = readFile('service-account CA file', join(dir, 'ca.crt'));
  const reader = tokenFileReader(join(dir, 'token'), { maxAgeMs: options.tokenMaxAgeMs, now: options.now });
  reader.token(); // a missing token fails now, with its path, not at the first list
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { server: new URL(`https://${hostPart}:${port}`), tls: { ca }, ...bearer(reader) };
}

type Named<K extends string, T> = { name: string } & Record<K, T>;
interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Named<'cluster', Record<string, unknown>>[];
  users?: Named<'user', Record<string, unknown>>[];
  contexts?: Named<'context', { cluster?: string; user?: string }>[];
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

export interface KubeconfigOptions {
  /** A context other than current-context. */
  context?: string;
  tokenMaxAgeMs?: number;
  now?: () => number;
}

/**
 * A kubeconfig file: server, certificate-authority(-data), insecure-skip-tls-verify,
 * tls-server-name; client-certificate(-data)/client-key(-data), token, tokenFile, username/password.
 * Relative paths are relative to the file. exec and auth-provider users go to client-node.
 */
export function kubeconfigCredentials(file: string, options: KubeconfigOptions = {}): KubeCredentials {
  const base = dirname(resolve(file));
  let config: KubeconfigFile;
  try {
    config = (parse(readFile('kubeconfig', file).toString('utf8')) ?? {}) as KubeconfigFile;
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    throw new CredentialsError(`kubeconfig ${file} is not valid YAML: ${(error as Error).message}`);
  }
  const contextName = options.context ?? config['current-context'];
  if (!contextName) throw new CredentialsError(`kubeconfig ${file} has no current-context`);
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new CredentialsError(`kubeconfig ${file} has no context ${contextName}`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster)
    throw new CredentialsError(`kubeconfig ${file}: context ${contextName} names no known cluster`);
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  const server = str(cluster.server);
  if (!server) throw new CredentialsError(`kubeconfig ${file}: cluster ${context.cluster} has no server`);

  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    return clientNodeCredentials(file, contextName, new URL(server));

  const path = (value: unknown) => {
    const p = str(value);
    return p === undefined ? undefined : isAbsolute(p) ? p : join(base, p);
  };
  const pick = (what: string, inline: unknown, filePath: unknown): Buffer | undefined => {
    const text = str(inline);
    if (text !== undefined) return Buffer.from(text, 'base64');
    const p = path(filePath);
    return p === undefined ? undefined : readFile(what, p);
  };

  const tls: KubeTls = {};
  const ca = pick(
    'certificate authority',
    cluster['certificate-authority-data'],
    cluster['certificate-authority'],
  );
  if (ca) tls.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false;
  const serverName = str(cluster['tls-server-name']);
  if (serverName) tls.servername = serverName;
  const cert = pick('client certificate', user['client-certificate-data'], user['client-certificate']);
  const key = pick('client key', user['client-key-data'], user['client-key']);
  if ((cert === undefined) !== (key === undefined))
    throw new CredentialsError(
      `kubeconfig ${file}: user ${context.user} has a client certificate or key without the other`,
    );
  if (cert && key) Object.assign(tls, { cert, key });

  const credentials = { server: new URL(server), tls };
  const token = str(user.token);
  if (token) {
    const header = { authorization: `Bearer ${token}` };
    return { ...credentials, headers: () => header, unauthorized: () => false };
  }
  const tokenFile = path(user.tokenFile);
  if (tokenFile) {
    const reader = tokenFileReader(tokenFile, { maxAgeMs: options.tokenMaxAgeMs, now: options.now });
    reader.token();
    return { ...credentials, ...bearer(reader) };
  }
  const username = str(user.username);
  if (username) {
    const basic = Buffer.from(`${username}:${str(user.password) ?? ''}`).toString('base64');
    const header = { authorization: `Basic ${basic}` };
    return { ...credentials, headers: () => header, unauthorized: () => false };
  }
  return { ...credentials, headers: () => ({}), unauthorized: () => false };
}

/** exec plugins and auth providers: client-node, imported only here, at the first request. */
function clientNodeCredentials(file: string, context: string, server: URL): KubeCredentials {
  let loaded: Promise<{ applyToHTTPSOptions(options: never): Promise<void> }> | undefined;
  const load = async () => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    config.loadFromFile(file);
    config.setCurrentContext(context);
    return config;
  };
  return {
    server,
    tls: {},
    headers: () => ({}),
    unauthorized: () => false,
    applyToRequest: async (options) => (await (loaded ??= load())).applyToHTTPSOptions(options as never),
  };
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  serviceAccountDir?: string;
}

/**
 * The kubeconfig file given, else the in-cluster service account, else ~/.kube/config. Unlike
 * client-node's loadFromDefault() it never falls back to an unauthenticated http://localhost:8080.
 */
export function loadCredentials(kubeconfig?: string, options: LoadOptions = {}): KubeCredentials {
  const env = options.env ?? process.env;
  if (kubeconfig) return kubeconfigCredentials(kubeconfig);
  if (env.KUBERNETES_SERVICE_HOST) return inClusterCredentials({ env, dir: options.serviceAccountDir });
  const home = join(options.home ?? homedir(), '.kube', 'config');
  try {
    readFileSync(home);
  } catch {
    throw new CredentialsError('no kubeconfig: not in a cluster, no $KUBECONFIG and no ~/.kube/config');
  }
  return kubeconfigCredentials(home);
}
