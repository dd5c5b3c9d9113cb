// What a CLI command may touch besides files: injected so tests run commands in-process too.
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A user-facing error: printed as `error: <message>` without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The signature every command module exports as `run`. Resolves to the exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;
