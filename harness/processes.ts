// Child processes of a local control plane: started with their output in log files, stopped
// with SIGTERM then SIGKILL, and killed if the parent exits first so none is ever left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** The last lines of the log, for error messages. */
  tail(lines?: number): Promise<string>;
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** On exit (normal or by signal) kill whatever is still running: no stray etcd or apiserver. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  installExitHook();
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return {
    name,
    child,
    logFile,
    tail: async (lines = 30) =>
      (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n'),
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `probe` until it resolves true or the deadline passes; fails with `describe()`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 1.5, 500)) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(await describe());
}
