// The API server's audit log (harness/control-plane.ts) read incrementally: the write requests of
// one user agent, as the server saw them, so the benchmark counts the operator's writes without
// trusting the operator's own metrics.
import { open } from 'node:fs/promises';

export interface AuditEvent {
  verb: string;
  requestURI: string;
  userAgent: string;
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    apiVersion?: string;
    subresource?: string;
  };
  responseStatus?: { code?: number };
  stageTimestamp?: string;
}

/** Reads the lines appended since the last read; keeps the events of `userAgent` exactly. */
export class AuditReader {
  private offset = 0;
  private partial = '';
  readonly events: AuditEvent[] = [];

  constructor(
    private readonly file: string,
    private readonly userAgent: string,
  ) {}

  /** Reads what was appended; returns the number of matching events now held. */
  async read(): Promise<number> {
    const handle = await open(this.file, 'r');
    try {
      const chunk = Buffer.alloc(4 * 1024 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.partial + chunk.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        const needle = `"userAgent":${JSON.stringify(this.userAgent)}`;
        for (const line of lines) {
          if (!line.includes(needle)) continue;
          const event = JSON.parse(line) as AuditEvent;
          if (event.userAgent === this.userAgent) this.events.push(event);
        }
      }
    } finally {
      await handle.close();
    }
    return this.events.length;
  }

  /** Skips everything written so far (events before a measurement). */
  async skip(): Promise<void> {
    await this.read();
    this.events.length = 0;
  }
}

export const isLease = (e: AuditEvent) => e.objectRef?.resource === 'leases';
export const isEvent = (e: AuditEvent) => e.objectRef?.resource === 'events';

/** `verb resource[/subresource] code` → count, most frequent first. */
export function breakdown(events: AuditEvent[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of events) {
    const ref = e.objectRef ?? {};
    const key = `${e.verb} ${ref.resource ?? '?'}${ref.subresource ? `/${ref.subresource}` : ''} ${e.responseStatus?.code ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** Objects the writes created: a POST answered 201, or a server-side apply answered 201. */
export function creations(events: AuditEvent[]): AuditEvent[] {
  return events.filter(
    (e) =>
      (e.verb === 'create' || e.verb === 'patch') &&
      e.responseStatus?.code === 201 &&
      !e.objectRef?.subresource &&
      !isLease(e) &&
      !isEvent(e),
  );
}
