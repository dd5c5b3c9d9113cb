// Where serve's JSON log lines go: batched, one write per 4 KiB or per quarter second, so a
// decision's log line costs an array push instead of a system call. The write is never on a
// request's path: a full batch is written on the next turn of the event loop, after the
// response that filled it has gone out. Not pino.destination: its
// sonic-boom (4.2.1) recomputes the UTF-8 length of the whole pending buffer on every line, so a
// line costs O(pending bytes); under load that was 11% of the webhook's CPU on bench creates.

/** What the batches are written to: process.stdout, whose writes to pipes and files are synchronous on Linux. */
export interface LineSink {
  write(chunk: string): unknown;
}

export interface BatchedLinesOptions {
  /** Write on the next turn of the event loop once this many characters are pending. */
  maxPendingChars?: number;
  /** Write pending lines at most this long after the first of them. */
  maxDelayMs?: number;
}

/** A pino destination (write + flush) that batches lines. */
export class BatchedLines {
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly maxPendingChars: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly sink: LineSink,
    options: BatchedLinesOptions = {},
  ) {
    this.maxPendingChars = options.maxPendingChars ?? 4096;
    this.maxDelayMs = options.maxDelayMs ?? 250;
  }

  write(line: string): boolean {
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= this.maxPendingChars) this.immediate ??= setImmediate(() => this.flush());
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs).unref();
    return true;
  }

  /** Writes every pending line now (pino calls it from logger.flush()). */
  flush(done?: (error?: Error) => void): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.pending.length > 0) {
      const chunk = this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
      this.sink.write(chunk);
    }
    done?.();
  }
}
