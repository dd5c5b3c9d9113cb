// Finding the programs the tests and benchmarks run (Debian packages), with a message that says
// which package to install instead of a spawn error halfway through a run.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface Command {
  binary: string;
  /** The Debian package that provides it. */
  debianPackage: string;
}

// Debian puts daemons (mariadbd) in /usr/sbin, which a non-root PATH may lack.
const SEARCHED = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];

/** The absolute path of the command, or an error naming the package to install. */
export async function locateCommand({ binary, debianPackage }: Command): Promise<string> {
  for (const dir of SEARCHED.filter(Boolean)) {
    const candidate = join(dir, binary);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error(
    `${binary} not found: install Debian's ${debianPackage} (apt-get install -y ${debianPackage})`,
  );
}

/** Exits with status 2 and one line per missing command when any is missing (for scripts). */
export async function requireCommands(commands: readonly Command[]): Promise<void> {
  const missing = (
    await Promise.all(
      commands.map((command) =>
        locateCommand(command).then(
          () => undefined,
          (e: Error) => e.message,
        ),
      ),
    )
  ).filter((message) => message !== undefined);
  if (missing.length === 0) return;
  for (const message of missing) process.stderr.write(`${message}\n`);
  process.exit(2);
}
