// A replica in self-managed mode may start before the leader has written the certificate Secret
// (it is mounted `optional`): it waits for kubelet to put the files there, not listening meanwhile
// (so not ready), instead of crashing; bounded, so a Secret that never comes ends in a clear exit.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export interface WaitForFilesOptions {
  files: readonly string[];
  timeoutMs: number;
  logger: Logger;
  /** What is awaited, for the log line, e.g. "Secret ns/name (written by the leader)". */
  source: string;
  pollIntervalMs?: number;
  /** Resolves early (with false) when it settles, e.g. on SIGTERM. */
  abort?: AbortSignal;
}

/** Resolves true once every file exists and is not empty; false when aborted; throws after the timeout. */
export async function waitForFiles(options: WaitForFilesOptions): Promise<boolean> {
  const present = async () =>
    (
      await Promise.all(
        options.files.map((f) =>
          readFile(f).then(
            (b) => b.length > 0,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
  if (await present()) return true;
  const started = Date.now();
  options.logger.info(
    { files: options.files, timeoutSeconds: options.timeoutMs / 1000 },
    `waiting for the certificate files from ${options.source}; not serving until they appear`,
  );
  for (;;) {
    if (options.abort?.aborted) return false;
    if (Date.now() - started > options.timeoutMs)
      throw new Error(
        `the certificate files (${options.files.join(', ')}) did not appear within ${options.timeoutMs / 1000} s`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1000));
    if (await present()) {
      options.logger.info({ waitedMs: Date.now() - started }, 'certificate files present');
      return true;
    }
  }
}
