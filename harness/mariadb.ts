// A real MariaDB server for tests of the external database provider: Debian's `mariadbd` (package
// mariadb-server; .ci/run installs it) on a free loopback port with its own data directory, so
// nothing is shared with a system server. Measured on a 2-core machine: initialising the data
// directory takes about 1.5 s, the server then listens about 0.35 s after start.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mariadb';
import { locateCommand } from './commands.js';
import { freePort } from './control-plane.js';
import { startProcess, waitFor, type ManagedProcess } from './processes.js';

export interface MariaDbServer {
  host: string;
  port: number;
  rootUser: string;
  rootPassword: string;
  dir: string;
  /** Milliseconds from spawning mariadbd to its port accepting connections, at the last (re)start. */
  startMs: number;
  /** Stops the server (SIGTERM, a clean shutdown); the data directory stays for restart(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
  isRunning(): boolean;
}

const run = promisify(execFile);

// A small server: the tests create a handful of databases.
const SERVER_SIZE = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'];

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startMariaDb(options: { rootPassword?: string } = {}): Promise<MariaDbServer> {
  const fromPackage = (binary: string) => locateCommand({ binary, debianPackage: 'mariadb-server' });
  const [mariadbd, installDb] = await Promise.all([
    fromPackage('mariadbd'),
    fromPackage('mariadb-install-db'),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'frappe-admission-mariadb-'));
  const dataDir = join(dir, 'data');
  // mariadbd refuses to run as root unless told to; CI runs as root.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  await run(installDb, [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...asUser,
    ...SERVER_SIZE,
  ]);
  const host = '127.0.0.1';
  const port = await freePort();
  const rootPassword = options.rootPassword ?? `root-${Math.random().toString(36).slice(2)}`;
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--port=${port}`,
    `--bind-address=${host}`,
    `--socket=${join(dir, 'mariadbd.sock')}`,
    `--pid-file=${join(dir, 'mariadbd.pid')}`,
    '--skip-name-resolve',
    ...asUser,
    ...SERVER_SIZE,
  ];
  let running: ManagedProcess | undefined;
  const server: MariaDbServer = {
    host,
    port,
    rootUser: 'root',
    rootPassword,
    dir,
    startMs: 0,
    stop: async () => {
      await running?.stop(30_000);
      running = undefined;
    },
    restart: async () => {
      if (running) throw new Error('mariadbd is running');
      const started = performance.now();
      const child = startProcess('mariadbd', mariadbd, args, dir);
      running = child;
      await waitFor(
        async () => {
          if (child.child.exitCode !== null) throw new Error('mariadbd exited');
          return portOpen(host, port);
        },
        30_000,
        async () => `mariadbd did not listen on ${host}:${port}:\n${await child.tail()}`,
      );
      server.startMs = Math.round(performance.now() - started);
    },
    isRunning: () => running !== undefined,
    destroy: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.restart();
    // A fresh data directory has root without a password (from loopback): give it one, and drop the
    // account for the machine's host name, so the tests connect the way an operator would.
    const conn = await createConnection({ host, port, user: 'root', connectTimeout: 5000 });
    try {
      await conn.query(
        `DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1')`,
      );
      await conn.query('FLUSH PRIVILEGES');
      for (const account of ["'root'@'localhost'", "'root'@'127.0.0.1'", "'root'@'::1'"])
        await conn.query(`ALTER USER ${account} IDENTIFIED BY ?`, [rootPassword]);
    } finally {
      await conn.end();
    }
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}

/** A TCP proxy on loopback that counts the connections it accepts: each is one attempt to connect. */
export interface CountingProxy {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Destroys every open connection, as a crash or a network cut would. */
  cut(): void;
  close(): Promise<void>;
}

/**
 * Forwards every connection to `upstream`; when the upstream refuses (server stopped), closes the
 * client's socket, as a dead server would look through a load balancer.
 */
export async function startCountingProxy(upstream: { host: string; port: number }): Promise<CountingProxy> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    accepted++;
    track(client);
    // Only host and port: stream options named destroy or write would become the socket's own.
    const server = connect({ host: upstream.host, port: upstream.port });
    track(server);
    // Ends pass through (pipe ends the other side once its data is written); errors tear down both.
    client.pipe(server).pipe(client);
    client.once('error', () => server.destroy());
    server.once('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return accepted;
    },
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
